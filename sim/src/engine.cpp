#include "marketsim/engine.hpp"

#include "marketsim/cluster.hpp"
#include "marketsim/interrupt.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <tuple>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "kernels.hpp"
#include "marketsim/error.hpp"
#include "marketsim/report.hpp"
#include "marketsim/sampler.hpp"

namespace marketsim {
namespace {

/** MemAvailable from /proc/meminfo in bytes, or 0 when unknown. */
double available_memory_bytes() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    double kib = 0;
    std::string unit;
    while (meminfo >> key >> kib >> unit)
        if (key == "MemAvailable:") return kib * 1024.0;
    return 0.0;
}

}  // namespace

std::uint32_t series_index(const Model& m, const std::string& name) {
    const auto it = std::find(m.series.begin(), m.series.end(), name);
    if (it != m.series.end()) return static_cast<std::uint32_t>(it - m.series.begin());
    const std::string near = closest_name(name, m.series);
    throw InputError("series '" + name + "' does not exist" + (near.empty() ? std::string() : "; did you mean '" + near + "'?"));
}

std::vector<TargetIndex> target_indices(const Model& m, const Scenario& sc) {
    std::vector<TargetIndex> out;
    for (const Target& tg : sc.targets) {
        if (std::find(m.series.begin(), m.series.end(), tg.series) == m.series.end())
            throw InputError("target series '" + tg.series + "' does not exist");
        out.push_back({series_index(m, tg.series), tg.year - sc.base_year, tg.value});
    }
    return out;
}

void require_memory(double need_bytes, const std::string& advice) {
    const double have = available_memory_bytes();
    if (have > 0 && need_bytes > 0.8 * have) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "this run would need about %.1f GiB but %.1f GiB are available; ",
                      need_bytes / 1073741824.0, have / 1073741824.0);
        throw InputError(buf + advice);
    }
}

double estimate_memory_bytes(const Model& m, double relative_accuracy, int threads) {
    // buckets per unit of ln x: m / ln 2 = 7 / (10 ln 2 ln gamma) (quantile_sketch.hpp)
    const double log_gamma = std::log((1 + relative_accuracy) / (1 - relative_accuracy)) * (10 * std::log(2.0) / 7);
    double impacts = 0.0;
    for (const EventModel& e : m.events) impacts += std::fabs(e.impact);
    double buckets = 1.0;  // the base year
    for (int t = 1; t <= m.years; ++t) {
        double spread = 0.0;
        for (std::uint32_t c = 0; c < m.cell_count; ++c)
            spread = std::max(spread, std::sqrt(double(t) * t * m.sd_long[c] * m.sd_long[c] +
                                                t * m.sd_annual[c] * m.sd_annual[c]));
        buckets += (12.0 * spread + impacts * t) / log_gamma + 2.0;
    }
    const double per_accumulator = 8.0 * 1.5 * buckets * m.series_count()    // counts with growth slack
                                   + 4 * 2 * 8.0 * 70 * m.series_count() * (m.years + 1);  // exact sums
    const double path_buffers = kernels::chunk_bytes(m) + 8.0 * 32 * m.series_count() * (m.years + 1);
    return per_accumulator * (threads + 1) + path_buffers * threads + 8.0 * m.drift.size();
}

double Results::throughput() const {
    return elapsed_seconds > 0 ? static_cast<double>(paths) * cells * years / elapsed_seconds : 0.0;
}

Model compile_for_run(const Scenario& scenario, const RunOptions& options) {
    const bool cell_target = std::any_of(scenario.targets.begin(), scenario.targets.end(),
                                         [](const Target& t) { return t.series.find('/') != std::string::npos; });
    if (cell_target && !scenario.cells && !scenario.dimensions.empty()) {
        Scenario with_cells = scenario;
        with_cells.cells = true;
        return compile(with_cells, options.seed.value_or(scenario.seed));
    }
    return compile(scenario, options.seed.value_or(scenario.seed));
}

int thread_count(int threads) { return threads > 0 ? threads : tbb::info::default_concurrency(); }

std::uint64_t for_each_block(std::uint64_t paths, int threads,
                             const std::function<void(std::uint64_t first, std::uint64_t end)>& body,
                             std::uint64_t from_path) {
    const std::uint64_t blocks = (paths + kBlockPaths - 1) / kBlockPaths;
    // this process's blocks: b = rank (mod processes), from the first block on
    const auto processes = static_cast<std::uint64_t>(cluster::size()), rank = static_cast<std::uint64_t>(cluster::rank());
    const std::uint64_t begin = from_path / kBlockPaths;
    const std::uint64_t first = begin + (rank + processes - begin % processes) % processes;
    if (first >= blocks) return paths;
    const std::uint64_t count = (blocks - first + processes - 1) / processes;
    // Workers claim blocks in index order and finish every block they claim; after an
    // interruption no block is claimed, so the blocks done are a prefix of this process's.
    std::atomic<std::uint64_t> next{0};
    const int workers = thread_count(threads);
    tbb::task_arena arena(workers);
    arena.execute([&] {
        tbb::parallel_for(0, workers, [&](int) {
            while (!interrupt::requested()) {
                const std::uint64_t i = next.fetch_add(1, std::memory_order_relaxed);
                if (i >= count) return;
                const std::uint64_t b = first + i * processes;
                body(b * kBlockPaths, std::min(paths, (b + 1) * kBlockPaths));
            }
        });
    });
    const std::uint64_t claimed = std::min(next.load(), count);
    if (claimed == count) return paths;
    return std::min(paths, (first + claimed * processes) * kBlockPaths);  // one process: the prefix's end
}

ProgressThrottle::ProgressThrottle(std::function<void(std::uint64_t, std::uint64_t, double)> callback, std::uint64_t total)
    : callback_(std::move(callback)), total_(total), start_(std::chrono::steady_clock::now()) {}

void ProgressThrottle::add(std::uint64_t paths) {
    // every process samples at about the same pace: this one's share stands for all of them
    const std::uint64_t done = (done_.fetch_add(paths) + paths) * static_cast<std::uint64_t>(cluster::size());
    if (!callback_) return;
    const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count();
    std::int64_t due = next_ns_.load();
    // one thread wins the slot; the others skip this report
    if (now < due || !next_ns_.compare_exchange_strong(due, now + 100000000)) return;
    callback_(done, total_, static_cast<double>(now) * 1e-9);
}

namespace {
/** Adds paths [from, paths) to `total` (from a multiple of kBlockPaths) and returns the end of
 *  what was added: `paths`, or after an interruption (interrupt.hpp) the end of the prefix of
 *  whole blocks done. Throws Interrupted when that cannot be reported: a block was cut short (a
 *  worker stops between chunks of a long block) or, under MPI, the processes' prefixes differ. */
std::uint64_t accumulate_range(BandAccumulator& total, const Model& model, double relative_accuracy,
                               const std::vector<TargetIndex>& targets, std::uint64_t from, std::uint64_t paths,
                               int threads, ProgressThrottle* progress = nullptr) {
    struct Local {
        ChunkSampler sampler;
        BandAccumulator acc;
    };
    tbb::enumerable_thread_specific<Local> locals(
        [&] { return Local{ChunkSampler(model), BandAccumulator(model, relative_accuracy, targets)}; });
    std::atomic<bool> torn{false};
    const std::uint64_t done = for_each_block(
        paths, threads,
        [&](std::uint64_t first, std::uint64_t end) {
            Local& local = locals.local();
            local.acc.begin_block();
            // An interrupted block is finished (milliseconds, usually) unless it takes more than
            // another second: then it is cut, and the run reports nothing rather than be late.
            const std::uint64_t step = local.sampler.capacity();
            std::optional<std::chrono::steady_clock::time_point> seen;
            for (std::uint64_t p = first; p < end; p += step) {
                if (interrupt::requested()) {
                    const auto now = std::chrono::steady_clock::now();
                    if (!seen) seen = now;
                    if (now - *seen > std::chrono::seconds(1)) {
                        torn = true;
                        return;
                    }
                }
                local.sampler.accumulate(p, std::min(end, p + step), local.acc);
            }
            local.acc.end_block();
            if (progress) progress->add(end - first);
        },
        from);
    if (torn || (done < paths && cluster::size() > 1)) interrupt::check();
    if (cluster::size() == 1) {
        for (const Local& local : locals) total.merge(local.acc);
        return done;
    }
    BandAccumulator pass(model, relative_accuracy, targets);  // this pass, from every process
    for (const Local& local : locals) pass.merge(local.acc);
    merge_processes(pass);
    total.merge(pass);
    return done;
}
}  // namespace

void merge_processes(BandAccumulator& acc) {
    if (cluster::size() == 1) return;
    const std::vector<std::string> parts = cluster::all_gather(acc.to_bytes());
    for (int r = 0; r < cluster::size(); ++r)
        if (r != cluster::rank()) acc.merge_bytes(parts[static_cast<std::size_t>(r)]);
}

BandAccumulator accumulate(const Model& model, double relative_accuracy, const std::vector<TargetIndex>& targets,
                           std::uint64_t paths, int threads) {
    BandAccumulator total(model, relative_accuracy, targets);
    if (accumulate_range(total, model, relative_accuracy, targets, 0, paths, threads) < paths) interrupt::check();
    return total;
}

Results summarize(const Model& m, const Scenario& sc, const BandAccumulator& acc) {
    Results r;
    r.series = m.series;
    r.base_year = m.base_year;
    r.years = m.years;
    r.cells = m.cell_count;
    r.quantiles = sc.quantiles;
    r.relative_accuracy = sc.relative_accuracy;
    r.central = m.central;
    r.rates_cagr = m.rates_cagr;
    r.seed = m.seed;
    r.paths = acc.paths();
    const double n = static_cast<double>(acc.paths());
    const std::uint32_t ns = m.series_count();
    const int t_count = m.years + 1;
    r.bands.resize(static_cast<std::size_t>(ns) * t_count);
    constexpr double z95 = 1.959963984540054;
    for (std::uint32_t s = 0; s < ns; ++s) {
        for (int t = 0; t < t_count; ++t) {
            const std::size_t i = static_cast<std::size_t>(t) * ns + s;
            const QuantileSketch& q = acc.sketch(i);
            Band& b = r.bands[static_cast<std::size_t>(s) * t_count + t];
            const double s1 = acc.power_sum(i, 1), s2 = acc.power_sum(i, 2), s3 = acc.power_sum(i, 3),
                         s4 = acc.power_sum(i, 4);
            const double d = s1 / n;  // mean deviation from the central path
            b.mean = acc.reference(i) + d;
            const double var = n > 1 ? std::max(0.0, (s2 - n * d * d) / (n - 1)) : 0.0;
            b.sd = std::sqrt(var);
            b.se_mean = b.sd / std::sqrt(n);
            const double m2 = s2 / n - d * d;
            const double m4 = s4 / n - 4 * d * s3 / n + 6 * d * d * s2 / n - 3 * d * d * d * d;
            const double var_var = n > 3 ? std::max(0.0, (m4 - m2 * m2 * (n - 3) / (n - 1)) / n) : 0.0;
            b.se_sd = b.sd > 0 ? std::sqrt(var_var) / (2 * b.sd) : 0.0;
            b.min = q.min();
            b.max = q.max();
            for (double p : sc.quantiles) {
                b.quantile.push_back(q.quantile(p));
                // distribution-free 95% interval: order statistics around rank n p
                const double half = z95 * std::sqrt(n * p * (1 - p));
                const double lo = std::floor(n * p - half), hi = std::ceil(n * p + half);
                const auto rank = [&](double k) {
                    return static_cast<std::uint64_t>(std::clamp(k - 1, 0.0, n - 1));
                };
                b.quantile_lo.push_back(q.value_at_rank(rank(lo)));
                b.quantile_hi.push_back(q.value_at_rank(rank(hi)));
            }
        }
    }
    for (std::size_t j = 0; j < acc.targets().size(); ++j) {
        TargetResult tr;
        tr.target = sc.targets[j];
        tr.hits = acc.target_hits(j);
        tr.probability = static_cast<double>(tr.hits) / n;
        tr.se = std::sqrt(tr.probability * (1 - tr.probability) / n);
        r.targets.push_back(tr);
    }
    return r;
}

std::pair<double, std::string> largest_relative_half_width(const Results& r) {
    constexpr double z95 = 1.959963984540054;
    double worst = 0.0;
    std::string where;
    const auto consider = [&](double half, double value, std::size_t s, int t, const std::string& column) {
        const double rel = half == 0.0 ? 0.0 : half / std::fabs(value);
        if (rel > worst || (where.empty() && rel >= worst)) {
            worst = rel;
            where = r.series[s] + " " + std::to_string(r.base_year + t) + " " + column;
        }
    };
    for (std::size_t s = 0; s < r.series.size(); ++s)
        for (int t = 0; t <= r.years; ++t) {
            const Band& b = r.band(s, t);
            consider(z95 * b.se_mean, b.mean, s, t, "mean");
            for (std::size_t k = 0; k < b.quantile.size(); ++k)
                consider(0.5 * (b.quantile_hi[k] - b.quantile_lo[k]), b.quantile[k], s, t, quantile_column(r.quantiles[k]));
        }
    return {worst, where};
}

Results run(const Scenario& scenario, const RunOptions& options) {
    if (options.precision) {
        const double p = *options.precision;
        if (!(p > 0 && p < 1)) throw InputError("--precision must be between 0 and 1 (a relative half-width), not " +
                                                format_number(p));
        if (p < 2 * scenario.relative_accuracy)
            throw InputError("--precision " + format_number(p) + " is below twice output.relative_accuracy (" +
                             format_number(scenario.relative_accuracy) +
                             "): the quantile summaries cannot resolve it; lower output.relative_accuracy first");
        if (options.max_paths == 0) throw InputError("--max-paths must be at least 1");
    } else if (options.paths == 0) {
        throw InputError("--paths must be at least 1");
    }
    const Model model = compile_for_run(scenario, options);
    const int threads = thread_count(options.threads);
    require_memory(estimate_memory_bytes(model, scenario.relative_accuracy, threads),
                   "raise output.relative_accuracy, use fewer threads, or narrow the spreads");
    const std::vector<TargetIndex> targets = target_indices(model, scenario);
    const auto start = std::chrono::steady_clock::now();
    ProgressThrottle progress(options.progress, options.precision ? options.max_paths : options.paths);
    BandAccumulator acc(model, scenario.relative_accuracy, targets);
    std::optional<PrecisionReport> report;
    Results r;
    std::uint64_t planned = options.paths;
    try {
        if (!options.precision) {
            accumulate_range(acc, model, scenario.relative_accuracy, targets, 0, options.paths, options.threads, &progress);
            r = summarize(model, scenario, acc);
        } else {
            // Checkpoints depend only on the statistics accumulated so far, which are the same for any
            // thread count, so the run stops at the same block everywhere.
            report = PrecisionReport{};
            report->target = *options.precision;
            std::uint64_t done = 0, next = std::min<std::uint64_t>(options.max_paths, 64 * kBlockPaths);
            while (true) {
                planned = next;
                done = accumulate_range(acc, model, scenario.relative_accuracy, targets, done, next, options.threads, &progress);
                if (done < next) {  // interrupted: the report covers the paths done
                    if (done > 0) r = summarize(model, scenario, acc);
                    break;
                }
                r = summarize(model, scenario, acc);
                ++report->checks;
                std::tie(report->reached, report->worst) = largest_relative_half_width(r);
                report->met = report->reached < report->target;
                if (report->met || done >= options.max_paths) break;
                // half-widths shrink as 1/sqrt(n): ask for what that law needs, 5% more, in whole blocks,
                // at least 16 blocks more and at most four times as many paths
                const double ratio = report->reached / report->target;
                const double want = std::ceil(static_cast<double>(done) * ratio * ratio * 1.05 / kBlockPaths) * kBlockPaths;
                const double lo = static_cast<double>(done + 16 * kBlockPaths), hi = 4.0 * static_cast<double>(done);
                next = static_cast<std::uint64_t>(std::min(std::max(want, lo), std::max(hi, lo)));
                next = std::min(next, options.max_paths);
            }
        }
    } catch (const ValueOverflow& e) {
        const std::uint32_t ns = model.series_count();
        throw InputError("values of " + model.series[e.stat() % ns] + " overflow double (above 1.8e308) in " +
                         std::to_string(model.base_year + static_cast<int>(e.stat() / ns)) +
                         ": the growth or its spread is too large for these years; lower growth.rate or the "
                         "spreads, or shorten the horizon");
    }
    if (acc.paths() == 0) interrupt::check();  // stopped before a whole block was done: nothing to report
    if (interrupt::requested() && acc.paths() < planned) {
        r.interrupted_by = interrupt::received();
        r.paths_planned = planned;
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    r.threads = threads;
    r.processes = cluster::size();
    r.elapsed_seconds = elapsed.count();
    r.precision = report;
    return r;
}

}  // namespace marketsim
