#include "marketsim/sensitivity.hpp"

#include "marketsim/cluster.hpp"
#include "marketsim/interrupt.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <tbb/enumerable_thread_specific.h>

#include "marketsim/error.hpp"
#include "marketsim/quantile_sketch.hpp"
#include "marketsim/hash.hpp"
#include "marketsim/random.hpp"
#include "marketsim/report.hpp"
#include "marketsim/sampler.hpp"

namespace marketsim {
namespace {

constexpr double kZ90 = 1.2815515655446004;  // the standard normal's 90th percentile
constexpr double kZ95 = 1.959963984540054;

/** A group of draws: which factor-draw indices of the long-run and the annual purposes, and which
 *  events' firings, it holds. */
struct Group {
    std::string name, partition;
    bool is_event = false;
    std::vector<char> persistent, annual, events;
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
    Group persistent = group("persistent", "persistence"), annual = group("annual", "persistence");
    std::fill(persistent.persistent.begin(), persistent.persistent.end(), 1);
    std::fill(annual.annual.begin(), annual.annual.end(), 1);
    std::fill(annual.events.begin(), annual.events.end(), 1);
    out.push_back(std::move(persistent));
    out.push_back(std::move(annual));
    return out;
}

/** A path's draws from both samples, so that any mix of them costs no extra Philox call. */
struct PathDraws {
    std::vector<float> a, b;            ///< (years + 1) x factor_draws: purpose long_run, then each year
    std::vector<char> fire_a, fire_b;   ///< events x (years + 1), by year index
};

void draw_path(const Model& m, std::uint64_t seed_b, std::uint64_t path, PathDraws& d, std::vector<double>& buf) {
    const std::uint32_t nd = m.factor_draws();
    const int n = m.years;
    d.a.resize(static_cast<std::size_t>(n + 1) * nd);
    d.b.resize(d.a.size());
    buf.resize(nd);
    for (int t = 0; t <= n; ++t) {
        const std::uint32_t purpose = t == 0 ? purpose::long_run : purpose::annual(m.base_year + t);
        normals(m.seed, path, purpose, buf.data(), nd);
        std::transform(buf.begin(), buf.end(), d.a.begin() + static_cast<std::ptrdiff_t>(t) * nd, [](double v) { return static_cast<float>(v); });
        normals(seed_b, path, purpose, buf.data(), nd);
        std::transform(buf.begin(), buf.end(), d.b.begin() + static_cast<std::ptrdiff_t>(t) * nd, [](double v) { return static_cast<float>(v); });
    }
    d.fire_a.assign(m.events.size() * static_cast<std::size_t>(n + 1), 0);
    d.fire_b.assign(d.fire_a.size(), 0);
    for (std::size_t e = 0; e < m.events.size(); ++e)
        for (int f = m.events[e].first_fire; f <= m.events[e].last_fire; ++f) {
            const auto year = static_cast<std::uint32_t>(m.base_year + f);
            d.fire_a[e * (n + 1) + f] = uniform(m.seed, path, m.events[e].purpose, year) < m.events[e].probability;
            d.fire_b[e * (n + 1) + f] = uniform(seed_b, path, m.events[e].purpose, year) < m.events[e].probability;
        }
}

/** How one evaluation mixes the samples: group g from B (swap), or pinned (tornado). */
struct Mix {
    const Group* group = nullptr;
    bool all_b = false;     ///< sample B itself
    int pin = 0;            ///< -1 / +1: the group's normals at -/+ kZ90, events off / forced
};

}  // namespace

Sensitivity sensitivity(const Scenario& scenario, const RunOptions& options, const std::string& series, int year) {
    if (options.paths < 2) throw InputError("sensitivity needs at least 2 paths");
    const Model m = compile_for_run(scenario, options);
    const std::size_t s_index = series_index(m, series);
    if (year == 0) year = scenario.horizon;
    if (year <= scenario.base_year || year > scenario.horizon)
        throw InputError("--year " + std::to_string(year) + " is outside " + std::to_string(scenario.base_year + 1) + "-" +
                         std::to_string(scenario.horizon) + " (the base year has no spread)");
    const int n = m.years, t_year = year - scenario.base_year;
    const std::uint32_t ns = m.series_count(), nd = m.factor_draws();
    const std::vector<Group> groups = make_groups(m, scenario);
    const std::size_t g_count = groups.size();

    Sensitivity out;
    out.scenario = scenario.name;
    out.series = series;
    out.base_year = scenario.base_year;
    out.year = year;
    out.seed = m.seed;
    // B: an independent seed derived from A's, so the analysis is reproducible from the scenario's seed
    out.seed_b = (fnv1a64("marketsim sensitivity sample B") ^ (m.seed * 0x9e3779b97f4a7c15ull)) & ((1ull << 63) - 1);
    out.paths = options.paths;
    out.evaluations = static_cast<int>(2 + 3 * g_count);

    const std::uint64_t paths = options.paths, blocks = (paths + kBlockPaths - 1) / kBlockPaths;
    // per block: sums for A and B per year (4), and per group and year the two estimators' terms (4)
    const std::size_t per_block = 4 * static_cast<std::size_t>(n) + g_count * static_cast<std::size_t>(n) * 4;
    // per path: the base value and each group's two tornado values (and a sorted copy of each median's input)
    require_memory(8.0 * (static_cast<double>(blocks * per_block) + 2.0 * static_cast<double>(paths) * (1.0 + 2.0 * g_count)),
                   "use fewer --paths");
    std::vector<double> block_sums(blocks * per_block, 0.0);
    std::vector<double> base_value(paths), low(g_count * paths), high(g_count * paths);

    struct Local {
        PathWorkspace ws;
        PathDraws draws;
        std::vector<double> buf, out, fa, fb, fab;
    };
    tbb::enumerable_thread_specific<Local> locals([&] {
        return Local{PathWorkspace(m), PathDraws{}, {}, std::vector<double>(static_cast<std::size_t>(n + 1) * ns), {}, {}, {}};
    });
    const auto start = std::chrono::steady_clock::now();
    for_each_block(paths, options.threads, [&](std::uint64_t first, std::uint64_t end) {
        Local& l = locals.local();
        double* sums = &block_sums[(first / kBlockPaths) * per_block];
        for (std::uint64_t p = first; p < end; ++p) {
            if (interrupt::requested()) return;  // the analysis is abandoned below
            draw_path(m, out.seed_b, p, l.draws, l.buf);
            const auto evaluate = [&](const Mix& mix, std::vector<double>& f) {
                DrawSource src;
                src.normals = [&](std::uint32_t purpose, float* z) {
                    const int t = purpose == purpose::long_run ? 0 : static_cast<int>(purpose - purpose::annual(m.base_year));
                    const std::vector<char>* mask =
                        mix.group ? (t == 0 ? &mix.group->persistent : &mix.group->annual) : nullptr;
                    const float* a = l.draws.a.data() + static_cast<std::size_t>(t) * nd;
                    const float* b = l.draws.b.data() + static_cast<std::size_t>(t) * nd;
                    for (std::uint32_t k = 0; k < nd; ++k) {
                        const bool in = mask && (*mask)[k];
                        z[k] = mix.all_b ? b[k] : !in ? a[k] : mix.pin ? static_cast<float>(mix.pin * kZ90) : b[k];
                    }
                };
                src.fires = [&](std::size_t e, std::uint32_t y) {
                    const std::size_t i = e * (n + 1) + (y - m.base_year);
                    const bool in = mix.group && mix.group->events[e];
                    if (mix.all_b) return l.draws.fire_b[i] != 0;
                    if (!in) return l.draws.fire_a[i] != 0;
                    if (mix.pin) return mix.pin > 0;
                    return l.draws.fire_b[i] != 0;
                };
                simulate_path(m, l.ws, l.out.data(), src);
                f.resize(n + 1);
                for (int t = 0; t <= n; ++t) f[t] = l.out[static_cast<std::size_t>(t) * ns + s_index];
            };
            evaluate(Mix{}, l.fa);
            Mix b;
            b.all_b = true;
            evaluate(b, l.fb);
            base_value[p] = l.fa[t_year];
            for (int t = 1; t <= n; ++t) {
                double* s = sums + 4 * (t - 1);
                s[0] += l.fa[t];
                s[1] += l.fa[t] * l.fa[t];
                s[2] += l.fb[t];
                s[3] += l.fb[t] * l.fb[t];
            }
            for (std::size_t g = 0; g < g_count; ++g) {
                Mix swap;
                swap.group = &groups[g];
                evaluate(swap, l.fab);
                for (int t = 1; t <= n; ++t) {
                    double* s = sums + 4 * n + (g * n + (t - 1)) * 4;
                    const double first_term = l.fb[t] * (l.fab[t] - l.fa[t]), diff = l.fa[t] - l.fab[t];
                    const double total_term = diff * diff;
                    s[0] += first_term;
                    s[1] += first_term * first_term;
                    s[2] += total_term;
                    s[3] += total_term * total_term;
                }
                for (const int pin : {-1, 1}) {
                    Mix tornado;
                    tornado.group = &groups[g];
                    tornado.pin = pin;
                    evaluate(tornado, l.fab);
                    (pin < 0 ? low : high)[g * paths + p] = l.fab[t_year];
                }
            }
        }
    });
    interrupt::check();
    // under MPI each block and path was filled by one process: summing with the others' zeros is exact
    cluster::sum(block_sums);
    cluster::sum(base_value);
    cluster::sum(low);
    cluster::sum(high);
    // block sums in block order: the same totals on any thread count
    std::vector<double> total(per_block, 0.0);
    for (std::uint64_t b = 0; b < blocks; ++b)
        for (std::size_t i = 0; i < per_block; ++i) total[i] += block_sums[b * per_block + i];

    const double N = static_cast<double>(paths);
    const auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return sorted_quantile(v, 0.5);
    };
    out.p50 = median(base_value);
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
        in.p50_low = median(std::vector<double>(low.begin() + static_cast<std::ptrdiff_t>(g * paths),
                                                low.begin() + static_cast<std::ptrdiff_t>((g + 1) * paths)));
        in.p50_high = median(std::vector<double>(high.begin() + static_cast<std::ptrdiff_t>(g * paths),
                                                 high.begin() + static_cast<std::ptrdiff_t>((g + 1) * paths)));
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

std::string sensitivity_csv(const Sensitivity& s) {
    const std::size_t t = static_cast<std::size_t>(s.year - s.base_year - 1);
    std::ostringstream out;
    out << "input,partition,first_order,first_order_lo,first_order_hi,total,total_lo,total_hi,p50_low,p50_high,p50\n";
    for (const SensitivityInput& in : s.inputs)
        out << in.name << ',' << in.partition << ',' << format_number(in.first_order[t]) << ','
            << format_number(in.first_order[t] - in.first_order_half_width[t]) << ','
            << format_number(in.first_order[t] + in.first_order_half_width[t]) << ',' << format_number(in.total[t]) << ','
            << format_number(in.total[t] - in.total_half_width[t]) << ','
            << format_number(in.total[t] + in.total_half_width[t]) << ',' << format_number(in.p50_low) << ','
            << format_number(in.p50_high) << ',' << format_number(s.p50) << '\n';
    return out.str();
}

std::string sensitivity_by_year_csv(const Sensitivity& s) {
    std::ostringstream out;
    out << "input,year,first_order,first_order_half_width,total,total_half_width\n";
    for (const SensitivityInput& in : s.inputs)
        for (std::size_t t = 0; t < in.total.size(); ++t)
            out << in.name << ',' << s.base_year + 1 + static_cast<int>(t) << ',' << format_number(in.first_order[t]) << ','
                << format_number(in.first_order_half_width[t]) << ',' << format_number(in.total[t]) << ','
                << format_number(in.total_half_width[t]) << '\n';
    return out.str();
}

std::string sensitivity_text(const Sensitivity& s) {
    const std::size_t t = static_cast<std::size_t>(s.year - s.base_year - 1);
    std::ostringstream out;
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "sensitivity of %s: %s in %d, %llu paths (samples A: seed %llu, B: seed %llu), %.2f s\n"
                  "median %.6g; Sobol indices with 95%% intervals; tornado: the median with the input at its P10 / P90 "
                  "(an event: off / forced)\n\n",
                  s.scenario.c_str(), s.series.c_str(), s.year, static_cast<unsigned long long>(s.paths),
                  static_cast<unsigned long long>(s.seed), static_cast<unsigned long long>(s.seed_b), s.elapsed_seconds, s.p50);
    out << buf;
    std::snprintf(buf, sizeof buf, "%-34s %16s %16s %10s %10s\n", "input", "first order", "total", "P50 low", "P50 high");
    out << buf;
    for (const SensitivityInput& in : s.inputs) {
        std::snprintf(buf, sizeof buf, "%-34s %7.3f +/-%5.3f %7.3f +/-%5.3f %10.4g %10.4g\n", in.name.c_str(),
                      in.first_order[t], in.first_order_half_width[t], in.total[t], in.total_half_width[t], in.p50_low,
                      in.p50_high);
        out << buf;
    }
    return out.str();
}

}  // namespace marketsim
