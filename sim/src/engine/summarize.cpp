#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/engine.hpp"
#include "scenario/series.hpp"
#include "stats/quantiles.hpp"

namespace marketsim {

double cagr(double base, double horizon_value, int years) { return std::pow(horizon_value / base, 1.0 / years) - 1.0; }

std::size_t Results::series_index(const std::string& name) const { return detail::find_series(series, name); }

double Results::throughput() const {
    return elapsed_seconds > 0 ? static_cast<double>(paths) * cells * years / elapsed_seconds : 0.0;
}

Results summarize(const Model& m, const Scenario& sc, const BandAccumulator& acc) {
    Results r;
    r.scenario = sc.name;
    r.unit = sc.unit;
    r.series = m.series;
    r.base_year = m.base_year;
    r.years = m.years;
    r.cells = m.cell_count;
    r.quantiles = sc.quantiles;
    r.relative_accuracy = sc.relative_accuracy;
    r.central = m.central;
    r.central_path = m.central_path;
    r.central_events = m.central_events;
    r.rates_cagr = m.rates_cagr;
    r.seed = m.seed;
    r.paths = acc.paths();
    const double n = static_cast<double>(acc.paths());
    const std::uint32_t ns = m.series_count();
    const int t_count = m.years + 1;
    r.bands.resize(static_cast<std::size_t>(ns) * t_count);
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
                const auto [lo, hi] = order_statistic_interval(acc.paths(), p);
                b.quantile_lo.push_back(q.value_at_rank(lo));
                b.quantile_hi.push_back(q.value_at_rank(hi));
            }
        }
    }
    for (std::size_t j = 0; j < acc.targets().size(); ++j) {
        TargetResult tr;
        tr.target = sc.targets[j];
        tr.hits = acc.target_hits(j);
        tr.probability = static_cast<double>(tr.hits) / n;
        tr.se = std::sqrt(tr.probability * (1 - tr.probability) / n);
        const auto series = std::find(m.series.begin(), m.series.end(), tr.target.series);
        const int t = tr.target.year - m.base_year;
        if (series != m.series.end() && t >= 0 && t < t_count) {
            const QuantileSketch& q =
                acc.sketch(static_cast<std::size_t>(t) * ns + static_cast<std::size_t>(series - m.series.begin()));
            for (int k = 1; k <= 99; ++k) tr.exceedance.emplace_back(q.quantile(k / 100.0), 1.0 - k / 100.0);
        }
        r.targets.push_back(tr);
    }
    r.cagr.resize(ns);
    for (std::uint32_t s = 0; s < ns; ++s)
        for (const double q : r.band(s, r.years).quantile)
            r.cagr[s].push_back(cagr(r.central[static_cast<std::size_t>(s) * t_count], q, r.years));
    r.central_cagr_without_events = cagr(r.central[0], r.central[static_cast<std::size_t>(r.years)], r.years);
    r.central_cagr = cagr(r.central_path[0], r.central_path[static_cast<std::size_t>(r.years)], r.years);
    r.warnings = sc.warnings;
    // shifts are judged on the central path without events, so that a forced event is not taken
    // for a shift; the events' own move is said in the same warning
    if (std::fabs(r.central_cagr_without_events - r.rates_cagr) > 0.001) {
        char buf[512];
        std::snprintf(buf, sizeof buf,
                      "shifts move the total's central-path CAGR to %.3f%%, %.3f points from the %.3f%% "
                      "the growth rates alone give",
                      100 * r.central_cagr_without_events, 100 * (r.central_cagr_without_events - r.rates_cagr),
                      100 * r.rates_cagr);
        std::string text = buf;
        if (!r.central_events.empty()) {
            std::string names;
            for (const std::string& e : r.central_events) names += (names.empty() ? "" : ", ") + e;
            std::snprintf(buf, sizeof buf, "; the events of probability 1 (%s) then take it to %.3f%%", names.c_str(),
                          100 * r.central_cagr);
            text += buf;
        }
        r.warnings.push_back(text);
    }
    return r;
}

std::pair<double, std::string> largest_relative_half_width(const Results& r) {
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
            consider(kZ95 * b.se_mean, b.mean, s, t, "mean");
            for (std::size_t k = 0; k < b.quantile.size(); ++k)
                consider(0.5 * (b.quantile_hi[k] - b.quantile_lo[k]), b.quantile[k], s, t, quantile_column(r.quantiles[k]));
        }
    return {worst, where};
}

}  // namespace marketsim
