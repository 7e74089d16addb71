// marketsim calibrate: solve an input so that a statistic of one series-year meets a value.
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "marketsim/calibrate.hpp"
#include "marketsim/error.hpp"
#include "marketsim/json.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/text.hpp"

namespace marketsim::cli {
namespace {

struct CalibrateArgs {
    std::string scenario;
    std::vector<std::string> sets;
    std::string target;
    std::string stat = "p50";
    bool stat_given = false;
    std::optional<double> probability;
    std::string bracket;
    std::string write;
    RunOptions options;
    CalibrateOptions calibrate;
    std::string out;
    bool quiet = false;
};

/** --bracket LO:HI */
std::pair<double, double> parse_bracket(const std::string& text) {
    const std::size_t colon = text.find(':');
    const auto lo = parse_number(text.substr(0, colon == std::string::npos ? 0 : colon));
    const auto hi = colon == std::string::npos ? std::nullopt : parse_number(text.substr(colon + 1));
    if (!lo || !hi) throw InputError("--bracket " + text + ": expected LO:HI, e.g. 0.03:0.08");
    return {*lo, *hi};
}

int calibrate_command(const CalibrateArgs& a) {
    const CalibrationTarget target = parse_calibration_target(a.target);
    CalibrateOptions options = a.calibrate;
    options.statistic = parse_statistic(a.stat);
    options.probability = a.probability;
    if (a.probability && a.stat_given)
        throw InputError("--stat " + a.stat + " and --probability " + format_number(*a.probability) +
                         ": a probability target solves for a share of paths, not a statistic; give one of them");
    if (!a.bracket.empty()) options.bracket = parse_bracket(a.bracket);
    if (!a.write.empty() && std::filesystem::exists(a.write))
        throw InputError("--write " + a.write + ": the file exists; choose another name or remove it first");
    const Scenario scenario = load_scenario(a.scenario, a.sets);
    const Calibration c = calibrate(scenario, target, options, a.options);
    const std::filesystem::path dir = output_folder(a.out, "calibrate-" + scenario.name);
    write(dir, {{"calibration.json", calibration_json(c).dump(2) + "\n"}});
    if (!a.write.empty()) {
        const std::filesystem::path w(a.write);
        write(w.has_parent_path() ? w.parent_path() : std::filesystem::path("."),
              {{w.filename().string(), calibrated_scenario_toml(scenario, a.write, c)}});
    }
    if (!a.quiet) {
        print_warnings(c.warnings);
        std::cout << calibration_text(c) << "wrote " << (dir / "calibration.json").string();
        if (!a.write.empty()) std::cout << " and " << a.write;
        std::cout << '\n';
    }
    std::cout << c.path << " = " << format_number(c.value) << '\n';
    return 0;
}

}  // namespace

Command add_calibrate(CLI::App& app, Shared& shared) {
    auto a = std::make_shared<CalibrateArgs>();
    CLI::App* cmd = app.add_subcommand(
        "calibrate", "Solve an input (default growth.rate) so that a statistic of a series in a year meets a value, "
                     "or the series reaches a level on a share of the paths (--probability)");
    add_simd(*cmd, shared);
    cmd->add_option("scenario", a->scenario, "Scenario file (TOML)")->required();
    cmd->add_option("--target", a->target,
                    "SERIES:YEAR=VALUE (a statistic, e.g. total:2030=53.8) or SERIES:YEAR>=VALUE (a level reached on "
                    "the share of paths --probability gives, e.g. 'total:2030>=53.8', quoted for the shell)")
        ->required();
    cmd->add_option("--solve", a->calibrate.path, "The --set path to solve for (default growth.rate)");
    cmd->add_option_function<std::string>(
        "--stat", [a](const std::string& s) { a->stat = s, a->stat_given = true; },
        "The statistic for SERIES:YEAR=VALUE: mean or a quantile pNN, 0 < NN < 100 (default p50, the median)");
    cmd->add_option_function<double>(
           "--probability", [a](const double& p) { a->probability = p; },
           "With --target SERIES:YEAR>=VALUE: the share of paths, above 0 and below 1, that must reach it (e.g. 0.8)")
        ->type_name("P");
    cmd->add_option("--bracket", a->bracket, "LO:HI to search, inside the input's valid range (default: the scenario's value v +/- max(0.05, |v|), kept inside it)");
    cmd->add_option("--write", a->write, "Save a scenario that extends this one with the solved value in [set]");
    add_sets(*cmd, a->sets, "Override a value: PATH=VALUE; repeatable");
    add_paths(*cmd, a->options.paths, "Growth paths per evaluation (default 100000)", 2, 1000000000);
    add_seed(*cmd, a->options.seed, "Random seed for every evaluation (default: the scenario's)");
    add_threads(*cmd, a->options.threads);
    add_out(*cmd, a->out, "out/calibrate-<scenario name>/");
    add_quiet(*cmd, a->quiet, "Print only the last line, PATH = VALUE");
    return {cmd, [a] { return calibrate_command(*a); }};
}

}  // namespace marketsim::cli
