#include "marketsim/compare.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include <tbb/enumerable_thread_specific.h>

#include "core/memory.hpp"
#include "engine/block_loop.hpp"
#include "engine/engine.hpp"
#include "marketsim/cluster.hpp"
#include "marketsim/error.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/quantiles.hpp"
#include "marketsim/simd.hpp"
#include "sampling/kernels.hpp"

namespace marketsim {
namespace {
bool same_dimensions(const Scenario& a, const Scenario& b) {
    if (a.dimensions.size() != b.dimensions.size()) return false;
    for (std::size_t d = 0; d < a.dimensions.size(); ++d) {
        const Dimension &x = a.dimensions[d], &y = b.dimensions[d];
        if (x.name != y.name || x.members.size() != y.members.size()) return false;
        for (std::size_t m = 0; m < x.members.size(); ++m)
            if (x.members[m].name != y.members[m].name) return false;
    }
    return true;
}

void check_comparable(const std::vector<Scenario>& sc) {
    if (sc.size() < 2) throw InputError("compare needs at least two scenarios");
    const Scenario& a = sc[0];
    for (std::size_t k = 1; k < sc.size(); ++k) {
        const Scenario& b = sc[k];
        if (!same_dimensions(a, b))
            throw InputError("scenario '" + b.name + "' does not have the dimensions of '" + a.name +
                             "' (names and members in the same order): its paths cannot be paired");
        if (a.base_year != b.base_year || a.horizon != b.horizon)
            throw InputError("scenario '" + b.name + "' runs " + std::to_string(b.base_year) + "-" +
                             std::to_string(b.horizon) + " but '" + a.name + "' runs " + std::to_string(a.base_year) +
                             "-" + std::to_string(a.horizon) + ": compare needs the same years");
        for (std::size_t j = 0; j < k; ++j)
            if (sc[j].name == b.name)
                throw InputError("two scenarios are named '" + b.name + "': their outputs would collide");
    }
}


/** One thread's samplers (one per scenario, with the same chunk capacity so that their chunks
 *  hold the same paths) and what it records: each scenario's bands and, for every scenario after
 *  the first, the bands of its difference from the first and how often it is larger. */
struct CompareWorker {
    CompareWorker(const std::vector<Model>& models, const std::vector<Scenario>& scenarios,
                  const std::vector<std::vector<TargetIndex>>& targets,
                  const std::vector<std::vector<double>>& delta_reference, std::uint32_t capacity, std::uint32_t ns)
        : models(&models), ns(ns), diff(capacity) {
        const std::size_t t_count = static_cast<std::size_t>(models[0].years) + 1;
        for (std::size_t k = 0; k < models.size(); ++k) {
            samplers.emplace_back(models[k], capacity);
            values.emplace_back(t_count * models[k].series_count() * capacity);
            own.emplace_back(models[k], scenarios[k].relative_accuracy, targets[k]);
            if (k > 0) {
                delta.emplace_back(delta_reference[k - 1], ns, scenarios[0].relative_accuracy);
                greater.emplace_back(t_count * ns, 0);
            }
        }
    }

    const std::vector<Model>* models;
    std::uint32_t ns;  ///< series compared: those every scenario has
    std::vector<ChunkSampler> samplers;
    std::vector<std::vector<double>> values;  ///< per scenario: [t][s][lane] of one chunk
    std::vector<BandAccumulator> own;
    std::vector<BandAccumulator> delta;
    std::vector<std::vector<std::uint64_t>> greater;
    std::vector<double> diff;

    std::uint32_t capacity() const noexcept { return samplers.front().capacity(); }
    void begin_block(std::uint64_t) noexcept {
        for (auto& acc : own) acc.begin_block();
        for (auto& acc : delta) acc.begin_block();
    }
    void end_block(std::uint64_t) noexcept {
        for (auto& acc : own) acc.end_block();
        for (auto& acc : delta) acc.end_block();
    }

    void chunk(std::uint64_t first, std::uint32_t lanes) {
        const std::uint32_t cap = capacity();
        const Model& a = (*models)[0];
        for (std::size_t k = 0; k < samplers.size(); ++k) {
            const std::uint32_t nk = (*models)[k].series_count();
            samplers[k].simulate(first, lanes, [&](int t, const double* series, std::uint32_t n) {
                std::copy(series, series + static_cast<std::size_t>(nk) * cap,
                          values[k].begin() + static_cast<std::ptrdiff_t>(t) * nk * cap);
                record_year(own[k], (*models)[k], t, series, cap, n);
            });
            own[k].add_paths(lanes);
        }
        const std::size_t t_count = static_cast<std::size_t>(a.years) + 1, n0 = a.series_count();
        for (std::size_t k = 1; k < samplers.size(); ++k) {
            const std::size_t nk = (*models)[k].series_count();
            for (std::size_t t = 0; t < t_count; ++t)
                for (std::size_t s = 0; s < ns; ++s) {
                    const double* vb = values[k].data() + (t * nk + s) * cap;
                    const double* va = values[0].data() + (t * n0 + s) * cap;
                    std::uint64_t larger = 0;
                    for (std::uint32_t i = 0; i < lanes; ++i) {
                        diff[i] = vb[i] - va[i];
                        larger += diff[i] > 0;
                    }
                    greater[k - 1][t * ns + s] += larger;
                    try {
                        delta[k - 1].add_values(t * ns + s, diff.data(), lanes);
                    } catch (const ValueOverflow&) {
                        throw_overflow(a, static_cast<std::uint32_t>(s), static_cast<int>(t));
                    }
                }
            delta[k - 1].add_paths(lanes);
        }
    }
};

}  // namespace

Comparison compare(const std::vector<Scenario>& given, const RunOptions& options) {
    check_comparable(given);
    // what moved ranks the series by their medians: every scenario computes P50
    std::vector<Scenario> scenarios = given;
    for (Scenario& sc : scenarios)
        if (!find_quantile(sc.quantiles, 0.5)) {
            sc.quantiles.push_back(0.5);
            std::sort(sc.quantiles.begin(), sc.quantiles.end());
        }
    apply_simd(options);
    Comparison out;
    out.seed = options.seed.value_or(scenarios[0].seed);
    for (const Scenario& sc : scenarios) {
        out.scenarios.push_back(sc.name);
        if (!options.seed && sc.seed != out.seed)
            out.warnings.push_back("scenario '" + sc.name + "' sets seed " + std::to_string(sc.seed) +
                                   "; compare runs every scenario with the first one's seed " +
                                   std::to_string(out.seed) + " so that paths pair up");
    }

    const std::size_t k_count = scenarios.size();
    std::vector<Model> models;
    std::vector<std::vector<TargetIndex>> targets;
    for (const Scenario& sc : scenarios) {
        models.push_back(compile_for_run(sc, out.seed));
        targets.push_back(target_indices(models.back(), sc));
    }
    const int threads = thread_count(options.threads);
    double need = 0.0;  // each scenario's accumulators, and about as much again for each delta
    for (std::size_t k = 0; k < models.size(); ++k)
        need += (k == 0 ? 1 : 2) * estimate_memory_bytes(models[k], scenarios[k].relative_accuracy, threads);
    require_memory(need, "compare fewer scenarios at once, use fewer threads, or raise output.relative_accuracy");
    // cell series only where every scenario has them, so deltas line up
    std::uint32_t ns = std::min_element(models.begin(), models.end(), [](const Model& x, const Model& y) {
                           return x.series_count() < y.series_count();
                       })->series_count();
    // and only the leading series every scenario names alike (share series in one, cells in another)
    for (const Model& m : models)
        for (std::uint32_t s = 0; s < ns; ++s)
            if (m.series[s] != models[0].series[s]) {
                ns = s;
                break;
            }
    const Model& a = models[0];
    const std::size_t t_count = static_cast<std::size_t>(a.years) + 1;

    std::vector<std::vector<double>> delta_reference(k_count - 1, std::vector<double>(t_count * ns));
    for (std::size_t k = 1; k < k_count; ++k)
        for (std::size_t t = 0; t < t_count; ++t)
            for (std::size_t s = 0; s < ns; ++s)
                delta_reference[k - 1][t * ns + s] = models[k].central[s * t_count + t] - a.central[s * t_count + t];

    std::uint32_t capacity = 64;
    for (const Model& m : models) capacity = std::min(capacity, kernels::chunk_capacity(m));
    tbb::enumerable_thread_specific<CompareWorker> workers(
        [&] { return CompareWorker(models, scenarios, targets, delta_reference, capacity, ns); });
    const auto start = std::chrono::steady_clock::now();
    ProgressThrottle progress(options.progress, options.paths);
    BlockPlan plan;
    plan.paths = options.paths;
    plan.threads = options.threads;
    plan.stop = options.stop;
    plan.progress = &progress;
    require_whole(sample_blocks(plan, workers));

    std::vector<BandAccumulator> own;
    std::vector<BandAccumulator> delta;
    std::vector<std::vector<std::uint64_t>> greater(k_count - 1, std::vector<std::uint64_t>(t_count * ns, 0));
    for (std::size_t k = 0; k < k_count; ++k) own.emplace_back(models[k], scenarios[k].relative_accuracy, targets[k]);
    for (std::size_t k = 1; k < k_count; ++k) delta.emplace_back(delta_reference[k - 1], ns, scenarios[0].relative_accuracy);
    for (const CompareWorker& w : workers) {
        for (std::size_t k = 0; k < k_count; ++k) own[k].merge(w.own[k]);
        for (std::size_t k = 1; k < k_count; ++k) {
            delta[k - 1].merge(w.delta[k - 1]);
            for (std::size_t i = 0; i < greater[k - 1].size(); ++i) greater[k - 1][i] += w.greater[k - 1][i];
        }
    }
    for (BandAccumulator& acc : own) merge_processes(acc);
    for (BandAccumulator& acc : delta) merge_processes(acc);
    for (std::vector<std::uint64_t>& g : greater) cluster::sum(g);

    out.paths = options.paths;
    out.threads = threads;
    out.processes = cluster::size();
    out.simd = simd::target();
    out.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (std::size_t k = 0; k < k_count; ++k) {
        Results r = summarize(models[k], scenarios[k], own[k]);
        r.threads = threads;
        r.processes = out.processes;
        r.simd = out.simd;
        r.elapsed_seconds = out.elapsed_seconds;
        out.bands.push_back(std::move(r));
    }
    Scenario delta_scenario = scenarios[0];
    delta_scenario.targets.clear();
    delta_scenario.warnings.clear();
    Model delta_model = models[0];
    delta_model.series.resize(ns);
    for (std::size_t k = 1; k < k_count; ++k) {
        Results r = summarize(delta_model, delta_scenario, delta[k - 1]);
        r.scenario = scenarios[k].name;
        r.central.clear();  // a difference has no central path of its own to grow from
        r.central_path.clear();
        r.central_events.clear();
        r.cagr.clear();
        r.warnings.clear();
        out.delta.push_back(std::move(r));
        std::vector<double> share(t_count * ns);
        for (std::size_t t = 0; t < t_count; ++t)
            for (std::size_t s = 0; s < ns; ++s)
                share[s * t_count + t] = static_cast<double>(greater[k - 1][t * ns + s]) / static_cast<double>(options.paths);
        out.greater.push_back(std::move(share));
    }
    return out;
}

namespace {

/** Every series of what-if k with its move, in series order. */
std::vector<Moved> moves(const Comparison& c, std::size_t k) {
    if (k == 0 || k >= c.bands.size()) throw InputError("what_moved: scenario " + std::to_string(k) + " is not a what-if");
    const Results& a = c.bands[0];
    const Results& b = c.bands[k];
    const std::size_t median = nearest_quantile(a.quantiles, 0.5), years = static_cast<std::size_t>(a.years);
    std::vector<Moved> out;
    for (std::size_t s = 0; s < c.delta[k - 1].series.size(); ++s) {
        Moved m;
        m.series = a.series[s];
        m.share = is_share_series(m.series);
        m.a_p50 = a.band(s, a.years).quantile[median];
        m.b_p50 = b.band(s, b.years).quantile[nearest_quantile(b.quantiles, 0.5)];
        m.change = m.b_p50 - m.a_p50;
        m.change_pct = m.a_p50 != 0.0 ? m.change / m.a_p50 : std::numeric_limits<double>::quiet_NaN();
        m.prob_b_gt_a = c.greater[k - 1][s * (years + 1) + years];
        out.push_back(m);
    }
    return out;
}

std::vector<Moved> ranked(std::vector<Moved> out, std::size_t top) {
    std::stable_sort(out.begin(), out.end(),
                     [](const Moved& x, const Moved& y) { return std::fabs(x.change) > std::fabs(y.change); });
    if (out.size() > top) out.resize(top);
    return out;
}

}  // namespace

std::vector<Moved> what_moved(const Comparison& c, std::size_t k, std::size_t top) { return ranked(moves(c, k), top); }

std::vector<Moved> what_moved(const Comparison& c, std::size_t k, std::size_t top, MovedSeries which) {
    std::vector<Moved> all = moves(c, k), kept;
    for (std::size_t s = 1; s < all.size(); ++s)  // the total (series 0) apart
        if (all[s].share == (which == MovedSeries::shares)) kept.push_back(all[s]);
    return ranked(std::move(kept), top);
}

}  // namespace marketsim
