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
 *
 *  A probability target instead counts the paths at or above a level (exactly, over every path):
 *
 *      CalibrateOptions o;
 *      o.probability = 0.8;
 *      Calibration p = calibrate(load_scenario("baseline.toml"), parse_calibration_target("total:2030>=53.8"),
 *                                o, RunOptions{});
 *      // p.value: the growth.rate at which the total reaches 53.8 in 2030 on 80% of the paths
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
    /// SERIES:YEAR>=VALUE: the value is a level to reach on a share of the paths (--probability),
    /// not a statistic to meet
    bool at_least = false;
};

/** "SERIES:YEAR=VALUE", e.g. "total:2030=53.8" or "region=europe:2033=20", or
 *  "SERIES:YEAR>=VALUE" (a level reached on a share of the paths). Throws InputError. */
CalibrationTarget parse_calibration_target(std::string_view text);

/** What is solved for: the mean, or a quantile of the values over the paths. */
struct Statistic {
    bool mean = false;
    double quantile = 0.5;  ///< in (0, 1); the median by default
};

struct CalibrateOptions {
    std::string path = "growth.rate";  ///< the --set path solved for
    Statistic statistic;               ///< for a target SERIES:YEAR=VALUE
    /// for a target SERIES:YEAR>=VALUE: the share of paths, in (0, 1), on which it is to be met
    std::optional<double> probability;
    /// where to look, inside the input's valid range; default: the path's value in the scenario
    /// v, +/- max(0.05, |v|), stopped at a closed bound, a hundredth short of an open one
    std::optional<std::pair<double, double>> bracket;
    double tolerance = 1e-6;  ///< on the solved value
};

struct Calibration : RunFacts {
    std::string scenario;          ///< the scenario's name
    CalibrationTarget target;
    Statistic stat;                ///< the statistic solved for (a target SERIES:YEAR=VALUE)
    std::optional<double> probability;  ///< the share of paths solved for (a target SERIES:YEAR>=VALUE)
    double tolerance = 0.0;
    std::string path;
    double value = 0.0;            ///< the solution
    double lo = 0.0, hi = 0.0;     ///< the bracket searched
    double start = 0.0;            ///< the path's value in the scenario
    /// at the solution: the statistic, or the share of paths meeting the target
    double statistic = 0.0;
    double statistic_half_width = 0.0;  ///< its 95% Monte Carlo interval half-width
    double value_half_width = 0.0;      ///< the solution's 95% Monte Carlo half-width
    double slope = 0.0;            ///< d statistic / d value at the solution
    /// a probability target: the paths that must meet it (the least count with count / paths >=
    /// probability), the paths meeting it at the solution, and the values where the share met
    /// crosses probability -/+ 1.96 sqrt(probability (1 - probability) / paths)
    std::uint64_t required = 0, count = 0;
    double value_low = 0.0, value_high = 0.0;
    int evaluations = 0;           ///< runs of the scenario
    std::vector<std::string> warnings;
};

/** "mean", or the quantile's column name: "p50", "p20", "p2.5". */
std::string statistic_name(const Statistic& statistic);

/** "mean" or pNN, a quantile in percent above 0 and below 100 ("p50", "p20", "p2.5"); InputError
 *  naming --stat otherwise. */
Statistic parse_statistic(std::string_view text);

/** Solves options.path so that the statistic of target.series in target.year equals
 *  target.value, each evaluation the scenario with_sets the value. With options.probability and a
 *  target SERIES:YEAR>=VALUE, solves instead so that the series is at or above the value in that
 *  share of the paths: the count of such paths is a step function of the value, so the solution
 *  is found by bisection on it, to options.tolerance, at the end of the last interval where the
 *  target is met; its half-width is half the distance between the values where the share met
 *  crosses probability -/+ its 95% binomial error. Throws InputError for an unknown path or
 *  series, a year outside the scenario, a bracket the scenario rejects, a probability outside
 *  (0, 1), a probability without a target SERIES:YEAR>=VALUE or the reverse, or a target no value
 *  in the bracket reaches (naming the range over the bracket); Interrupted when stopped. */
Calibration calibrate(const Scenario& scenario, const CalibrationTarget& target, const CalibrateOptions& options,
                      const RunOptions& run_options);

/** A scenario file that extends the calibrated scenario's file (a path relative to the folder of
 *  `out_file`) and sets the scenario's own --set values, then the solved value. */
std::string calibrated_scenario_toml(const Scenario& scenario, const std::string& out_file, const Calibration& calibration);

}  // namespace marketsim
