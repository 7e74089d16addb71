#pragma once
/** Solving for an input (`marketsim calibrate`): the value of a --set path at which a statistic
 *  of one series in one year meets a target.
 *
 *  Every evaluation runs the scenario with the same seed and paths (common random numbers), so
 *  the statistic is a deterministic, continuous function of the value; for a path that moves
 *  every path's value one way (growth.rate, a shift) it is monotone, and TOMS 748 (Boost.Math)
 *  brackets the root to the tolerance. The statistic is computed from the exact values of that
 *  one series-year, kept for every path (the median as the type-7 quantile of their order
 *  statistics), so the answer is not limited by the quantile summaries' relative accuracy.
 *
 *      Calibration c = calibrate(load_scenario("baseline.toml"), parse_calibration_target("total:2030=53.8"),
 *                                CalibrateOptions{}, RunOptions{});
 *      // c.value: the growth.rate at which the total's median in 2030 is 53.8
 */
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"

namespace marketsim {

struct CalibrationTarget {
    std::string series;
    int year = 0;
    double value = 0.0;
};

/** "SERIES:YEAR=VALUE", e.g. "total:2030=53.8" or "region=europe:2033=20". Throws InputError. */
CalibrationTarget parse_calibration_target(std::string_view text);

enum class Statistic { p50, mean };

struct CalibrateOptions {
    std::string path = "growth.rate";  ///< the --set path solved for
    Statistic statistic = Statistic::p50;
    /// where to look; default: the path's value in the scenario v, +/- max(0.05, |v|)
    std::optional<std::pair<double, double>> bracket;
    double tolerance = 1e-6;  ///< on the solved value
};

struct Calibration : RunFacts {
    std::string scenario;          ///< the scenario's name
    CalibrationTarget target;
    Statistic stat = Statistic::p50;  ///< the statistic solved for
    double tolerance = 0.0;
    std::string path;
    double value = 0.0;            ///< the solution
    double lo = 0.0, hi = 0.0;     ///< the bracket searched
    double start = 0.0;            ///< the path's value in the scenario
    double statistic = 0.0;        ///< the statistic at the solution
    double statistic_half_width = 0.0;  ///< its 95% Monte Carlo interval half-width
    double value_half_width = 0.0;      ///< the solution's 95% Monte Carlo half-width (through the slope)
    double slope = 0.0;            ///< d statistic / d value at the solution
    int evaluations = 0;           ///< runs of the scenario
    std::vector<std::string> warnings;
};

/** "p50" or "mean". */
const char* statistic_name(Statistic statistic);

/** "p50" -> Statistic::p50, "mean" -> Statistic::mean; InputError otherwise. */
Statistic parse_statistic(std::string_view text);

/** Solves options.path so that the statistic of target.series in target.year equals
 *  target.value, each evaluation the scenario with_sets the value. Throws InputError for an
 *  unknown path or series, a year outside the scenario, a bracket the scenario rejects, or a
 *  target no value in the bracket reaches (naming the range of the statistic over the bracket);
 *  Interrupted when stopped. */
Calibration calibrate(const Scenario& scenario, const CalibrationTarget& target, const CalibrateOptions& options,
                      const RunOptions& run_options);

/** A scenario file that extends the calibrated scenario's file (a path relative to the folder of
 *  `out_file`) and sets the scenario's own --set values, then the solved value. */
std::string calibrated_scenario_toml(const Scenario& scenario, const std::string& out_file, const Calibration& calibration);

}  // namespace marketsim
