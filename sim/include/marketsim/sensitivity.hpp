#pragma once
/** Which uncertain inputs drive the spread (`marketsim sensitivity`).
 *
 *  Inputs are groups of the model's independent draws (docs/model.md, "Correlation between cells"): the global factor G;
 *  each member's factor xi when its dimension has no member matrix, else the dimension's whole xi;
 *  the idiosyncratic terms E; each event's firing draws; each uncertain event impact's draw
 *  ("event=NAME impact"); with growth.annual_tails, the t-scale normals of every year ("annual
 *  tails"). A group holds its draws in every year, persistent (long-run) and annual alike. As a
 *  second partition: all persistent draws (with the uncertain impacts, drawn once per path)
 *  against all annual ones (the annual factors, the events' firings and the t-scale normals).
 *
 *  Variance-based: with two independent samples A (the scenario's seed) and B (an independent
 *  seed), and A_B^g (A with group g's draws taken from B), grouped first-order indices by
 *  Saltelli's estimator mean(f(B) (f(A_B^g) - f(A))) / V and total indices by Jansen's
 *  mean((f(A) - f(A_B^g))^2) / (2 V), V the variance over A and B; 95% intervals from the spread
 *  of the per-path terms. Every year from base_year + 1 to the horizon. Draws are addressed by
 *  counter, so swapping a group changes no other draw. Sums run in fixed blocks of paths, so the
 *  indices are the same on any thread count.
 *
 *  Tornado (binned, as a change-in-output tornado bins an input): the paths of sample A ranked by
 *  the group's mean standardized draw (its normals as they are; an event's firings as
 *  (x - p) / sqrt(p (1 - p)); an uncertain impact as (J - mean) / sd; a year's t-scale W as
 *  (W - nu) / sqrt(2 nu), so that the low end holds the wildest years), ties by path index; the
 *  ends are the output's median over the bottom and the top tenth of the paths (floor(paths / 10),
 *  at least 1). A median over m paths lies between the overall ceil(m/2)-th smallest and
 *  ceil(m/2)-th largest values, about the output's P5 and P95: no bar is wider than the output's
 *  own spread. A group whose score is the same on every path (an event of probability 0 or 1)
 *  has both ends at the median.
 */
#include <cstdint>
#include <string>
#include <vector>

#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"

namespace marketsim {

struct SensitivityInput {
    std::string name;       ///< "global", "region=asia_pacific", "region (matrix)", "idiosyncratic", "event=recession", "event=recession impact", "annual tails", "persistent", "annual"
    std::string partition;  ///< "inputs" or "persistence"
    bool is_event = false;
    std::vector<double> first_order, first_order_half_width;  ///< per year t = 1..years
    std::vector<double> total, total_half_width;              ///< per year t = 1..years
    double p50_low = 0.0;   ///< tornado: the chosen year's median over the tenth of paths with the group's lowest score
    double p50_high = 0.0;  ///< ... over the tenth with its highest
};

/** The facts' seed is sample A's and its paths are per sample. */
struct Sensitivity : RunFacts {
    std::string scenario;
    std::string unit;        ///< the scenario's unit
    std::string series;
    int base_year = 0;
    int year = 0;            ///< the year the table is sorted by
    std::vector<double> variance;  ///< of the series, per year t = 1..years
    double p50 = 0.0;        ///< the chosen year's median with every draw free (sample A)
    double p05 = 0.0, p95 = 0.0;  ///< ... its P5 and P95 (type 7)
    /// the inputs by total index in `year`, largest first, then the persistent/annual partition
    std::vector<SensitivityInput> inputs;
    std::uint64_t seed_b = 0;  ///< sample B's seed
    int evaluations = 0;     ///< model runs per path
    std::vector<std::string> warnings;  ///< the scenario's
};

/** Sobol indices and the tornado for `series` (default total) in every year, sorted by `year`
 *  (0: the horizon), with options.paths paths per sample. Throws InputError for an unknown series
 *  or a year outside base_year + 1 .. horizon; Interrupted when stopped. */
Sensitivity sensitivity(const Scenario& scenario, const RunOptions& options, const std::string& series = "total",
                        int year = 0);

}  // namespace marketsim
