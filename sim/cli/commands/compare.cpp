// marketsim compare: scenarios on common random numbers; each one's bands and delta.csv against
// the first.
#include <charconv>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "marketsim/compare.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/html.hpp"
#include "marketsim/json.hpp"
#include "marketsim/text.hpp"
#include "marketsim/xlsx.hpp"

namespace marketsim::cli {
namespace {

struct CompareArgs {
    std::vector<std::string> scenarios;
    std::vector<std::string> sets;
    RunOptions options;
    std::string out;
    bool quiet = false, report = false;
    std::string format = "csv,json";
    std::size_t top = 10;
};

int compare_command(const CompareArgs& a) {
    const Outputs outputs(a.format, a.report);
    std::vector<Scenario> scenarios;
    for (const std::string& file : a.scenarios) scenarios.push_back(load_scenario(file, a.sets));
    RunOptions options = a.options;
    ProgressLine line;
    options.progress = line.callback(a.quiet);
    const Comparison cmp = compare(scenarios, options);
    line.clear();
    std::string name = "compare";
    for (const Scenario& sc : scenarios) name += "-" + sc.name;
    const std::filesystem::path dir = output_folder(a.out, name);
    Files files;
    if (outputs.wants("csv")) files.emplace_back("delta.csv", delta_csv(cmp));
    if (outputs.wants("json")) files.emplace_back("summary.json", summary_json(cmp).dump(2) + "\n");
    if (outputs.wants("xlsx")) files.emplace_back("delta.xlsx", delta_workbook(cmp, a.top));
    if (outputs.wants("html")) files.emplace_back("report.html", compare_report_html(cmp, a.top));
    std::vector<Files> own(scenarios.size());
    for (std::size_t k = 0; k < scenarios.size(); ++k) {
        if (outputs.wants("csv")) own[k].emplace_back("bands.csv", bands_csv(cmp.bands[k], false));
        if (outputs.wants("json")) own[k].emplace_back("summary.json", summary_json(scenarios[k], cmp.bands[k]).dump(2) + "\n");
        if (outputs.wants("xlsx")) own[k].emplace_back("bands.xlsx", bands_workbook(scenarios[k], cmp.bands[k]));
    }
    // everything is built before the first file is written
    write(dir, files);
    for (std::size_t k = 0; k < scenarios.size(); ++k)
        if (!own[k].empty()) write(dir / scenarios[k].name, own[k]);
    if (!a.quiet) {
        print_warnings(cmp.warnings);
        std::cout << compare_summary_text(cmp, a.top) << "wrote " << file_list(dir, files);
        if (!own.front().empty())
            std::cout << (files.empty() ? "" : "; ") << "each scenario's " << file_list("", own.front()) << " under "
                      << dir.string();
        std::cout << '\n';
    }
    return 0;
}

}  // namespace

Command add_compare(CLI::App& app, Shared& shared) {
    auto a = std::make_shared<CompareArgs>();
    CLI::App* cmd = app.add_subcommand(
        "compare", "Run scenarios on common random numbers; write each one's bands and delta.csv against the first");
    add_simd(*cmd, shared);
    cmd->add_option("scenarios", a->scenarios, "Scenario files (TOML), the first is the reference")
        ->required()
        ->expected(2, 1000);
    add_sets(*cmd, a->sets, "Override a value in every scenario: PATH=VALUE; repeatable");
    add_paths(*cmd, a->options.paths, "Number of growth paths (default 100000)");
    add_seed(*cmd, a->options.seed, "Random seed for every scenario (default: the first one's)");
    add_threads(*cmd, a->options.threads);
    cmd->add_option("--top", a->top,
                    "How many series the tables of what moved most show, for each what-if (default 10)")
        ->check(CLI::Validator(
            [](std::string& text) -> std::string {
                std::size_t n = 0;
                const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
                if (error != std::errc() || end != text.data() + text.size() || n == 0)
                    return "Value " + text + " is not a whole number of 1 or more";
                return {};
            },
            "N"));
    add_out(*cmd, a->out, "out/compare-<names>/");
    add_quiet(*cmd, a->quiet);
    add_formats(*cmd, a->format, a->report,
                "Outputs, comma-separated, from csv, json, xlsx (a workbook with native charts) and html (report.html); "
                "default csv,json: csv (delta.csv, each scenario's bands.csv), json, xlsx (delta.xlsx, each scenario's "
                "bands.xlsx), html (report.html)",
                "Add report.html (the fans overlaid, what moved most, the delta fans), delta.xlsx and each scenario's bands.xlsx");
    return {cmd, [a] { return compare_command(*a); }};
}

}  // namespace marketsim::cli
