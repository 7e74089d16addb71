#include "marketsim/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "engine/engine.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/quantiles.hpp"
#include "marketsim/version.hpp"
#include "model/model.hpp"
#include "scenario/series.hpp"
#include "stats/quantiles.hpp"

namespace marketsim {
namespace {

std::string fmt(const char* format, double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, x);
    return buf;
}



/** Four significant digits, as the terminal's tables show values. */
std::string brief4(double x) { return fmt("%.4g", x); }

/** Six significant digits, for the terminal (files keep every digit). */
std::string brief(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", x);
    return buf;
}

}  // namespace

std::string run_summary_text(const Results& r) {
    std::ostringstream out;
    char buf[256];
    const std::string threads = std::to_string(r.threads) + (r.threads == 1 ? " thread" : " threads");
    const std::string workers = r.processes > 1 ? std::to_string(r.processes) + " processes x " + threads : threads;
    std::snprintf(buf, sizeof buf, "%s: %llu paths, seed %llu, %s, %.2f s, %.3g cell-year samples/s\n",
                  r.scenario.c_str(), static_cast<unsigned long long>(r.paths), static_cast<unsigned long long>(r.seed),
                  workers.c_str(), r.elapsed_seconds, r.throughput());
    out << buf;
    if (r.partial()) {
        std::snprintf(buf, sizeof buf,
                      "PARTIAL: interrupted by %s after %llu of %llu paths; the bands are those of the first %llu paths "
                      "(whole blocks), reproducible with --paths %llu\n",
                      interrupt::name(r.interrupted_by).c_str(), static_cast<unsigned long long>(r.paths),
                      static_cast<unsigned long long>(r.paths_planned), static_cast<unsigned long long>(r.paths),
                      static_cast<unsigned long long>(r.paths));
        out << buf;
    }
    if (r.precision) {
        std::snprintf(buf, sizeof buf, "precision: every band's 95%% interval within %.3g of its value (target %g%s), widest %s\n",
                      r.precision->reached, r.precision->target, r.precision->met ? ", met" : ", NOT met",
                      r.precision->worst.c_str());
        out << buf;
    }
    const std::size_t k5 = nearest_quantile(r.quantiles, 0.05), k50 = nearest_quantile(r.quantiles, 0.5),
                      k95 = nearest_quantile(r.quantiles, 0.95);
    const std::string c5 = quantile_column(r.quantiles[k5]), c50 = quantile_column(r.quantiles[k50]),
                      c95 = quantile_column(r.quantiles[k95]);
    std::snprintf(buf, sizeof buf, "\ntotal%s%s  %10s %10s %10s %10s\n", r.unit.empty() ? "" : " in ",
                  r.unit.c_str(), c5.c_str(), c50.c_str(), c95.c_str(), "mean");
    out << buf;
    std::vector<int> shown;
    for (int i = 0; i <= 4; ++i) shown.push_back(r.years * i / 4);
    for (const TargetResult& t : r.targets)
        if (t.target.series == "total") shown.push_back(t.target.year - r.base_year);
    std::sort(shown.begin(), shown.end());
    shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
    for (int t : shown) {
        const Band& b = r.band(0, t);
        std::snprintf(buf, sizeof buf, "  %d %*s %10.4g %10.4g %10.4g %10.4g\n", r.base_year + t,
                      static_cast<int>(r.unit.size() + (r.unit.empty() ? 0 : 4)), "", b.quantile[k5],
                      b.quantile[k50], b.quantile[k95], b.mean);
        out << buf;
    }
    std::snprintf(buf, sizeof buf, "\nCAGR %d-%d of the total: %s %.2f%%  %s %.2f%%  %s %.2f%%  (central path %.2f%%)\n",
                  r.base_year, r.base_year + r.years, c5.c_str(), 100 * r.cagr[0][k5], c50.c_str(),
                  100 * r.cagr[0][k50], c95.c_str(), 100 * r.cagr[0][k95], 100 * r.central_cagr);
    out << buf;
    for (const TargetResult& t : r.targets) {
        std::snprintf(buf, sizeof buf, "target %s %d >= %s: met in %.1f%% of paths (+/- %.1f)\n",
                      t.target.series.c_str(), t.target.year, format_number(t.target.value).c_str(),
                      100 * t.probability, 100 * kZ95 * t.se);
        out << buf;
    }
    return out.str();
}

std::string validate_text(const Scenario& scenario) {
    const Model model = compile(scenario, scenario.seed);
    std::ostringstream out;
    out << "# resolved scenario\n" << to_toml(scenario) << '\n';
    out << "# " << model.cell_count << " cells\n";
    const std::size_t dims = scenario.dimensions.size();
    for (std::uint32_t cell = 0; cell < model.cell_count; ++cell) {
        std::vector<std::size_t> index(dims);
        for (std::size_t d = 0; d < dims; ++d) index[d] = model.cell_member[cell * dims + d];
        out << "#   " << (dims == 0 ? "(single cell)" : detail::cell_name(scenario, index)) << "  base "
            << format_number(model.base_value[cell]) << '\n';
    }
    out << "# central-path CAGR of the total " << scenario.base_year << "-" << scenario.horizon << ": "
        << format_number(cagr(model.central_path[0], model.central_path[static_cast<std::size_t>(model.years)], model.years));
    if (!model.central_events.empty()) {
        out << " (with the events of probability 1:";
        for (const std::string& e : model.central_events) out << ' ' << e;
        out << "; without them "
            << format_number(cagr(model.central[0], model.central[static_cast<std::size_t>(model.years)], model.years)) << ')';
    }
    out << '\n';
    for (const Event& e : scenario.events) {
        if (!e.once && !e.impact_range) continue;
        out << "# event " << e.name << ':';
        if (e.once)
            out << " fires at most once, with probability " << format_number(e.probability) << " over "
                << std::max(e.from, scenario.base_year + 1) << ".." << std::min(e.to, scenario.horizon) << ';';
        if (e.impact_range) {
            const LongRun& r = *e.impact_range;
            out << " impact " << r.dist << " from " << format_number(r.low) << " to " << format_number(r.high);
            if (r.dist != "uniform") out << ", mode " << format_number(r.mode);
            out << " (central path: " << format_number(e.impact) << ")";
        } else {
            out << " impact " << format_number(e.impact);
        }
        out << '\n';
    }
    for (const std::string& w : scenario.warnings) out << "# warning: " << w << '\n';
    return out.str();
}

std::string compare_summary_text(const Comparison& c, std::size_t top) {
    const std::vector<std::string>& scenarios = c.scenarios;
    std::ostringstream out;
    char buf[320];
    const Results& a = c.bands.front();
    const std::string threads = std::to_string(c.threads) + (c.threads == 1 ? " thread" : " threads");
    const std::string workers = c.processes > 1 ? std::to_string(c.processes) + " processes x " + threads : threads;
    std::snprintf(buf, sizeof buf, "%zu scenarios on common random numbers: %llu paths, seed %llu, %s, %.2f s\n\n",
                  scenarios.size(), static_cast<unsigned long long>(c.paths), static_cast<unsigned long long>(c.seed),
                  workers.c_str(), c.elapsed_seconds);
    out << buf;
    const std::size_t k5 = nearest_quantile(a.quantiles, 0.05), k50 = nearest_quantile(a.quantiles, 0.5),
                      k95 = nearest_quantile(a.quantiles, 0.95);
    const std::string label = "total in " + std::to_string(a.base_year + a.years) +
                              (a.unit.empty() ? "" : ", " + a.unit);
    std::snprintf(buf, sizeof buf, "%-30s %10s %10s %10s %14s\n", label.c_str(), quantile_column(a.quantiles[k5]).c_str(),
                  quantile_column(a.quantiles[k50]).c_str(), quantile_column(a.quantiles[k95]).c_str(),
                  ("P(> " + scenarios[0] + ")").c_str());
    out << buf;
    for (std::size_t k = 0; k < c.bands.size(); ++k) {
        const Band& b = c.bands[k].band(0, a.years);
        std::string p = "";
        if (k > 0) {
            std::snprintf(buf, sizeof buf, "%.3f", c.greater[k - 1][static_cast<std::size_t>(a.years)]);
            p = buf;
        }
        std::snprintf(buf, sizeof buf, "  %-28s %10.4g %10.4g %10.4g %14s\n", scenarios[k].c_str(), b.quantile[k5],
                      b.quantile[k50], b.quantile[k95], p.c_str());
        out << buf;
    }
    if (top == 0) return out.str();
    for (std::size_t k = 1; k < c.bands.size(); ++k)
        for (const MovedSeries which : {MovedSeries::values, MovedSeries::shares}) {
            const std::vector<Moved> moved = what_moved(c, k, top, which);
            if (moved.empty()) continue;
            const bool shares = which == MovedSeries::shares;
            std::size_t width = 6;
            for (const Moved& m : moved) width = std::max(width, m.series.size());
            out << "\n" << (shares ? "shares that moved most, " : "what moved most, ") << scenarios[k] << " against "
                << scenarios[0] << ": p50 in " << a.base_year + a.years
                << (shares ? " as a share of the total, change in percentage points"
                           : (a.unit.empty() ? std::string() : ", " + a.unit))
                << '\n';
            const int wa = static_cast<int>(std::max<std::size_t>(10, scenarios[0].size())),
                      wb = static_cast<int>(std::max<std::size_t>(10, scenarios[k].size()));
            // shares change in points: no percent column
            if (shares)
                std::snprintf(buf, sizeof buf, "  %-*s %*s %*s %10s %8s\n", static_cast<int>(width), "series", wa,
                              scenarios[0].c_str(), wb, scenarios[k].c_str(), "change", "P(B > A)");
            else
                std::snprintf(buf, sizeof buf, "  %-*s %*s %*s %10s %9s %8s\n", static_cast<int>(width), "series", wa,
                              scenarios[0].c_str(), wb, scenarios[k].c_str(), "change", "change %", "P(B > A)");
            out << buf;
            for (const Moved& m : moved) {
                const std::string change =
                    shares ? fmt("%+.2f pts", 100 * m.change) : fmt("%+.4g", m.change);
                if (shares) {
                    std::snprintf(buf, sizeof buf, "  %-*s %*s %*s %10s %8.3f\n", static_cast<int>(width),
                                  m.series.c_str(), wa, fmt("%.2f%%", 100 * m.a_p50).c_str(), wb,
                                  fmt("%.2f%%", 100 * m.b_p50).c_str(), change.c_str(), m.prob_b_gt_a);
                } else {
                    const std::string pct = std::isfinite(m.change_pct) ? fmt("%+.2f%%", 100 * m.change_pct)
                                                                        : "-";  // A's median is 0
                    std::snprintf(buf, sizeof buf, "  %-*s %*s %*s %10s %9s %8.3f\n", static_cast<int>(width),
                                  m.series.c_str(), wa, brief4(m.a_p50).c_str(), wb, brief4(m.b_p50).c_str(),
                                  change.c_str(), pct.c_str(), m.prob_b_gt_a);
                }
                out << buf;
            }
        }
    return out.str();
}

std::string sweep_summary_text(const Sweep& s, std::size_t max_rows) {
    std::ostringstream out;
    char buf[256];
    std::snprintf(buf, sizeof buf, "sweep of %s: %zu points on common random numbers, %llu paths each, seed %llu, %.2f s\n",
                  s.scenario.c_str(), s.points.size(), static_cast<unsigned long long>(s.paths),
                  static_cast<unsigned long long>(s.seed), s.elapsed_seconds);
    out << buf;
    // one series in one year: it heads the table; several: a column each
    const bool one = s.series.size() == 1 && s.years.size() == 1;
    for (std::size_t i = 0; i < s.series.size(); ++i) out << (i ? ", " : "") << s.series[i];
    out << " in ";
    for (std::size_t y = 0; y < s.years.size(); ++y) out << (y ? ", " : "") << s.years[y];
    out << '\n';
    for (std::size_t j = 0; j < s.targets.size(); ++j)
        out << "p_target" << j + 1 << ": P(" << s.targets[j].series << " in " << s.targets[j].year
            << " >= " << format_number(s.targets[j].value) << ")\n";
    std::size_t width = 6;
    for (const std::string& name : s.series) width = std::max(width, name.size());
    for (const std::string& a : s.axes) {
        std::snprintf(buf, sizeof buf, "%14s ", a.size() > 14 ? a.substr(a.size() - 14).c_str() : a.c_str());
        out << buf;
    }
    if (!one) {
        std::snprintf(buf, sizeof buf, " %-*s %4s", static_cast<int>(width), "series", "year");
        out << buf;
    }
    out << "      mean       p05       p50       p95";
    for (std::size_t j = 0; j < s.targets.size(); ++j) {
        std::snprintf(buf, sizeof buf, "  p_target%zu", j + 1);
        out << buf;
    }
    out << '\n';
    std::size_t rows = 0;
    const std::size_t per_point = s.series.size() * s.years.size();
    for (std::size_t i = 0; i < s.points.size(); ++i)
        for (std::size_t k = 0; k < per_point; ++k, ++rows) {
            if (rows >= max_rows) continue;
            const SweepPoint& p = s.points[i];
            const SweepStats& st = p.stats[k];
            for (double v : p.values) {
                std::snprintf(buf, sizeof buf, "%14.6g ", v);
                out << buf;
            }
            if (!one) {
                std::snprintf(buf, sizeof buf, " %-*s %4d", static_cast<int>(width), s.series[k / s.years.size()].c_str(),
                              s.years[k % s.years.size()]);
                out << buf;
            }
            std::snprintf(buf, sizeof buf, "%10.4g%10.4g%10.4g%10.4g", st.mean, st.p05, st.p50, st.p95);
            out << buf;
            for (double t : p.target_probability) {
                std::snprintf(buf, sizeof buf, "%11.3f", t);
                out << buf;
            }
            out << '\n';
        }
    if (rows > max_rows) out << "... and " << rows - max_rows << (one ? " more points" : " more rows") << " in sweep.csv\n";
    return out.str();
}

std::string calibration_text(const Calibration& c) {
    const std::string stat = statistic_name(c.stat);
    std::ostringstream out;
    if (c.probability) {
        const std::string p = fmt("%.10g", 100 * *c.probability);
        out << "calibrate " << c.scenario << ": " << c.path << " so that " << c.target.series << " in " << c.target.year
            << " is at or above " << format_number(c.target.value) << " in " << p << "% of paths\n"
            << "  " << c.paths << " paths per evaluation, seed " << c.seed << ", " << c.evaluations
            << " evaluations in [" << format_number(c.lo) << ", " << format_number(c.hi)
            << "], bisection on the count of paths to " << format_number(c.tolerance) << '\n'
            << "  at the solution " << c.count << " of " << c.paths << " paths meet the target (" << c.required
            << " needed)\n"
            << "  the solution is good to +/- " << brief(c.value_half_width) << " (95%: " << brief(c.value_low) << " to "
            << brief(c.value_high) << ", where the share of paths meeting it is " << p << "% -/+ "
            << fmt("%.2g", 100 * kZ95 * std::sqrt(*c.probability * (1 - *c.probability) / static_cast<double>(c.paths)))
            << " points)\n";
        return out.str();
    }
    out << "calibrate " << c.scenario << ": " << c.path << " so that the " << stat << " of " << c.target.series << " in "
        << c.target.year << " is " << format_number(c.target.value) << '\n'
        << "  " << c.paths << " paths per evaluation, seed " << c.seed << ", " << c.evaluations << " evaluations in ["
        << format_number(c.lo) << ", " << format_number(c.hi) << "], tolerance " << format_number(c.tolerance) << '\n'
        << "  at the solution the " << stat << " is " << brief(c.statistic) << " +/- " << brief(c.statistic_half_width)
        << " (95% Monte Carlo), so the solution is good to +/- " << brief(c.value_half_width) << " (95%)\n";
    return out.str();
}

std::string sensitivity_text(const Sensitivity& s) {
    const std::size_t t = static_cast<std::size_t>(s.year - s.base_year - 1);
    std::ostringstream out;
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "sensitivity of %s: %s in %d, %llu paths (samples A: seed %llu, B: seed %llu), %.2f s\n"
                  "median %.6g (P5 %.6g, P95 %.6g); Sobol indices with 95%% intervals; tornado: the median over the "
                  "tenth of paths where the input's draws are lowest / highest\n\n",
                  s.scenario.c_str(), s.series.c_str(), s.year, static_cast<unsigned long long>(s.paths),
                  static_cast<unsigned long long>(s.seed), static_cast<unsigned long long>(s.seed_b), s.elapsed_seconds, s.p50, s.p05,
                  s.p95);
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

std::string settings_text(const SettingsSensitivity& s, std::size_t max_rows) {
    std::ostringstream out;
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "settings of %s: %s in %d, %llu paths (seed %llu, the same paths at every point), %d evaluations, %.2f s\n"
                  "median %.6g, mean %.6g; each input moved alone to its low and high end, every other at its value; "
                  "ranked by swing\n\n",
                  s.scenario.c_str(), s.series.c_str(), s.year, static_cast<unsigned long long>(s.paths),
                  static_cast<unsigned long long>(s.seed), s.evaluations, s.elapsed_seconds, s.base.p50, s.base.mean);
    out << buf;
    std::snprintf(buf, sizeof buf, "%-40s %11s %11s %11s %10s %10s %9s\n", "input (--set path)", "value", "low", "high",
                  "P50 low", "P50 high", "swing");
    out << buf;
    for (std::size_t r = 0; r < s.rows.size() && r < max_rows; ++r) {
        const SettingRow& row = s.rows[r];
        std::snprintf(buf, sizeof buf, "%-40s %11.5g %11.5g %11.5g %10.4g %10.4g %9.3g%s\n", row.path.c_str(), row.value,
                      row.low.value, row.high.value, row.low.p50, row.high.p50, row.swing(), row.clamped ? " (clamped)" : "");
        out << buf;
    }
    if (s.rows.size() > max_rows) out << "... and " << s.rows.size() - max_rows << " more in settings.csv\n";
    return out.str();
}

std::string bench_table(const BenchReport& r) {
    std::string s;
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "marketsim bench: %s, %llu paths x %u cells x %d years = %.4g cell-year samples per run, "
                  "%d repeat%s\n",
                  r.scenario.c_str(), static_cast<unsigned long long>(r.paths), r.cells, r.years, r.samples_per_run,
                  r.repeat, r.repeat == 1 ? "" : "s");
    s += buf;
    s += "timed: marketsim::accumulate, from the first draw to the merged accumulators with finished quantile\n"
         "       summaries; loading and compiling the scenario, summarizing and writing output are outside\n";
    s += "       thread counts take turns: repeat 1 of each, then repeat 2, ...\n";
    s += "machine: " + (r.cpu.empty() ? std::string("unknown CPU") : r.cpu) + ", " +
         std::to_string(r.logical_cpus) + " logical CPUs; SIMD target " + r.simd + "; marketsim " +
         std::string(version()) + "\n\n";
    s += "         cell-year samples/s, millions (median of repeats)\n";
    const bool processes = std::any_of(r.rows.begin(), r.rows.end(), [](const BenchRow& x) { return x.processes > 1; });
    s += processes ? "processes " : "";
    s += "threads     median        min        max  per thread  efficiency   seconds  peak RSS MiB\n";
    for (const BenchRow& row : r.rows) {
        if (processes) {
            std::snprintf(buf, sizeof buf, "%9d ", row.processes);
            s += buf;
        }
        std::snprintf(buf, sizeof buf, "%7d %10.1f %10.1f %10.1f  %10.1f  %10s  %8.3f  %12.1f\n", row.threads,
                      row.median / 1e6, row.min / 1e6, row.max / 1e6, row.median / (row.processes * row.threads) / 1e6,
                      std::isfinite(row.efficiency) ? fmt("%.2f", row.efficiency).c_str() : "-",
                      row.median_seconds, row.peak_rss_bytes / 1048576.0);
        s += buf;
    }
    s += processes ? "efficiency: rate(P, T) / (P x T x rate(1 process, 1 thread)); per thread: rate / (P x T); "
                     "P processes start together and the time includes merging their statistics\n"
                   : "efficiency: rate(T) / (T x rate(1)); ";
    if (r.peak_rss_reset)
        s += processes ? "peak RSS: process 0's VmHWM during that row's runs\n"
                       : "peak RSS: the process's VmHWM during that thread count's runs\n";
    else
        s += "peak RSS: the process-wide VmHWM so far (resetting it through /proc/self/clear_refs failed)\n";
    std::snprintf(buf, sizeof buf, "\nkernels, one thread, %llu items each, millions per second:\n",
                  static_cast<unsigned long long>(r.kernels.count));
    s += buf;
    std::snprintf(buf, sizeof buf, "  uniforms         %10.1f   32-bit, Philox4x32-10 over 64 paths per call\n",
                  r.kernels.uniforms / 1e6);
    s += buf;
    std::snprintf(buf, sizeof buf, "  normals          %10.1f   the same words to normals (single precision)\n",
                  r.kernels.normals / 1e6);
    s += buf;
    std::snprintf(buf, sizeof buf, "  summary inserts  %10.1f   64 values per call: buckets, power sums, extremes\n",
                  r.kernels.inserts / 1e6);
    s += buf;
    return s;
}

}  // namespace marketsim
