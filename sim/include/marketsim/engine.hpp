#pragma once
/** Running a scenario: paths in fixed-size blocks over oneTBB, reduced exactly into bands.
 *
 *  Determinism: path p's draws depend only on (seed, p); block b holds paths
 *  [b kBlockPaths, (b+1) kBlockPaths); accumulators merge exactly. Bands are therefore
 *  bit-identical for any thread count.
 */
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "marketsim/accumulator.hpp"
#include "marketsim/model.hpp"
#include "marketsim/scenario.hpp"

namespace marketsim {

inline constexpr std::uint64_t kBlockPaths = 1024;

struct RunOptions {
    std::uint64_t paths = 100000;
    int threads = 0;                      ///< 0: all the machine's cores
    std::optional<std::uint64_t> seed;    ///< overrides scenario.seed
    /// the stopping rule: instead of `paths`, add blocks until every band's 95% interval
    /// half-width is below precision x its value, or max_paths are done (run())
    std::optional<double> precision;
    std::uint64_t max_paths = 100000000;
    /// called while sampling, at most ten times a second, from a worker thread: paths done, paths
    /// planned (the stopping rule: max_paths) and seconds since sampling began; may be empty
    std::function<void(std::uint64_t done, std::uint64_t total, double seconds)> progress;
};

/** Counts finished paths from any thread and calls a progress callback at most ten times a
 *  second (one caller at a time). */
class ProgressThrottle {
public:
    ProgressThrottle(std::function<void(std::uint64_t, std::uint64_t, double)> callback, std::uint64_t total);
    void add(std::uint64_t paths);

private:
    std::function<void(std::uint64_t, std::uint64_t, double)> callback_;
    std::uint64_t total_;
    std::chrono::steady_clock::time_point start_;
    std::atomic<std::uint64_t> done_{0};
    std::atomic<std::int64_t> next_ns_{0};  ///< earliest time of the next call, ns after start_
};

/** How a run with the stopping rule ended. */
struct PrecisionReport {
    double target = 0.0;    ///< the requested relative half-width
    double reached = 0.0;   ///< the largest relative half-width over every band, at the end
    bool met = false;       ///< reached < target
    std::string worst;      ///< the band with the largest: "series year column"
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
    std::uint64_t hits = 0;     ///< paths at or above the value
    double probability = 0.0;   ///< hits / paths
    double se = 0.0;            ///< its binomial standard error
};

struct Results {
    std::vector<std::string> series;
    int base_year = 0;
    int years = 0;
    std::uint32_t cells = 0;
    std::vector<double> quantiles;
    double relative_accuracy = 0.0;
    std::vector<Band> bands;       ///< series-major: bands[s * (years + 1) + t]
    std::vector<double> central;   ///< series-major: every draw at zero, no event fired
    double rates_cagr = 0.0;       ///< Model::rates_cagr
    std::vector<TargetResult> targets;
    std::uint64_t seed = 0;
    std::uint64_t paths = 0;
    int threads = 0;               ///< per process
    int processes = 1;             ///< MPI processes (cluster.hpp)
    double elapsed_seconds = 0.0;
    std::optional<PrecisionReport> precision;  ///< set when the stopping rule ran
    /// a partial result: the signal that stopped sampling after `paths` of `paths_planned` paths
    /// (the first whole blocks; interrupt.hpp), else 0
    int interrupted_by = 0;
    std::uint64_t paths_planned = 0;
    bool partial() const noexcept { return interrupted_by != 0; }

    const Band& band(std::size_t series_index, int t) const {
        return bands[series_index * static_cast<std::size_t>(years + 1) + static_cast<std::size_t>(t)];
    }
    /** Cell-year samples per second: paths x cells x years / elapsed seconds. */
    double throughput() const;
};

/** The model run would use: the scenario compiled with the seed in force; cell series are
 *  included when output.cells is set or a target names a cell. */
Model compile_for_run(const Scenario& scenario, const RunOptions& options);

/** The thread count in force: `threads`, or all the machine's cores when 0. */
int thread_count(int threads);

/** Calls body(first, end) for every block of paths [b kBlockPaths, min(paths, (b+1) kBlockPaths))
 *  on thread_count(threads) threads, claiming blocks in index order, and returns `paths`. After an
 *  interruption (interrupt.hpp) it claims no new block and returns, once the blocks in flight are
 *  done, where the prefix of whole blocks ends (one process; under MPI a value below `paths`
 *  only says it stopped early). Different blocks run concurrently, so body keeps
 *  per-thread state (e.g. tbb::enumerable_thread_specific) and merges it exactly afterwards.
 *  With from_path (a multiple of kBlockPaths), the blocks start there instead of at 0. Under
 *  MPI (cluster.hpp) this process gets only its blocks, b = rank (mod processes); the caller
 *  then merges across processes (merge_processes, cluster::sum). */
std::uint64_t for_each_block(std::uint64_t paths, int threads,
                             const std::function<void(std::uint64_t first, std::uint64_t end)>& body,
                             std::uint64_t from_path = 0);

/** The largest relative 95% half-width over every band of `results` (the mean's 1.96 standard
 *  errors, each quantile's order-statistic interval), and which band it is. */
std::pair<double, std::string> largest_relative_half_width(const Results& results);

/** Merges every process's statistics into `acc` on every process (nothing with one process). */
void merge_processes(BandAccumulator& acc);

/** Simulates `paths` paths of `model` on `threads` threads (0: all) into one accumulator. */
BandAccumulator accumulate(const Model& model, double relative_accuracy, const std::vector<TargetIndex>& targets,
                           std::uint64_t paths, int threads);

/** Bands, Monte Carlo errors and target probabilities from an accumulator. */
Results summarize(const Model& model, const Scenario& scenario, const BandAccumulator& acc);

/** An upper estimate of the memory a run needs, in bytes: the quantile summaries (one per
 *  series-year and thread, plus the merged one), sized from each year's spread of log values
 *  (+/- 6 standard deviations and every event's impact in every year), and the path buffers. */
double estimate_memory_bytes(const Model& model, double relative_accuracy, int threads);

/** Throws InputError ("... would need about X GiB but Y GiB are available; <advice>") when
 *  need_bytes exceeds 80% of the machine's available memory (unknown: no check). */
void require_memory(double need_bytes, const std::string& advice);

/** The index of series `name` in `model`; InputError naming the closest series when none has it. */
std::uint32_t series_index(const Model& model, const std::string& name);

/** The scenario's targets resolved against the model's series; InputError for an unknown series. */
std::vector<TargetIndex> target_indices(const Model& model, const Scenario& scenario);

/** compile_for_run, accumulate, summarize; records seed, threads and elapsed time. After an
 *  interruption (interrupt.hpp) the result covers the first whole blocks done and says so
 *  (Results::partial); Interrupted when not one block was done.
 *  Refuses (InputError) a run whose estimated memory exceeds what the machine has available.
 *  With options.precision, paths come in whole blocks up to checkpoints fixed by the statistics
 *  so far (first 64 blocks, then about what the half-widths' 1/sqrt(n) law asks for, at most
 *  four times as many), so the stopping point is the same for any thread count; InputError when
 *  the precision is below twice the scenario's relative accuracy or not positive. */
Results run(const Scenario& scenario, const RunOptions& options);

}  // namespace marketsim
