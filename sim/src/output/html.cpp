#include "marketsim/html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "marketsim/numbers.hpp"
#include "marketsim/quantiles.hpp"
#include "marketsim/version.hpp"
#include "output/assumptions.hpp"
#include "output/axis.hpp"
#include "stats/quantiles.hpp"

namespace marketsim {
namespace {

std::string esc(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string num(double x, const char* fmt = "%.4g") {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, x);
    return buf;
}

/** A fan chart of series s: the P5-P95, P10-P90 and P25-P75 bands (those the run computed), the
 *  median, the chart's markers, another run's fan underneath and sample paths on top. */
std::string fan_svg(const Results& r, std::size_t s, const FanChart& chart) {
    const int width = chart.width, height = chart.height;
    const bool legend = chart.legend;
    const std::vector<ChartMarker>& markers = chart.markers;
    const Results* under = chart.underneath;
    // a share of the total (output.shares) reads in percent, whatever the scenario's unit
    const bool percent = chart.percent || is_share_series(r.series[s]);
    const std::string& unit = r.unit;
    const int left = 62, right = 14, top = legend ? 46 : 30, bottom = 38;
    const int t_count = r.years + 1;
    const std::pair<double, double> bands[] = {{0.05, 0.95}, {0.10, 0.90}, {0.25, 0.75}};
    double lo = INFINITY, hi = -INFINITY;
    for (int t = 0; t < t_count; ++t) {
        for (double q : r.band(s, t).quantile) lo = std::min(lo, q), hi = std::max(hi, q);
        if (under)
            for (double q : under->band(s, t).quantile) lo = std::min(lo, q), hi = std::max(hi, q);
    }
    for (const ChartMarker& m : markers) lo = std::min(lo, m.value), hi = std::max(hi, m.value);
    for (const std::vector<double>& path : chart.paths)
        for (double v : path) lo = std::min(lo, v), hi = std::max(hi, v);
    const double scale = percent ? 100.0 : 1.0;  // tick labels in percent for a fraction
    std::vector<double> yt = nice_ticks(scale * lo, scale * hi, 5);
    for (double& v : yt) v /= scale;
    const double y0 = std::min(lo, yt.front()), y1 = std::max(hi, yt.back());
    const auto X = [&](double year) {
        return left + (year - r.base_year) / std::max(1, r.years) * (width - left - right);
    };
    const auto Y = [&](double v) { return top + (y1 - v) / (y1 - y0) * (height - top - bottom); };
    const auto line = [&](const Results& from, std::size_t k) {  // the points of quantile k over the years
        std::string points;
        for (int t = 0; t < t_count; ++t)
            points += num(X(from.base_year + t), "%.1f") + ',' + num(Y(from.band(s, t).quantile[k]), "%.1f") + ' ';
        return points;
    };
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " << width << ' ' << height << "\" width=\""
      << width << "\" height=\"" << height << "\"><title>" << esc(chart.title) << "</title>";
    o << "<text x=\"" << left << "\" y=\"18\" class=\"ct\">" << esc(chart.title) << "</text>";
    for (double v : yt) {
        o << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << num(Y(v), "%.1f") << "\" y2=\""
          << num(Y(v), "%.1f") << "\" class=\"grid\"/>";
        o << "<text x=\"" << left - 6 << "\" y=\"" << num(Y(v) + 4, "%.1f") << "\" class=\"yl\">" << num(scale * v, "%g")
          << (percent ? "%" : "") << "</text>";
    }
    const int step = r.years > 12 ? 5 : r.years > 6 ? 2 : 1;
    for (int t = 0; t < t_count; t += step)
        o << "<text x=\"" << num(X(r.base_year + t), "%.1f") << "\" y=\"" << height - bottom + 16 << "\" class=\"xl\">"
          << r.base_year + t << "</text>";
    o << "<text x=\"" << (left + width - right) / 2 << "\" y=\"" << height - 4 << "\" class=\"xl\">year</text>";
    o << "<text transform=\"translate(12," << (top + height - bottom) / 2 << ") rotate(-90)\" class=\"xl\">"
      << esc(percent ? "% of the total" : unit.empty() ? "value" : unit) << "</text>";
    if (under) {  // the other run's P5-P95 and median, in grey, beneath this one
        const std::optional<std::size_t> a = find_quantile(under->quantiles, 0.05), z = find_quantile(under->quantiles, 0.95),
                                         m = find_quantile(under->quantiles, 0.5);
        if (a && z) {
            o << "<polygon class=\"under\" points=\"" << line(*under, *z);
            for (int t = t_count; t-- > 0;)
                o << num(X(under->base_year + t), "%.1f") << ',' << num(Y(under->band(s, t).quantile[*a]), "%.1f") << ' ';
            o << "\"/>";
        }
        if (m) o << "<polyline class=\"under-median\" points=\"" << line(*under, *m) << "\"/>";
    }
    const char* fills[] = {"band1", "band2", "band3"};
    for (int b = 0; b < 3; ++b) {
        const std::optional<std::size_t> lo_q = find_quantile(r.quantiles, bands[b].first),
                                         hi_q = find_quantile(r.quantiles, bands[b].second);
        if (!lo_q || !hi_q) continue;
        o << "<polygon class=\"" << fills[b] << "\" points=\"" << line(r, *hi_q);
        for (int t = t_count; t-- > 0;) o << num(X(r.base_year + t), "%.1f") << ',' << num(Y(r.band(s, t).quantile[*lo_q]), "%.1f") << ' ';
        o << "\"/>";
    }
    for (const std::vector<double>& path : chart.paths) {
        o << "<polyline class=\"path\" points=\"";
        for (std::size_t t = 0; t < path.size(); ++t)
            o << num(X(r.base_year + static_cast<double>(t)), "%.1f") << ',' << num(Y(path[t]), "%.1f") << ' ';
        o << "\"/>";
    }
    if (const std::optional<std::size_t> median = find_quantile(r.quantiles, 0.5)) {
        o << "<polyline class=\"median\" points=\"" << line(r, *median) << "\"/>";
    }
    for (const ChartMarker& mk : markers) {
        const double x = X(mk.year), y = Y(mk.value);
        o << "<path class=\"target\" d=\"M" << num(x, "%.1f") << ',' << num(y - 6, "%.1f") << " l6,6 l-6,6 l-6,-6 z\"><title>"
          << esc(mk.label) << "</title></path>";
    }
    o << "<line x1=\"" << left << "\" x2=\"" << left << "\" y1=\"" << top << "\" y2=\"" << height - bottom << "\" class=\"axis\"/>";
    o << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << height - bottom << "\" y2=\"" << height - bottom
      << "\" class=\"axis\"/>";
    if (legend) {
        const int lx = left, ly = 26;  // between the title and the plot
        const char* names[] = {"P5-P95", "P10-P90", "P25-P75"};
        for (int b = 0; b < 3; ++b)
            o << "<rect x=\"" << lx + b * 78 << "\" y=\"" << ly << "\" width=\"14\" height=\"10\" class=\"" << fills[b]
              << "\"/><text x=\"" << lx + b * 78 + 18 << "\" y=\"" << ly + 9 << "\" class=\"lg\">" << names[b] << "</text>";
        o << "<line x1=\"" << lx + 234 << "\" x2=\"" << lx + 248 << "\" y1=\"" << ly + 5 << "\" y2=\"" << ly + 5
          << "\" class=\"median\"/><text x=\"" << lx + 252 << "\" y=\"" << ly + 9 << "\" class=\"lg\">median</text>";
        int x = lx + 312;
        if (!markers.empty()) {
            o << "<path class=\"target\" d=\"M" << x << ',' << ly - 1 << " l6,6 l-6,6 l-6,-6 z\"/><text x=\"" << x + 10
              << "\" y=\"" << ly + 9 << "\" class=\"lg\">target</text>";
            x += 62;
        }
        if (under)
            o << "<rect x=\"" << x << "\" y=\"" << ly << "\" width=\"14\" height=\"10\" class=\"under\"/><text x=\"" << x + 18
              << "\" y=\"" << ly + 9 << "\" class=\"lg\">" << esc(chart.underneath_label) << "</text>";
    }
    o << "</svg>";
    return o.str();
}

/** A bar chart of the total's CAGR at each quantile. */
std::string cagr_svg(const Results& r, const std::vector<double>& cagr, double central) {
    const int width = 520, height = 220, left = 62, right = 14, top = 30, bottom = 38;
    double lo = std::min(0.0, *std::min_element(cagr.begin(), cagr.end())), hi = std::max(central, *std::max_element(cagr.begin(), cagr.end()));
    const std::vector<double> yt = nice_ticks(100 * lo, 100 * hi, 4);
    const double y0 = std::min(100 * lo, yt.front()), y1 = std::max(100 * hi, yt.back());
    const auto Y = [&](double v) { return top + (y1 - v) / (y1 - y0) * (height - top - bottom); };
    const double slot = static_cast<double>(width - left - right) / cagr.size();
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " << width << ' ' << height << "\" width=\"" << width
      << "\" height=\"" << height << "\"><title>CAGR distribution</title>";
    o << "<text x=\"" << left << "\" y=\"18\" class=\"ct\">CAGR " << r.base_year << "-" << r.base_year + r.years
      << " of the total, by quantile (%)</text>";
    for (double v : yt)
        o << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << num(Y(v), "%.1f") << "\" y2=\"" << num(Y(v), "%.1f")
          << "\" class=\"grid\"/><text x=\"" << left - 6 << "\" y=\"" << num(Y(v) + 4, "%.1f") << "\" class=\"yl\">" << num(v, "%g")
          << "%</text>";
    for (std::size_t k = 0; k < cagr.size(); ++k) {
        const double x = left + k * slot + slot * 0.2, v = 100 * cagr[k];
        o << "<rect class=\"bar\" x=\"" << num(x, "%.1f") << "\" width=\"" << num(slot * 0.6, "%.1f") << "\" y=\"" << num(std::min(Y(v), Y(0)), "%.1f")
          << "\" height=\"" << num(std::fabs(Y(v) - Y(0)), "%.1f") << "\"><title>" << quantile_column(r.quantiles[k]) << ": "
          << num(v, "%.2f") << "%</title></rect>";
        o << "<text x=\"" << num(x + slot * 0.3, "%.1f") << "\" y=\"" << height - bottom + 16 << "\" class=\"xl\">"
          << quantile_column(r.quantiles[k]) << "</text>";
    }
    o << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << num(Y(100 * central), "%.1f") << "\" y2=\""
      << num(Y(100 * central), "%.1f") << "\" class=\"central\"/><text x=\"" << left + 4 << "\" y=\""
      << num(Y(100 * central) - 4, "%.1f") << "\" class=\"lg\">central path " << num(100 * central, "%.2f") << "%</text>";
    o << "</svg>";
    return o.str();
}

/** A target's exceedance curve: P(series in its year >= x) over x, the target's value marked
 *  with the share of paths that meet it. */
std::string exceedance_svg(const TargetResult& t, const std::string& unit) {
    const int width = 520, height = 260, left = 62, right = 14, top = 30, bottom = 40;
    const auto& curve = t.exceedance;
    const double lo = std::min(curve.front().first, t.target.value), hi = std::max(curve.back().first, t.target.value);
    const std::vector<double> xt = nice_ticks(lo, hi, 5);
    const double x0 = std::min(lo, xt.front()), x1 = std::max(hi, xt.back());
    const auto X = [&](double v) { return left + (v - x0) / (x1 - x0) * (width - left - right); };
    const auto Y = [&](double p) { return top + (1 - p) * (height - top - bottom); };
    std::ostringstream o;
    const std::string title = "P(" + t.target.series + " in " + std::to_string(t.target.year) + " >= x)";
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " << width << ' ' << height << "\" width=\"" << width
      << "\" height=\"" << height << "\"><title>" << esc(title) << "</title>";
    o << "<text x=\"" << left << "\" y=\"18\" class=\"ct\">" << esc(title) << "</text>";
    for (int k = 0; k <= 4; ++k) {
        const double p = k / 4.0;
        o << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << num(Y(p), "%.1f") << "\" y2=\"" << num(Y(p), "%.1f")
          << "\" class=\"grid\"/><text x=\"" << left - 6 << "\" y=\"" << num(Y(p) + 4, "%.1f") << "\" class=\"yl\">" << 100 * p / 1
          << "%</text>";
    }
    for (double v : xt)
        if (v >= x0 && v <= x1)
            o << "<text x=\"" << num(X(v), "%.1f") << "\" y=\"" << height - bottom + 16 << "\" class=\"xl\">" << num(v, "%g") << "</text>";
    o << "<text x=\"" << (left + width - right) / 2 << "\" y=\"" << height - 4 << "\" class=\"xl\">x" << (unit.empty() ? "" : " (" + esc(unit) + ")")
      << "</text>";
    o << "<polyline class=\"median\" points=\"";
    for (const auto& [x, p] : curve) o << num(X(x), "%.1f") << ',' << num(Y(p), "%.1f") << ' ';
    o << "\"/>";
    const double tx = X(t.target.value), ty = Y(t.probability);
    o << "<line x1=\"" << num(tx, "%.1f") << "\" x2=\"" << num(tx, "%.1f") << "\" y1=\"" << top << "\" y2=\"" << height - bottom
      << "\" class=\"central\"/>";
    o << "<path class=\"target\" d=\"M" << num(tx, "%.1f") << ',' << num(ty - 6, "%.1f") << " l6,6 l-6,6 l-6,-6 z\"><title>target "
      << format_number(t.target.value) << ": met in " << num(100 * t.probability, "%.1f") << "% of paths</title></path>";
    o << "<text x=\"" << num(tx + 9, "%.1f") << "\" y=\"" << num(ty - 8, "%.1f") << "\" class=\"lg\">" << format_number(t.target.value)
      << ": " << num(100 * t.probability, "%.1f") << "%</text>";
    o << "<line x1=\"" << left << "\" x2=\"" << left << "\" y1=\"" << top << "\" y2=\"" << height - bottom << "\" class=\"axis\"/>";
    o << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << height - bottom << "\" y2=\"" << height - bottom
      << "\" class=\"axis\"/>";
    o << "</svg>";
    return o.str();
}

/** The charts' classes (the workbench page uses them too). */
const char* kChartStyle = R"(
.grid{stroke:#e3e3e3;stroke-width:1} .axis{stroke:#777;stroke-width:1}
.ct{font-size:13px;font-weight:600;fill:#1a1a1a} .yl{font-size:11px;fill:#444;text-anchor:end}
.xl{font-size:11px;fill:#444;text-anchor:middle} .lg{font-size:11px;fill:#333}
.band1{fill:#0072B2;fill-opacity:.18} .band2{fill:#0072B2;fill-opacity:.30} .band3{fill:#0072B2;fill-opacity:.45}
.median{fill:none;stroke:#003F66;stroke-width:2} .target{fill:#E69F00;stroke:#8a5d00;stroke-width:1}
.under{fill:#999;fill-opacity:.25;stroke:#777;stroke-opacity:.5;stroke-dasharray:3 2}
.under-median{fill:none;stroke:#555;stroke-width:1.5;stroke-dasharray:5 3}
.path{fill:none;stroke:#222;stroke-opacity:.35;stroke-width:.8}
.bar{fill:#0072B2;fill-opacity:.7} .central{stroke:#E69F00;stroke-width:2;stroke-dasharray:5 3}
)";

const std::string kStyle = std::string(R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1a1a1a;max-width:1100px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccc;padding-bottom:3px}
.sub{color:#555;margin:0 0 12px} table{border-collapse:collapse;font-size:13px;margin:6px 0}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:right} th{background:#f2f4f7} td.l,th.l{text-align:left}
.multiples{display:flex;flex-wrap:wrap;gap:8px}
@media print{body{margin:0;max-width:none} h2{break-after:avoid} svg,table{break-inside:avoid}}
)") + kChartStyle;

/** A small multiple: one member's fan. */
FanChart small_multiple(const std::string& title) {
    FanChart c;
    c.title = title;
    c.width = 360;
    c.height = 220;
    return c;
}

/** A what-if's fan of differences against the first scenario. */
FanChart delta_chart(const std::string& title, bool legend) {
    FanChart c;
    c.title = title;
    c.width = 540;
    c.height = 300;
    c.legend = legend;
    return c;
}

const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"};

/** The total's P5-P95 band and median of several results, overlaid. */
std::string overlay_svg(const std::vector<const Results*>& rs, const std::vector<std::string>& names, const std::string& unit) {
    const Results& r0 = *rs.front();
    const int width = 760, height = 360, left = 62, right = 14, top = 30, bottom = 38, n = r0.years;
    const std::optional<std::size_t> a = find_quantile(r0.quantiles, 0.05), z = find_quantile(r0.quantiles, 0.95),
                                     m = find_quantile(r0.quantiles, 0.5);
    double lo = INFINITY, hi = -INFINITY;
    for (const Results* r : rs)
        for (int t = 0; t <= n; ++t)
            for (double q : r->band(0, t).quantile) lo = std::min(lo, q), hi = std::max(hi, q);
    const std::vector<double> yt = nice_ticks(lo, hi, 5);
    const double y0 = std::min(lo, yt.front()), y1 = std::max(hi, yt.back());
    const auto X = [&](double year) { return left + (year - r0.base_year) / std::max(1, n) * (width - left - right); };
    const auto Y = [&](double v) { return top + (y1 - v) / (y1 - y0) * (height - top - bottom); };
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " << width << ' ' << height << "\" width=\""
      << width << "\" height=\"" << height << "\"><title>the total, overlaid</title>";
    o << "<text x=\"" << left << "\" y=\"18\" class=\"ct\">total: P5-P95 and the median of each scenario</text>";
    for (double v : yt)
        o << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << num(Y(v), "%.1f") << "\" y2=\"" << num(Y(v), "%.1f")
          << "\" class=\"grid\"/><text x=\"" << left - 6 << "\" y=\"" << num(Y(v) + 4, "%.1f") << "\" class=\"yl\">" << num(v, "%g")
          << "</text>";
    const int step = n > 12 ? 5 : n > 6 ? 2 : 1;
    for (int t = 0; t <= n; t += step)
        o << "<text x=\"" << num(X(r0.base_year + t), "%.1f") << "\" y=\"" << height - bottom + 16 << "\" class=\"xl\">"
          << r0.base_year + t << "</text>";
    o << "<text x=\"" << (left + width - right) / 2 << "\" y=\"" << height - 4 << "\" class=\"xl\">year</text>";
    o << "<text transform=\"translate(12," << (top + height - bottom) / 2 << ") rotate(-90)\" class=\"xl\">"
      << esc(unit.empty() ? "value" : unit) << "</text>";
    for (std::size_t k = 0; k < rs.size(); ++k) {
        const Results& r = *rs[k];
        const char* colour = kPalette[k % 8];
        if (a && z) {
            o << "<polygon fill=\"" << colour << "\" fill-opacity=\"0.15\" stroke=\"" << colour << "\" stroke-opacity=\"0.5\" points=\"";
            for (int t = 0; t <= n; ++t) o << num(X(r.base_year + t), "%.1f") << ',' << num(Y(r.band(0, t).quantile[*z]), "%.1f") << ' ';
            for (int t = n + 1; t-- > 0;) o << num(X(r.base_year + t), "%.1f") << ',' << num(Y(r.band(0, t).quantile[*a]), "%.1f") << ' ';
            o << "\"/>";
        }
        if (m) {
            o << "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" << colour << "\" points=\"";
            for (int t = 0; t <= n; ++t) o << num(X(r.base_year + t), "%.1f") << ',' << num(Y(r.band(0, t).quantile[*m]), "%.1f") << ' ';
            o << "\"/>";
        }
        o << "<rect x=\"" << left + 10 << "\" y=\"" << top + 4 + 16 * k << "\" width=\"14\" height=\"10\" fill=\"" << colour
          << "\"/><text x=\"" << left + 28 << "\" y=\"" << top + 13 + 16 * k << "\" class=\"lg\">" << esc(names[k]) << "</text>";
    }
    o << "</svg>";
    return o.str();
}

/** A tornado bar: an input's name and the output at its two ends. */
struct TornadoBar {
    std::string name;
    double low = 0.0, high = 0.0;
};

/** A tornado chart: one horizontal bar per input from the output at its low end to the output at
 *  its high end, in the order given, a line at `centre` (the output with every input as it is) and,
 *  when given, the output's own spread shaded behind the bars. */
std::string tornado_svg(const std::vector<TornadoBar>& bars, double centre, const std::string& title,
                        std::optional<std::pair<double, double>> spread = std::nullopt) {
    const int width = 760, row_h = 22, left = 290, right = 20, top = 34, height = top + row_h * static_cast<int>(bars.size()) + 34;
    double lo = centre, hi = centre;
    for (const TornadoBar& b : bars) lo = std::min({lo, b.low, b.high}), hi = std::max({hi, b.low, b.high});
    if (spread) lo = std::min(lo, spread->first), hi = std::max(hi, spread->second);
    const std::vector<double> ticks = nice_ticks(lo, hi, 6);
    const double x0 = std::min(lo, ticks.front()), x1 = std::max(hi, ticks.back());
    const auto X = [&](double v) { return left + (v - x0) / (x1 - x0) * (width - left - right); };
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " << width << ' ' << height << "\" width=\"" << width
      << "\" height=\"" << height << "\"><title>tornado</title><text x=\"" << left << "\" y=\"18\" class=\"ct\">" << esc(title)
      << "</text>";
    for (double v : ticks)
        o << "<line x1=\"" << num(X(v), "%.1f") << "\" x2=\"" << num(X(v), "%.1f") << "\" y1=\"" << top << "\" y2=\"" << height - 30
          << "\" class=\"grid\"/><text x=\"" << num(X(v), "%.1f") << "\" y=\"" << height - 14 << "\" class=\"xl\">" << num(v, "%g") << "</text>";
    if (spread)
        o << "<rect class=\"under\" x=\"" << num(X(spread->first), "%.1f") << "\" y=\"" << top - 4 << "\" width=\""
          << num(X(spread->second) - X(spread->first), "%.1f") << "\" height=\"" << height - 26 - top << "\"><title>the output's P5-P95: "
          << num(spread->first) << " to " << num(spread->second) << "</title></rect>";
    for (std::size_t k = 0; k < bars.size(); ++k) {
        const TornadoBar& b = bars[k];
        const double y = top + row_h * static_cast<double>(k);
        o << "<text x=\"" << left - 8 << "\" y=\"" << num(y + 15, "%.1f") << "\" class=\"yl\">" << esc(b.name) << "</text>";
        o << "<rect class=\"bar\" x=\"" << num(X(std::min(b.low, b.high)), "%.1f") << "\" y=\"" << num(y + 4, "%.1f")
          << "\" width=\"" << num(std::fabs(X(b.high) - X(b.low)), "%.1f") << "\" height=\"" << row_h - 8 << "\"><title>" << esc(b.name)
          << ": " << num(b.low) << " at the low end, " << num(b.high) << " at the high end</title></rect>";
    }
    o << "<line x1=\"" << num(X(centre), "%.1f") << "\" x2=\"" << num(X(centre), "%.1f") << "\" y1=\"" << top - 4 << "\" y2=\""
      << height - 30 << "\" class=\"central\"/></svg>";
    return o.str();
}

/** A spider chart: the output at the five points of each input (low, halfway, the value, halfway,
 *  high), one line per input, the first eight. */
std::string spider_svg(const SettingsSensitivity& s) {
    const int width = 760, height = 360, left = 62, right = 250, top = 30, bottom = 38;
    const std::size_t shown = std::min<std::size_t>(s.rows.size(), 8);
    double lo = s.base.p50, hi = s.base.p50;
    for (std::size_t i = 0; i < shown; ++i)
        for (const SettingPoint& p : s.rows[i].spider) lo = std::min(lo, p.p50), hi = std::max(hi, p.p50);
    const std::vector<double> yt = nice_ticks(lo, hi, 5);
    const double y0 = std::min(lo, yt.front()), y1 = std::max(hi, yt.back());
    const auto X = [&](double position) { return left + (position + 1) / 2 * (width - left - right); };
    const auto Y = [&](double v) { return top + (y1 - v) / (y1 - y0) * (height - top - bottom); };
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " << width << ' ' << height << "\" width=\"" << width
      << "\" height=\"" << height << "\"><title>spider</title><text x=\"" << left << "\" y=\"18\" class=\"ct\">median of "
      << esc(s.series) << " in " << s.year << " as each input moves from its low to its high end</text>";
    for (double v : yt)
        o << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << num(Y(v), "%.1f") << "\" y2=\"" << num(Y(v), "%.1f")
          << "\" class=\"grid\"/><text x=\"" << left - 6 << "\" y=\"" << num(Y(v) + 4, "%.1f") << "\" class=\"yl\">" << num(v, "%g")
          << "</text>";
    const char* labels[] = {"low", "halfway", "value", "halfway", "high"};
    for (int k = 0; k < 5; ++k)
        o << "<text x=\"" << num(X(0.5 * k - 1), "%.1f") << "\" y=\"" << height - bottom + 16 << "\" class=\"xl\">" << labels[k] << "</text>";
    for (std::size_t i = 0; i < shown; ++i) {
        const SettingRow& row = s.rows[i];
        o << "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" << kPalette[i] << "\" points=\"";
        for (std::size_t k = 0; k < row.spider.size(); ++k)
            o << num(X(0.5 * static_cast<double>(k) - 1), "%.1f") << ',' << num(Y(row.spider[k].p50), "%.1f") << ' ';
        o << "\"><title>" << esc(row.path) << "</title></polyline><rect x=\"" << width - right + 10 << "\" y=\"" << top + 16 * i
          << "\" width=\"14\" height=\"10\" fill=\"" << kPalette[i] << "\"/><text x=\"" << width - right + 28 << "\" y=\""
          << top + 9 + 16 * i << "\" class=\"lg\">" << esc(row.path) << "</text>";
    }
    o << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << num(Y(s.base.p50), "%.1f") << "\" y2=\""
      << num(Y(s.base.p50), "%.1f") << "\" class=\"central\"/></svg>";
    return o.str();
}

}  // namespace

std::string fan_chart_svg(const Results& results, std::size_t series, const FanChart& chart) {
    return fan_svg(results, series, chart);
}

std::string chart_css() { return kChartStyle; }

std::string compare_report_html(const Comparison& c, std::size_t top) {
    std::ostringstream o;
    const std::vector<std::string>& scenarios = c.scenarios;
    const std::string unit = c.bands.front().unit;
    const Results& a = c.bands.front();
    o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>compare - marketsim</title><style>" << kStyle
      << "</style></head><body>\n<h1>";
    for (std::size_t k = 0; k < scenarios.size(); ++k) o << (k ? " vs " : "") << esc(scenarios[k]);
    o << "</h1>\n<p class=\"sub\">" << c.paths << " paths on common random numbers (seed " << c.seed
      << "): path p of every scenario uses the same draws, so the differences are the scenarios', not noise.</p>\n";
    std::vector<const Results*> rs;
    std::vector<std::string> names;
    for (std::size_t k = 0; k < scenarios.size(); ++k) rs.push_back(&c.bands[k]), names.push_back(scenarios[k]);
    o << "<h2>The total</h2>\n" << overlay_svg(rs, names, unit) << "\n";
    o << "<h2>Against " << esc(scenarios.front()) << ", path by path</h2>\n<div class=\"multiples\">";
    for (std::size_t k = 1; k < scenarios.size(); ++k)
        o << fan_svg(c.delta[k - 1], 0, delta_chart("total: " + scenarios[k] + " - " + scenarios.front(), k == 1));
    o << "</div>\n";
    for (std::size_t k = 1; k < scenarios.size(); ++k) {
        const std::string pair = esc(scenarios[k]) + " against " + esc(scenarios.front());
        for (const MovedSeries which : {MovedSeries::values, MovedSeries::shares}) {
            const std::vector<Moved> moved = what_moved(c, k, top, which);
            if (moved.empty()) continue;
            const bool shares = which == MovedSeries::shares;
            o << "<h2>" << (shares ? "Shares that moved most, " : "What moved most, ") << pair << "</h2>\n<p class=\"sub\">"
              << "The " << moved.size() << (shares ? " share series" : " series")
              << " whose median in " << a.base_year + a.years << " moved most"
              << (shares ? ", as a share of the total; the change in percentage points"
                         : unit.empty() ? std::string() : ", in " + esc(unit))
              << ". P(B &gt; A) is the share of paths where " << esc(scenarios[k]) << " is above.</p>\n"
              << "<table><tr><th class=\"l\">series</th><th>" << esc(scenarios.front()) << " p50</th><th>"
              << esc(scenarios[k]) << " p50</th><th>change</th>" << (shares ? "" : "<th>change %</th>")
              << "<th>P(B &gt; A)</th></tr>\n";
            for (const Moved& m : moved) {
                o << "<tr><td class=\"l\">" << esc(m.series) << "</td>";
                if (shares)
                    o << "<td>" << num(100 * m.a_p50, "%.2f") << "%</td><td>" << num(100 * m.b_p50, "%.2f") << "%</td><td>"
                      << num(100 * m.change, "%+.2f") << " pts</td>";
                else
                    o << "<td>" << num(m.a_p50) << "</td><td>" << num(m.b_p50) << "</td><td>" << num(m.change, "%+.4g")
                      << "</td><td>" << (std::isfinite(m.change_pct) ? num(100 * m.change_pct, "%+.2f") + "%" : "-")
                      << "</td>";
                o << "<td>" << num(m.prob_b_gt_a, "%.3f") << "</td></tr>\n";
            }
            o << "</table>\n";
        }
        // every dimension's members, their differences path by path
        const Results& d = c.delta[k - 1];
        std::string dimension;
        for (std::size_t s = 1; s < d.series.size(); ++s) {
            const std::string& name = d.series[s];
            if (name.find('/') != std::string::npos || is_share_series(name)) continue;  // cells, shares
            const std::string dim = name.substr(0, name.find('='));
            if (dim != dimension) {
                o << (dimension.empty() ? "" : "</div>\n") << "<h2>By " << esc(dim) << ": " << pair
                  << ", path by path</h2>\n<div class=\"multiples\">";
                dimension = dim;
            }
            o << fan_svg(d, s, small_multiple(name));
        }
        if (!dimension.empty()) o << "</div>\n";
    }
    const std::optional<std::size_t> q5 = find_quantile(a.quantiles, 0.05), q50 = find_quantile(a.quantiles, 0.5),
                                     q95 = find_quantile(a.quantiles, 0.95);
    o << "<h2>" << a.base_year + a.years << " at a glance</h2>\n<table><tr><th class=\"l\">scenario</th><th>mean</th>";
    if (q5 && q50 && q95) o << "<th>p05</th><th>p50</th><th>p95</th>";
    o << "<th>P(above " << esc(scenarios.front()) << ")</th></tr>\n";
    for (std::size_t k = 0; k < scenarios.size(); ++k) {
        const Band& b = c.bands[k].band(0, a.years);
        o << "<tr><td class=\"l\">" << esc(scenarios[k]) << "</td><td>" << num(b.mean) << "</td>";
        if (q5 && q50 && q95)
            o << "<td>" << num(b.quantile[*q5]) << "</td><td>" << num(b.quantile[*q50]) << "</td><td>" << num(b.quantile[*q95]) << "</td>";
        o << "<td>" << (k ? num(c.greater[k - 1][static_cast<std::size_t>(a.years)], "%.3f") : std::string("")) << "</td></tr>\n";
    }
    o << "</table>\n";
    for (const std::string& w : c.warnings) o << "<p>Warning: " << esc(w) << "</p>\n";
    o << "</body></html>\n";
    return o.str();
}

std::string sensitivity_report_html(const Sensitivity& s) {
    std::ostringstream o;
    const std::string& unit = s.unit;
    const std::size_t t = static_cast<std::size_t>(s.year - s.base_year - 1);
    o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>sensitivity - marketsim</title><style>" << kStyle
      << "</style></head><body>\n<h1>What drives " << esc(s.series) << " in " << s.year << ": " << esc(s.scenario) << "</h1>\n"
      << "<p class=\"sub\">" << s.paths << " paths per sample; grouped Sobol indices (Saltelli first order, Jansen total) with 95% "
      << "intervals; the tornado ranks the paths by an input's mean standardized draw and shows the median over the lowest and "
      << "the highest tenth (the shaded band: the output's own P5-P95).</p>\n";
    std::vector<const SensitivityInput*> inputs;
    for (const SensitivityInput& in : s.inputs)
        if (in.partition == "inputs") inputs.push_back(&in);
    // tornado: bars from the low to the high median, around the median with every draw free
    std::vector<TornadoBar> bars;
    for (const SensitivityInput* in : inputs) bars.push_back({in->name, in->p50_low, in->p50_high});
    o << "<h2>Tornado</h2>\n"
      << tornado_svg(bars, s.p50, "median of " + s.series + " in " + std::to_string(s.year) + (unit.empty() ? "" : ", " + unit),
                     std::pair<double, double>{s.p05, s.p95})
      << "\n";
    // total indices by year, the six largest inputs
    {
        const int width = 760, height = 320, left = 62, right = 190, top = 30, bottom = 38;
        const int years = static_cast<int>(inputs.empty() ? 0 : inputs.front()->total.size());
        const auto X = [&](double k) { return left + k / std::max(1, years - 1) * (width - left - right); };
        const auto Y = [&](double v) { return top + (1 - v) * (height - top - bottom); };
        o << "<h2>Total indices by year</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " << width << ' '
          << height << "\" width=\"" << width << "\" height=\"" << height << "\"><title>total indices by year</title>";
        for (double v : {0.0, 0.25, 0.5, 0.75, 1.0})
            o << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << num(Y(v), "%.1f") << "\" y2=\"" << num(Y(v), "%.1f")
              << "\" class=\"grid\"/><text x=\"" << left - 6 << "\" y=\"" << num(Y(v) + 4, "%.1f") << "\" class=\"yl\">" << num(v, "%g") << "</text>";
        for (int k = 0; k < years; k += years > 12 ? 5 : years > 6 ? 2 : 1)
            o << "<text x=\"" << num(X(k), "%.1f") << "\" y=\"" << height - bottom + 16 << "\" class=\"xl\">" << s.base_year + 1 + k << "</text>";
        for (std::size_t i = 0; i < inputs.size() && i < 6; ++i) {
            o << "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" << kPalette[i] << "\" points=\"";
            for (int k = 0; k < years; ++k) o << num(X(k), "%.1f") << ',' << num(Y(std::clamp(inputs[i]->total[k], 0.0, 1.0)), "%.1f") << ' ';
            o << "\"/><rect x=\"" << width - right + 10 << "\" y=\"" << top + 16 * i << "\" width=\"14\" height=\"10\" fill=\"" << kPalette[i]
              << "\"/><text x=\"" << width - right + 28 << "\" y=\"" << top + 9 + 16 * i << "\" class=\"lg\">" << esc(inputs[i]->name) << "</text>";
        }
        o << "</svg>\n";
    }
    o << "<h2>Indices in " << s.year << "</h2>\n<table><tr><th class=\"l\">input</th><th>first order</th><th>total</th><th>P50 low</th><th>P50 high</th></tr>\n";
    for (const SensitivityInput& in : s.inputs)
        o << "<tr><td class=\"l\">" << esc(in.name) << "</td><td>" << num(in.first_order[t], "%.3f") << " &#177; " << num(in.first_order_half_width[t], "%.3f")
          << "</td><td>" << num(in.total[t], "%.3f") << " &#177; " << num(in.total_half_width[t], "%.3f") << "</td><td>" << num(in.p50_low)
          << "</td><td>" << num(in.p50_high) << "</td></tr>\n";
    o << "</table>\n</body></html>\n";
    return o.str();
}

std::string settings_report_html(const SettingsSensitivity& s) {
    std::ostringstream o;
    const std::string& unit = s.unit;
    o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>settings - marketsim</title><style>" << kStyle
      << "</style></head><body>\n<h1>Which setting moves " << esc(s.series) << " in " << s.year << ": " << esc(s.scenario) << "</h1>\n"
      << "<p class=\"sub\">Each input moved alone to its low and its high end (by default -/+20% of its value, or -/+0.01 for "
      << "a rate or a value of 0, within its valid range), every other input at its value; " << s.paths
      << " paths, the same at every point (seed " << s.seed << "). Median " << num(s.base.p50) << ", mean " << num(s.base.mean)
      << (unit.empty() ? "" : " " + esc(unit)) << ".</p>\n";
    std::vector<TornadoBar> bars;
    for (std::size_t i = 0; i < s.rows.size() && i < 25; ++i) bars.push_back({s.rows[i].path, s.rows[i].low.p50, s.rows[i].high.p50});
    o << "<h2>Tornado</h2>\n"
      << tornado_svg(bars, s.base.p50, "median of " + s.series + " in " + std::to_string(s.year) + (unit.empty() ? "" : ", " + unit))
      << "\n";
    if (s.rows.size() > bars.size()) o << "<p>The " << bars.size() << " largest swings of " << s.rows.size() << "; the table has them all.</p>\n";
    o << "<h2>Spider</h2>\n" << spider_svg(s) << "\n";
    o << "<h2>Every input</h2>\n<table><tr><th>rank</th><th class=\"l\">input (--set path)</th><th>value</th><th>low</th><th>high</th>"
      << "<th>P50 low</th><th>P50 high</th><th>swing</th><th>mean low</th><th>mean high</th>";
    for (const Target& t : s.targets)
        o << "<th>P(" << esc(t.series) << " &#8805; " << num(t.value) << " in " << t.year << ") low</th><th>high</th>";
    o << "</tr>\n";
    for (std::size_t i = 0; i < s.rows.size(); ++i) {
        const SettingRow& r = s.rows[i];
        o << "<tr><td>" << i + 1 << "</td><td class=\"l\">" << esc(r.path) << "</td><td>" << num(r.value) << "</td><td>"
          << num(r.low.value) << "</td><td>" << num(r.high.value) << (r.clamped ? " (clamped)" : "") << "</td><td>" << num(r.low.p50)
          << "</td><td>" << num(r.high.p50) << "</td><td>" << num(r.swing()) << "</td><td>" << num(r.low.mean) << "</td><td>"
          << num(r.high.mean) << "</td>";
        for (std::size_t j = 0; j < s.targets.size(); ++j)
            o << "<td>" << num(r.low.target_probability[j], "%.3f") << "</td><td>" << num(r.high.target_probability[j], "%.3f") << "</td>";
        o << "</tr>\n";
    }
    o << "</table>\n";
    for (const std::string& w : s.warnings) o << "<p>Warning: " << esc(w) << "</p>\n";
    o << "</body></html>\n";
    return o.str();
}

std::string run_report_html(const Scenario& sc, const Results& r) {
    std::ostringstream o;
    const std::string unit = sc.unit;
    const int n = r.years;
    o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << esc(sc.name)
      << " - marketsim</title><style>" << kStyle << "</style></head><body>\n";
    o << "<h1>" << esc(sc.name) << ": " << sc.base_year << " to " << sc.horizon << "</h1>\n<p class=\"sub\">" << r.paths
      << " paths, seed " << r.seed << ", " << r.series.size() << " series; bands are quantiles over paths"
      << (unit.empty() ? "" : ", values in " + esc(unit)) << ".</p>\n";

    // the total's fan with the targets on it
    std::vector<ChartMarker> targets;
    for (const TargetResult& t : r.targets)
        if (t.target.series == "total")
            targets.push_back({t.target.year, t.target.value,
                               "target " + format_number(t.target.value) + " in " + std::to_string(t.target.year) + ": met in " +
                                   num(100 * t.probability, "%.1f") + "% of paths"});
    FanChart total;
    total.title = "total";
    total.legend = true;
    total.markers = targets;
    o << "<h2>The total</h2>\n" << fan_svg(r, 0, total) << "\n";
    for (const TargetResult& t : r.targets)
        o << "<p>Target: " << esc(t.target.series) << " at or above " << format_number(t.target.value) << " in " << t.target.year
          << ": met in <b>" << num(100 * t.probability, "%.1f") << "%</b> of paths (+/- " << num(100 * kZ95 * t.se, "%.1f")
          << " points, 95%).</p>\n";

    if (std::any_of(r.targets.begin(), r.targets.end(), [](const TargetResult& t) { return !t.exceedance.empty(); })) {
        o << "<h2>Probability of exceeding</h2>\n<p>For each target, the share of paths at or above each value of its series "
             "in its year: read off how sure the scenario is of any figure, not only the target's.</p>\n<div class=\"multiples\">";
        for (const TargetResult& t : r.targets)
            if (!t.exceedance.empty()) o << exceedance_svg(t, unit);
        o << "</div>\n";
    }

    // small multiples: each dimension's members
    std::size_t s = r.series.size() > 0 ? 1 : 0;
    for (const Dimension& d : sc.dimensions) {
        o << "<h2>By " << esc(d.name) << "</h2>\n<div class=\"multiples\">";
        for (std::size_t k = 0; k < d.members.size() && s < r.series.size(); ++k, ++s)
            o << fan_svg(r, s, small_multiple(r.series[s]));
        o << "</div>\n";
    }

    // output.shares: each dimension's members as shares of the total, after the members
    if (sc.share_series)
        for (const Dimension& d : sc.dimensions) {
            o << "<h2>Shares of the total by " << esc(d.name) << "</h2>\n<div class=\"multiples\">";
            for (std::size_t k = 0; k < d.members.size() && s < r.series.size(); ++k, ++s)
                o << fan_svg(r, s, small_multiple(r.series[s]));
            o << "</div>\n";
        }

    // the bands for chosen years
    std::vector<int> shown;
    for (int i = 0; i <= 4; ++i) shown.push_back(n * i / 4);
    for (const TargetResult& t : r.targets) shown.push_back(t.target.year - r.base_year);
    std::sort(shown.begin(), shown.end());
    shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
    o << "<h2>Bands of the total</h2>\n<table><tr><th>year</th><th>mean</th><th>sd</th>";
    for (double q : r.quantiles) o << "<th>" << quantile_column(q) << "</th>";
    o << "</tr>\n";
    for (int t : shown) {
        if (t < 0 || t > n) continue;
        const Band& b = r.band(0, t);
        o << "<tr><td>" << r.base_year + t << "</td><td>" << num(b.mean) << "</td><td>" << num(b.sd) << "</td>";
        for (double q : b.quantile) o << "<td>" << num(q) << "</td>";
        o << "</tr>\n";
    }
    o << "</table>\n";

    // every series (but the cells) at the chosen years: P5, P50, P95
    {
        std::vector<std::pair<std::string, std::size_t>> columns;  // (heading, quantile index)
        for (const double q : {0.05, 0.5, 0.95})
            if (const std::optional<std::size_t> k = find_quantile(r.quantiles, q)) columns.emplace_back(quantile_column(q), *k);
        if (!columns.empty()) {
            o << "<h2>Every series at chosen years</h2>\n<table><tr><th class=\"l\">series</th>";
            for (int t : shown)
                if (t >= 0 && t <= n)
                    for (const auto& c : columns) o << "<th>" << r.base_year + t << " " << c.first << "</th>";
            o << "</tr>\n";
            for (std::size_t k = 0; k < r.series.size(); ++k) {
                if (r.series[k].find('/') != std::string::npos) continue;  // cells: in bands.csv
                const bool share = is_share_series(r.series[k]);
                o << "<tr><td class=\"l\">" << esc(r.series[k]) << "</td>";
                for (int t : shown)
                    if (t >= 0 && t <= n)
                        for (const auto& c : columns) {
                            const double v = r.band(k, t).quantile[c.second];
                            o << "<td>" << (share ? num(100 * v, "%.2f") + "%" : num(v)) << "</td>";
                        }
                o << "</tr>\n";
            }
            o << "</table>\n";
            const bool cells = std::any_of(r.series.begin(), r.series.end(), [](const std::string& x) { return x.find('/') != std::string::npos; });
            if (sc.share_series || cells)
                o << "<p>" << (sc.share_series ? "Shares of the total in percent. " : "") << (cells ? "The cells' bands are in bands.csv." : "")
                  << "</p>\n";
        }
    }

    // CAGR distribution
    const std::vector<double>& rates_by_quantile = r.cagr[0];
    const double central = r.central_cagr, rates = r.rates_cagr;
    if (r.central_events.empty()) {
        o << "<h2>Growth rate</h2>\n" << cagr_svg(r, rates_by_quantile, central) << "\n<p>The central path (every draw at zero, no event) grows at "
          << num(100 * central, "%.2f") << "% a year; the rates alone give " << num(100 * rates, "%.2f") << "%.</p>\n";
    } else {
        std::string names;
        for (const std::string& e : r.central_events) names += (names.empty() ? "" : ", ") + esc(e);
        o << "<h2>Growth rate</h2>\n" << cagr_svg(r, rates_by_quantile, central)
          << "\n<p>The central path (every draw at zero, with the events of probability 1: " << names << ") grows at "
          << num(100 * central, "%.2f") << "% a year (" << num(100 * r.central_cagr_without_events, "%.2f")
          << "% without them); the rates alone give " << num(100 * rates, "%.2f") << "%.</p>\n";
    }

    // Monte Carlo error
    o << "<h2>Monte Carlo error of the total</h2>\n<table><tr><th>year</th><th>mean</th><th>+/- (95%)</th>";
    const std::optional<std::size_t> median = find_quantile(r.quantiles, 0.5);
    if (median) o << "<th>p50</th><th>95% interval</th>";
    o << "</tr>\n";
    for (int t : shown) {
        if (t < 0 || t > n) continue;
        const Band& b = r.band(0, t);
        o << "<tr><td>" << r.base_year + t << "</td><td>" << num(b.mean) << "</td><td>" << num(kZ95 * b.se_mean, "%.3g") << "</td>";
        if (median)
            o << "<td>" << num(b.quantile[*median]) << "</td><td>" << num(b.quantile_lo[*median]) << " - "
              << num(b.quantile_hi[*median]) << "</td>";
        o << "</tr>\n";
    }
    o << "</table>\n<p>Each quantile is within a relative " << num(r.relative_accuracy, "%g")
      << " of the exact order statistic of the paths (the summaries' bound); the intervals are the Monte Carlo "
         "error, from the order statistics around each rank.</p>\n";

    // assumptions
    o << "<h2>Assumptions</h2>\n";
    for (const AssumptionTable& t : assumption_tables(sc)) {
        o << "<table><tr>";
        for (std::size_t c = 0; c < t.header.size(); ++c) o << "<th" << (c == 0 || t.header.size() == 2 ? " class=\"l\"" : "") << ">" << esc(t.header[c]) << "</th>";
        o << "</tr>\n";
        for (const std::vector<AssumptionCell>& cells : t.rows) {
            o << "<tr>";
            for (std::size_t c = 0; c < cells.size(); ++c)
                o << "<td" << (!cells[c].number || t.header.size() == 2 ? " class=\"l\"" : "") << ">" << esc(cells[c].text) << "</td>";
            o << "</tr>\n";
        }
        o << "</table>\n";
    }
    const auto row = [&](const std::string& k, const std::string& v) {
        o << "<tr><td class=\"l\">" << esc(k) << "</td><td class=\"l\">" << esc(v) << "</td></tr>\n";
    };

    // the run's facts
    o << "<h2>The run</h2>\n<table>\n";
    row("marketsim", std::string(version()));
    row("paths", std::to_string(r.paths));
    row("seed", std::to_string(r.seed));
    row("threads", std::to_string(r.threads));
    row("SIMD target", r.simd);
    row("sampling time", num(r.elapsed_seconds, "%.3g") + " s (" + num(r.throughput(), "%.3g") + " cell-year samples/s)");
    for (const std::string& w : r.warnings) row("warning", w);
    o << "</table>\n</body></html>\n";
    return o.str();
}

}  // namespace marketsim
