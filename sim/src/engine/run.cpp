#include "marketsim/run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <tuple>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/info.h>

#include "core/memory.hpp"
#include "engine/block_loop.hpp"
#include "engine/engine.hpp"
#include "marketsim/cluster.hpp"
#include "marketsim/error.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/simd.hpp"
#include "scenario/series.hpp"

namespace marketsim {

int thread_count(int threads) { return threads > 0 ? threads : tbb::info::default_concurrency(); }

void apply_simd(const RunOptions& options) {
    if (!options.simd.empty()) simd::pin(options.simd);
}

Model compile_for_run(const Scenario& scenario, std::optional<std::uint64_t> seed) {
    const bool cell_target = std::any_of(scenario.targets.begin(), scenario.targets.end(),
                                         [](const Target& t) { return t.series.find('/') != std::string::npos; });  // share:... too
    if (cell_target && !scenario.cells && !scenario.dimensions.empty()) {
        Scenario with_cells = scenario;
        with_cells.cells = true;
        return compile(with_cells, seed.value_or(scenario.seed));
    }
    return compile(scenario, seed.value_or(scenario.seed));
}

std::vector<TargetIndex> target_indices(const Model& m, const Scenario& sc) {
    std::vector<TargetIndex> out;
    for (const Target& tg : sc.targets)
        out.push_back({static_cast<std::uint32_t>(detail::find_series(m.series, tg.series)), tg.year - sc.base_year, tg.value});
    return out;
}

void throw_overflow(const Model& m, std::uint32_t s, int t) {
    throw InputError("values of " + m.series[s] + " overflow double (above 1.8e308) in " +
                     std::to_string(m.base_year + t) +
                     ": the growth or its spread is too large for these years; lower growth.rate or the spreads, or "
                     "shorten the horizon");
}

void record_year(BandAccumulator& acc, const Model& model, int t, const double* series, std::uint32_t capacity,
                 std::uint32_t lanes) {
    const std::uint32_t ns = model.series_count();
    std::uint32_t s = 0;
    try {
        for (; s < ns; ++s)
            acc.add_values(static_cast<std::size_t>(t) * ns + s, series + static_cast<std::size_t>(s) * capacity, lanes);
    } catch (const ValueOverflow&) {
        throw_overflow(model, s, t);
    }
}

BandWorker::BandWorker(const Model& model, double relative_accuracy, const std::vector<TargetIndex>& targets,
                       std::uint32_t capacity)
    : sampler(model, capacity), acc(model, relative_accuracy, targets) {}

void BandWorker::chunk(std::uint64_t first, std::uint32_t lanes) {
    const std::uint32_t cap = sampler.capacity();
    sampler.simulate(first, lanes, [&](int t, const double* series, std::uint32_t n) {
        record_year(acc, sampler.model(), t, series, cap, n);
    });
    acc.add_paths(lanes);
}

void merge_processes(BandAccumulator& acc) {
    if (cluster::size() == 1) return;
    const std::vector<std::string> parts = cluster::all_gather(acc.to_bytes());
    for (int r = 0; r < cluster::size(); ++r)
        if (r != cluster::rank()) acc.merge_bytes(parts[static_cast<std::size_t>(r)]);
}

namespace {

/** Adds the plan's paths to `total` and returns how the loop ended. Throws Interrupted when what
 *  was done cannot be reported: a block was cut short or, under MPI, the processes stopped early
 *  (their blocks do not form one prefix). */
BlockLoopEnd accumulate_range(BandAccumulator& total, const Model& model, double relative_accuracy,
                              const std::vector<TargetIndex>& targets, const BlockPlan& plan) {
    tbb::enumerable_thread_specific<BandWorker> workers([&] { return BandWorker(model, relative_accuracy, targets); });
    const BlockLoopEnd end = sample_blocks(plan, workers);
    if (end.torn || (end.done < plan.paths && cluster::size() > 1)) throw Interrupted(end.stopped_by);
    if (cluster::size() == 1) {
        for (const BandWorker& w : workers) total.merge(w.acc);
        return end;
    }
    BandAccumulator pass(model, relative_accuracy, targets);  // this pass, from every process
    for (const BandWorker& w : workers) pass.merge(w.acc);
    merge_processes(pass);
    total.merge(pass);
    return end;
}

void check_options(const Scenario& scenario, const RunOptions& options) {
    if (!options.precision) {
        if (options.paths == 0) throw InputError("--paths must be at least 1");
        return;
    }
    const double p = *options.precision;
    if (!(p > 0 && p < 1))
        throw InputError("--precision must be between 0 and 1 (a relative half-width), not " + format_number(p));
    if (p < 2 * scenario.relative_accuracy)
        throw InputError("--precision " + format_number(p) + " is below twice output.relative_accuracy (" +
                         format_number(scenario.relative_accuracy) +
                         "): the quantile summaries cannot resolve it; lower output.relative_accuracy first");
    if (options.max_paths == 0) throw InputError("--max-paths must be at least 1");
}

/** The next checkpoint of the stopping rule after `done` paths with relative half-width `reached`:
 *  what the half-widths' 1/sqrt(n) law needs, 5% more, in whole blocks, at least 16 blocks more
 *  and at most four times as many paths, and not past max_paths. */
std::uint64_t next_checkpoint(std::uint64_t done, double reached, double target, std::uint64_t max_paths) {
    const double ratio = reached / target;
    const double want = std::ceil(static_cast<double>(done) * ratio * ratio * 1.05 / kBlockPaths) * kBlockPaths;
    const double lo = static_cast<double>(done + 16 * kBlockPaths), hi = 4.0 * static_cast<double>(done);
    const auto next = static_cast<std::uint64_t>(std::min(std::max(want, lo), std::max(hi, lo)));
    return std::min(next, max_paths);
}

}  // namespace

BandAccumulator accumulate(const Model& model, double relative_accuracy, const std::vector<TargetIndex>& targets,
                           std::uint64_t paths, int threads, const StopCheck& stop) {
    BandAccumulator total(model, relative_accuracy, targets);
    BlockPlan plan;
    plan.paths = paths;
    plan.threads = threads;
    plan.stop = stop;
    require_whole(accumulate_range(total, model, relative_accuracy, targets, plan));
    return total;
}

SamplePaths sample_paths(const Scenario& scenario, const std::vector<std::string>& series, std::uint64_t count,
                         std::optional<std::uint64_t> seed, double max_bytes) {
    const Model model = compile_for_run(scenario, seed);
    SamplePaths out;
    out.base_year = model.base_year;
    std::vector<std::uint32_t> index;
    for (const std::string& name : series) {
        index.push_back(static_cast<std::uint32_t>(detail::find_series(model.series, name)));
        out.series.push_back(name);
    }
    const double bytes = 8.0 * static_cast<double>(count) * static_cast<double>(series.size()) * (model.years + 1);
    if (bytes > max_bytes)
        throw InputError(std::to_string(count) + " paths of " + std::to_string(series.size()) + " series would need " +
                         format_number(bytes / 1048576.0) + " MiB, above the limit of " + format_number(max_bytes / 1048576.0) +
                         " MiB; ask for fewer paths or series");
    out.values.assign(series.size(), std::vector<std::vector<double>>(count, std::vector<double>(model.years + 1)));
    ChunkSampler sampler(model);
    const std::uint32_t cap = sampler.capacity();
    for (std::uint64_t first = 0; first < count; first += cap) {
        const auto lanes = static_cast<std::uint32_t>(std::min<std::uint64_t>(cap, count - first));
        sampler.simulate(first, lanes, [&](int t, const double* values, std::uint32_t n) {
            for (std::size_t k = 0; k < index.size(); ++k)
                for (std::uint32_t i = 0; i < n; ++i) {
                    const double v = values[static_cast<std::size_t>(index[k]) * cap + i];
                    if (!std::isfinite(v)) throw_overflow(model, index[k], t);
                    out.values[k][first + i][static_cast<std::size_t>(t)] = v;
                }
        });
    }
    return out;
}

Results run(const Scenario& scenario, const RunOptions& options) {
    check_options(scenario, options);
    apply_simd(options);
    const Model model = compile_for_run(scenario, options.seed);
    const int threads = thread_count(options.threads);
    require_memory(estimate_memory_bytes(model, scenario.relative_accuracy, threads),
                   "raise output.relative_accuracy, use fewer threads, or narrow the spreads");
    const std::vector<TargetIndex> targets = target_indices(model, scenario);
    const auto start = std::chrono::steady_clock::now();
    ProgressThrottle progress(options.progress, options.precision ? options.max_paths : options.paths);
    BandAccumulator acc(model, scenario.relative_accuracy, targets);
    BlockPlan plan;
    plan.threads = options.threads;
    plan.stop = options.stop;
    plan.progress = &progress;

    std::optional<PrecisionReport> report;
    int stopped_by = 0;
    std::uint64_t planned = options.paths;
    if (!options.precision) {
        plan.paths = options.paths;
        stopped_by = accumulate_range(acc, model, scenario.relative_accuracy, targets, plan).stopped_by;
    } else {
        // Checkpoints depend only on the statistics accumulated so far, which are the same for any
        // thread count, so the run stops at the same block everywhere.
        report = PrecisionReport{};
        report->target = *options.precision;
        plan.paths = std::min<std::uint64_t>(options.max_paths, 64 * kBlockPaths);
        while (true) {
            planned = plan.paths;
            const BlockLoopEnd end = accumulate_range(acc, model, scenario.relative_accuracy, targets, plan);
            stopped_by = end.stopped_by;
            if (end.done < plan.paths) break;  // stopped: the report covers the paths done
            ++report->checks;
            std::tie(report->reached, report->worst) = largest_relative_half_width(summarize(model, scenario, acc));
            report->met = report->reached < report->target;
            if (report->met || end.done >= options.max_paths) break;
            plan.from = end.done;
            plan.paths = next_checkpoint(end.done, report->reached, report->target, options.max_paths);
        }
    }
    if (acc.paths() == 0) throw Interrupted(stopped_by);  // stopped before a whole block was done
    Results r = summarize(model, scenario, acc);
    if (stopped_by && acc.paths() < planned) {
        r.interrupted_by = stopped_by;
        r.paths_planned = planned;
    }
    r.threads = threads;
    r.processes = cluster::size();
    r.simd = simd::target();
    r.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.precision = report;
    if (report && !report->met) {
        char buf[320];
        std::snprintf(buf, sizeof buf,
                      "the precision target %g was not met within %llu paths (--max-paths): the widest 95%% "
                      "interval is %.3g of its value (%s)",
                      report->target, static_cast<unsigned long long>(r.paths), report->reached, report->worst.c_str());
        r.warnings.emplace_back(buf);
    }
    return r;
}

}  // namespace marketsim
