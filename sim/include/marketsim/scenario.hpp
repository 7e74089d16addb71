#pragma once
/** Scenarios: a resolved scenario as a value, and reading one from its TOML file.
 *
 *  load_scenario() reads a file, resolves `extends` (base first), `[set]` and the command line's
 *  `--set` values, and validates the result: every rule of docs/scenario-format.md holds for a
 *  Scenario it returns. Units: values in `unit` (e.g. USD bn), rates as fractions per year
 *  (0.052 = 5.2%), years as calendar years.
 *
 *  Every problem throws InputError with one line naming the file, line and column (or the
 *  command line for --set), the key or path, the bad value and, for unknown names, the closest
 *  valid one: `baseline.toml:12:1: unknown key 'anual_sd' in [growth]; did you mean 'annual_sd'?`
 *
 *      Scenario base = load_scenario("scenarios/baseline.toml");
 *      Scenario fast = with_sets(base, {"growth.rate=0.06", "region.asia_pacific.shift=0.03"});
 */
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace marketsim {

inline constexpr std::size_t kMaxDimensions = 8;      ///< dimensions of a scenario, at most
inline constexpr std::uint64_t kMaxCells = 100000;    ///< cells (the product of the member counts), at most
inline constexpr int kMaxYears = 200;                 ///< horizon - base_year, at most
inline constexpr int kMinAnnualTails = 3;             ///< growth.annual_tails (degrees of freedom), at least
inline constexpr int kMaxAnnualTails = 60;            ///< growth.annual_tails, at most
inline constexpr std::size_t kMaxFileBytes = std::size_t{16} << 20;  ///< a scenario file's size, at most

/** A shift that changes over time: (year, value) pairs sorted by year, linear between listed
 *  years and constant before the first and after the last (docs/model.md, "Shifts that change
 *  over time"). Empty: the shift is a plain number. */
using YearTable = std::vector<std::pair<int, double>>;

/** The shift in `year`: `constant` when `table` is empty, else the table's interpolated value. */
double shift_in(double constant, const YearTable& table, int year);

/** One member of a dimension (e.g. region=europe). share is normalised by the loader. */
struct Member {
    std::string name;
    double share = 0.0;   ///< > 0; the members' shares sum to 1 (within 1e-6, then divided by their sum)
    double shift = 0.0;   ///< added to the yearly growth rate of every cell with this member
    double sd_scale = 1.0;  ///< > 0; multiplies long_run_sd and annual_sd of those cells
    YearTable shift_table;  ///< when not empty, the shift year by year (`shift` is then 0 and unused)

    /** This member's shift in `year`. */
    double shift_at(int year) const { return shift_in(shift, shift_table, year); }
};

struct Dimension {
    std::string name;
    std::vector<Member> members;
};

/** growth.period: years from..to (inclusive) grow at `rate` instead of growth.rate. */
struct Period {
    int from = 0;
    int to = 0;
    double rate = 0.0;
};

/** growth.long_run: a three-point distribution of the long-run growth rate (docs/model.md, "Three-point long-run growth");
 *  also an event's uncertain impact (Event::impact_range). */
struct LongRun {
    std::string dist;  ///< "pert", "triangular" or "uniform"
    double low = 0.0;
    double mode = 0.0;  ///< for "uniform": the midpoint
    double high = 0.0;
};

/** A what-if shock (docs/model.md, "Events"). */
struct Event {
    std::string name;
    double probability = 0.0;  ///< yearly firing probability in [0, 1]
    int from = 0;              ///< first year it may fire (`at` sets from = to)
    int to = 0;                ///< last year it may fire
    double impact = 0.0;       ///< added to the log-growth of matching cells in each active year
    int duration = 1;          ///< years active after firing, >= 1
    /// dimension name -> allowed members; a cell matches when each listed dimension's member is listed
    std::vector<std::pair<std::string, std::vector<std::string>>> where;
    /// an uncertain impact (docs/model.md, "Uncertain event impacts"): its three-point
    /// distribution; `impact` then holds its mode (uniform: the midpoint), the central path's value
    std::optional<LongRun> impact_range;
    /// at most one firing: `probability` is the chance that it fires at all within its years
    bool once = false;
};

/** An adjustment of the cells a filter selects, e.g. video in Asia-Pacific (docs/model.md,
 *  "Adjustments of intersections"). Adjustments add (shift) or multiply (sd_scale, share) in
 *  file order. */
struct Adjustment {
    std::string name;
    /// dimension name -> allowed members, as Event::where; required, at least one dimension
    std::vector<std::pair<std::string, std::vector<std::string>>> where;
    double shift = 0.0;      ///< added to mu of matching cells
    YearTable shift_table;   ///< when not empty, the shift year by year (`shift` is then 0 and unused)
    double sd_scale = 1.0;   ///< > 0; multiplies sL and sA of matching cells
    double share = 1.0;      ///< > 0; multiplies the base value of matching cells, then all cells are rescaled

    /** This adjustment's shift in `year`. */
    double shift_at(int year) const { return shift_in(shift, shift_table, year); }
};

/** [shares.<dimension>.<given>]: the shares of `dimension`'s members within some members of an
 *  earlier dimension `given` (docs/model.md, "Segment mix that differs by region"). */
struct ConditionalShares {
    std::string dimension;
    std::string given;
    /// a member of `given` -> the shares of `dimension`'s members within it, in member order
    /// (> 0, summing to 1 within 1e-6, then divided by their sum); in `given`'s member order
    std::vector<std::pair<std::string, std::vector<double>>> rows;
};

/** A value a series should reach or exceed in a year; summary.json reports P(series >= value). */
struct Target {
    std::string series;  ///< "total", "dimension=member" or a cell name
    int year = 0;
    double value = 0.0;
};

/** Where a value came from, for error messages: "file:line:col" or "command line (--set ...)". */
struct Origin {
    std::string file;  ///< path as given, or "command line"
    int line = 0;      ///< 1-based; 0 when unknown (command line)
    int column = 0;
    std::string text;  ///< for the command line: the --set argument
    std::string str() const;  ///< "file:line:col" / "command line: --set X=Y"
};

/** What a scenario was resolved from, so that it can be resolved again with more --set values. */
struct ScenarioSource {
    std::string file;               ///< the scenario file as given (messages; `extends` is relative to its folder)
    std::string text;               ///< its text as read
    std::vector<std::string> sets;  ///< the --set arguments applied after the file, in order
};

struct Scenario {
    // [scenario]
    std::string name;
    std::string unit;
    int base_year = 0;
    int horizon = 0;
    double base_value = 0.0;
    std::uint64_t seed = 1;  ///< 0 .. 2^63-1; --seed overrides

    // [growth]
    double rate = 0.0;
    double long_run_sd = 0.0;
    double annual_sd = 0.0;
    std::optional<LongRun> long_run;  ///< when set, replaces long_run_sd
    std::vector<Period> periods;      ///< sorted by `from`, non-overlapping, inside base_year+1..horizon
    /// phi in [0, 1): the annual noise is AR(1) with this persistence (docs/model.md, "Momentum in the annual noise")
    double annual_persistence = 0.0;
    /// nu in 3..60: Student-t years with nu degrees of freedom (docs/model.md, "Fat-tailed years"); none: normal years
    std::optional<int> annual_tails;

    std::vector<Dimension> dimensions;
    /// conditional share tables, at most one per dimension, in dimension order
    std::vector<ConditionalShares> conditional_shares;

    // [correlation]
    double corr_global = 0.0;
    std::map<std::string, double> corr_weight;   ///< dimension name -> weight (absent = 0)
    std::map<std::string, std::vector<std::vector<double>>> corr_matrix;  ///< dimension name -> C_d
    bool corr_repair = false;
    /// dimensions whose matrix correlation.repair replaced -> the largest entry change
    std::map<std::string, double> corr_repaired;

    std::vector<Event> events;
    std::vector<Adjustment> adjustments;  ///< [[adjust]], in file order (a base's first)
    std::vector<Target> targets;

    // [output]
    std::vector<double> quantiles{0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};
    double relative_accuracy = 1e-4;
    bool cells = false;
    bool share_series = false;  ///< output.shares: each member's (and with cells each cell's) share of the total

    /// every input file read (the scenario first, then its bases) with a hash of its bytes
    std::vector<std::pair<std::string, std::string>> files;
    /// dotted path (e.g. "growth.annual_sd", "region.europe.share", "event.recession.impact")
    /// -> where its value was set; used to point errors at the right place
    std::map<std::string, Origin> origins;
    std::vector<std::string> warnings;
    ScenarioSource source;

    /** The rate in force in year y (a period's rate, else growth.rate). */
    double rate_in(int year) const;
    /** Number of cells: the product of the member counts. */
    std::size_t cell_count() const;
};

/** Load, resolve and validate `file`; then apply each "PATH=VALUE" of `sets` in order. */
Scenario load_scenario(const std::filesystem::path& file, const std::vector<std::string>& sets = {});

/** As load_scenario, from text; `file_name` is used in messages and to resolve `extends`
 *  relative to its folder. */
Scenario parse_scenario(std::string_view toml_text, const std::filesystem::path& file_name,
                        const std::vector<std::string>& sets = {});

/** The scenario resolved again from its source with `sets` applied after its own: a what-if in
 *  memory. The same as load_scenario(file, sets given before + sets) while the files are unchanged. */
Scenario with_sets(const Scenario& scenario, const std::vector<std::string>& sets);

/** The resolved scenario as JSON (summary.json's "scenario"). */
nlohmann::json to_json(const Scenario& scenario);

/** The resolved scenario as a TOML file that loads back to the same Scenario. */
std::string to_toml(const Scenario& scenario);

/** The series a run of the scenario reports, in output order: `total`, every member as
 *  `dimension=member`, then with output.shares every member's share of the total
 *  (`share:dimension=member`), then with `cells` every cell (`region=europe/type=video`) and, with
 *  output.shares, every cell's share (`share:region=europe/type=video`); a scenario without
 *  dimensions has `total` only. */
std::vector<std::string> series_names(const Scenario& scenario, bool cells);

/** Whether a series is a share of the total (`share:...`, output.shares): a fraction, not the unit. */
inline bool is_share_series(std::string_view series) { return series.substr(0, 6) == "share:"; }

/** A numeric value of a resolved scenario that --set can change, named by its path. */
struct NumericInput {
    std::string path;  ///< e.g. "growth.rate", "region.europe.share", "event.recession.probability"
    double value = 0.0;
};

/** Every numeric input, in file order: scenario.base_value, growth (rate, long_run_sd or the
 *  long_run points, annual_sd, annual_persistence, annual_tails when given, periods' rates), each
 *  member's share, shift (or each year of its shift table, `dimension.member.shift.YEAR`) and
 *  sd_scale, the correlation weights, each event's probability and impact (an uncertain impact:
 *  its points, event.NAME.impact.low/mode/high; uniform: low and high), each target's value, then
 *  each adjustment's shift (or each year of its table), sd_scale and share. */
std::vector<NumericInput> numeric_inputs(const Scenario& scenario);

/** The value at a numeric --set path (one of numeric_inputs), or nullopt. */
std::optional<double> numeric_value(const Scenario& scenario, std::string_view path);

}  // namespace marketsim
