#include "marketsim/csv.hpp"

#include <algorithm>
#include <sstream>

#include "marketsim/numbers.hpp"
#include "marketsim/quantiles.hpp"
#include "stats/quantiles.hpp"

namespace marketsim {

std::string bands_csv(const Results& r, bool ci) {
    std::ostringstream out;
    const auto column = [&](const std::string& name) {
        out << ',' << name;
        if (ci) out << ',' << name << "_lo," << name << "_hi";
    };
    out << "series,year";
    column("mean");
    column("sd");
    for (double q : r.quantiles) column(quantile_column(q));
    out << '\n';
        const auto value = [&](double x, double lo, double hi) {
        out << ',' << format_number(x);
        if (ci) out << ',' << format_number(lo) << ',' << format_number(hi);
    };
    for (std::size_t s = 0; s < r.series.size(); ++s) {
        for (int t = 0; t <= r.years; ++t) {
            const Band& b = r.band(s, t);
            out << r.series[s] << ',' << r.base_year + t;
            value(b.mean, b.mean - kZ95 * b.se_mean, b.mean + kZ95 * b.se_mean);
            value(b.sd, std::max(0.0, b.sd - kZ95 * b.se_sd), b.sd + kZ95 * b.se_sd);
            for (std::size_t k = 0; k < r.quantiles.size(); ++k) value(b.quantile[k], b.quantile_lo[k], b.quantile_hi[k]);
            out << '\n';
        }
    }
    return out.str();
}

namespace {

/** 100 x change / reference, or empty (a missing value) when the reference is 0. */
std::string percent_field(double change, double reference) {
    return reference != 0.0 ? format_number(100.0 * change / reference) : std::string();
}

}  // namespace

std::string delta_csv(const Comparison& c) {
    std::ostringstream out;
    out << "scenario,series,year,mean,sd";
    const Results& first = c.delta.front();
    for (double q : first.quantiles) out << ',' << quantile_column(q);
    out << ",prob_b_gt_a,mean_pct,p50_pct\n";
    const Results& a = c.bands.front();
    const std::size_t a_median = nearest_quantile(a.quantiles, 0.5);
    for (std::size_t k = 0; k < c.delta.size(); ++k) {
        const Results& d = c.delta[k];
        const Results& b = c.bands[k + 1];
        const std::size_t b_median = nearest_quantile(b.quantiles, 0.5);
        for (std::size_t s = 0; s < d.series.size(); ++s) {
            // a share's change is in points of the total, not relative to the share: no percent
            const bool share = is_share_series(d.series[s]);
            for (int t = 0; t <= d.years; ++t) {
                const Band& x = d.band(s, t);
                out << d.scenario << ',' << d.series[s] << ',' << d.base_year + t << ','
                    << format_number(x.mean) << ',' << format_number(x.sd);
                for (double q : x.quantile) out << ',' << format_number(q);
                out << ',' << format_number(c.greater[k][s * static_cast<std::size_t>(d.years + 1) + t]) << ',';
                if (!share) {
                    const Band &ya = a.band(s, t), &yb = b.band(s, t);
                    out << percent_field(x.mean, ya.mean) << ','
                        << percent_field(yb.quantile[b_median] - ya.quantile[a_median], ya.quantile[a_median]);
                } else {
                    out << ',';
                }
                out << '\n';
            }
        }
    }
    return out.str();
}

std::string sweep_csv(const Sweep& s) {
    std::ostringstream out;
    for (const std::string& a : s.axes) out << a << ',';
    out << "series,year,mean,p05,p50,p95";
    for (std::size_t j = 0; j < s.targets.size(); ++j) out << ",p_target" << j + 1;
    out << '\n';
    for (const SweepPoint& p : s.points)
        for (std::size_t i = 0; i < s.series.size(); ++i)
            for (std::size_t y = 0; y < s.years.size(); ++y) {
                const SweepStats& st = p.stats[i * s.years.size() + y];
                for (double v : p.values) out << format_number(v) << ',';
                out << s.series[i] << ',' << s.years[y] << ',' << format_number(st.mean) << ',' << format_number(st.p05)
                    << ',' << format_number(st.p50) << ',' << format_number(st.p95);
                for (double t : p.target_probability) out << ',' << format_number(t);
                out << '\n';
            }
    return out.str();
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

std::string settings_csv(const SettingsSensitivity& s) {
    std::ostringstream out;
    out << "rank,path,value,range,clamped,low,high,p50_low,p50_high,swing,mean_low,mean_high";
    for (std::size_t j = 0; j < s.targets.size(); ++j) out << ",p_target" << j + 1 << "_low,p_target" << j + 1 << "_high";
    out << ",p50\n";
    for (std::size_t r = 0; r < s.rows.size(); ++r) {
        const SettingRow& row = s.rows[r];
        out << r + 1 << ',' << row.path << ',' << format_number(row.value) << ',' << row.range << ','
            << (row.clamped ? "true" : "false") << ',' << format_number(row.low.value) << ',' << format_number(row.high.value)
            << ',' << format_number(row.low.p50) << ',' << format_number(row.high.p50) << ',' << format_number(row.swing())
            << ',' << format_number(row.low.mean) << ',' << format_number(row.high.mean);
        for (std::size_t j = 0; j < s.targets.size(); ++j)
            out << ',' << format_number(row.low.target_probability[j]) << ',' << format_number(row.high.target_probability[j]);
        out << ',' << format_number(s.base.p50) << '\n';
    }
    return out.str();
}

std::string spider_csv(const SettingsSensitivity& s) {
    static const char* kPoints[] = {"low", "halfway_low", "value", "halfway_high", "high"};
    std::ostringstream out;
    out << "path,point,position,value,p50\n";
    for (const SettingRow& row : s.rows)
        for (std::size_t k = 0; k < row.spider.size(); ++k)
            out << row.path << ',' << kPoints[k] << ',' << format_number(0.5 * static_cast<double>(k) - 1.0) << ','
                << format_number(row.spider[k].value) << ',' << format_number(row.spider[k].p50) << '\n';
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

}  // namespace marketsim
