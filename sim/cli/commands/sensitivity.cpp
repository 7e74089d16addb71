// marketsim sensitivity: which uncertain inputs drive the spread; grouped Sobol indices by year
// and a tornado table. With --settings: which setting matters, each numeric input moved alone.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/error.hpp"
#include "marketsim/html.hpp"
#include "marketsim/json.hpp"
#include "marketsim/sensitivity.hpp"
#include "marketsim/settings.hpp"
#include "marketsim/text.hpp"
#include "marketsim/xlsx.hpp"

namespace marketsim::cli {
namespace {

struct SensitivityArgs {
    std::string scenario;
    std::vector<std::string> sets;
    std::string series = "total";
    int year = 0;
    RunOptions options;
    std::string out;
    bool quiet = false, report = false;
    std::string format = "csv,json";
    bool settings = false;
    std::vector<std::string> ranges;
    bool paths_given = false;
};

/** --settings: the tornado and spider of the scenario's numeric inputs. */
int settings_command(const SensitivityArgs& a) {
    const Outputs outputs(a.format, a.report);
    std::vector<SettingRange> ranges;
    for (const std::string& r : a.ranges) ranges.push_back(parse_setting_range(r));
    const Scenario scenario = load_scenario(a.scenario, a.sets);
    RunOptions options = a.options;
    if (!a.paths_given) options.paths = kSettingsPaths;
    const SettingsSensitivity s = settings_sensitivity(scenario, ranges, options, a.series, a.year);
    const std::filesystem::path dir = output_folder(a.out, "settings-" + scenario.name);
    Files files;
    if (outputs.wants("csv")) {
        files.emplace_back("settings.csv", settings_csv(s));
        files.emplace_back("spider.csv", spider_csv(s));
    }
    if (outputs.wants("json")) files.emplace_back("summary.json", summary_json(s).dump(2) + "\n");
    if (outputs.wants("xlsx")) files.emplace_back("settings.xlsx", settings_workbook(s));
    if (outputs.wants("html")) files.emplace_back("report.html", settings_report_html(s));
    write(dir, files);
    if (!a.quiet) {
        print_warnings(s.warnings);
        std::cout << settings_text(s) << "wrote " << file_list(dir, files) << '\n';
    }
    return 0;
}

int sensitivity_command(const SensitivityArgs& a) {
    if (a.settings) return settings_command(a);
    if (!a.ranges.empty()) throw InputError("--range " + a.ranges.front() + ": --range chooses the ends of --settings; add --settings");
    const Outputs outputs(a.format, a.report);
    const Scenario scenario = load_scenario(a.scenario, a.sets);
    const Sensitivity s = sensitivity(scenario, a.options, a.series, a.year);
    const std::filesystem::path dir = output_folder(a.out, "sensitivity-" + scenario.name);
    Files files;
    if (outputs.wants("csv")) {
        files.emplace_back("sensitivity.csv", sensitivity_csv(s));
        files.emplace_back("sensitivity_by_year.csv", sensitivity_by_year_csv(s));
    }
    if (outputs.wants("json")) files.emplace_back("summary.json", summary_json(s).dump(2) + "\n");
    if (outputs.wants("xlsx")) files.emplace_back("sensitivity.xlsx", sensitivity_workbook(s));
    if (outputs.wants("html")) files.emplace_back("report.html", sensitivity_report_html(s));
    write(dir, files);
    if (!a.quiet) {
        print_warnings(s.warnings);
        std::cout << sensitivity_text(s) << "wrote " << file_list(dir, files) << '\n';
    }
    return 0;
}

}  // namespace

Command add_sensitivity(CLI::App& app, Shared& shared) {
    auto a = std::make_shared<SensitivityArgs>();
    a->options.paths = 10000;
    CLI::App* cmd = app.add_subcommand(
        "sensitivity", "Which uncertain inputs drive the spread: grouped Sobol indices by year and a tornado table");
    add_simd(*cmd, shared);
    cmd->add_option("scenario", a->scenario, "Scenario file (TOML)")->required();
    cmd->add_option("--series", a->series, "Series analysed (default total)");
    cmd->add_option("--year", a->year, "Year the table is sorted by (default: the horizon)");
    add_sets(*cmd, a->sets, "Override a value: PATH=VALUE; repeatable");
    cmd->add_flag("--settings", a->settings,
                  "Which setting matters: move each numeric input of the scenario (its --set paths) alone to a low "
                  "and a high end (default -/+20% of its value, or -/+0.01 for a rate or a value of 0, within its "
                  "valid range) on the same paths; a tornado ranked by the swing of the median and a spider table");
    cmd->add_option("--range", a->ranges,
                    "With --settings: the ends of one input, PATH=LO:HI (e.g. growth.rate=0.04:0.06); repeatable")
        ->take_all()
        ->allow_extra_args(false);
    add_paths(*cmd, a->options.paths, "Paths per sample (default 10000; with --settings 20000, the same at every point)", 2,
              100000000);
    CLI::Option* paths = cmd->get_option("--paths");
    add_seed(*cmd, a->options.seed, "Seed of sample A; with --settings, of every point (default: the scenario's)");
    add_threads(*cmd, a->options.threads);
    add_out(*cmd, a->out, "out/sensitivity-<scenario name>/; with --settings out/settings-<scenario name>/");
    add_quiet(*cmd, a->quiet);
    add_formats(*cmd, a->format, a->report,
                "Outputs, comma-separated, from csv, json, xlsx (a workbook with native charts) and html (report.html); "
                "default csv,json: csv (sensitivity.csv, sensitivity_by_year.csv; with --settings settings.csv, "
                "spider.csv), json, xlsx (sensitivity.xlsx; with --settings settings.xlsx), html (report.html)",
                "Add report.html (the tornado and the indices by year; with --settings the tornado, the spider and "
                "the table) and sensitivity.xlsx (with --settings settings.xlsx)");
    return {cmd, [a, paths] {
                a->paths_given = paths->count() > 0;
                return sensitivity_command(*a);
            }};
}

}  // namespace marketsim::cli
