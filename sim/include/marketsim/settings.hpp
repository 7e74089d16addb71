#pragma once
/** Which setting matters (`marketsim sensitivity --settings`): a one-way tornado and a spider table
 *  over the scenario's numeric inputs.
 *
 *  Every numeric input of the resolved scenario (numeric_inputs: its --set paths) but the targets'
 *  values is moved alone to a low and a high value while every other input keeps its value. The
 *  default ends are the value -/+20% of |value|, or -/+0.01 (one point) when the value is 0 or the
 *  input is a rate (growth.rate, a period's rate, a three-point long-run point, a member's or an
 *  adjustment's shift or a point of its year table); growth.annual_tails is rounded to a whole
 *  number. An end beyond the input's valid range stops at a closed bound (a probability at 1, a
 *  correlation weight where the weights sum to 1) or halfway between the value and an open one (a
 *  share below 1, annual_persistence below 1); a three-point point stays between its neighbours.
 *  A member's share moves with its siblings rescaled in proportion, so that the row sums to 1.
 *
 *  Every evaluation samples the same paths with the same seed (common random numbers), and keeps
 *  each path's value of the chosen series-year (and of each target's), so the median is the exact
 *  type-7 quantile of the paths, not a summary's estimate. Rows are ranked by swing,
 *  |median(high) - median(low)|.
 *
 *      const Scenario sc = load_scenario("scenarios/baseline.toml");
 *      RunOptions options;
 *      options.paths = kSettingsPaths;
 *      SettingsSensitivity s = settings_sensitivity(sc, {parse_setting_range("growth.rate=0.04:0.06")}, options);
 *      s.rows.front().path;  // the setting that moves the median most
 */
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"

namespace marketsim {

/** The default paths of `sensitivity --settings`: each input costs four evaluations (its ends and
 *  the spider's two midpoints). */
inline constexpr std::uint64_t kSettingsPaths = 20000;

/** A chosen range for one input: `--range PATH=LO:HI`. */
struct SettingRange {
    std::string path;
    double lo = 0.0, hi = 0.0;
};

/** "PATH=LO:HI" as a range. Throws InputError naming --range for another form, a bound that is not
 *  a number, or LO > HI. Whether PATH is an input and LO, HI are valid for it is checked by
 *  settings_sensitivity. */
SettingRange parse_setting_range(std::string_view text);

/** The chosen series-year and each target's probability with the scenario at one point. */
struct SettingPoint {
    double value = 0.0;  ///< the input's value
    double p50 = 0.0;    ///< the median of the chosen series in the chosen year
    double mean = 0.0;
    std::vector<double> target_probability;  ///< each target's: the share of paths at or above its value
};

struct SettingRow {
    std::string path;      ///< the input's --set path
    double value = 0.0;    ///< its value in the scenario
    std::string range;     ///< how the ends were chosen: "relative" (-/+20%), "absolute" (-/+0.01) or "given" (--range)
    bool clamped = false;  ///< a default end was moved into the input's valid range
    SettingPoint low, high;
    /// the spider: low, halfway to low, the value, halfway to high, high
    std::array<SettingPoint, 5> spider;
    double swing() const;  ///< |high.p50 - low.p50|
};

struct SettingsSensitivity : RunFacts {
    std::string scenario;
    std::string unit;
    std::string series;
    int base_year = 0;
    int year = 0;                ///< the year reported (default the horizon)
    SettingPoint base;           ///< the scenario as it is
    std::vector<Target> targets;
    std::vector<SettingRow> rows;  ///< largest swing first (ties: numeric_inputs order)
    int evaluations = 0;           ///< scenario evaluations, each of `paths` paths
    std::vector<std::string> warnings;  ///< the scenario's
};

/** The tornado and spider of every numeric input of `scenario` (the targets' values apart) for
 *  `series` in `year` (0: the horizon), `ranges` replacing the default ends of their inputs. The
 *  seed is options.seed, else the scenario's. Throws InputError, before sampling anything, for an
 *  unknown series, a year outside base_year + 1 .. horizon, a range for a path that is not an
 *  input (naming the closest), given twice, or outside the input's valid range, and an end the
 *  scenario rejects; Interrupted when stopped. */
SettingsSensitivity settings_sensitivity(const Scenario& scenario, const std::vector<SettingRange>& ranges,
                                         const RunOptions& options, const std::string& series = "total", int year = 0);

}  // namespace marketsim
