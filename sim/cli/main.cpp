// marketsim: the command line. Parses flags, calls the library, prints, returns an exit code:
// 0 done, 2 a usage or scenario error (nothing written), 1 any other failure.
#include <cmath>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "marketsim/engine.hpp"
#include "marketsim/error.hpp"
#include "marketsim/report.hpp"
#include "marketsim/scenario_file.hpp"
#include "marketsim/version.hpp"

namespace {

struct Common {
    std::string scenario;
    std::vector<std::string> sets;
};

void add_common(CLI::App& cmd, Common& c) {
    cmd.add_option("scenario", c.scenario, "Scenario file (TOML)")->required();
    cmd.add_option("--set", c.sets, "Override a value: PATH=VALUE (e.g. growth.rate=0.06); repeatable")
        ->take_all()
        ->allow_extra_args(false);
}

int run_command(const Common& c, const marketsim::RunOptions& options, const std::string& out_dir, bool ci,
                bool quiet) {
    const marketsim::Scenario scenario = marketsim::load_scenario(c.scenario, c.sets);
    const marketsim::Results results = marketsim::run(scenario, options);
    const std::filesystem::path dir = out_dir.empty() ? std::filesystem::path("out") / scenario.name : std::filesystem::path(out_dir);
    marketsim::write_files(dir, {{"bands.csv", marketsim::bands_csv(results, ci)},
                                 {"summary.json", marketsim::summary_json(scenario, results).dump(2) + "\n"}});
    if (!quiet) {
        for (const std::string& w : marketsim::run_warnings(scenario, results)) std::cerr << "warning: " << w << '\n';
        std::cout << marketsim::run_summary_text(scenario, results);
        std::cout << "wrote " << (dir / "bands.csv").string() << " and " << (dir / "summary.json").string() << '\n';
    }
    return 0;
}

int validate_command(const Common& c) {
    const marketsim::Scenario scenario = marketsim::load_scenario(c.scenario, c.sets);
    const marketsim::Model model = marketsim::compile(scenario, scenario.seed);
    std::cout << "# resolved scenario\n" << marketsim::to_toml(scenario) << '\n';
    std::cout << "# " << model.cell_count << " cells\n";
    std::vector<std::string> names;
    const std::size_t dims = scenario.dimensions.size();
    for (std::uint32_t cell = 0; cell < model.cell_count; ++cell) {
        std::string name;
        for (std::size_t d = 0; d < dims; ++d) {
            if (d) name += '/';
            name += scenario.dimensions[d].name + "=" +
                    scenario.dimensions[d].members[model.cell_member[cell * dims + d]].name;
        }
        std::cout << "#   " << (name.empty() ? "(single cell)" : name) << "  base "
                  << marketsim::format_number(model.base_value[cell]) << '\n';
    }
    const double n = model.years;
    const double total = std::pow(model.central[static_cast<std::size_t>(model.years)] / model.central[0], 1.0 / n) - 1;
    std::cout << "# central-path CAGR of the total " << scenario.base_year << "-" << scenario.horizon << ": "
              << marketsim::format_number(total) << '\n';
    for (const std::string& w : scenario.warnings) std::cout << "# warning: " << w << '\n';
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"marketsim: Monte Carlo market scenarios into confidence bands", "marketsim"};
    app.set_version_flag("--version", std::string("marketsim ") + std::string(marketsim::version()));
    app.require_subcommand(1);

    Common run_args;
    marketsim::RunOptions options;
    std::uint64_t seed = 0;
    std::string out_dir;
    bool ci = false, quiet = false;
    CLI::App* run = app.add_subcommand("run", "Simulate a scenario into bands.csv and summary.json");
    add_common(*run, run_args);
    run->add_option("--paths", options.paths, "Number of growth paths (default 100000)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000000000}));
    CLI::Option* seed_opt = run->add_option("--seed", seed, "Random seed, 0..2^63-1 (default: scenario.seed, else 1)")
                                ->check(CLI::Range(std::uint64_t{0}, (std::uint64_t{1} << 63) - 1));
    run->add_option("--threads", options.threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 4096));
    run->add_option("--out", out_dir, "Output folder (default out/<scenario name>/)");
    run->add_flag("--ci", ci, "Add 95% interval columns (<column>_lo, <column>_hi) to bands.csv");
    run->add_flag("--quiet,-q", quiet, "Print nothing but errors");

    Common validate_args;
    CLI::App* validate =
        app.add_subcommand("validate", "Check a scenario; print it resolved, its cells and its central-path CAGR");
    add_common(*validate, validate_args);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "marketsim: " << e.what() << " (see marketsim --help)\n";
        return 2;
    }
    try {
        if (*seed_opt) options.seed = seed;
        if (*run) return run_command(run_args, options, out_dir, ci, quiet);
        if (*validate) return validate_command(validate_args);
    } catch (const marketsim::InputError& e) {
        std::cerr << "marketsim: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "marketsim: error: " << e.what() << '\n';
        return 1;
    }
    return 2;
}
