#include "marketsim/sweep.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "engine/block_loop.hpp"
#include "engine/engine.hpp"
#include "marketsim/cluster.hpp"
#include "marketsim/error.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/quantiles.hpp"
#include "scenario/series.hpp"

namespace marketsim {
namespace {

/** The three statistics the sweep reports must be among the quantiles computed. */
void add_quantiles(Scenario& sc) {
    for (double q : {0.05, 0.5, 0.95})
        if (std::find(sc.quantiles.begin(), sc.quantiles.end(), q) == sc.quantiles.end()) sc.quantiles.push_back(q);
    std::sort(sc.quantiles.begin(), sc.quantiles.end());
}

/** The axis; messages start with `where` and quote the ends as the user wrote them. */
SweepAxis axis_of(const std::string& path, double lo, double hi, double step, const std::string& where,
                  const std::string& lo_text, const std::string& hi_text) {
    if (lo > hi) throw InputError(where + "the grid's low end " + lo_text + " is above its high end " + hi_text);
    if (!(step > 0)) throw InputError(where + "the step must be positive (LO:HI:STEP)");
    // LO, LO + STEP, ... while short of HI + STEP/2: a point that reaches HI (or passes it by less
    // than half a step, or falls short of it by rounding only) is HI itself
    const double count = std::ceil((hi - lo) / step + 0.5);
    if (count > static_cast<double>(kMaxSweepPoints))
        throw InputError(where + "the grid has " + format_number(count) + " points; at most " +
                         std::to_string(kMaxSweepPoints) + " are allowed (raise the step)");
    SweepAxis axis;
    axis.path = path;
    axis.lo = lo;
    axis.hi = hi;
    axis.step = step;
    for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
        const double v = lo + static_cast<double>(i) * step;
        if (v >= hi + 0.5 * step) break;
        axis.values.push_back(v >= hi - 1e-9 * step ? hi : v);
        if (axis.values.back() == hi) break;
    }
    return axis;
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
    return axis_of(std::string(path), *lo, *hi, *step, "--set " + std::string(text) + ": ",
                   std::string(range.substr(0, c1)), std::string(range.substr(c1 + 1, c2 - c1 - 1)));
}

SweepAxis make_sweep_axis(const std::string& path, double lo, double hi, double step) {
    return axis_of(path, lo, hi, step,
                   "--set " + path + "=" + format_number(lo) + ":" + format_number(hi) + ":" + format_number(step) + ": ",
                   format_number(lo), format_number(hi));
}

Sweep sweep(const Scenario& scenario, const std::vector<SweepAxis>& axes, const RunOptions& options,
            const std::vector<std::string>& series, const std::vector<int>& years) {
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
        std::vector<std::string> point_sets;
        std::vector<double> v;
        std::size_t rest = p;
        for (std::size_t a = axes.size(); a-- > 0;) {
            v.push_back(axes[a].values[rest % axes[a].values.size()]);
            rest /= axes[a].values.size();
        }
        std::reverse(v.begin(), v.end());
        for (std::size_t a = 0; a < axes.size(); ++a) point_sets.push_back(axes[a].path + "=" + format_number(v[a]));
        scenarios.push_back(with_sets(scenario, point_sets));
        add_quantiles(scenarios.back());
        values.push_back(std::move(v));
    }

    Sweep out;
    out.scenario = scenarios[0].name;
    for (const SweepAxis& a : axes) out.axes.push_back(a.path);
    out.series = series.empty() ? std::vector<std::string>{"total"} : series;
    out.years = years.empty() ? std::vector<int>{scenarios[0].horizon} : years;
    out.targets = scenarios[0].targets;
    out.warnings = scenarios[0].warnings;
    out.seed = options.seed.value_or(scenarios[0].seed);
    out.paths = options.paths;
    RunOptions seeded = options;
    seeded.seed = out.seed;  // common random numbers even if a point moves scenario.seed
    // the series and years must exist before anything is sampled (the points share their series
    // and years: an axis cannot move scenario.base_year or scenario.horizon without changing them)
    const std::vector<std::string> names = compile_for_run(scenarios[0], out.seed).series;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < out.series.size(); ++i) {
        try {
            index.push_back(detail::find_series(names, out.series[i]));
        } catch (const InputError& e) {
            throw InputError("--series " + out.series[i] + ": " + e.what());
        }
        for (std::size_t j = 0; j < i; ++j)
            if (out.series[j] == out.series[i]) throw InputError("--series " + out.series[i] + ": given twice");
    }
    for (std::size_t i = 0; i < out.years.size(); ++i) {
        const int y = out.years[i];
        for (const Scenario& sc : scenarios)
            if (y < sc.base_year || y > sc.horizon)
                throw InputError("--year " + std::to_string(y) + ": outside the scenario's years " +
                                 std::to_string(sc.base_year) + "-" + std::to_string(sc.horizon));
        for (std::size_t j = 0; j < i; ++j)
            if (out.years[j] == y) throw InputError("--year " + std::to_string(y) + ": given twice");
    }
    const StopCheck stop = stop_check(options.stop);

    const auto start = std::chrono::steady_clock::now();
    for (std::size_t p = 0; p < points; ++p) {
        const Results r = run(scenarios[p], seeded);
        if (const int reason = stop()) throw Interrupted(reason);  // a point cut short is not a point
        SweepPoint point;
        point.values = values[p];
        for (const std::size_t s : index)
            for (const int y : out.years) {
                const Band& b = r.band(s, y - r.base_year);
                SweepStats st;
                st.mean = b.mean;
                st.p05 = b.quantile[nearest_quantile(r.quantiles, 0.05)];
                st.p50 = b.quantile[nearest_quantile(r.quantiles, 0.5)];
                st.p95 = b.quantile[nearest_quantile(r.quantiles, 0.95)];
                point.stats.push_back(st);
            }
        for (const TargetResult& t : r.targets) point.target_probability.push_back(t.probability);
        out.points.push_back(std::move(point));
        out.threads = r.threads;
        out.processes = r.processes;
        out.simd = r.simd;
    }
    out.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace marketsim
