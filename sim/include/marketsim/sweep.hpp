#pragma once
/** A grid of what-ifs on common random numbers (`marketsim sweep`).
 *
 *  Each axis is a `--set` path and a range LO:HI:STEP; the grid is every combination (the first
 *  axis varying slowest). Every point runs the scenario with that point's values set, the same
 *  seed and the same paths, so the differences between points are the model's, not noise: a
 *  statistic that every path's value moves in one direction moves the same way in the sweep.
 *
 *      auto axis = parse_sweep_axis("growth.rate=0.04:0.06:0.005");  // 0.04, 0.045, ..., 0.06
 *      Sweep s = sweep(load_scenario("baseline.toml"), {*axis}, RunOptions{});
 */
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"

namespace marketsim {

inline constexpr std::size_t kMaxSweepPoints = 10000;

struct SweepAxis {
    std::string path;            ///< a --set path, e.g. growth.rate
    double lo = 0.0, hi = 0.0, step = 0.0;
    /// lo, lo + step, ... short of hi + step / 2; a point that reaches hi (passes it by less than
    /// half a step, or falls short of it by rounding only) is hi itself
    std::vector<double> values;
};

/** "PATH=LO:HI:STEP" as an axis, or nullopt when the text is not of that form (a plain
 *  PATH=VALUE). Throws InputError for a bad grid: LO > HI, a step that is not positive, or more
 *  than kMaxSweepPoints values. */
std::optional<SweepAxis> parse_sweep_axis(std::string_view text);

/** A series' statistics in one year at one point of the grid. */
struct SweepStats {
    double mean = 0.0, p05 = 0.0, p50 = 0.0, p95 = 0.0;
};

/** One point of the grid: the axes' values and the chosen series' statistics in the chosen years. */
struct SweepPoint {
    std::vector<double> values;       ///< one per axis
    /// stats[s * years.size() + y]: series s in years[y] (Sweep's order)
    std::vector<SweepStats> stats;
    std::vector<double> target_probability;  ///< each of the scenario's targets (at this point)
};

struct Sweep : RunFacts {
    std::string scenario;              ///< the name of the scenario swept
    std::vector<std::string> axes;     ///< the paths, in grid order
    std::vector<std::string> series;   ///< the series summarised, as given (default: the total)
    std::vector<int> years;            ///< the years summarised, as given (default: the horizon)
    std::vector<Target> targets;       ///< the scenario's targets at the first point
    std::vector<SweepPoint> points;
    std::vector<std::string> warnings;
};

/** A sweep axis from its parts: values lo, lo + step, ... as parse_sweep_axis makes them. Throws
 *  InputError for a bad grid. */
SweepAxis make_sweep_axis(const std::string& path, double lo, double hi, double step);

/** Runs `scenario` at every point of the grid, each point's values applied with with_sets after
 *  the scenario's own, and summarises each of `series` (default the total) in each of `years`
 *  (default the horizon). The seed is options.seed, else the scenario's own. Throws InputError,
 *  before sampling anything, for no axis, more than kMaxSweepPoints points, an unknown path or a
 *  value the scenario rejects at any point, a series that does not exist (naming the nearest) or
 *  given twice, or a year outside the scenario's years or given twice; Interrupted when stopped. */
Sweep sweep(const Scenario& scenario, const std::vector<SweepAxis>& axes, const RunOptions& options,
            const std::vector<std::string>& series = {"total"}, const std::vector<int>& years = {});

}  // namespace marketsim
