#include "marketsim/xlsx.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <unistd.h>
#include <xlsxwriter.h>

#include "marketsim/numbers.hpp"
#include "marketsim/quantiles.hpp"
#include "marketsim/version.hpp"
#include "output/assumptions.hpp"
#include "output/axis.hpp"

namespace marketsim {
namespace {

struct Formats {
    lxw_format* bold;
    lxw_format* year;
    lxw_format* value;
    lxw_format* share;
};

/** A workbook filled by `fill`, as bytes: libxlsxwriter writes to a file, so it goes through a
 *  private temporary file that is always removed. */
std::string workbook_bytes(const char* what, const std::function<void(lxw_workbook*, const Formats&)>& fill) {
    namespace fs = std::filesystem;
    const fs::path tmp =
        fs::temp_directory_path() / ("marketsim_" + std::to_string(::getpid()) + "_" + what + ".xlsx");
    lxw_workbook* wb = workbook_new(tmp.string().c_str());
    if (!wb) throw std::runtime_error("cannot create the workbook in " + tmp.parent_path().string());
    Formats f{workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb)};
    format_set_bold(f.bold);
    format_set_num_format(f.year, "0");
    format_set_num_format(f.value, "#,##0.000");
    format_set_num_format(f.share, "0.0000");
    fill(wb, f);
    if (const lxw_error e = workbook_close(wb); e != LXW_NO_ERROR) {
        fs::remove(tmp);
        throw std::runtime_error(std::string("writing the workbook failed: ") + lxw_strerror(e));
    }
    std::ifstream in(tmp, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    in.close();
    fs::remove(tmp);
    return bytes.str();
}

/** A sheet of key/value facts, column A bold. */
struct FactSheet {
    lxw_worksheet* ws;
    const Formats& f;
    lxw_row_t row = 0;
    FactSheet(lxw_workbook* wb, const char* name, const Formats& formats) : ws(workbook_add_worksheet(wb, name)), f(formats) {
        worksheet_set_column(ws, 0, 0, 30, nullptr);
        worksheet_set_column(ws, 1, 1, 60, nullptr);
    }
    void fact(const std::string& key, const std::string& text) {
        worksheet_write_string(ws, row, 0, key.c_str(), f.bold);
        worksheet_write_string(ws, row++, 1, text.c_str(), nullptr);
    }
    void number(const std::string& key, double v, lxw_format* fmt) {
        worksheet_write_string(ws, row, 0, key.c_str(), f.bold);
        worksheet_write_number(ws, row++, 1, v, fmt);
    }
    void lines(const std::string& title, const std::string& text) {
        ++row;
        worksheet_write_string(ws, row++, 0, title.c_str(), f.bold);
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) worksheet_write_string(ws, row++, 0, line.c_str(), nullptr);
    }
};

/** Excel's sheet names: at most 31 characters, none of []:*?/\ . */
std::string sheet_name(std::string name) {
    for (char& ch : name)
        if (std::string_view("[]:*?/\\").find(ch) != std::string_view::npos) ch = '_';
    if (name.size() > 31) name.resize(31);
    return name;
}

// Print layout. Letter and A4 landscape, whichever is smaller, inside libxlsxwriter's default
// margins (0.7 in at the sides, 0.75 in at top and bottom): the printable page in points.
constexpr double kPageWidthPt = (11.0 - 2 * 0.7) * 72, kPageHeightPt = (8.27 - 2 * 0.75) * 72;
constexpr double kRowPt = 15, kPxPt = 0.75;           // a default row; a pixel in points
constexpr double kColumnPx = 64, kChartPx = 480;      // a default column; a chart at scale 1
constexpr lxw_row_t kChartRows = 16;                  // rows from one fan chart to the next

/** Excel's width in pixels of a column `chars` characters wide. */
double column_px(double chars) { return std::floor(chars * 7 + 0.5) + 5; }

/** Landscape, the header row on every page, and the sheet's width on one page. A sheet whose
 *  charts stand in a column `block` rows apart, `width_px` wide in all, prints at the scale that
 *  fits that width, with page breaks between charts so that none is cut in two. */
void print_layout(lxw_worksheet* ws, double width_px = 0, lxw_row_t rows = 0, lxw_row_t block = 0) {
    worksheet_set_landscape(ws);
    worksheet_repeat_rows(ws, 0, 0);
    if (width_px <= 0 || block == 0) {
        worksheet_fit_to_pages(ws, 1, 0);
        return;
    }
    // 15% to spare: a program without the workbook's font (Calibri) draws its columns wider
    const int scale = std::clamp(static_cast<int>(85 * kPageWidthPt / (width_px * kPxPt)), 10, 100);
    worksheet_set_print_scale(ws, static_cast<uint16_t>(scale));
    const auto page_rows = static_cast<lxw_row_t>(kPageHeightPt / (kRowPt * scale / 100.0)) - 1;  // less the header
    const lxw_row_t per_page = std::max<lxw_row_t>(1, page_rows / block) * block;
    std::vector<lxw_row_t> breaks;
    for (lxw_row_t r = 1 + per_page; r < rows && breaks.size() < 1000; r += per_page) breaks.push_back(r);
    if (breaks.empty()) return;
    breaks.push_back(0);
    worksheet_set_h_pagebreaks(ws, breaks.data());
}

/** "P5-P95": the band between two quantiles, as the charts' legends name it. */
std::string band_name(double lo, double hi) {
    std::string name = "P";
    name += format_number(100 * lo);
    name += "-P";
    name += format_number(100 * hi);
    return name;
}

/** The fan's blue (#0072B2) at opacity a over white, as a solid colour. */
lxw_color_t fan_colour(double a) {
    const auto mix = [a](int c) { return static_cast<lxw_color_t>(std::lround(255 - a * (255 - c))); };
    return mix(0x00) << 16 | mix(0x72) << 8 | mix(0xB2);
}

/** A value axis from the 1-2-5 step at or below lo to the one at or above hi, as the HTML charts'. */
void fit_axis(lxw_chart_axis* axis, double lo, double hi) {
    const AxisRange range = axis_range(lo, hi, 5);
    chart_axis_set_min(axis, range.min);
    chart_axis_set_max(axis, range.max);
    chart_axis_set_major_unit(axis, range.step);
}

/** The fan of series s, a stacked area chart: an invisible area up to the lowest quantile, then
 *  one area per pair of neighbouring quantiles (their difference, in the hidden columns from
 *  `helper`), shaded darker towards the middle as the HTML report's bands, and the median as the
 *  border of an area of height 0 laid on it. The value axis spans the data, not from 0. */
lxw_chart* fan_chart(lxw_workbook* wb, const std::string& sheet, const Results& r, std::size_t s, lxw_row_t first,
                     lxw_col_t helper, const std::string& unit) {
    const std::size_t n = r.quantiles.size();
    const lxw_row_t last = first + static_cast<lxw_row_t>(r.years);
    const bool share = is_share_series(r.series[s]);
    const std::optional<std::size_t> median = find_quantile(r.quantiles, 0.5);
    lxw_chart* chart = workbook_add_chart(wb, LXW_CHART_AREA_STACKED);
    chart->y_axis->is_value = LXW_TRUE;  // libxlsxwriter 1.1.4 leaves it unset for area charts, refusing min and max
    std::vector<int16_t> unlisted;  // series left out of the legend
    int16_t count = 0;
    lxw_chart_fill no_fill{};
    no_fill.none = LXW_TRUE;
    lxw_chart_line no_line{};
    no_line.none = LXW_TRUE;
    const auto add = [&](lxw_col_t col, const std::string& name, bool listed) {
        lxw_chart_series* cs = chart_add_series(chart, nullptr, nullptr);
        chart_series_set_categories(cs, sheet.c_str(), first, 1, last, 1);
        chart_series_set_values(cs, sheet.c_str(), first, col, last, col);
        chart_series_set_name(cs, name.c_str());
        chart_series_set_line(cs, &no_line);
        if (!listed) unlisted.push_back(count);
        ++count;
        return cs;
    };
    const auto median_line = [&] {  // an area of height 0 whose border is the median
        lxw_chart_series* m = add(static_cast<lxw_col_t>(helper + n - 1), "median", true);
        lxw_chart_line line{};
        line.color = 0x003F66;
        line.width = 2;
        chart_series_set_fill(m, &no_fill);
        chart_series_set_line(m, &line);
    };
    chart_series_set_fill(add(4, quantile_column(r.quantiles.front()), false), &no_fill);
    if (median && *median == 0) median_line();
    const std::size_t depths = n / 2;  // bands from the outside in
    for (std::size_t i = 0; i + 1 < n; ++i) {
        const std::size_t depth = std::min(i + 1, n - 1 - i);  // 1 for the outermost bands
        const double opacity =
            depths <= 1 ? 0.43 : 0.18 + (0.684 - 0.18) * static_cast<double>(depth - 1) / static_cast<double>(depths - 1);
        lxw_chart_fill fill{};
        fill.color = fan_colour(opacity);
        // the legend names each shade once, by the outer quantiles of its ring, as the HTML report
        chart_series_set_fill(add(static_cast<lxw_col_t>(helper + i), band_name(r.quantiles[depth - 1], r.quantiles[n - depth]),
                                  i + 1 <= n - 1 - i),
                              &fill);
        if (median && i + 1 == *median) median_line();
    }
    unlisted.push_back(-1);
    chart_legend_delete_series(chart, unlisted.data());
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);

    double lo = INFINITY, hi = -INFINITY;
    for (int t = 0; t <= r.years; ++t)
        for (double q : r.band(s, t).quantile) lo = std::min(lo, q), hi = std::max(hi, q);
    fit_axis(chart->y_axis, lo, hi);
    if (share) chart_axis_set_num_format(chart->y_axis, tick_step(lo, hi, 5) < 0.01 ? "0.0%" : "0%");
    chart_axis_set_position(chart->x_axis, LXW_CHART_AXIS_POSITION_ON_TICK);
    chart_axis_set_label_position(chart->x_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW);  // below a fan under 0 too
    const std::string axis = share ? "share of the total" : unit.empty() ? "value" : unit;
    const std::string title = r.series[s] + (share || unit.empty() ? "" : ", " + unit);
    chart_title_set_name(chart, title.c_str());
    chart_axis_set_name(chart->x_axis, "year");
    chart_axis_set_name(chart->y_axis, axis.c_str());
    return chart;
}

/** A tornado's bars grow from the median with every input at its value, each input's two ends on
 *  one row, the value axis fitted to the bars, the inputs' names at its left. */
void tornado_axes(lxw_chart* chart, double median, const std::vector<double>& ends) {
    double lo = median, hi = median;
    for (double v : ends) lo = std::min(lo, v), hi = std::max(hi, v);
    // in a bar chart libxlsxwriter's x_axis is the value axis; its crossing places the category axis
    fit_axis(chart->x_axis, lo, hi);
    chart_axis_set_crossing(chart->x_axis, median);
    chart_axis_set_label_position(chart->y_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW);
    chart_set_series_overlap(chart, 100);
}

/** The rows of `series` (indices into results.series) with every year, from row 1; with `charts`,
 *  each series' fan chart in a column to the right of the table, beside hidden columns holding
 *  the differences between neighbouring quantiles that the charts stack. */
void band_sheet(lxw_workbook* wb, const std::string& name, const Results& r, const std::vector<std::size_t>& series,
                const Formats& f, const std::string& unit, bool charts, const std::vector<double>* greater = nullptr) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
    std::vector<std::string> header = {"series", "year", "mean", "sd"};
    for (double q : r.quantiles) header.push_back(quantile_column(q));
    if (greater) header.emplace_back("prob_b_gt_a");
    const auto helper = static_cast<lxw_col_t>(header.size());  // the charts' hidden columns
    const std::size_t n = r.quantiles.size();
    if (charts) {
        for (std::size_t i = 0; i + 1 < n; ++i) header.push_back(quantile_column(r.quantiles[i + 1]) + " - " + quantile_column(r.quantiles[i]));
        header.emplace_back("median line (0)");
        lxw_row_col_options hidden{};
        hidden.hidden = LXW_TRUE;
        worksheet_set_column_opt(ws, helper, static_cast<lxw_col_t>(helper + n - 1), LXW_DEF_COL_WIDTH, nullptr, &hidden);
    }
    for (std::size_t c = 0; c < header.size(); ++c) worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), header[c].c_str(), f.bold);
    worksheet_set_column(ws, 0, 0, 28, nullptr);
    worksheet_freeze_panes(ws, 1, 0);
    lxw_row_t row = 1;
    const int years = r.years + 1;
    const auto chart_col = static_cast<lxw_col_t>(helper + (charts ? n : 0) + 1);
    for (std::size_t k = 0; k < series.size(); ++k) {
        const std::size_t s = series[k];
        const bool share = is_share_series(r.series[s]);  // a share of the total: no unit
        lxw_format* const value = share ? f.share : f.value;
        const lxw_row_t first = row;
        for (int t = 0; t < years; ++t, ++row) {
            const Band& b = r.band(s, t);
            worksheet_write_string(ws, row, 0, r.series[s].c_str(), nullptr);
            worksheet_write_number(ws, row, 1, r.base_year + t, f.year);
            worksheet_write_number(ws, row, 2, b.mean, value);
            worksheet_write_number(ws, row, 3, b.sd, value);
            for (std::size_t q = 0; q < b.quantile.size(); ++q)
                worksheet_write_number(ws, row, static_cast<lxw_col_t>(4 + q), b.quantile[q], value);
            if (greater)
                worksheet_write_number(ws, row, static_cast<lxw_col_t>(4 + b.quantile.size()),
                                       (*greater)[s * static_cast<std::size_t>(years) + static_cast<std::size_t>(t)], f.share);
            if (!charts) continue;
            for (std::size_t q = 0; q + 1 < n; ++q) {  // = upper - lower, its value cached for readers that do not calculate
                char upper[LXW_MAX_CELL_NAME_LENGTH], lower[LXW_MAX_CELL_NAME_LENGTH];
                lxw_rowcol_to_cell(upper, row, static_cast<lxw_col_t>(4 + q + 1));
                lxw_rowcol_to_cell(lower, row, static_cast<lxw_col_t>(4 + q));
                const std::string formula = std::string("=") + upper + "-" + lower;
                worksheet_write_formula_num(ws, row, static_cast<lxw_col_t>(helper + q), formula.c_str(), value,
                                            b.quantile[q + 1] - b.quantile[q]);
            }
            worksheet_write_number(ws, row, static_cast<lxw_col_t>(helper + n - 1), 0, nullptr);
        }
        if (!charts) continue;
        lxw_chart* chart = fan_chart(wb, name, r, s, first, helper, unit);
        chart_show_hidden_data(chart);
        worksheet_insert_chart(ws, static_cast<lxw_row_t>(1 + k * kChartRows), chart_col, chart);
    }
    if (!charts) {
        print_layout(ws);
        return;
    }
    // printed: the table's visible columns, a gap and the charts
    const double width = column_px(28) + static_cast<double>(helper - 1) * kColumnPx + kColumnPx + kChartPx;
    print_layout(ws, width, std::max(row, static_cast<lxw_row_t>(1 + series.size() * kChartRows)), kChartRows);
}

/** The scenario's assumptions, table under table, as the HTML report lists them. */
void assumptions_sheet(lxw_workbook* wb, const Scenario& sc, const Formats& f) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, "assumptions");
    print_layout(ws);
    worksheet_set_column(ws, 0, 0, 30, nullptr);
    worksheet_set_column(ws, 1, 9, 16, nullptr);
    lxw_row_t row = 0;
    for (const AssumptionTable& t : assumption_tables(sc)) {
        for (std::size_t c = 0; c < t.header.size(); ++c)
            worksheet_write_string(ws, row, static_cast<lxw_col_t>(c), t.header[c].c_str(), f.bold);
        ++row;
        for (const std::vector<AssumptionCell>& cells : t.rows) {
            for (std::size_t c = 0; c < cells.size(); ++c) {
                const auto col = static_cast<lxw_col_t>(c);
                if (cells[c].number)
                    worksheet_write_number(ws, row, col, *cells[c].number, nullptr);
                else if (!cells[c].text.empty())
                    worksheet_write_string(ws, row, col, cells[c].text.c_str(), nullptr);
            }
            ++row;
        }
        ++row;
    }
}

/** The `moved` sheet: for each what-if, the `top` series whose horizon median moved most, then the
 *  share series apart (medians as percentages, the change in points); a bar chart of each what-if's
 *  changes in the unit. */
void moved_sheet(lxw_workbook* wb, const Comparison& c, std::size_t top, const Formats& f) {
    const char* name = "moved";
    lxw_worksheet* ws = workbook_add_worksheet(wb, name);
    print_layout(ws);
    const Results& a = c.bands.front();
    const std::vector<std::string> header = {"scenario", "series", "a_p50", "b_p50", "change", "change_pct", "prob_b_gt_a"};
    for (std::size_t col = 0; col < header.size(); ++col)
        worksheet_write_string(ws, 0, static_cast<lxw_col_t>(col), header[col].c_str(), f.bold);
    worksheet_set_column(ws, 0, 0, 24, nullptr);
    worksheet_set_column(ws, 1, 1, 36, nullptr);
    worksheet_set_column(ws, 2, 6, 12, nullptr);
    worksheet_freeze_panes(ws, 1, 0);
    lxw_format* percent = workbook_add_format(wb);
    format_set_num_format(percent, "0.00%");
    lxw_format* points = workbook_add_format(wb);
    format_set_num_format(points, "+0.00\" pts\";-0.00\" pts\";0.00\" pts\"");
    lxw_row_t row = 1;
    std::size_t charts = 0;
    for (std::size_t k = 1; k < c.bands.size(); ++k)
        for (const MovedSeries which : {MovedSeries::values, MovedSeries::shares}) {
            const bool shares = which == MovedSeries::shares;
            const std::vector<Moved> moved = what_moved(c, k, top, which);
            const lxw_row_t first = row;
            for (const Moved& m : moved) {
                worksheet_write_string(ws, row, 0, c.scenarios[k].c_str(), nullptr);
                worksheet_write_string(ws, row, 1, m.series.c_str(), nullptr);
                worksheet_write_number(ws, row, 2, m.a_p50, shares ? percent : f.value);
                worksheet_write_number(ws, row, 3, m.b_p50, shares ? percent : f.value);
                worksheet_write_number(ws, row, 4, shares ? 100 * m.change : m.change, shares ? points : f.value);
                if (!shares && std::isfinite(m.change_pct)) worksheet_write_number(ws, row, 5, m.change_pct, percent);
                worksheet_write_number(ws, row, 6, m.prob_b_gt_a, f.share);
                ++row;
            }
            if (shares || moved.empty()) continue;
            lxw_chart* chart = workbook_add_chart(wb, LXW_CHART_BAR);
            lxw_chart_series* cs = chart_add_series(chart, nullptr, nullptr);
            chart_series_set_categories(cs, name, first, 1, row - 1, 1);
            chart_series_set_values(cs, name, first, 4, row - 1, 4);
            chart_series_set_name(cs, "change of the median");
            const std::string title = "What moved most, " + c.scenarios[k] + " - " + c.scenarios.front() + ", " +
                                      std::to_string(a.base_year + a.years) + (a.unit.empty() ? "" : ", " + a.unit);
            chart_title_set_name(chart, title.c_str());
            chart_axis_set_reverse(chart->y_axis);  // the largest change at the top
            chart_axis_set_name(chart->x_axis, a.unit.empty() ? "change" : a.unit.c_str());
            chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
            lxw_chart_options opt{};
            opt.x_scale = 1.3;
            opt.y_scale = 1.3;
            worksheet_insert_chart_opt(ws, static_cast<lxw_row_t>(1 + charts * 22), 8, chart, &opt);
            ++charts;
        }
}

}  // namespace

std::string bands_workbook(const Scenario& sc, const Results& r) {
    return workbook_bytes("bands", [&](lxw_workbook* wb, const Formats& f) {
        // series groups in the order of series_names: total, each dimension's members, with
        // output.shares each dimension's member shares, then the cells and the cells' shares
        band_sheet(wb, "total", r, {0}, f, sc.unit, true);
        std::size_t s = 1;
        const auto next = [&](std::size_t count) {
            std::vector<std::size_t> out;
            for (std::size_t k = 0; k < count && s < r.series.size(); ++k) out.push_back(s++);
            return out;
        };
        for (const Dimension& d : sc.dimensions) band_sheet(wb, sheet_name(d.name), r, next(d.members.size()), f, sc.unit, true);
        if (sc.share_series)
            for (const Dimension& d : sc.dimensions)
                band_sheet(wb, sheet_name(d.name + " shares"), r, next(d.members.size()), f, sc.unit, true);
        if (s < r.series.size()) {
            const std::size_t cells = sc.share_series ? (r.series.size() - s) / 2 : r.series.size() - s;
            band_sheet(wb, "cells", r, next(cells), f, sc.unit, false);
            if (s < r.series.size()) band_sheet(wb, "cell shares", r, next(r.series.size() - s), f, sc.unit, false);
        }
        assumptions_sheet(wb, sc, f);

        FactSheet run(wb, "run", f);
        run.fact("scenario", sc.name);
        run.fact("unit", sc.unit);
        run.fact("marketsim", std::string(version()));
        run.number("seed", static_cast<double>(r.seed), f.year);
        run.number("paths", static_cast<double>(r.paths), f.year);
        run.number("threads", r.threads, f.year);
        run.number("elapsed seconds", r.elapsed_seconds, f.value);
        run.number("cell-year samples per second", r.throughput(), f.year);
        run.fact("SIMD target", r.simd);
        run.number("relative accuracy of the quantiles", r.relative_accuracy, nullptr);
        for (const TargetResult& t : r.targets)
            run.number("P(" + t.target.series + " in " + std::to_string(t.target.year) + " >= " + format_number(t.target.value) + ")",
                       t.probability, nullptr);
        for (const std::string& w : r.warnings) run.fact("warning", w);
        run.lines("resolved scenario", to_toml(sc));
    });
}

std::string delta_workbook(const Comparison& c, std::size_t top) {
    return workbook_bytes("delta", [&](lxw_workbook* wb, const Formats& f) {
        for (std::size_t k = 0; k < c.delta.size(); ++k) {
            const Results& d = c.delta[k];
            // the total and every dimension's members get a chart; cells only rows
            const auto charted = static_cast<std::size_t>(std::count_if(
                d.series.begin(), d.series.end(), [](const std::string& x) { return x.find('/') == std::string::npos; }));
            std::vector<std::size_t> series;
            for (std::size_t s = 0; s < d.series.size(); ++s) series.push_back(s);
            const std::string name = sheet_name(std::to_string(k + 1) + " " + c.scenarios[k + 1]);
            std::vector<std::size_t> head(series.begin(), series.begin() + static_cast<std::ptrdiff_t>(std::min(charted, series.size())));
            band_sheet(wb, name, d, head, f, c.bands.front().unit, true, &c.greater[k]);
            if (series.size() > head.size()) {
                std::vector<std::size_t> cells(series.begin() + static_cast<std::ptrdiff_t>(head.size()), series.end());
                band_sheet(wb, sheet_name(std::to_string(k + 1) + " cells " + c.scenarios[k + 1]), d, cells, f,
                           c.bands.front().unit, false, &c.greater[k]);
            }
        }
        moved_sheet(wb, c, top, f);
        FactSheet run(wb, "run", f);
        run.fact("comparison", "each sheet: a what-if minus " + c.scenarios.front() +
                                   ", path by path on common random numbers; prob_b_gt_a is the share of paths where "
                                   "the what-if is above");
        for (std::size_t k = 0; k < c.scenarios.size(); ++k) run.fact(k == 0 ? "reference scenario" : "what-if", c.scenarios[k]);
        run.fact("unit", c.bands.front().unit);
        run.fact("marketsim", std::string(version()));
        run.number("seed", static_cast<double>(c.seed), f.year);
        run.number("paths", static_cast<double>(c.paths), f.year);
        run.number("threads", c.threads, f.year);
        run.number("elapsed seconds", c.elapsed_seconds, f.value);
        run.fact("SIMD target", c.simd);
        for (const std::string& w : c.warnings) run.fact("warning", w);
    });
}

std::string settings_workbook(const SettingsSensitivity& s) {
    const std::string& unit = s.unit;
    return workbook_bytes("settings", [&](lxw_workbook* wb, const Formats& f) {
        const auto n = static_cast<lxw_row_t>(s.rows.size());
        lxw_worksheet* ws = workbook_add_worksheet(wb, "settings");
        print_layout(ws);
        std::vector<std::string> header = {"rank",    "path",     "value", "range",    "clamped",   "low",
                                           "high",    "p50_low",  "p50_high", "swing", "mean_low", "mean_high"};
        for (std::size_t j = 0; j < s.targets.size(); ++j) {
            header.push_back("p_target" + std::to_string(j + 1) + "_low");
            header.push_back("p_target" + std::to_string(j + 1) + "_high");
        }
        header.emplace_back("p50");
        for (std::size_t c = 0; c < header.size(); ++c)
            worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), header[c].c_str(), f.bold);
        worksheet_set_column(ws, 1, 1, 40, nullptr);
        worksheet_freeze_panes(ws, 1, 0);
        for (lxw_row_t i = 0; i < n; ++i) {
            const SettingRow& r = s.rows[i];
            const lxw_row_t row = i + 1;
            worksheet_write_number(ws, row, 0, i + 1, f.year);
            worksheet_write_string(ws, row, 1, r.path.c_str(), nullptr);
            worksheet_write_number(ws, row, 2, r.value, nullptr);
            worksheet_write_string(ws, row, 3, r.range.c_str(), nullptr);
            worksheet_write_boolean(ws, row, 4, r.clamped, nullptr);
            worksheet_write_number(ws, row, 5, r.low.value, nullptr);
            worksheet_write_number(ws, row, 6, r.high.value, nullptr);
            const double values[] = {r.low.p50, r.high.p50, r.swing(), r.low.mean, r.high.mean};
            for (std::size_t c = 0; c < 5; ++c) worksheet_write_number(ws, row, static_cast<lxw_col_t>(7 + c), values[c], f.value);
            lxw_col_t col = 12;
            for (std::size_t j = 0; j < s.targets.size(); ++j) {
                worksheet_write_number(ws, row, col++, r.low.target_probability[j], f.share);
                worksheet_write_number(ws, row, col++, r.high.target_probability[j], f.share);
            }
            worksheet_write_number(ws, row, col, s.base.p50, f.value);
        }
        lxw_chart_options opt{};
        opt.x_scale = 1.5;
        opt.y_scale = 1.5;
        const auto shown = std::min<lxw_row_t>(n, 20);  // the chart shows the twenty largest swings
        const lxw_col_t chart_col = static_cast<lxw_col_t>(header.size() + 1);
        if (n > 0) {
            lxw_chart* tornado = workbook_add_chart(wb, LXW_CHART_BAR);
            for (const auto& [col, label] : {std::pair<lxw_col_t, const char*>{7, "input at its low end"},
                                             std::pair<lxw_col_t, const char*>{8, "input at its high end"}}) {
                lxw_chart_series* cs = chart_add_series(tornado, nullptr, nullptr);
                chart_series_set_categories(cs, "settings", 1, 1, shown, 1);
                chart_series_set_values(cs, "settings", 1, col, shown, col);
                chart_series_set_name(cs, label);
            }
            const std::string title = "Median of " + s.series + " in " + std::to_string(s.year) + (unit.empty() ? "" : ", " + unit);
            chart_title_set_name(tornado, title.c_str());
            chart_axis_set_reverse(tornado->y_axis);  // the largest swing at the top
            chart_axis_set_name(tornado->x_axis, unit.empty() ? "median" : unit.c_str());
            std::vector<double> ends;
            for (lxw_row_t i = 0; i < shown; ++i) ends.insert(ends.end(), {s.rows[i].low.p50, s.rows[i].high.p50});
            tornado_axes(tornado, s.base.p50, ends);
            worksheet_insert_chart_opt(ws, 1, chart_col, tornado, &opt);
        }

        // the spider: one row per input, the value and the median at each of the five points
        lxw_worksheet* sp = workbook_add_worksheet(wb, "spider");
        print_layout(sp);
        const char* points[] = {"low", "halfway_low", "value", "halfway_high", "high"};
        worksheet_write_string(sp, 0, 0, "path", f.bold);
        for (std::size_t k = 0; k < 5; ++k) {
            worksheet_write_string(sp, 0, static_cast<lxw_col_t>(1 + k), (std::string("value_") + points[k]).c_str(), f.bold);
            worksheet_write_string(sp, 0, static_cast<lxw_col_t>(6 + k), (std::string("p50_") + points[k]).c_str(), f.bold);
        }
        worksheet_set_column(sp, 0, 0, 40, nullptr);
        worksheet_freeze_panes(sp, 1, 0);
        for (lxw_row_t i = 0; i < n; ++i) {
            const SettingRow& r = s.rows[i];
            worksheet_write_string(sp, i + 1, 0, r.path.c_str(), nullptr);
            for (std::size_t k = 0; k < 5; ++k) {
                worksheet_write_number(sp, i + 1, static_cast<lxw_col_t>(1 + k), r.spider[k].value, nullptr);
                worksheet_write_number(sp, i + 1, static_cast<lxw_col_t>(6 + k), r.spider[k].p50, f.value);
            }
        }
        if (n > 0) {  // the six largest swings' medians across their five points
            lxw_chart* spider = workbook_add_chart(wb, LXW_CHART_LINE);
            for (lxw_row_t i = 0; i < std::min<lxw_row_t>(n, 6); ++i) {
                lxw_chart_series* cs = chart_add_series(spider, nullptr, nullptr);
                chart_series_set_categories(cs, "spider", 0, 6, 0, 10);
                chart_series_set_values(cs, "spider", i + 1, 6, i + 1, 10);
                chart_series_set_name(cs, s.rows[i].path.c_str());
            }
            chart_title_set_name(spider, "Median at each point, largest swings");
            chart_axis_set_name(spider->y_axis, unit.empty() ? "median" : unit.c_str());
            worksheet_insert_chart_opt(sp, 1, 12, spider, &opt);
        }

        FactSheet run(wb, "run", f);
        run.fact("scenario", s.scenario);
        run.fact("series", s.series);
        run.number("year", s.year, f.year);
        run.number("median", s.base.p50, f.value);
        run.number("mean", s.base.mean, f.value);
        run.fact("unit", unit);
        run.fact("marketsim", std::string(version()));
        run.number("seed", static_cast<double>(s.seed), f.year);
        run.number("paths", static_cast<double>(s.paths), f.year);
        run.number("evaluations", s.evaluations, f.year);
        run.number("elapsed seconds", s.elapsed_seconds, f.value);
        run.fact("method", "each input alone at its low and high end (default -/+20% of its value, or -/+0.01 for a rate "
                           "or a value of 0, within its valid range), on common random numbers");
    });
}

std::string sensitivity_workbook(const Sensitivity& s) {
    const std::string& unit = s.unit;
    return workbook_bytes("sensitivity", [&](lxw_workbook* wb, const Formats& f) {
        const std::size_t t = static_cast<std::size_t>(s.year - s.base_year - 1);
        const auto n = static_cast<lxw_row_t>(s.inputs.size());
        lxw_worksheet* ws = workbook_add_worksheet(wb, "indices");
        print_layout(ws);
        const std::vector<std::string> header = {"input",   "partition", "first_order", "first_order_lo", "first_order_hi", "total",
                                                 "total_lo", "total_hi",  "p50_low",     "p50_high",       "p50"};
        for (std::size_t c = 0; c < header.size(); ++c)
            worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), header[c].c_str(), f.bold);
        worksheet_set_column(ws, 0, 0, 30, nullptr);
        worksheet_freeze_panes(ws, 1, 0);
        for (lxw_row_t i = 0; i < n; ++i) {
            const SensitivityInput& in = s.inputs[i];
            const lxw_row_t row = i + 1;
            worksheet_write_string(ws, row, 0, in.name.c_str(), nullptr);
            worksheet_write_string(ws, row, 1, in.partition.c_str(), nullptr);
            const double values[] = {in.first_order[t], in.first_order[t] - in.first_order_half_width[t],
                                     in.first_order[t] + in.first_order_half_width[t], in.total[t],
                                     in.total[t] - in.total_half_width[t], in.total[t] + in.total_half_width[t]};
            for (std::size_t c = 0; c < 6; ++c) worksheet_write_number(ws, row, static_cast<lxw_col_t>(2 + c), values[c], f.share);
            worksheet_write_number(ws, row, 8, in.p50_low, f.value);
            worksheet_write_number(ws, row, 9, in.p50_high, f.value);
            worksheet_write_number(ws, row, 10, s.p50, f.value);
        }
        lxw_chart_options opt{};
        opt.x_scale = 1.5;
        opt.y_scale = 1.5;
        if (n > 0) {
            // the tornado: the chosen year's median with each input low and high, as bars
            lxw_chart* tornado = workbook_add_chart(wb, LXW_CHART_BAR);
            for (const auto& [col, label] : {std::pair<lxw_col_t, const char*>{8, "tenth of paths with the input lowest"},
                                             std::pair<lxw_col_t, const char*>{9, "tenth of paths with the input highest"}}) {
                lxw_chart_series* cs = chart_add_series(tornado, nullptr, nullptr);
                chart_series_set_categories(cs, "indices", 1, 0, n, 0);
                chart_series_set_values(cs, "indices", 1, col, n, col);
                chart_series_set_name(cs, label);
            }
            const std::string title = "Median of " + s.series + " in " + std::to_string(s.year) + (unit.empty() ? "" : ", " + unit);
            chart_title_set_name(tornado, title.c_str());
            chart_axis_set_reverse(tornado->y_axis);  // the top input at the top
            chart_axis_set_name(tornado->x_axis, unit.empty() ? "median" : unit.c_str());
            std::vector<double> ends;
            for (const SensitivityInput& in : s.inputs) ends.insert(ends.end(), {in.p50_low, in.p50_high});
            tornado_axes(tornado, s.p50, ends);
            worksheet_insert_chart_opt(ws, 1, 12, tornado, &opt);
            // the total indices, as bars
            lxw_chart* indices = workbook_add_chart(wb, LXW_CHART_BAR);
            lxw_chart_series* cs = chart_add_series(indices, nullptr, nullptr);
            chart_series_set_categories(cs, "indices", 1, 0, n, 0);
            chart_series_set_values(cs, "indices", 1, 5, n, 5);
            chart_series_set_name(cs, "total index");
            const std::string ititle = "Total Sobol indices, " + std::to_string(s.year);
            chart_title_set_name(indices, ititle.c_str());
            chart_axis_set_reverse(indices->y_axis);
            chart_axis_set_min(indices->x_axis, 0);
            worksheet_insert_chart_opt(ws, 24, 12, indices, &opt);
        }

        lxw_worksheet* by = workbook_add_worksheet(wb, "by_year");
        print_layout(by);
        const std::vector<std::string> yheader = {"input", "year", "first_order", "first_order_half_width", "total",
                                                  "total_half_width"};
        for (std::size_t c = 0; c < yheader.size(); ++c)
            worksheet_write_string(by, 0, static_cast<lxw_col_t>(c), yheader[c].c_str(), f.bold);
        worksheet_set_column(by, 0, 0, 30, nullptr);
        worksheet_freeze_panes(by, 1, 0);
        lxw_row_t row = 1;
        lxw_chart* trend = workbook_add_chart(wb, LXW_CHART_LINE);
        for (std::size_t i = 0; i < s.inputs.size(); ++i) {
            const SensitivityInput& in = s.inputs[i];
            const lxw_row_t first = row;
            for (std::size_t y = 0; y < in.total.size(); ++y, ++row) {
                worksheet_write_string(by, row, 0, in.name.c_str(), nullptr);
                worksheet_write_number(by, row, 1, s.base_year + 1 + static_cast<int>(y), f.year);
                worksheet_write_number(by, row, 2, in.first_order[y], f.share);
                worksheet_write_number(by, row, 3, in.first_order_half_width[y], f.share);
                worksheet_write_number(by, row, 4, in.total[y], f.share);
                worksheet_write_number(by, row, 5, in.total_half_width[y], f.share);
            }
            if (i < 6 && row > first) {  // the top six inputs' total index over the years
                lxw_chart_series* cs = chart_add_series(trend, nullptr, nullptr);
                chart_series_set_categories(cs, "by_year", first, 1, row - 1, 1);
                chart_series_set_values(cs, "by_year", first, 4, row - 1, 4);
                chart_series_set_name(cs, in.name.c_str());
            }
        }
        chart_title_set_name(trend, "Total index by year, top inputs");
        chart_axis_set_name(trend->x_axis, "year");
        chart_axis_set_name(trend->y_axis, "total index");
        worksheet_insert_chart_opt(by, 1, 7, trend, &opt);

        FactSheet run(wb, "run", f);
        run.fact("scenario", s.scenario);
        run.fact("series", s.series);
        run.number("year", s.year, f.year);
        run.number("median", s.p50, f.value);
        run.fact("unit", unit);
        run.fact("marketsim", std::string(version()));
        run.number("seed (sample A)", static_cast<double>(s.seed), f.year);
        run.number("seed (sample B)", static_cast<double>(s.seed_b), f.year);
        run.number("paths", static_cast<double>(s.paths), f.year);
        run.number("model evaluations per path", s.evaluations, f.year);
        run.number("elapsed seconds", s.elapsed_seconds, f.value);
        run.fact("estimators", "first order: Saltelli (2010); total: Jansen (1999); 95% intervals");
        run.fact("tornado", "the median over the tenth of paths with the input's mean standardized draw lowest and "
                              "highest");
    });
}

}  // namespace marketsim
