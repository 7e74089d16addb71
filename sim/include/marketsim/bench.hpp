#pragma once
/** Throughput of a scenario run (`marketsim bench`): end-to-end rates per thread count and the
 *  single-thread rates of the kernels underneath.
 *
 *  Timed region: the sampling of a run alone, i.e. from the first draw to the merged
 *  accumulators with finished quantile summaries. Loading and compiling the scenario, summarizing
 *  into bands and writing output are outside. Rates are cell-year samples per second:
 *  paths x cells x (horizon - base_year) / wall seconds.
 *
 *      BenchOptions o;
 *      o.paths = 200000;
 *      o.threads = {1, 2};
 *      BenchReport r = run_bench(load_scenario("scenarios/baseline.toml"), o);  // text.hpp: bench_table
 */
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "marketsim/scenario.hpp"

namespace marketsim {

struct BenchOptions {
    std::uint64_t paths = 1000000;
    std::vector<int> threads;            ///< thread counts in order; empty: 1, 2, ..., all cores
    int repeat = 5;                      ///< timed runs per thread count (>= 1)
    std::uint64_t kernel_count = 1u << 24;  ///< draws or inserts per kernel-rate loop
    /// called with one line after each timed run (e.g. to show progress); may be empty
    std::function<void(const std::string&)> progress;
};

/** One thread count: rates in cell-year samples/s over the repeats. */
struct BenchRow {
    int processes = 1;  ///< MPI processes (cluster.hpp); rows with more than one come under mpirun
    int threads = 0;    ///< per process
    double median = 0.0;
    double min = 0.0;
    double max = 0.0;
    double median_seconds = 0.0;  ///< wall seconds of the median run
    /// median / (processes x threads x the median of 1 process at 1 thread); NaN without that row
    double efficiency = 0.0;
    /// the highest VmHWM of this thread count's runs, each reset before the run (see peak_rss_reset)
    double peak_rss_bytes = 0.0;
};

/** Single-thread kernel rates, per second. */
struct KernelRates {
    std::uint64_t count = 0;             ///< items per loop
    double uniforms = 0.0;  ///< 32-bit uniforms: Philox4x32-10 over 64 paths per call (SIMD lanes)
    double normals = 0.0;   ///< the same, each word through the single-precision normal transform
    double inserts = 0.0;   ///< summary inserts, 64 values per call (buckets, power sums, extremes)
};

struct BenchReport {
    std::string scenario;         ///< scenario name
    std::uint64_t paths = 0;
    int repeat = 0;
    std::uint32_t cells = 0;
    int years = 0;                ///< horizon - base_year
    std::uint32_t series = 0;
    std::uint64_t seed = 0;
    double samples_per_run = 0.0;  ///< paths x cells x years
    std::string cpu;              ///< model name from /proc/cpuinfo ("" when unknown)
    int logical_cpus = 0;         ///< tbb::info::default_concurrency()
    std::string simd;             ///< the SIMD target the kernels ran on (simd::target())
    /// true: each row's peak is that thread count's own (reset through /proc/self/clear_refs
    /// before every run); false: the reset failed and rows show the process-wide peak so far
    bool peak_rss_reset = false;
    std::vector<BenchRow> rows;
    KernelRates kernels;
};

/** "1,2,4" -> {1, 2, 4}. Throws InputError naming the bad item unless every item is an integer
 *  from 1 to 4096. */
std::vector<int> parse_thread_list(std::string_view text);

/** Times `options.repeat` runs of `options.paths` paths of `scenario` for each thread count
 *  (interleaved: repeat 1 of every thread count, then repeat 2, ..., so a slow spell of the
 *  machine is shared), then the kernel rates. Throws InputError for paths or repeat < 1, a thread count outside
 *  1..4096, or a scenario the engine refuses (as `run` would). */
BenchReport run_bench(const Scenario& scenario, const BenchOptions& options);

}  // namespace marketsim
