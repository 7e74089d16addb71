#include "marketsim/sweep.hpp"

#include "marketsim/interrupt.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "marketsim/error.hpp"
#include "marketsim/report.hpp"
#include "marketsim/scenario_file.hpp"

namespace marketsim {
namespace {

/** The three statistics the sweep reports must be among the quantiles computed. */
void add_quantiles(Scenario& sc) {
    for (double q : {0.05, 0.5, 0.95})
        if (std::find(sc.quantiles.begin(), sc.quantiles.end(), q) == sc.quantiles.end()) sc.quantiles.push_back(q);
    std::sort(sc.quantiles.begin(), sc.quantiles.end());
}

std::size_t quantile_index(const Results& r, double q) {
    return static_cast<std::size_t>(std::find(r.quantiles.begin(), r.quantiles.end(), q) - r.quantiles.begin());
}

}  // namespace

std::optional<SweepAxis> parse_sweep_axis(std::string_view text) {
    const std::size_t eq = text.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view path = text.substr(0, eq), range = text.substr(eq + 1);
    const std::size_t c1 = range.find(':');
    if (c1 == std::string_view::npos) return std::nullopt;
    const std::size_t c2 = range.find(':', c1 + 1);
    if (c2 == std::string_view::npos || range.find(':', c2 + 1) != std::string_view::npos) return std::nullopt;
    const auto lo = parse_number(range.substr(0, c1)), hi = parse_number(range.substr(c1 + 1, c2 - c1 - 1)),
               step = parse_number(range.substr(c2 + 1));
    if (!lo || !hi || !step) return std::nullopt;
    const std::string where = "--set " + std::string(text) + ": ";
    if (*lo > *hi) throw InputError(where + "the grid's low end " + std::string(range.substr(0, c1)) +
                                    " is above its high end " + std::string(range.substr(c1 + 1, c2 - c1 - 1)));
    if (!(*step > 0)) throw InputError(where + "the step must be positive (LO:HI:STEP)");
    // LO, LO + STEP, ... while short of HI + STEP/2: a point that reaches HI (or passes it by less
    // than half a step, or falls short of it by rounding only) is HI itself
    const double count = std::ceil((*hi - *lo) / *step + 0.5);
    if (count > static_cast<double>(kMaxSweepPoints))
        throw InputError(where + "the grid has " + format_number(count) + " points; at most " +
                         std::to_string(kMaxSweepPoints) + " are allowed (raise the step)");
    SweepAxis axis;
    axis.path = std::string(path);
    axis.lo = *lo;
    axis.hi = *hi;
    axis.step = *step;
    for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
        const double v = *lo + static_cast<double>(i) * *step;
        if (v >= *hi + 0.5 * *step) break;
        axis.values.push_back(v >= *hi - 1e-9 * *step ? *hi : v);
        if (axis.values.back() == *hi) break;
    }
    return axis;
}

Sweep sweep(const std::string& file, const std::vector<std::string>& sets, const std::vector<SweepAxis>& axes,
            const RunOptions& options, const std::string& series) {
    if (axes.empty()) throw InputError("sweep needs at least one --set PATH=LO:HI:STEP");
    double total = 1;
    for (const SweepAxis& a : axes) total *= static_cast<double>(a.values.size());
    if (total > static_cast<double>(kMaxSweepPoints))
        throw InputError("the grid has " + format_number(total) + " points; at most " + std::to_string(kMaxSweepPoints) +
                         " are allowed (fewer axes or larger steps)");
    const auto points = static_cast<std::size_t>(total);

    // Every point's scenario first, so that a bad path or value stops the sweep before it samples.
    std::vector<Scenario> scenarios;
    std::vector<std::vector<double>> values;
    for (std::size_t p = 0; p < points; ++p) {
        std::vector<std::string> point_sets = sets;
        std::vector<double> v;
        std::size_t rest = p;
        for (std::size_t a = axes.size(); a-- > 0;) {
            v.push_back(axes[a].values[rest % axes[a].values.size()]);
            rest /= axes[a].values.size();
        }
        std::reverse(v.begin(), v.end());
        for (std::size_t a = 0; a < axes.size(); ++a) point_sets.push_back(axes[a].path + "=" + format_number(v[a]));
        scenarios.push_back(load_scenario(file, point_sets));
        add_quantiles(scenarios.back());
        values.push_back(std::move(v));
    }

    Sweep out;
    out.scenario = scenarios[0].name;
    for (const SweepAxis& a : axes) out.axes.push_back(a.path);
    out.series = series;
    out.year = scenarios[0].horizon;
    out.targets = scenarios[0].targets;
    out.warnings = scenarios[0].warnings;
    out.seed = options.seed.value_or(scenarios[0].seed);
    out.paths = options.paths;
    RunOptions seeded = options;
    seeded.seed = out.seed;  // common random numbers even if a point moves scenario.seed
    series_index(compile_for_run(scenarios[0], seeded), series);  // before sampling anything

    const auto start = std::chrono::steady_clock::now();
    for (std::size_t p = 0; p < points; ++p) {
        const Results r = run(scenarios[p], seeded);
        interrupt::check();  // a point cut short is not a point
        const auto it = std::find(r.series.begin(), r.series.end(), series);  // the points share their series
        const Band& b = r.band(static_cast<std::size_t>(it - r.series.begin()), r.years);
        SweepPoint point;
        point.values = values[p];
        point.mean = b.mean;
        point.p05 = b.quantile[quantile_index(r, 0.05)];
        point.p50 = b.quantile[quantile_index(r, 0.5)];
        point.p95 = b.quantile[quantile_index(r, 0.95)];
        for (const TargetResult& t : r.targets) point.target_probability.push_back(t.probability);
        out.points.push_back(std::move(point));
        out.threads = r.threads;
    }
    out.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

std::string sweep_csv(const Sweep& s) {
    std::ostringstream out;
    for (const std::string& a : s.axes) out << a << ',';
    out << "series,year,mean,p05,p50,p95";
    for (std::size_t j = 0; j < s.targets.size(); ++j) out << ",p_target" << j + 1;
    out << '\n';
    for (const SweepPoint& p : s.points) {
        for (double v : p.values) out << format_number(v) << ',';
        out << s.series << ',' << s.year << ',' << format_number(p.mean) << ',' << format_number(p.p05) << ','
            << format_number(p.p50) << ',' << format_number(p.p95);
        for (double t : p.target_probability) out << ',' << format_number(t);
        out << '\n';
    }
    return out.str();
}

std::string sweep_summary_text(const Sweep& s, std::size_t max_rows) {
    std::ostringstream out;
    char buf[256];
    std::snprintf(buf, sizeof buf, "sweep of %s: %zu points on common random numbers, %llu paths each, seed %llu, %.2f s\n",
                  s.scenario.c_str(), s.points.size(), static_cast<unsigned long long>(s.paths),
                  static_cast<unsigned long long>(s.seed), s.elapsed_seconds);
    out << buf << s.series << " in " << s.year << '\n';
    for (std::size_t j = 0; j < s.targets.size(); ++j)
        out << "p_target" << j + 1 << ": P(" << s.targets[j].series << " in " << s.targets[j].year
            << " >= " << format_number(s.targets[j].value) << ")\n";
    for (const std::string& a : s.axes) {
        std::snprintf(buf, sizeof buf, "%14s ", a.size() > 14 ? a.substr(a.size() - 14).c_str() : a.c_str());
        out << buf;
    }
    out << "      mean       p05       p50       p95";
    for (std::size_t j = 0; j < s.targets.size(); ++j) {
        std::snprintf(buf, sizeof buf, "  p_target%zu", j + 1);
        out << buf;
    }
    out << '\n';
    for (std::size_t i = 0; i < s.points.size() && i < max_rows; ++i) {
        const SweepPoint& p = s.points[i];
        for (double v : p.values) {
            std::snprintf(buf, sizeof buf, "%14.6g ", v);
            out << buf;
        }
        std::snprintf(buf, sizeof buf, "%10.4g%10.4g%10.4g%10.4g", p.mean, p.p05, p.p50, p.p95);
        out << buf;
        for (double t : p.target_probability) {
            std::snprintf(buf, sizeof buf, "%11.3f", t);
            out << buf;
        }
        out << '\n';
    }
    if (s.points.size() > max_rows) out << "... and " << s.points.size() - max_rows << " more points in sweep.csv\n";
    return out.str();
}

}  // namespace marketsim
