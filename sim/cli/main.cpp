// marketsim: the command line. Parses flags, calls the library, prints, returns an exit code:
// 0 done, 2 a usage or scenario error (nothing written), 1 any other failure.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "marketsim/bench.hpp"
#include "marketsim/calibrate.hpp"
#include "marketsim/compare.hpp"
#include "marketsim/engine.hpp"
#include "marketsim/error.hpp"
#include "marketsim/cluster.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/report.hpp"
#include "marketsim/scenario_file.hpp"
#include "marketsim/sensitivity.hpp"
#include "marketsim/simd.hpp"
#include "marketsim/sweep.hpp"
#include "marketsim/version.hpp"
#include "html_report.hpp"
#include "workbook.hpp"

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

/** One updating line on stderr while sampling (percent, paths/s, ETA), only on a terminal. */
struct ProgressLine {
    bool shown = false;
    std::function<void(std::uint64_t, std::uint64_t, double)> callback(bool quiet) {
        if (quiet || !::isatty(STDERR_FILENO)) return {};
        return [this](std::uint64_t done, std::uint64_t total, double seconds) {
            const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
            char buf[160];
            if (total > 0 && done <= total && rate > 0)
                std::snprintf(buf, sizeof buf, "\r%5.1f%%  %llu of %llu paths  %.3g paths/s  ETA %.0f s   ",
                              100.0 * static_cast<double>(done) / static_cast<double>(total),
                              static_cast<unsigned long long>(done), static_cast<unsigned long long>(total), rate,
                              static_cast<double>(total - done) / rate);
            else
                std::snprintf(buf, sizeof buf, "\r%llu paths  %.3g paths/s   ", static_cast<unsigned long long>(done), rate);
            std::fputs(buf, stderr);
            std::fflush(stderr);
            shown = true;
        };
    }
    void clear() {
        if (shown) std::fputs("\r\033[K", stderr);
        shown = false;
    }
    ~ProgressLine() { clear(); }
};

/** The outputs --format chooses: a comma-separated subset of csv, json, xlsx, html; --report adds
 *  html and xlsx. */
class Outputs {
public:
    Outputs(const std::string& text, bool report) {
        const std::vector<std::string> known = {"csv", "json", "xlsx", "html"};
        std::stringstream ss(text);
        for (std::string item; std::getline(ss, item, ',');) {
            if (std::find(known.begin(), known.end(), item) == known.end()) {
                const std::string near = marketsim::closest_name(item, known);
                throw marketsim::InputError("--format: unknown output '" + item + "'" +
                                            (near.empty() ? std::string() : "; did you mean '" + near + "'?") +
                                            " (choose from csv, json, xlsx, html)");
            }
            add(item);
        }
        if (chosen_.empty()) throw marketsim::InputError("--format: name at least one of csv, json, xlsx, html");
        if (report) {
            add("html");
            add("xlsx");
        }
    }
    bool wants(const std::string& format) const {
        return std::find(chosen_.begin(), chosen_.end(), format) != chosen_.end();
    }

private:
    void add(const std::string& f) {
        if (!wants(f)) chosen_.push_back(f);
    }
    std::vector<std::string> chosen_;
};

const char* const format_help =
    "Outputs, comma-separated, from csv, json, xlsx (a workbook with native charts) and html (report.html); "
    "default csv,json";

/** "a/x, a/y and a/z" */
std::string file_list(const std::filesystem::path& dir, const std::vector<std::pair<std::string, std::string>>& files) {
    std::string names;
    for (std::size_t i = 0; i < files.size(); ++i)
        names += (i == 0 ? "" : i + 1 == files.size() ? " and " : ", ") + (dir / files[i].first).string();
    return names;
}

int run_command(const Common& c, marketsim::RunOptions options, const std::string& out_dir, bool ci, bool quiet,
                const std::string& format, bool report) {
    const Outputs outputs(format, report);
    const auto wants = [&](const char* f) { return outputs.wants(f); };
    const marketsim::Scenario scenario = marketsim::load_scenario(c.scenario, c.sets);
    ProgressLine line;
    options.progress = line.callback(quiet || !marketsim::cluster::root());
    const marketsim::Results results = marketsim::run(scenario, options);
    line.clear();
    const std::filesystem::path dir = out_dir.empty() ? std::filesystem::path("out") / scenario.name : std::filesystem::path(out_dir);
    std::vector<std::pair<std::string, std::string>> files;
    if (wants("csv")) files.emplace_back("bands.csv", marketsim::bands_csv(results, ci));
    if (wants("json")) files.emplace_back("summary.json", marketsim::summary_json(scenario, results).dump(2) + "\n");
    if (wants("xlsx")) files.emplace_back("bands.xlsx", marketsim::bands_workbook(scenario, results));
    if (wants("html")) files.emplace_back("report.html", marketsim::run_report_html(scenario, results));
    marketsim::write_files(dir, files);
    if (!quiet) {
        for (const std::string& w : marketsim::run_warnings(scenario, results)) std::cerr << "warning: " << w << '\n';
        std::cout << marketsim::run_summary_text(scenario, results);
        std::cout << "wrote " << file_list(dir, files) << '\n';
    }
    if (const int s = marketsim::interrupt::received()) return 128 + s;
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

struct CompareArgs {
    std::vector<std::string> scenarios;
    std::vector<std::string> sets;
    std::string out_dir;
    bool quiet = false;
    bool report = false;
    std::string format = "csv,json";
};

int compare_command(const CompareArgs& c, marketsim::RunOptions options) {
    const Outputs outputs(c.format, c.report);
    std::vector<marketsim::Scenario> scenarios;
    for (const std::string& file : c.scenarios) scenarios.push_back(marketsim::load_scenario(file, c.sets));
    ProgressLine line;
    options.progress = line.callback(c.quiet || !marketsim::cluster::root());
    const marketsim::Comparison cmp = marketsim::compare(scenarios, options);
    line.clear();
    std::string name = "compare";
    for (const marketsim::Scenario& sc : scenarios) name += "-" + sc.name;
    const std::filesystem::path dir = c.out_dir.empty() ? std::filesystem::path("out") / name : std::filesystem::path(c.out_dir);
    nlohmann::json summary;
    summary["marketsim_version"] = std::string(marketsim::version());
    summary["scenarios"] = nlohmann::json::array();
    for (const marketsim::Scenario& sc : scenarios) summary["scenarios"].push_back(sc.name);
    summary["seed"] = cmp.seed;
    summary["paths"] = cmp.paths;
    summary["threads"] = cmp.threads;
    summary["processes"] = cmp.processes;
    summary["elapsed_seconds"] = cmp.elapsed_seconds;
    summary["warnings"] = cmp.warnings;
    std::vector<std::pair<std::string, std::string>> files;
    if (outputs.wants("csv")) files.emplace_back("delta.csv", marketsim::delta_csv(scenarios, cmp));
    if (outputs.wants("json")) files.emplace_back("summary.json", summary.dump(2) + "\n");
    if (outputs.wants("xlsx")) files.emplace_back("delta.xlsx", marketsim::delta_workbook(scenarios, cmp));
    if (outputs.wants("html")) files.emplace_back("report.html", marketsim::compare_report_html(scenarios, cmp));
    std::vector<std::vector<std::pair<std::string, std::string>>> own(scenarios.size());
    for (std::size_t k = 0; k < scenarios.size(); ++k) {
        if (outputs.wants("csv")) own[k].emplace_back("bands.csv", marketsim::bands_csv(cmp.bands[k], false));
        if (outputs.wants("json"))
            own[k].emplace_back("summary.json", marketsim::summary_json(scenarios[k], cmp.bands[k]).dump(2) + "\n");
        if (outputs.wants("xlsx")) own[k].emplace_back("bands.xlsx", marketsim::bands_workbook(scenarios[k], cmp.bands[k]));
    }
    // everything is built before the first file is written
    marketsim::write_files(dir, files);
    for (std::size_t k = 0; k < scenarios.size(); ++k)
        if (!own[k].empty()) marketsim::write_files(dir / scenarios[k].name, own[k]);
    if (!c.quiet) {
        for (const std::string& w : cmp.warnings) std::cerr << "warning: " << w << '\n';
        std::cout << marketsim::compare_summary_text(scenarios, cmp);
        std::cout << "wrote " << file_list(dir, files);
        if (!own.front().empty()) std::cout << (files.empty() ? "" : "; ") << "each scenario's " << file_list("", own.front())
                                            << " under " << dir.string();
        std::cout << '\n';
    }
    return 0;
}

struct SweepArgs {
    std::string scenario;
    std::vector<std::string> sets;  ///< PATH=LO:HI:STEP (an axis) or PATH=VALUE (fixed)
    std::string series = "total";
    std::string out_dir;
    bool quiet = false;
};

int sweep_command(const SweepArgs& a, const marketsim::RunOptions& options) {
    std::vector<std::string> fixed;
    std::vector<marketsim::SweepAxis> axes;
    for (const std::string& set : a.sets) {
        if (auto axis = marketsim::parse_sweep_axis(set)) axes.push_back(std::move(*axis));
        else fixed.push_back(set);
    }
    const marketsim::Sweep s = marketsim::sweep(a.scenario, fixed, axes, options, a.series);
    const std::filesystem::path dir =
        a.out_dir.empty() ? std::filesystem::path("out") / ("sweep-" + s.scenario) : std::filesystem::path(a.out_dir);
    nlohmann::json summary;
    summary["marketsim_version"] = std::string(marketsim::version());
    summary["scenario"] = s.scenario;
    summary["axes"] = nlohmann::json::array();
    for (const marketsim::SweepAxis& ax : axes)
        summary["axes"].push_back({{"path", ax.path}, {"low", ax.lo}, {"high", ax.hi}, {"step", ax.step},
                                   {"points", ax.values.size()}});
    summary["fixed"] = fixed;
    summary["series"] = s.series;
    summary["year"] = s.year;
    summary["points"] = s.points.size();
    summary["seed"] = s.seed;
    summary["paths"] = s.paths;
    summary["threads"] = s.threads;
    summary["processes"] = marketsim::cluster::size();
    summary["simd"] = marketsim::simd::target();
    summary["elapsed_seconds"] = s.elapsed_seconds;
    summary["warnings"] = s.warnings;
    marketsim::write_files(dir, {{"sweep.csv", marketsim::sweep_csv(s)}, {"summary.json", summary.dump(2) + "\n"}});
    if (!a.quiet) {
        for (const std::string& w : s.warnings) std::cerr << "warning: " << w << '\n';
        std::cout << marketsim::sweep_summary_text(s);
        std::cout << "wrote " << (dir / "sweep.csv").string() << " and summary.json\n";
    }
    return 0;
}

struct CalibrateArgs {
    std::string scenario;
    std::vector<std::string> sets;
    std::string target;
    std::string stat = "p50";
    std::string bracket;
    std::string write;
    std::string out_dir;
    bool quiet = false;
};

/** Six significant digits, for the terminal (files keep every digit). */
std::string brief(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", x);
    return buf;
}

int calibrate_command(const CalibrateArgs& a, const marketsim::RunOptions& options,
                      marketsim::CalibrateOptions calibrate_options) {
    const marketsim::CalibrationTarget target = marketsim::parse_calibration_target(a.target);
    if (a.stat == "p50") calibrate_options.statistic = marketsim::Statistic::p50;
    else if (a.stat == "mean") calibrate_options.statistic = marketsim::Statistic::mean;
    else throw marketsim::InputError("--stat " + a.stat + ": choose p50 or mean");
    if (!a.bracket.empty()) {
        const auto axis = marketsim::parse_sweep_axis("x=" + a.bracket + ":1");
        if (!axis) throw marketsim::InputError("--bracket " + a.bracket + ": expected LO:HI, e.g. 0.03:0.08");
        calibrate_options.bracket = std::make_pair(axis->lo, axis->hi);
    }
    if (!a.write.empty() && std::filesystem::exists(a.write))
        throw marketsim::InputError("--write " + a.write + ": the file exists; choose another name or remove it first");
    const marketsim::Scenario scenario = marketsim::load_scenario(a.scenario, a.sets);
    const marketsim::Calibration c = marketsim::calibrate(a.scenario, a.sets, target, calibrate_options, options);
    const std::filesystem::path dir =
        a.out_dir.empty() ? std::filesystem::path("out") / ("calibrate-" + scenario.name) : std::filesystem::path(a.out_dir);
    nlohmann::json summary;
    summary["marketsim_version"] = std::string(marketsim::version());
    summary["scenario"] = scenario.name;
    summary["target"] = {{"series", target.series}, {"year", target.year}, {"value", target.value}, {"statistic", a.stat}};
    summary["path"] = c.path;
    summary["value"] = c.value;
    summary["value_95_half_width"] = c.value_half_width;
    summary["statistic_at_value"] = c.statistic;
    summary["statistic_95_half_width"] = c.statistic_half_width;
    summary["slope"] = c.slope;
    summary["start"] = c.start;
    summary["bracket"] = {c.lo, c.hi};
    summary["tolerance"] = calibrate_options.tolerance;
    summary["evaluations"] = c.evaluations;
    summary["seed"] = c.seed;
    summary["paths"] = c.paths;
    summary["processes"] = marketsim::cluster::size();
    summary["simd"] = marketsim::simd::target();
    summary["warnings"] = c.warnings;
    std::vector<std::pair<std::string, std::string>> files = {{"calibration.json", summary.dump(2) + "\n"}};
    marketsim::write_files(dir, files);
    if (!a.write.empty()) {
        const std::filesystem::path w(a.write);
        marketsim::write_files(w.has_parent_path() ? w.parent_path() : std::filesystem::path("."),
                               {{w.filename().string(),
                                 marketsim::calibrated_scenario_toml(a.scenario, a.write, a.sets, target, c,
                                                                     calibrate_options.statistic)}});
    }
    if (!a.quiet) {
        for (const std::string& w : c.warnings) std::cerr << "warning: " << w << '\n';
        std::cout << "calibrate " << scenario.name << ": " << c.path << " so that the " << a.stat << " of "
                  << target.series << " in " << target.year << " is " << marketsim::format_number(target.value) << '\n'
                  << "  " << c.paths << " paths per evaluation, seed " << c.seed << ", " << c.evaluations
                  << " evaluations in [" << marketsim::format_number(c.lo) << ", " << marketsim::format_number(c.hi)
                  << "], tolerance " << marketsim::format_number(calibrate_options.tolerance) << '\n'
                  << "  at the solution the " << a.stat << " is " << brief(c.statistic) << " +/- "
                  << brief(c.statistic_half_width) << " (95% Monte Carlo), so the solution is good to +/- "
                  << brief(c.value_half_width) << " (95%)\n"
                  << "wrote " << (dir / "calibration.json").string();
        if (!a.write.empty()) std::cout << " and " << a.write;
        std::cout << '\n';
    }
    std::cout << c.path << " = " << marketsim::format_number(c.value) << '\n';
    return 0;
}

struct SensitivityArgs {
    bool report = false;
    std::string format = "csv,json";
    std::string scenario;
    std::vector<std::string> sets;
    std::string series = "total";
    int year = 0;
    std::string out_dir;
    bool quiet = false;
};

int sensitivity_command(const SensitivityArgs& a, const marketsim::RunOptions& options) {
    const Outputs outputs(a.format, a.report);
    const marketsim::Scenario scenario = marketsim::load_scenario(a.scenario, a.sets);
    const marketsim::Sensitivity s = marketsim::sensitivity(scenario, options, a.series, a.year);
    const std::filesystem::path dir =
        a.out_dir.empty() ? std::filesystem::path("out") / ("sensitivity-" + scenario.name) : std::filesystem::path(a.out_dir);
    nlohmann::json summary;
    summary["marketsim_version"] = std::string(marketsim::version());
    summary["scenario"] = scenario.name;
    summary["series"] = s.series;
    summary["year"] = s.year;
    summary["p50"] = s.p50;
    summary["seed"] = s.seed;
    summary["seed_sample_b"] = s.seed_b;
    summary["paths"] = s.paths;
    summary["model_evaluations_per_path"] = s.evaluations;
    summary["threads"] = marketsim::thread_count(options.threads);
    summary["processes"] = marketsim::cluster::size();
    summary["simd"] = marketsim::simd::target();
    summary["elapsed_seconds"] = s.elapsed_seconds;
    summary["estimators"] = "first order: Saltelli (2010); total: Jansen (1999); grouped draws, pick-freeze over counter-based streams";
    summary["warnings"] = scenario.warnings;
    std::vector<std::pair<std::string, std::string>> files;
    if (outputs.wants("csv")) {
        files.emplace_back("sensitivity.csv", marketsim::sensitivity_csv(s));
        files.emplace_back("sensitivity_by_year.csv", marketsim::sensitivity_by_year_csv(s));
    }
    if (outputs.wants("json")) files.emplace_back("summary.json", summary.dump(2) + "\n");
    if (outputs.wants("xlsx")) files.emplace_back("sensitivity.xlsx", marketsim::sensitivity_workbook(s, scenario.unit));
    if (outputs.wants("html")) files.emplace_back("report.html", marketsim::sensitivity_report_html(s, scenario.unit));
    marketsim::write_files(dir, files);
    if (!a.quiet) {
        for (const std::string& w : scenario.warnings) std::cerr << "warning: " << w << '\n';
        std::cout << marketsim::sensitivity_text(s);
        std::cout << "wrote " << file_list(dir, files) << '\n';
    }
    return 0;
}

struct BenchArgs {
    std::string scenario = "scenarios/baseline.toml";
    std::vector<std::string> sets;
    std::string threads;  ///< comma-separated list
    bool threads_given = false;  ///< false: 1..all cores
    std::string json;
    marketsim::BenchOptions options;
};

int bench_command(const BenchArgs& b) {
    marketsim::BenchOptions options = b.options;
    if (b.threads_given) options.threads = marketsim::parse_thread_list(b.threads);
    const marketsim::Scenario scenario = marketsim::load_scenario(b.scenario, b.sets);
    options.progress = [](const std::string& line) { std::cerr << "bench: " << line << '\n'; };
    const marketsim::BenchReport report = marketsim::run_bench(scenario, options);
    std::cout << marketsim::bench_table(report);
    if (!b.json.empty()) {
        const std::filesystem::path file(b.json);
        const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
        marketsim::write_files(dir, {{file.filename().string(), marketsim::to_json(report).dump(2) + "\n"}});
        std::cout << "wrote " << file.string() << '\n';
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const marketsim::cluster::Session session(argc, argv);
    marketsim::interrupt::install();
    if (!marketsim::cluster::root()) {
        // under MPI, process 0 alone speaks; a failing process still reports (cluster::fail)
        std::cout.setstate(std::ios::badbit);
        std::cerr.setstate(std::ios::badbit);
    }
    CLI::App app{"marketsim: Monte Carlo market scenarios into confidence bands", "marketsim"};
    app.set_version_flag("--version", std::string("marketsim ") + std::string(marketsim::version()));
    app.require_subcommand(1);

    Common run_args;
    marketsim::RunOptions options;
    std::uint64_t seed = 0;
    std::string out_dir;
    bool ci = false, quiet = false;
    std::string simd_target;
    const std::string simd_help =
        "SIMD code path: best (default), or one of the CPU's targets (avx3, avx2, sse4, ssse3, scalar); "
        "results are identical on all of them. Default from the environment variable MARKETSIM_SIMD";
    CLI::App* run = app.add_subcommand("run", "Simulate a scenario into bands.csv and summary.json");
    run->add_option("--simd", simd_target, simd_help);
    add_common(*run, run_args);
    run->add_option("--paths", options.paths, "Number of growth paths (default 100000)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000000000}));
    CLI::Option* seed_opt = run->add_option("--seed", seed, "Random seed, 0..2^63-1 (default: scenario.seed, else 1)")
                                ->check(CLI::Range(std::uint64_t{0}, (std::uint64_t{1} << 63) - 1));
    run->add_option("--threads", options.threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 4096));
    double precision = 0.0;
    CLI::Option* precision_opt = run->add_option(
        "--precision", precision,
        "Stopping rule: add path blocks until every band's 95% interval half-width is below REL x its value");
    CLI::Option* max_paths_opt =
        run->add_option("--max-paths", options.max_paths, "With --precision: at most this many paths (default 1e8)")
            ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000000000}));
    run->add_option("--out", out_dir, "Output folder (default out/<scenario name>/)");
    run->add_flag("--ci", ci, "Add 95% interval columns (<column>_lo, <column>_hi) to bands.csv");
    run->add_flag("--quiet,-q", quiet, "Print nothing but errors");
    std::string format = "csv,json";
    run->add_option("--format", format,
                    "Outputs, comma-separated: csv (bands.csv), json (summary.json), xlsx (bands.xlsx with charts), "
                    "html (report.html); default csv,json");
    bool report = false;
    run->add_flag("--report", report, "Add report.html and bands.xlsx to the outputs");

    Common validate_args;
    CLI::App* validate =
        app.add_subcommand("validate", "Check a scenario; print it resolved, its cells and its central-path CAGR");
    add_common(*validate, validate_args);

    CompareArgs compare_args;
    marketsim::RunOptions compare_options;
    std::uint64_t compare_seed = 0;
    CLI::App* compare_cmd = app.add_subcommand(
        "compare", "Run scenarios on common random numbers; write each one's bands and delta.csv against the first");
    compare_cmd->add_option("--simd", simd_target, simd_help);
    compare_cmd->add_option("scenarios", compare_args.scenarios, "Scenario files (TOML), the first is the reference")
        ->required()
        ->expected(2, 1000);
    compare_cmd->add_option("--set", compare_args.sets, "Override a value in every scenario: PATH=VALUE; repeatable")
        ->take_all()
        ->allow_extra_args(false);
    compare_cmd->add_option("--paths", compare_options.paths, "Number of growth paths (default 100000)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000000000}));
    CLI::Option* compare_seed_opt =
        compare_cmd->add_option("--seed", compare_seed, "Random seed for every scenario (default: the first one's)")
            ->check(CLI::Range(std::uint64_t{0}, (std::uint64_t{1} << 63) - 1));
    compare_cmd->add_option("--threads", compare_options.threads, "Worker threads (default: all cores)")
        ->check(CLI::Range(1, 4096));
    compare_cmd->add_option("--out", compare_args.out_dir, "Output folder (default out/compare-<names>/)");
    compare_cmd->add_flag("--quiet,-q", compare_args.quiet, "Print nothing but errors");
    compare_cmd->add_option("--format", compare_args.format,
                            std::string(format_help) + ": csv (delta.csv, each scenario's bands.csv), json, xlsx "
                                                       "(delta.xlsx, each scenario's bands.xlsx), html (report.html)");
    compare_cmd->add_flag("--report", compare_args.report,
                          "Add report.html (the fans overlaid, the delta fans), delta.xlsx and each scenario's bands.xlsx");

    SweepArgs sweep_args;
    marketsim::RunOptions sweep_options;
    std::uint64_t sweep_seed = 0;
    CLI::App* sweep_cmd = app.add_subcommand(
        "sweep", "Run a scenario over a grid of values (--set PATH=LO:HI:STEP) on common random numbers into sweep.csv");
    sweep_cmd->add_option("--simd", simd_target, simd_help);
    sweep_cmd->add_option("scenario", sweep_args.scenario, "Scenario file (TOML)")->required();
    sweep_cmd->add_option("--set", sweep_args.sets,
                          "A grid axis PATH=LO:HI:STEP (HI included when reached within half a step), or a fixed "
                          "PATH=VALUE; repeatable, the first axis varies slowest")
        ->take_all()
        ->allow_extra_args(false);
    sweep_cmd->add_option("--series", sweep_args.series, "Series summarised at the horizon (default total)");
    sweep_cmd->add_option("--paths", sweep_options.paths, "Growth paths per point (default 100000)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000000000}));
    CLI::Option* sweep_seed_opt =
        sweep_cmd->add_option("--seed", sweep_seed, "Random seed for every point (default: the scenario's)")
            ->check(CLI::Range(std::uint64_t{0}, (std::uint64_t{1} << 63) - 1));
    sweep_cmd->add_option("--threads", sweep_options.threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 4096));
    sweep_cmd->add_option("--out", sweep_args.out_dir, "Output folder (default out/sweep-<scenario name>/)");
    sweep_cmd->add_flag("--quiet,-q", sweep_args.quiet, "Print nothing but errors");

    CalibrateArgs calibrate_args;
    marketsim::RunOptions calibrate_run;
    marketsim::CalibrateOptions calibrate_options;
    std::uint64_t calibrate_seed = 0;
    CLI::App* calibrate_cmd = app.add_subcommand(
        "calibrate", "Solve an input (default growth.rate) so that a statistic of a series in a year meets a value");
    calibrate_cmd->add_option("--simd", simd_target, simd_help);
    calibrate_cmd->add_option("scenario", calibrate_args.scenario, "Scenario file (TOML)")->required();
    calibrate_cmd->add_option("--target", calibrate_args.target, "SERIES:YEAR=VALUE, e.g. total:2030=53.8")->required();
    calibrate_cmd->add_option("--solve", calibrate_options.path, "The --set path to solve for (default growth.rate)");
    calibrate_cmd->add_option("--stat", calibrate_args.stat, "p50 (default) or mean");
    calibrate_cmd->add_option("--bracket", calibrate_args.bracket,
                              "LO:HI to search (default: the scenario's value v +/- max(0.05, |v|))");
    calibrate_cmd->add_option("--write", calibrate_args.write,
                              "Save a scenario that extends this one with the solved value in [set]");
    calibrate_cmd->add_option("--set", calibrate_args.sets, "Override a value: PATH=VALUE; repeatable")
        ->take_all()
        ->allow_extra_args(false);
    calibrate_cmd->add_option("--paths", calibrate_run.paths, "Growth paths per evaluation (default 100000)")
        ->check(CLI::Range(std::uint64_t{2}, std::uint64_t{1000000000}));
    CLI::Option* calibrate_seed_opt =
        calibrate_cmd->add_option("--seed", calibrate_seed, "Random seed for every evaluation (default: the scenario's)")
            ->check(CLI::Range(std::uint64_t{0}, (std::uint64_t{1} << 63) - 1));
    calibrate_cmd->add_option("--threads", calibrate_run.threads, "Worker threads (default: all cores)")
        ->check(CLI::Range(1, 4096));
    calibrate_cmd->add_option("--out", calibrate_args.out_dir, "Output folder (default out/calibrate-<scenario name>/)");
    calibrate_cmd->add_flag("--quiet,-q", calibrate_args.quiet, "Print only the last line, PATH = VALUE");

    SensitivityArgs sensitivity_args;
    marketsim::RunOptions sensitivity_run;
    sensitivity_run.paths = 10000;
    std::uint64_t sensitivity_seed = 0;
    CLI::App* sensitivity_cmd = app.add_subcommand(
        "sensitivity", "Which uncertain inputs drive the spread: grouped Sobol indices by year and a tornado table");
    sensitivity_cmd->add_option("--simd", simd_target, simd_help);
    sensitivity_cmd->add_option("scenario", sensitivity_args.scenario, "Scenario file (TOML)")->required();
    sensitivity_cmd->add_option("--series", sensitivity_args.series, "Series analysed (default total)");
    sensitivity_cmd->add_option("--year", sensitivity_args.year, "Year the table is sorted by (default: the horizon)");
    sensitivity_cmd->add_option("--set", sensitivity_args.sets, "Override a value: PATH=VALUE; repeatable")
        ->take_all()
        ->allow_extra_args(false);
    sensitivity_cmd->add_option("--paths", sensitivity_run.paths, "Paths per sample (default 10000)")
        ->check(CLI::Range(std::uint64_t{2}, std::uint64_t{100000000}));
    CLI::Option* sensitivity_seed_opt =
        sensitivity_cmd->add_option("--seed", sensitivity_seed, "Seed of sample A (default: the scenario's)")
            ->check(CLI::Range(std::uint64_t{0}, (std::uint64_t{1} << 63) - 1));
    sensitivity_cmd->add_option("--threads", sensitivity_run.threads, "Worker threads (default: all cores)")
        ->check(CLI::Range(1, 4096));
    sensitivity_cmd->add_option("--out", sensitivity_args.out_dir, "Output folder (default out/sensitivity-<scenario name>/)");
    sensitivity_cmd->add_flag("--quiet,-q", sensitivity_args.quiet, "Print nothing but errors");
    sensitivity_cmd->add_option("--format", sensitivity_args.format,
                                std::string(format_help) + ": csv (sensitivity.csv, sensitivity_by_year.csv), json, xlsx "
                                                           "(sensitivity.xlsx), html (report.html)");
    sensitivity_cmd->add_flag("--report", sensitivity_args.report,
                              "Add report.html (the tornado and the indices by year) and sensitivity.xlsx");

    BenchArgs bench_args;
    CLI::App* bench = app.add_subcommand(
        "bench", "Measure throughput: cell-year samples/s per thread count, peak memory, kernel rates");
    bench->add_option("--simd", simd_target, simd_help);
    bench->add_option("scenario", bench_args.scenario, "Scenario file (TOML; default scenarios/baseline.toml)");
    bench->add_option("--set", bench_args.sets, "Override a value: PATH=VALUE (e.g. growth.rate=0.06); repeatable")
        ->take_all()
        ->allow_extra_args(false);
    bench->add_option("--paths", bench_args.options.paths, "Paths per timed run (default 1000000)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000000000}));
    bench->add_option("--threads", bench_args.threads,
                      "Comma-separated thread counts, e.g. 1,2,4 (default 1,2,...,all cores)");
    bench->add_option("--repeat", bench_args.options.repeat, "Timed runs per thread count; the median is shown (default 5)")
        ->check(CLI::Range(1, 1000));
    bench->add_option("--json", bench_args.json, "Also write the report as JSON to this file");
    bench->add_option("--kernel-count", bench_args.options.kernel_count,
                      "Draws or inserts per kernel-rate loop (default 16777216)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));

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
        marketsim::simd::pin_from_environment();
        if (!simd_target.empty()) marketsim::simd::pin(simd_target);
        marketsim::cluster::agree_on_simd(!simd_target.empty() || std::getenv("MARKETSIM_SIMD") != nullptr);
        if (*seed_opt) options.seed = seed;
        if (*precision_opt) {
            if (run->count("--paths") > 0)
                throw marketsim::InputError("--paths and --precision exclude each other: --precision chooses the paths "
                                            "(bounded by --max-paths)");
            options.precision = precision;
        } else if (*max_paths_opt) {
            throw marketsim::InputError("--max-paths only applies with --precision");
        }
        if (*run) return run_command(run_args, options, out_dir, ci, quiet, format, report);
        if (*validate) return validate_command(validate_args);
        if (*compare_cmd) {
            if (*compare_seed_opt) compare_options.seed = compare_seed;
            return compare_command(compare_args, compare_options);
        }
        if (*calibrate_cmd) {
            if (*calibrate_seed_opt) calibrate_run.seed = calibrate_seed;
            return calibrate_command(calibrate_args, calibrate_run, calibrate_options);
        }
        if (*sensitivity_cmd) {
            if (*sensitivity_seed_opt) sensitivity_run.seed = sensitivity_seed;
            return sensitivity_command(sensitivity_args, sensitivity_run);
        }
        if (*sweep_cmd) {
            if (*sweep_seed_opt) sweep_options.seed = sweep_seed;
            return sweep_command(sweep_args, sweep_options);
        }
        if (*bench) {
            bench_args.threads_given = bench->count("--threads") > 0;
            return bench_command(bench_args);
        }
    } catch (const marketsim::Interrupted& e) {
        return marketsim::cluster::fail(e.what(), 128 + e.signal());
    } catch (const marketsim::InputError& e) {
        return marketsim::cluster::fail(e.what(), 2);
    } catch (const std::bad_alloc&) {
        return marketsim::cluster::fail("error: out of memory", 1);
    } catch (const std::exception& e) {
        return marketsim::cluster::fail(std::string("error: ") + e.what(), 1);
    }
    return 2;
}
