// marketsim sweep: a scenario over a grid of values on common random numbers into sweep.csv.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "marketsim/cluster.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/json.hpp"
#include "marketsim/sweep.hpp"
#include "marketsim/text.hpp"

namespace marketsim::cli {
namespace {

struct SweepArgs {
    std::string scenario;
    std::vector<std::string> sets;  ///< PATH=LO:HI:STEP (an axis) or PATH=VALUE (fixed)
    std::vector<std::string> series;  ///< default: the total
    std::vector<int> years;           ///< default: the horizon
    RunOptions options;
    std::string out;
    bool quiet = false;
};

int sweep_command(const SweepArgs& a) {
    std::vector<std::string> fixed;
    std::vector<SweepAxis> axes;
    for (const std::string& set : a.sets) {
        if (auto axis = parse_sweep_axis(set)) axes.push_back(std::move(*axis));
        else fixed.push_back(set);
    }
    const Sweep s = sweep(load_scenario(a.scenario, fixed), axes, a.options, a.series, a.years);
    const std::filesystem::path dir = output_folder(a.out, "sweep-" + s.scenario);
    write(dir, {{"sweep.csv", sweep_csv(s)}, {"summary.json", summary_json(s, axes, fixed).dump(2) + "\n"}});
    if (!a.quiet) {
        print_warnings(s.warnings);
        std::cout << sweep_summary_text(s) << "wrote " << (dir / "sweep.csv").string() << " and summary.json\n";
    }
    return 0;
}

}  // namespace

Command add_sweep(CLI::App& app, Shared& shared) {
    auto a = std::make_shared<SweepArgs>();
    CLI::App* cmd = app.add_subcommand(
        "sweep", "Run a scenario over a grid of values (--set PATH=LO:HI:STEP) on common random numbers into sweep.csv");
    add_simd(*cmd, shared);
    add_scenario(*cmd, a->scenario, a->sets,
                 "A grid axis PATH=LO:HI:STEP (HI included when reached within half a step), or a fixed PATH=VALUE; "
                 "repeatable, the first axis varies slowest");
    cmd->add_option("--series", a->series, "A series summarised (default total); repeatable")
        ->allow_extra_args(false);
    cmd->add_option("--year", a->years, "A year summarised (default the horizon); repeatable")->allow_extra_args(false);
    add_paths(*cmd, a->options.paths, "Growth paths per point (default 100000)");
    add_seed(*cmd, a->options.seed, "Random seed for every point (default: the scenario's)");
    add_threads(*cmd, a->options.threads);
    add_out(*cmd, a->out, "out/sweep-<scenario name>/");
    add_quiet(*cmd, a->quiet);
    return {cmd, [a] { return sweep_command(*a); }};
}

}  // namespace marketsim::cli
