#pragma once
/** The engine's parts the verbs share: compiling a scenario for a run, the band accumulator's
 *  worker, summarizing into Results, merging across processes, memory estimates, and turning a
 *  value that overflows double into the user's error. */
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "marketsim/run.hpp"
#include "model/model.hpp"
#include "sampling/sampler.hpp"
#include "stats/accumulator.hpp"

namespace marketsim {

/** The model a run uses: the scenario compiled with the seed in force (`seed`, else
 *  scenario.seed); cell series are included when output.cells is set or a target names a cell. */
Model compile_for_run(const Scenario& scenario, std::optional<std::uint64_t> seed);

/** The scenario's targets resolved against the model's series; InputError for an unknown series. */
std::vector<TargetIndex> target_indices(const Model& model, const Scenario& scenario);

/** InputError: the values of `model`'s series s overflow double in year index t. */
[[noreturn]] void throw_overflow(const Model& model, std::uint32_t s, int t);

/** Records one year of a chunk (series[s * capacity + lane], `lanes` valid) into `acc`; a value
 *  that is not finite is reported with throw_overflow. */
void record_year(BandAccumulator& acc, const Model& model, int t, const double* series, std::uint32_t capacity,
                 std::uint32_t lanes);

/** The worker of run and bench: the sampler and the band accumulator of one thread. */
struct BandWorker {
    BandWorker(const Model& model, double relative_accuracy, const std::vector<TargetIndex>& targets,
               std::uint32_t capacity = 0);
    ChunkSampler sampler;
    BandAccumulator acc;

    std::uint32_t capacity() const noexcept { return sampler.capacity(); }
    void begin_block(std::uint64_t) noexcept { acc.begin_block(); }
    void chunk(std::uint64_t first, std::uint32_t lanes);
    void end_block(std::uint64_t) noexcept { acc.end_block(); }
};

/** Merges every process's statistics into `acc` on every process (nothing with one process). */
void merge_processes(BandAccumulator& acc);

/** Simulates `paths` paths of `model` on `threads` threads (0: all) into one accumulator.
 *  Throws Interrupted when stopped. */
BandAccumulator accumulate(const Model& model, double relative_accuracy, const std::vector<TargetIndex>& targets,
                           std::uint64_t paths, int threads, const StopCheck& stop = {});

/** Bands, Monte Carlo errors, target probabilities, CAGRs and warnings from an accumulator
 *  (facts other than seed and paths are the caller's to fill). */
Results summarize(const Model& model, const Scenario& scenario, const BandAccumulator& acc);

/** The largest relative 95% half-width over every band of `results` (the mean's 1.96 standard
 *  errors, each quantile's order-statistic interval), and which band it is. */
std::pair<double, std::string> largest_relative_half_width(const Results& results);

/** An upper estimate of the memory a run needs, in bytes: the quantile summaries (one per
 *  series-year and thread, plus the merged one), sized from each year's spread of log values
 *  (+/- 6 standard deviations and every event's impact in every year), and the path buffers. */
double estimate_memory_bytes(const Model& model, double relative_accuracy, int threads);

/** (Q(V_H) / V_B)^(1 / years) - 1 */
double cagr(double base, double horizon_value, int years);

/** Pins options.simd when it names a target. */
void apply_simd(const RunOptions& options);

}  // namespace marketsim
