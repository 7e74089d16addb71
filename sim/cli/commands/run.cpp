// marketsim run: a scenario into bands.csv and summary.json (and bands.xlsx, report.html).
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/error.hpp"
#include "marketsim/html.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/json.hpp"
#include "marketsim/text.hpp"
#include "marketsim/xlsx.hpp"

namespace marketsim::cli {
namespace {

struct RunArgs {
    std::string scenario;
    std::vector<std::string> sets;
    RunOptions options;
    double precision = 0.0;
    std::string out;
    bool ci = false, quiet = false, report = false;
    std::string format = "csv,json";
};

int run_command(const RunArgs& a, const CLI::App& cmd) {
    RunOptions options = a.options;
    if (cmd.count("--precision") > 0) {
        if (cmd.count("--paths") > 0)
            throw InputError("--paths and --precision exclude each other: --precision chooses the paths (bounded by --max-paths)");
        options.precision = a.precision;
    } else if (cmd.count("--max-paths") > 0) {
        throw InputError("--max-paths only applies with --precision");
    }
    const Outputs outputs(a.format, a.report);
    const Scenario scenario = load_scenario(a.scenario, a.sets);
    ProgressLine line;
    options.progress = line.callback(a.quiet);
    const Results results = run(scenario, options);
    line.clear();
    const std::filesystem::path dir = output_folder(a.out, scenario.name);
    Files files;
    if (outputs.wants("csv")) files.emplace_back("bands.csv", bands_csv(results, a.ci));
    if (outputs.wants("json")) files.emplace_back("summary.json", summary_json(scenario, results).dump(2) + "\n");
    if (outputs.wants("xlsx")) files.emplace_back("bands.xlsx", bands_workbook(scenario, results));
    if (outputs.wants("html")) files.emplace_back("report.html", run_report_html(scenario, results));
    write(dir, files);
    if (!a.quiet) {
        print_warnings(results.warnings);
        std::cout << run_summary_text(results) << "wrote " << file_list(dir, files) << '\n';
    }
    // a signal that came after the last block still ends the command as interrupted
    if (const int signal = interrupt::received()) return 128 + signal;
    return 0;
}

}  // namespace

Command add_run(CLI::App& app, Shared& shared) {
    auto a = std::make_shared<RunArgs>();
    CLI::App* cmd = app.add_subcommand("run", "Simulate a scenario into bands.csv and summary.json");
    add_simd(*cmd, shared);
    add_scenario(*cmd, a->scenario, a->sets);
    add_paths(*cmd, a->options.paths, "Number of growth paths (default 100000)");
    add_seed(*cmd, a->options.seed, "Random seed, 0..2^63-1 (default: scenario.seed, else 1)");
    add_threads(*cmd, a->options.threads);
    cmd->add_option("--precision", a->precision,
                    "Stopping rule: add path blocks until every band's 95% interval half-width is below REL x its value");
    cmd->add_option("--max-paths", a->options.max_paths, "With --precision: at most this many paths (default 1e8)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000000000}));
    add_out(*cmd, a->out, "out/<scenario name>/");
    cmd->add_flag("--ci", a->ci, "Add 95% interval columns (<column>_lo, <column>_hi) to bands.csv");
    add_quiet(*cmd, a->quiet);
    add_formats(*cmd, a->format, a->report,
                "Outputs, comma-separated: csv (bands.csv), json (summary.json), xlsx (bands.xlsx with charts), "
                "html (report.html); default csv,json",
                "Add report.html and bands.xlsx to the outputs");
    return {cmd, [a, cmd] { return run_command(*a, *cmd); }};
}

}  // namespace marketsim::cli
