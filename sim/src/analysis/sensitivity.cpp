#include "marketsim/sensitivity.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <utility>

#include <tbb/enumerable_thread_specific.h>

#include "core/hash.hpp"
#include "core/memory.hpp"
#include "engine/block_loop.hpp"
#include "engine/engine.hpp"
#include "marketsim/cluster.hpp"
#include "marketsim/error.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/simd.hpp"
#include "sampling/kernels.hpp"
#include "sampling/random.hpp"
#include "scenario/series.hpp"
#include "stats/quantiles.hpp"

namespace marketsim {
namespace {

/** A group of draws: which factor-draw indices of the long-run and the annual purposes, and which
 *  events' firings, it holds. */
struct Group {
    std::string name, partition;
    bool is_event = false;
    std::vector<char> persistent, annual, events;
    std::vector<char> impacts;  ///< per event: its uncertain impact's draw
    bool tails = false;  ///< the t-scale normals of every year (growth.annual_tails)
};

std::vector<Group> make_groups(const Model& m, const Scenario& sc) {
    const std::uint32_t nd = m.factor_draws();
    const auto group = [&](std::string name, std::string partition) {
        Group g;
        g.name = std::move(name);
        g.partition = std::move(partition);
        g.persistent.assign(nd, 0);
        g.annual.assign(nd, 0);
        g.events.assign(m.events.size(), 0);
        g.impacts.assign(m.events.size(), 0);
        return g;
    };
    std::vector<Group> out;
    Group global = group("global", "inputs");
    global.persistent[0] = global.annual[0] = 1;
    out.push_back(global);
    for (std::size_t d = 0; d < m.dim_size.size(); ++d) {
        const std::string& dim = sc.dimensions[d].name;
        if (m.root[d].empty()) {
            for (std::uint32_t k = 0; k < m.dim_size[d]; ++k) {
                Group g = group(dim + "=" + sc.dimensions[d].members[k].name, "inputs");
                g.persistent[1 + m.dim_offset[d] + k] = g.annual[1 + m.dim_offset[d] + k] = 1;
                out.push_back(std::move(g));
            }
        } else {
            Group g = group(dim + " (all members, correlated)", "inputs");
            for (std::uint32_t k = 0; k < m.dim_size[d]; ++k) g.persistent[1 + m.dim_offset[d] + k] = g.annual[1 + m.dim_offset[d] + k] = 1;
            out.push_back(std::move(g));
        }
    }
    Group idio = group("idiosyncratic", "inputs");
    for (std::uint32_t k = 1 + m.member_count; k < nd; ++k) idio.persistent[k] = idio.annual[k] = 1;
    out.push_back(std::move(idio));
    for (std::size_t e = 0; e < m.events.size(); ++e) {
        Group g = group("event=" + m.events[e].name, "inputs");
        g.is_event = true;
        g.events[e] = 1;
        out.push_back(std::move(g));
    }
    for (std::size_t e = 0; e < m.events.size(); ++e) {
        if (!m.events[e].impact_range) continue;
        Group g = group("event=" + m.events[e].name + " impact", "inputs");
        g.impacts[e] = 1;
        out.push_back(std::move(g));
    }
    if (m.annual_tails) {
        Group g = group("annual tails", "inputs");
        g.tails = true;
        out.push_back(std::move(g));
    }
    Group persistent = group("persistent", "persistence"), annual = group("annual", "persistence");
    std::fill(persistent.persistent.begin(), persistent.persistent.end(), 1);
    // an uncertain impact is drawn once per path: persistent
    for (std::size_t e = 0; e < m.events.size(); ++e) persistent.impacts[e] = m.events[e].impact_range ? 1 : 0;
    std::fill(annual.annual.begin(), annual.annual.end(), 1);
    std::fill(annual.events.begin(), annual.events.end(), 1);
    annual.tails = true;
    out.push_back(std::move(persistent));
    out.push_back(std::move(annual));
    return out;
}

/** How one evaluation mixes the samples: group g from B (swap), or sample A or B itself. */
struct Mix {
    const Group* group = nullptr;
    bool all_b = false;  ///< sample B itself
};

/** An uncertain impact's mean and standard deviation (PERT: its Beta(alpha, beta) on [low, high]). */
std::pair<double, double> impact_moments(const ThreePoint& r) {
    const double l = r.low, m = r.mode, h = r.high;
    switch (r.kind) {
        case ThreePoint::Kind::uniform: return {0.5 * (l + h), (h - l) / std::sqrt(12.0)};
        case ThreePoint::Kind::triangular:
            return {(l + m + h) / 3, std::sqrt((l * l + m * m + h * h - l * m - l * h - m * h) / 18)};
        case ThreePoint::Kind::pert:
        default: {
            const double a = r.alpha, b = r.beta;
            return {l + (h - l) * a / (a + b), (h - l) * std::sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)))};
        }
    }
}

/** One thread's sampler, a chunk's draws of both samples (so that any mix of them costs no
 *  further Philox call), and the chosen series' values of the evaluations of the chunk. */
class SensitivityWorker {
public:
    SensitivityWorker(const Model& m, std::uint64_t seed_b, std::uint32_t series, int t_year,
                      const std::vector<Group>& groups, std::vector<double>& block_sums, std::vector<double>& base_value,
                      std::vector<double>& scores)
        : m_(&m), seed_b_(seed_b), series_(series), t_year_(t_year), groups_(&groups), block_sums_(&block_sums),
          base_value_(&base_value), scores_(&scores), sampler_(m) {
        const std::size_t cap = sampler_.capacity(), t_count = static_cast<std::size_t>(m.years) + 1;
        a_ = kernels::aligned_zeros<float>(t_count * m.factor_draws() * cap);
        b_ = kernels::aligned_zeros<float>(t_count * m.factor_draws() * cap);
        fire_a_.resize(m.events.size() * t_count * cap);
        fire_b_.resize(fire_a_.size());
        fa_.resize(t_count * cap);
        fb_.resize(fa_.size());
        fab_.resize(fa_.size());
        once_a_.resize(m.events.size() * cap);
        once_b_.resize(once_a_.size());
        impact_a_.resize(m.events.size() * cap);
        impact_b_.resize(impact_a_.size());
        const std::size_t nu = static_cast<std::size_t>(m.annual_tails);
        ta_ = kernels::aligned_zeros<float>(t_count * nu * cap);
        tb_ = kernels::aligned_zeros<float>(t_count * nu * cap);
        score_.resize(cap);
        for (const EventModel& ev : m.events)
            impact_moments_.push_back(ev.impact_range ? impact_moments(*ev.impact_range) : std::pair<double, double>{0.0, 0.0});
    }

    /** Bytes one worker holds for `model`. */
    static double bytes(const Model& m) {
        const double cap = kernels::chunk_capacity(m), t_count = m.years + 1.0;
        return kernels::chunk_bytes(m) +
               cap * t_count * (2.0 * 4 * m.factor_draws() + 2.0 * m.events.size() + 3.0 * 8 + 2.0 * 4 * m.annual_tails) +
               cap * m.events.size() * (2.0 * 4 + 2.0 * 8) + cap * 8.0;
    }

    /** Per block: sums for A and B per year (4), and per group and year the two estimators' terms (4). */
    static std::size_t per_block(const Model& m, std::size_t groups) {
        return 4 * static_cast<std::size_t>(m.years) * (1 + groups);
    }

    std::uint32_t capacity() const noexcept { return sampler_.capacity(); }
    void begin_block(std::uint64_t) noexcept {}
    void end_block(std::uint64_t) noexcept {}

    void chunk(std::uint64_t first, std::uint32_t lanes) {
        const Model& m = *m_;
        const int n = m.years;
        const std::uint32_t cap = capacity(), nd = m.factor_draws();
        for (int t = 0; t <= n; ++t) {
            const std::uint32_t purpose = t == 0 ? purpose::long_run : purpose::annual(m.base_year + t);
            const std::size_t at = static_cast<std::size_t>(t) * nd * cap;
            kernels::chunk_normals(m.seed, nd, first, cap, purpose, a_.get() + at);
            kernels::chunk_normals(seed_b_, nd, first, cap, purpose, b_.get() + at);
            if (m.annual_tails && t > 0) {
                const auto nu = static_cast<std::uint32_t>(m.annual_tails);
                const std::size_t tat = static_cast<std::size_t>(t) * nu * cap;
                kernels::chunk_normals(m.seed, nu, first, cap, purpose::annual_tails(m.base_year + t), ta_.get() + tat);
                kernels::chunk_normals(seed_b_, nu, first, cap, purpose::annual_tails(m.base_year + t), tb_.get() + tat);
            }
        }
        for (std::size_t e = 0; e < m.events.size(); ++e) {
            const EventModel& ev = m.events[e];
            const std::uint64_t threshold = uniform_threshold(ev.probability);
            if (ev.impact_range) {
                kernels::chunk_impacts(m.seed, first, cap, ev, impact_a_.data() + e * cap);
                kernels::chunk_impacts(seed_b_, first, cap, ev, impact_b_.data() + e * cap);
            }
            if (ev.once) {
                if (ev.first_fire > ev.last_fire) continue;
                kernels::chunk_once(m.seed, first, cap, ev, once_a_.data() + e * cap);
                kernels::chunk_once(seed_b_, first, cap, ev, once_b_.data() + e * cap);
                continue;
            }
            for (int f = ev.first_fire; f <= ev.last_fire; ++f) {
                const std::size_t at = (e * (n + 1) + static_cast<std::size_t>(f)) * cap;
                const auto year = static_cast<std::uint32_t>(m.base_year + f);
                kernels::chunk_fires(m.seed, first, cap, ev.purpose, year, threshold, fire_a_.data() + at);
                kernels::chunk_fires(seed_b_, first, cap, ev.purpose, year, threshold, fire_b_.data() + at);
            }
        }
        double* sums = &(*block_sums_)[(first / kBlockPaths) * per_block(m, groups_->size())];
        evaluate(Mix{}, first, lanes, fa_);
        Mix b;
        b.all_b = true;
        evaluate(b, first, lanes, fb_);
        // every sum takes its paths in path order: the block's sums do not depend on the chunk size
        for (std::uint32_t i = 0; i < lanes; ++i) {
            (*base_value_)[first + i] = fa_[static_cast<std::size_t>(t_year_) * cap + i];
            for (int t = 1; t <= n; ++t) {
                const double fa = fa_[static_cast<std::size_t>(t) * cap + i], fb = fb_[static_cast<std::size_t>(t) * cap + i];
                double* s = sums + 4 * (t - 1);
                s[0] += fa;
                s[1] += fa * fa;
                s[2] += fb;
                s[3] += fb * fb;
            }
        }
        const std::uint64_t paths = base_value_->size();
        for (std::size_t g = 0; g < groups_->size(); ++g) {
            Mix swap;
            swap.group = &(*groups_)[g];
            evaluate(swap, first, lanes, fab_);
            for (std::uint32_t i = 0; i < lanes; ++i)
                for (int t = 1; t <= n; ++t) {
                    const std::size_t at = static_cast<std::size_t>(t) * cap + i;
                    double* s = sums + 4 * n + (g * n + (t - 1)) * 4;
                    const double first_term = fb_[at] * (fab_[at] - fa_[at]), diff = fa_[at] - fab_[at];
                    const double total_term = diff * diff;
                    s[0] += first_term;
                    s[1] += first_term * first_term;
                    s[2] += total_term;
                    s[3] += total_term * total_term;
                }
            // the tornado's ranking: the group's mean standardized draw on each path of sample A
            group_score((*groups_)[g], lanes);
            std::copy_n(score_.begin(), lanes, scores_->begin() + static_cast<std::ptrdiff_t>(g * paths + first));
        }
    }

private:
    /** f[t * capacity + lane]: the chosen series in every year of the chunk's paths under `mix`. */
    void evaluate(const Mix& mix, std::uint64_t first, std::uint32_t lanes, std::vector<double>& f) {
        mix_ = &mix;
        kernels::ChunkDraws draws{&SensitivityWorker::normals, &SensitivityWorker::fires, this};
        draws.once = &SensitivityWorker::once;
        draws.impacts = &SensitivityWorker::impacts;
        draws.tails = &SensitivityWorker::tails;
        const std::uint32_t cap = capacity();
        sampler_.simulate(
            first, lanes,
            [&](int t, const double* series, std::uint32_t n) {
                const double* x = series + static_cast<std::size_t>(series_) * cap;
                for (std::uint32_t i = 0; i < n; ++i)
                    if (!std::isfinite(x[i])) throw_overflow(*m_, series_, t);
                std::copy(x, x + cap, f.begin() + static_cast<std::ptrdiff_t>(t) * cap);
            },
            &draws);
    }

    /** score_[lane]: the mean over group g's draws on sample A, each standardized to mean 0 and
     *  variance 1: its normals as they are; an event's firing in a year (or a `once` event's firing
     *  at all) as (x - p) / sqrt(p (1 - p)), 0 when p is 0 or 1; an uncertain impact as
     *  (J - mean) / sd; a year's t-scale W = sum of its squared normals as (W - nu) / sqrt(2 nu), so
     *  that a low score holds wild years. 0 for a group without draws. */
    void group_score(const Group& g, std::uint32_t lanes) {
        const Model& m = *m_;
        const int n = m.years;
        const std::uint32_t cap = capacity(), nd = m.factor_draws();
        std::fill(score_.begin(), score_.end(), 0.0);
        double count = 0;
        for (int t = 0; t <= n; ++t) {
            const std::vector<char>& mask = t == 0 ? g.persistent : g.annual;
            for (std::uint32_t k = 0; k < nd; ++k) {
                if (!mask[k]) continue;
                const float* z = a_.get() + (static_cast<std::size_t>(t) * nd + k) * cap;
                for (std::uint32_t i = 0; i < lanes; ++i) score_[i] += z[i];
                ++count;
            }
        }
        for (std::size_t e = 0; e < m.events.size(); ++e) {
            const EventModel& ev = m.events[e];
            if (g.events[e] && ev.first_fire <= ev.last_fire) {
                const double p = ev.probability, sd = std::sqrt(p * (1 - p));
                if (ev.once) {
                    if (sd > 0)
                        for (std::uint32_t i = 0; i < lanes; ++i) score_[i] += ((once_a_[e * cap + i] != 0) - p) / sd;
                    ++count;
                } else {
                    for (int f = ev.first_fire; f <= ev.last_fire; ++f) {
                        const std::uint8_t* x = fire_a_.data() + (e * (static_cast<std::size_t>(n) + 1) + static_cast<std::size_t>(f)) * cap;
                        if (sd > 0)
                            for (std::uint32_t i = 0; i < lanes; ++i) score_[i] += (x[i] - p) / sd;
                        ++count;
                    }
                }
            }
            if (g.impacts[e] && ev.impact_range) {
                const auto [mean, sd] = impact_moments_[e];
                if (sd > 0)
                    for (std::uint32_t i = 0; i < lanes; ++i) score_[i] += (impact_a_[e * cap + i] - mean) / sd;
                ++count;
            }
        }
        if (g.tails && m.annual_tails) {
            const std::size_t nu = static_cast<std::size_t>(m.annual_tails);
            const double scale = std::sqrt(2.0 * static_cast<double>(nu));
            for (int t = 1; t <= n; ++t) {
                const float* z = ta_.get() + static_cast<std::size_t>(t) * nu * cap;
                for (std::uint32_t i = 0; i < lanes; ++i) {
                    double w = 0;
                    for (std::size_t k = 0; k < nu; ++k) w += static_cast<double>(z[k * cap + i]) * z[k * cap + i];
                    score_[i] += (w - static_cast<double>(nu)) / scale;
                }
                ++count;
            }
        }
        if (count > 0)
            for (std::uint32_t i = 0; i < lanes; ++i) score_[i] /= count;
    }

    static void normals(void* self, int t, float* z) {
        const auto& w = *static_cast<SensitivityWorker*>(self);
        const Mix& mix = *w.mix_;
        const std::uint32_t nd = w.m_->factor_draws(), cap = w.sampler_.capacity();
        const std::size_t at = static_cast<std::size_t>(t) * nd * cap;
        const std::vector<char>* mask = mix.group ? (t == 0 ? &mix.group->persistent : &mix.group->annual) : nullptr;
        for (std::uint32_t k = 0; k < nd; ++k) {
            const bool in = mask && (*mask)[k];
            const float* from = (mix.all_b || in ? w.b_ : w.a_).get();
            std::copy_n(from + at + static_cast<std::size_t>(k) * cap, cap, z + static_cast<std::size_t>(k) * cap);
        }
    }

    static void fires(void* self, std::size_t e, int t, std::uint8_t* out) {
        const auto& w = *static_cast<SensitivityWorker*>(self);
        const Mix& mix = *w.mix_;
        const std::uint32_t cap = w.sampler_.capacity();
        const bool in = mix.group && mix.group->events[e];
        const std::vector<std::uint8_t>& from = mix.all_b || in ? w.fire_b_ : w.fire_a_;
        std::copy_n(from.data() + (e * (static_cast<std::size_t>(w.m_->years) + 1) + static_cast<std::size_t>(t)) * cap, cap, out);
    }

    /** A once event's firing year: A's or B's. */
    static void once(void* self, std::size_t e, std::int32_t* out) {
        const auto& w = *static_cast<SensitivityWorker*>(self);
        const Mix& mix = *w.mix_;
        const std::uint32_t cap = w.sampler_.capacity();
        const bool in = mix.group && mix.group->events[e];
        const std::vector<std::int32_t>& from = mix.all_b || in ? w.once_b_ : w.once_a_;
        std::copy_n(from.data() + e * cap, cap, out);
    }

    /** An uncertain impact: A's or B's draw. */
    static void impacts(void* self, std::size_t e, double* out) {
        const auto& w = *static_cast<SensitivityWorker*>(self);
        const Mix& mix = *w.mix_;
        const std::uint32_t cap = w.sampler_.capacity();
        const bool in = mix.group && mix.group->impacts[e];
        const std::vector<double>& from = mix.all_b || in ? w.impact_b_ : w.impact_a_;
        std::copy_n(from.data() + e * cap, cap, out);
    }

    static void tails(void* self, int t, float* z) {
        const auto& w = *static_cast<SensitivityWorker*>(self);
        const Mix& mix = *w.mix_;
        const std::size_t nu = static_cast<std::size_t>(w.m_->annual_tails), cap = w.sampler_.capacity();
        const bool in = mix.group && mix.group->tails;
        const float* from = (mix.all_b || in ? w.tb_ : w.ta_).get();
        std::copy_n(from + static_cast<std::size_t>(t) * nu * cap, nu * cap, z);
    }

    const Model* m_;
    std::uint64_t seed_b_;
    std::uint32_t series_;
    int t_year_;
    const std::vector<Group>* groups_;
    std::vector<double>* block_sums_;
    std::vector<double>* base_value_;
    std::vector<double>* scores_;
    ChunkSampler sampler_;
    const Mix* mix_ = nullptr;
    hwy::AlignedFreeUniquePtr<float[]> a_, b_;   ///< (years + 1) x factor_draws x capacity: the samples' normals
    std::vector<std::uint8_t> fire_a_, fire_b_;  ///< events x (years + 1) x capacity: their firings
    std::vector<double> fa_, fb_, fab_;          ///< (years + 1) x capacity: f(A), f(B), f(A_B^g)
    std::vector<std::int32_t> once_a_, once_b_;  ///< events x capacity: once events' firing years
    std::vector<double> impact_a_, impact_b_;    ///< events x capacity: uncertain impacts
    hwy::AlignedFreeUniquePtr<float[]> ta_, tb_;  ///< (years + 1) x annual_tails x capacity: the samples' t-scale normals
    std::vector<double> score_;                  ///< capacity: a group's score on each lane
    std::vector<std::pair<double, double>> impact_moments_;  ///< per event: its uncertain impact's mean and sd
};

}  // namespace

Sensitivity sensitivity(const Scenario& scenario, const RunOptions& options, const std::string& series, int year) {
    if (options.paths < 2) throw InputError("sensitivity needs at least 2 paths");
    apply_simd(options);
    const Model m = compile_for_run(scenario, options.seed);
    const auto s_index = static_cast<std::uint32_t>(detail::find_series(m.series, series));
    if (year == 0) year = scenario.horizon;
    if (year <= scenario.base_year || year > scenario.horizon)
        throw InputError("--year " + std::to_string(year) + " is outside " + std::to_string(scenario.base_year + 1) + "-" +
                         std::to_string(scenario.horizon) + " (the base year has no spread)");
    const int n = m.years, t_year = year - scenario.base_year;
    const std::vector<Group> groups = make_groups(m, scenario);
    const std::size_t g_count = groups.size();
    const int threads = thread_count(options.threads);

    Sensitivity out;
    out.scenario = scenario.name;
    out.unit = scenario.unit;
    out.series = series;
    out.base_year = scenario.base_year;
    out.year = year;
    out.seed = m.seed;
    // B: an independent seed derived from A's, so the analysis is reproducible from the scenario's seed
    out.seed_b = (fnv1a64("marketsim sensitivity sample B") ^ (m.seed * 0x9e3779b97f4a7c15ull)) & ((1ull << 63) - 1);
    out.paths = options.paths;
    out.evaluations = static_cast<int>(2 + g_count);
    out.threads = threads;
    out.processes = cluster::size();
    out.simd = simd::target();
    out.warnings = scenario.warnings;
    if (m.annual_tails)
        out.warnings.push_back("with growth.annual_tails the output has no finite variance, so the Sobol indices are "
                               "ratios of sample variances that do not settle as paths are added; read the tornado "
                               "(medians) instead");

    const std::uint64_t paths = options.paths, blocks = (paths + kBlockPaths - 1) / kBlockPaths;
    const std::size_t per_block = SensitivityWorker::per_block(m, g_count);
    // per block: the sums; per path: the base value, each group's score, a sorted copy of the base
    // value and the path order of the tornado's tenths; per thread: a worker
    require_memory(8.0 * (static_cast<double>(blocks * per_block) + static_cast<double>(paths) * (3.0 + g_count)) +
                       threads * SensitivityWorker::bytes(m),
                   "use fewer --paths");
    std::vector<double> block_sums(blocks * per_block, 0.0);
    std::vector<double> base_value(paths), scores(g_count * paths);

    tbb::enumerable_thread_specific<SensitivityWorker> workers(
        [&] { return SensitivityWorker(m, out.seed_b, s_index, t_year, groups, block_sums, base_value, scores); });
    const auto start = std::chrono::steady_clock::now();
    ProgressThrottle progress(options.progress, paths);
    BlockPlan plan;
    plan.paths = paths;
    plan.threads = options.threads;
    plan.stop = options.stop;
    plan.progress = &progress;
    require_whole(sample_blocks(plan, workers));
    // under MPI each block and path was filled by one process: summing with the others' zeros is exact
    cluster::sum(block_sums);
    cluster::sum(base_value);
    cluster::sum(scores);
    // block sums in block order: the same totals on any thread count
    std::vector<double> total(per_block, 0.0);
    for (std::uint64_t b = 0; b < blocks; ++b)
        for (std::size_t i = 0; i < per_block; ++i) total[i] += block_sums[b * per_block + i];

    const double N = static_cast<double>(paths);
    const auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return sorted_quantile(v, 0.5);
    };
    {
        std::vector<double> sorted = base_value;
        std::sort(sorted.begin(), sorted.end());
        out.p05 = sorted_quantile(sorted, 0.05);
        out.p50 = sorted_quantile(sorted, 0.5);
        out.p95 = sorted_quantile(sorted, 0.95);
    }
    // the tornado's tenths: the paths ranked by a group's score (ties by path index), m at each end
    const std::uint64_t tenth = std::max<std::uint64_t>(1, paths / 10);
    std::vector<std::uint64_t> order(paths);
    for (int t = 1; t <= n; ++t) {
        const double* s = &total[4 * (t - 1)];
        const double mean = (s[0] + s[2]) / (2 * N);
        out.variance.push_back(std::max(0.0, (s[1] + s[3]) / (2 * N) - mean * mean));
    }
    for (std::size_t g = 0; g < g_count; ++g) {
        SensitivityInput in;
        in.name = groups[g].name;
        in.partition = groups[g].partition;
        in.is_event = groups[g].is_event;
        for (int t = 1; t <= n; ++t) {
            const double* s = &total[4 * n + (g * n + (t - 1)) * 4];
            const double v = out.variance[t - 1];
            const double m1 = s[0] / N, m2 = s[2] / N;
            const double sd1 = std::sqrt(std::max(0.0, s[1] / N - m1 * m1)), sd2 = std::sqrt(std::max(0.0, s[3] / N - m2 * m2));
            const bool spread = v > 0;
            in.first_order.push_back(spread ? m1 / v : 0.0);
            in.first_order_half_width.push_back(spread ? kZ95 * sd1 / std::sqrt(N) / v : 0.0);
            in.total.push_back(spread ? m2 / (2 * v) : 0.0);
            in.total_half_width.push_back(spread ? kZ95 * sd2 / std::sqrt(N) / (2 * v) : 0.0);
        }
        const double* score = scores.data() + g * paths;
        const auto [lowest, highest] = std::minmax_element(score, score + paths);
        if (*lowest == *highest) {  // the group's draws tell the paths apart nowhere: no bar
            in.p50_low = in.p50_high = out.p50;
        } else {
            const auto before = [&](std::uint64_t a, std::uint64_t b) { return score[a] < score[b] || (score[a] == score[b] && a < b); };
            std::iota(order.begin(), order.end(), std::uint64_t{0});
            const auto end_median = [&](auto from, auto to) {
                std::vector<double> v;
                for (auto it = from; it != to; ++it) v.push_back(base_value[*it]);
                return median(std::move(v));
            };
            std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(tenth), order.end(), before);
            in.p50_low = end_median(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(tenth));
            std::nth_element(order.begin(), order.end() - static_cast<std::ptrdiff_t>(tenth), order.end(), before);
            in.p50_high = end_median(order.end() - static_cast<std::ptrdiff_t>(tenth), order.end());
        }
        out.inputs.push_back(std::move(in));
    }
    // the inputs first, largest total index first; then the persistent/annual partition
    std::stable_sort(out.inputs.begin(), out.inputs.end(), [&](const SensitivityInput& a, const SensitivityInput& b) {
        if (a.partition != b.partition) return a.partition == "inputs";
        return a.total[t_year - 1] > b.total[t_year - 1];
    });
    out.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace marketsim
