#pragma once
/** Running a scenario: many growth paths sampled in parallel and summarized into bands.
 *
 *      Scenario scenario = load_scenario("scenarios/baseline.toml");
 *      RunOptions options;
 *      options.paths = 200000;
 *      Results results = run(scenario, options);
 *      const Band& b = results.band(0, results.years);  // the total at the horizon
 *      // b.quantile[k] is results.quantiles[k]; b.mean, b.sd, their Monte Carlo errors
 *
 *  Determinism: path p's draws depend only on (seed, p); paths are sampled in blocks of
 *  kBlockPaths and the statistics merged exactly, so results are bit-identical for any number of
 *  threads, MPI processes (cluster.hpp) and SIMD targets (simd.hpp). Two scenarios with the same
 *  dimensions and seed use the same draws path by path (common random numbers).
 */
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "marketsim/scenario.hpp"

namespace marketsim {

/** Paths per block: the unit of work, of merging and of a partial result. */
inline constexpr std::uint64_t kBlockPaths = 1024;

/** Called while sampling, at most ten times a second, from a worker thread: paths done, paths
 *  planned and seconds since sampling began. */
using ProgressCallback = std::function<void(std::uint64_t done, std::uint64_t planned, double seconds)>;

/** Polled between chunks of paths from every worker thread: 0 to go on, or a reason to stop (a
 *  signal number, e.g. SIGINT). Empty: the signal interrupt.hpp recorded, if any. */
using StopCheck = std::function<int()>;

struct RunOptions {
    std::uint64_t paths = 100000;
    int threads = 0;                    ///< 0: all the machine's cores
    std::optional<std::uint64_t> seed;  ///< overrides scenario.seed
    /// the SIMD code path, e.g. "avx2" or "scalar" (simd.hpp); empty: the one in force. Pinning is
    /// process-wide and stays in force after the run; every target gives the same results
    std::string simd;
    /// the stopping rule: instead of `paths`, add blocks until every band's 95% interval
    /// half-width is below precision x its value, or max_paths are done (run() only)
    std::optional<double> precision;
    std::uint64_t max_paths = 100000000;
    ProgressCallback progress;  ///< may be empty
    StopCheck stop;             ///< may be empty
};

/** How a run with the stopping rule ended. */
struct PrecisionReport {
    double target = 0.0;       ///< the requested relative half-width
    double reached = 0.0;      ///< the largest relative half-width over every band, at the end
    bool met = false;          ///< reached < target
    std::string worst;         ///< the band with the largest: "series year column"
    std::uint64_t checks = 0;  ///< checkpoints evaluated
};

/** One series in one year. Quantiles follow Results::quantiles. */
struct Band {
    double mean = 0.0;
    double sd = 0.0;
    double se_mean = 0.0;  ///< Monte Carlo standard error of the mean: sd / sqrt(paths)
    double se_sd = 0.0;    ///< Monte Carlo standard error of sd (from the fourth moment)
    std::vector<double> quantile;
    std::vector<double> quantile_lo;  ///< 95% interval from order statistics
    std::vector<double> quantile_hi;
    double min = 0.0;
    double max = 0.0;
};

struct TargetResult {
    Target target;
    std::uint64_t hits = 0;    ///< paths at or above the value
    double probability = 0.0;  ///< hits / paths
    double se = 0.0;           ///< its binomial standard error
    /// the exceedance curve of the target's series in its year: (x, P(value >= x)) at the 1st to
    /// the 99th percentile, x ascending (from the quantile summary, within its relative accuracy)
    std::vector<std::pair<double, double>> exceedance;
};

/** How a sampling job ran: the facts every result records (Results, Comparison, Sweep,
 *  Calibration, Sensitivity). */
struct RunFacts {
    std::uint64_t seed = 0;
    std::uint64_t paths = 0;  ///< per scenario, point, evaluation or sample
    int threads = 0;          ///< per process
    int processes = 1;        ///< MPI processes (cluster.hpp)
    std::string simd;         ///< the SIMD target the kernels ran on
    double elapsed_seconds = 0.0;
};

struct Results : RunFacts {
    std::string scenario;  ///< the scenario's name
    std::string unit;      ///< the scenario's unit (e.g. "USD bn")
    std::vector<std::string> series;
    int base_year = 0;
    int years = 0;  ///< horizon - base_year
    std::uint32_t cells = 0;
    std::vector<double> quantiles;
    double relative_accuracy = 0.0;
    std::vector<Band> bands;      ///< series-major: bands[s * (years + 1) + t]
    std::vector<double> central;  ///< series-major: every draw at zero, no event fired
    /// CAGR over base_year..horizon of the total's central path, and of the growth rates alone
    /// (growth.rate and periods, no shifts; with a three-point long run, at its median)
    double central_cagr = 0.0, rates_cagr = 0.0;
    /// series-major: the central path as reported, with the events of probability 1 applied (an
    /// uncertain impact at its mode); equal to `central` when there are none. central_cagr is its CAGR
    std::vector<double> central_path;
    std::vector<std::string> central_events;  ///< the events the central path applies
    double central_cagr_without_events = 0.0;  ///< the total's CAGR along `central` (no event fired)
    /// cagr[s][k]: the CAGR of series s at quantile k, (Q_k(V_H) / V_B)^(1 / years) - 1
    std::vector<std::vector<double>> cagr;
    std::vector<TargetResult> targets;
    /// the scenario's warnings, then the run's (shifts move the central path; a precision not met)
    std::vector<std::string> warnings;
    std::optional<PrecisionReport> precision;  ///< set when the stopping rule ran
    /// a partial result: the signal that stopped sampling after `paths` of `paths_planned` paths
    /// (the first whole blocks; interrupt.hpp), else 0
    int interrupted_by = 0;
    std::uint64_t paths_planned = 0;
    bool partial() const noexcept { return interrupted_by != 0; }

    const Band& band(std::size_t series_index, int t) const {
        return bands[series_index * static_cast<std::size_t>(years + 1) + static_cast<std::size_t>(t)];
    }
    /** The index of series `name`; InputError naming the closest series when there is none. */
    std::size_t series_index(const std::string& name) const;
    /** Cell-year samples per second: paths x cells x years / elapsed seconds. */
    double throughput() const;
};

/** Samples the scenario and summarizes it: bands of every series and year, target probabilities,
 *  CAGR distributions, Monte Carlo errors and warnings. Cell series are included when
 *  output.cells is set or a target names a cell.
 *
 *  After a stop (options.stop, or a signal interrupt.hpp recorded) the result covers the first
 *  whole blocks done and says so (Results::partial); Interrupted when not one block was done.
 *  With options.precision, paths come in whole blocks up to checkpoints fixed by the statistics
 *  so far (first 64 blocks, then about what the half-widths' 1/sqrt(n) law asks for, at most
 *  four times as many), so the stopping point is the same for any thread count.
 *  Throws InputError, before sampling, for paths (or max_paths) below 1, a precision not in
 *  (0, 1) or below twice the scenario's relative accuracy, an unknown SIMD target, or a run whose
 *  estimated memory exceeds what the machine has available; and, after sampling, when simulated
 *  values overflow double (naming the series and year). */
Results run(const Scenario& scenario, const RunOptions& options);

/** Whole paths: values[s][p][t] is series `series[s]` on path p (0 .. count - 1) in year
 *  base_year + t, the same paths run() samples first with the same seed. */
struct SamplePaths {
    std::vector<std::string> series;
    int base_year = 0;
    std::vector<std::vector<std::vector<double>>> values;
};

/** The first `count` paths of the scenario (seed: `seed`, else the scenario's) for the named
 *  series. Throws InputError for an unknown series, or when they would need more than
 *  `max_bytes`. */
SamplePaths sample_paths(const Scenario& scenario, const std::vector<std::string>& series, std::uint64_t count,
                         std::optional<std::uint64_t> seed = std::nullopt, double max_bytes = 1073741824.0);

/** The thread count in force: `threads`, or all the machine's cores when 0. */
int thread_count(int threads);

}  // namespace marketsim
