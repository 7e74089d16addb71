#pragma once
/** A resolved scenario: what a scenario file (after `extends`, `[set]` and `--set`) says.
 *
 *  Produced by load_scenario() (scenario_file.hpp), already validated: every rule of
 *  MODEL.md section 7 holds. Units: values in `unit` (e.g. USD bn), rates as fractions per
 *  year (0.052 = 5.2%), years as calendar years.
 */
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace marketsim {

/** One member of a dimension (e.g. region=europe). share is normalised by the loader. */
struct Member {
    std::string name;
    double share = 0.0;   ///< > 0; the members' shares sum to 1 (within 1e-6, then divided by their sum)
    double shift = 0.0;   ///< added to the yearly growth rate of every cell with this member
    double sd_scale = 1.0;  ///< > 0; multiplies long_run_sd and annual_sd of those cells
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

/** growth.long_run: a three-point distribution of the long-run growth rate (MODEL.md section 2). */
struct LongRun {
    std::string dist;  ///< "pert", "triangular" or "uniform"
    double low = 0.0;
    double mode = 0.0;  ///< for "uniform": the midpoint
    double high = 0.0;
};

/** A what-if shock (MODEL.md section 4). */
struct Event {
    std::string name;
    double probability = 0.0;  ///< yearly firing probability in [0, 1]
    int from = 0;              ///< first year it may fire (`at` sets from = to)
    int to = 0;                ///< last year it may fire
    double impact = 0.0;       ///< added to the log-growth of matching cells in each active year
    int duration = 1;          ///< years active after firing, >= 1
    /// dimension name -> allowed members; a cell matches when each listed dimension's member is listed
    std::vector<std::pair<std::string, std::vector<std::string>>> where;
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

    std::vector<Dimension> dimensions;

    // [correlation]
    double corr_global = 0.0;
    std::map<std::string, double> corr_weight;   ///< dimension name -> weight (absent = 0)
    std::map<std::string, std::vector<std::vector<double>>> corr_matrix;  ///< dimension name -> C_d
    bool corr_repair = false;
    /// dimensions whose matrix correlation.repair replaced -> the largest entry change
    std::map<std::string, double> corr_repaired;

    std::vector<Event> events;
    std::vector<Target> targets;

    // [output]
    std::vector<double> quantiles{0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};
    double relative_accuracy = 1e-4;
    bool cells = false;

    /// every input file read (the scenario first, then its bases) with a hash of its bytes
    std::vector<std::pair<std::string, std::string>> files;
    /// dotted path (e.g. "growth.annual_sd", "region.europe.share", "event.recession.impact")
    /// -> where its value was set; used to point errors at the right place
    std::map<std::string, Origin> origins;
    std::vector<std::string> warnings;

    /** The rate in force in year y (a period's rate, else growth.rate). */
    double rate_in(int year) const;
    /** Number of cells: the product of the member counts. */
    std::size_t cell_count() const;
};

}  // namespace marketsim
