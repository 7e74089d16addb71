#include "marketsim/compare.hpp"

#include "marketsim/cluster.hpp"
#include "marketsim/interrupt.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>

#include <tbb/enumerable_thread_specific.h>

#include "kernels.hpp"
#include "marketsim/error.hpp"
#include "marketsim/report.hpp"
#include "marketsim/sampler.hpp"

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

}  // namespace

Comparison compare(const std::vector<Scenario>& scenarios, const RunOptions& options) {
    check_comparable(scenarios);
    Comparison out;
    out.seed = options.seed.value_or(scenarios[0].seed);
    for (const Scenario& sc : scenarios)
        if (!options.seed && sc.seed != out.seed)
            out.warnings.push_back("scenario '" + sc.name + "' sets seed " + std::to_string(sc.seed) +
                                   "; compare runs every scenario with the first one's seed " +
                                   std::to_string(out.seed) + " so that paths pair up");
    RunOptions seeded = options;
    seeded.seed = out.seed;

    const std::size_t k_count = scenarios.size();
    std::vector<Model> models;
    std::vector<std::vector<TargetIndex>> targets;
    for (const Scenario& sc : scenarios) {
        models.push_back(compile_for_run(sc, seeded));
        targets.push_back(target_indices(models.back(), sc));
    }
    const int threads = thread_count(options.threads);
    double need = 0.0;  // each scenario's accumulators, and about as much again for each delta
    for (std::size_t k = 0; k < models.size(); ++k)
        need += (k == 0 ? 1 : 2) * estimate_memory_bytes(models[k], scenarios[k].relative_accuracy, threads);
    require_memory(need, "compare fewer scenarios at once, use fewer threads, or raise output.relative_accuracy");
    // cell series only where every scenario has them, so deltas line up
    const std::uint32_t ns = std::min_element(models.begin(), models.end(), [](const Model& x, const Model& y) {
                                 return x.series_count() < y.series_count();
                             })->series_count();
    const Model& a = models[0];
    const std::size_t t_count = static_cast<std::size_t>(a.years) + 1;

    std::vector<std::vector<double>> delta_reference(k_count - 1, std::vector<double>(t_count * ns));
    for (std::size_t k = 1; k < k_count; ++k)
        for (std::size_t t = 0; t < t_count; ++t)
            for (std::size_t s = 0; s < ns; ++s)
                delta_reference[k - 1][t * ns + s] = models[k].central[s * t_count + t] - a.central[s * t_count + t];

    // one chunk capacity for all, so that the scenarios' chunks hold the same paths
    std::uint32_t capacity = 64;
    for (const Model& m : models) capacity = std::min(capacity, kernels::chunk_capacity(m));
    struct Local {
        std::vector<ChunkSampler> samplers;
        std::vector<std::vector<double>> values;  ///< per scenario: [t][s][lane] of one chunk
        std::vector<BandAccumulator> own;
        std::vector<BandAccumulator> delta;
        std::vector<std::vector<std::uint64_t>> greater;
        std::vector<double> diff;
    };
    const double ra = scenarios[0].relative_accuracy;
    tbb::enumerable_thread_specific<Local> locals([&] {
        Local l;
        for (std::size_t k = 0; k < k_count; ++k) {
            l.samplers.emplace_back(models[k], capacity);
            l.values.emplace_back(t_count * models[k].series_count() * capacity);
            l.own.emplace_back(models[k], scenarios[k].relative_accuracy, targets[k]);
            if (k > 0) {
                l.delta.emplace_back(delta_reference[k - 1], ns, ra);
                l.greater.emplace_back(t_count * ns, 0);
            }
        }
        l.diff.resize(capacity);
        return l;
    });
    const std::uint64_t paths = options.paths;
    const auto start = std::chrono::steady_clock::now();
    ProgressThrottle progress(options.progress, paths);
    for_each_block(paths, threads, [&](std::uint64_t first, std::uint64_t end) {
        Local& l = locals.local();
        for (auto& acc : l.own) acc.begin_block();
        for (auto& acc : l.delta) acc.begin_block();
        for (std::uint64_t p = first; p < end; p += capacity) {
            if (interrupt::requested()) return;  // the comparison is abandoned below
            const auto lanes = static_cast<std::uint32_t>(std::min<std::uint64_t>(capacity, end - p));
            for (std::size_t k = 0; k < k_count; ++k) {
                const std::uint32_t nk = models[k].series_count();
                l.samplers[k].simulate(p, lanes, [&](int t, const double* series, std::uint32_t n) {
                    std::copy(series, series + static_cast<std::size_t>(nk) * capacity,
                              l.values[k].begin() + static_cast<std::ptrdiff_t>(t) * nk * capacity);
                    for (std::uint32_t s = 0; s < nk; ++s)
                        l.own[k].add_values(static_cast<std::size_t>(t) * nk + s, series + static_cast<std::size_t>(s) * capacity, n);
                });
                l.own[k].add_paths(lanes);
            }
            for (std::size_t k = 1; k < k_count; ++k) {
                const std::size_t nk = models[k].series_count(), n0 = a.series_count();
                for (std::size_t t = 0; t < t_count; ++t)
                    for (std::size_t s = 0; s < ns; ++s) {
                        const double* vb = l.values[k].data() + (t * nk + s) * capacity;
                        const double* va = l.values[0].data() + (t * n0 + s) * capacity;
                        std::uint64_t greater = 0;
                        for (std::uint32_t i = 0; i < lanes; ++i) {
                            l.diff[i] = vb[i] - va[i];
                            greater += l.diff[i] > 0;
                        }
                        l.greater[k - 1][t * ns + s] += greater;
                        l.delta[k - 1].add_values(t * ns + s, l.diff.data(), lanes);
                    }
                l.delta[k - 1].add_paths(lanes);
            }
        }
        for (auto& acc : l.own) acc.end_block();
        for (auto& acc : l.delta) acc.end_block();
        progress.add(end - first);
    });
    interrupt::check();
    std::vector<BandAccumulator> own;
    std::vector<BandAccumulator> delta;
    std::vector<std::vector<std::uint64_t>> greater(k_count - 1, std::vector<std::uint64_t>(t_count * ns, 0));
    for (std::size_t k = 0; k < k_count; ++k) own.emplace_back(models[k], scenarios[k].relative_accuracy, targets[k]);
    for (std::size_t k = 1; k < k_count; ++k) delta.emplace_back(delta_reference[k - 1], ns, ra);
    for (const Local& l : locals) {
        for (std::size_t k = 0; k < k_count; ++k) own[k].merge(l.own[k]);
        for (std::size_t k = 1; k < k_count; ++k) {
            delta[k - 1].merge(l.delta[k - 1]);
            for (std::size_t i = 0; i < greater[k - 1].size(); ++i) greater[k - 1][i] += l.greater[k - 1][i];
        }
    }
    for (BandAccumulator& acc : own) merge_processes(acc);
    for (BandAccumulator& acc : delta) merge_processes(acc);
    for (std::vector<std::uint64_t>& g : greater) cluster::sum(g);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;

    out.paths = paths;
    out.threads = threads;
    out.processes = cluster::size();
    out.elapsed_seconds = elapsed.count();
    for (std::size_t k = 0; k < k_count; ++k) {
        Results r = summarize(models[k], scenarios[k], own[k]);
        r.threads = threads;
        r.elapsed_seconds = out.elapsed_seconds;
        out.bands.push_back(std::move(r));
    }
    Scenario delta_scenario = scenarios[0];
    delta_scenario.targets.clear();
    Model delta_model = models[0];
    delta_model.series.resize(ns);
    for (std::size_t k = 1; k < k_count; ++k) {
        Results r = summarize(delta_model, delta_scenario, delta[k - 1]);
        r.central.clear();  // a difference has no central path of its own to grow from
        out.delta.push_back(std::move(r));
        std::vector<double> share(t_count * ns);
        for (std::size_t t = 0; t < t_count; ++t)
            for (std::size_t s = 0; s < ns; ++s)
                share[s * t_count + t] = static_cast<double>(greater[k - 1][t * ns + s]) / static_cast<double>(paths);
        out.greater.push_back(std::move(share));
    }
    return out;
}

std::string delta_csv(const std::vector<Scenario>& scenarios, const Comparison& c) {
    std::ostringstream out;
    out << "scenario,series,year,mean,sd";
    const Results& first = c.delta.front();
    for (double q : first.quantiles) out << ',' << quantile_column(q);
    out << ",prob_b_gt_a\n";
    for (std::size_t k = 0; k < c.delta.size(); ++k) {
        const Results& d = c.delta[k];
        for (std::size_t s = 0; s < d.series.size(); ++s)
            for (int t = 0; t <= d.years; ++t) {
                const Band& b = d.band(s, t);
                out << scenarios[k + 1].name << ',' << d.series[s] << ',' << d.base_year + t << ','
                    << format_number(b.mean) << ',' << format_number(b.sd);
                for (double q : b.quantile) out << ',' << format_number(q);
                out << ',' << format_number(c.greater[k][s * static_cast<std::size_t>(d.years + 1) + t]) << '\n';
            }
    }
    return out.str();
}

std::string compare_summary_text(const std::vector<Scenario>& scenarios, const Comparison& c) {
    std::ostringstream out;
    char buf[320];
    const Results& a = c.bands.front();
    const std::string threads = std::to_string(c.threads) + (c.threads == 1 ? " thread" : " threads");
    const std::string workers = c.processes > 1 ? std::to_string(c.processes) + " processes x " + threads : threads;
    std::snprintf(buf, sizeof buf, "%zu scenarios on common random numbers: %llu paths, seed %llu, %s, %.2f s\n\n",
                  scenarios.size(), static_cast<unsigned long long>(c.paths), static_cast<unsigned long long>(c.seed),
                  workers.c_str(), c.elapsed_seconds);
    out << buf;
    const auto nearest = [&](double q) {
        std::size_t best = 0;
        for (std::size_t k = 0; k < a.quantiles.size(); ++k)
            if (std::abs(a.quantiles[k] - q) < std::abs(a.quantiles[best] - q)) best = k;
        return best;
    };
    const std::size_t k5 = nearest(0.05), k50 = nearest(0.5), k95 = nearest(0.95);
    const std::string label = "total in " + std::to_string(a.base_year + a.years) +
                              (scenarios[0].unit.empty() ? "" : ", " + scenarios[0].unit);
    std::snprintf(buf, sizeof buf, "%-30s %10s %10s %10s %14s\n", label.c_str(), quantile_column(a.quantiles[k5]).c_str(),
                  quantile_column(a.quantiles[k50]).c_str(), quantile_column(a.quantiles[k95]).c_str(),
                  ("P(> " + scenarios[0].name + ")").c_str());
    out << buf;
    for (std::size_t k = 0; k < c.bands.size(); ++k) {
        const Band& b = c.bands[k].band(0, a.years);
        std::string p = "";
        if (k > 0) {
            std::snprintf(buf, sizeof buf, "%.3f", c.greater[k - 1][static_cast<std::size_t>(a.years)]);
            p = buf;
        }
        std::snprintf(buf, sizeof buf, "  %-28s %10.4g %10.4g %10.4g %14s\n", scenarios[k].name.c_str(), b.quantile[k5],
                      b.quantile[k50], b.quantile[k95], p.c_str());
        out << buf;
    }
    return out.str();
}

}  // namespace marketsim
