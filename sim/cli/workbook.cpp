#include "workbook.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <unistd.h>
#include <xlsxwriter.h>

#include "marketsim/report.hpp"
#include "marketsim/scenario_file.hpp"
#include "marketsim/simd.hpp"
#include "marketsim/version.hpp"

namespace marketsim {
namespace {

struct Formats {
    lxw_format* bold;
    lxw_format* year;
    lxw_format* value;
};

/** The rows of `series` (indices into results.series) with every year, from row 1; then one
 *  chart per series, laid out in a grid to the right of the table. */
void band_sheet(lxw_workbook* wb, const std::string& name, const Results& r, const std::vector<std::size_t>& series,
                const Formats& f, const std::string& unit, bool charts) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
    std::vector<std::string> header = {"series", "year", "mean", "sd"};
    for (double q : r.quantiles) header.push_back(quantile_column(q));
    for (std::size_t c = 0; c < header.size(); ++c) worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), header[c].c_str(), f.bold);
    worksheet_set_column(ws, 0, 0, 28, nullptr);
    worksheet_freeze_panes(ws, 1, 0);
    lxw_row_t row = 1;
    const int years = r.years + 1;
    for (std::size_t k = 0; k < series.size(); ++k) {
        const std::size_t s = series[k];
        for (int t = 0; t < years; ++t, ++row) {
            const Band& b = r.band(s, t);
            worksheet_write_string(ws, row, 0, r.series[s].c_str(), nullptr);
            worksheet_write_number(ws, row, 1, r.base_year + t, f.year);
            worksheet_write_number(ws, row, 2, b.mean, f.value);
            worksheet_write_number(ws, row, 3, b.sd, f.value);
            for (std::size_t q = 0; q < b.quantile.size(); ++q)
                worksheet_write_number(ws, row, static_cast<lxw_col_t>(4 + q), b.quantile[q], f.value);
        }
        if (!charts) continue;
        // the fan of this series: each quantile and the mean over the years, as lines
        lxw_chart* chart = workbook_add_chart(wb, LXW_CHART_LINE);
        const lxw_row_t first = static_cast<lxw_row_t>(1 + k * years), last = static_cast<lxw_row_t>(first + years - 1);
        for (std::size_t q = 0; q <= r.quantiles.size(); ++q) {
            const bool mean = q == r.quantiles.size();
            const auto col = static_cast<lxw_col_t>(mean ? 2 : 4 + q);
            lxw_chart_series* cs = chart_add_series(chart, nullptr, nullptr);
            chart_series_set_categories(cs, name.c_str(), first, 1, last, 1);
            chart_series_set_values(cs, name.c_str(), first, col, last, col);
            chart_series_set_name(cs, mean ? "mean" : header[4 + q].c_str());
        }
        const std::string title = r.series[s] + (unit.empty() ? "" : ", " + unit);
        chart_title_set_name(chart, title.c_str());
        chart_axis_set_name(chart->x_axis, "year");
        chart_axis_set_name(chart->y_axis, unit.empty() ? "value" : unit.c_str());
        lxw_chart_options opt{};
        opt.x_scale = 1.0;
        opt.y_scale = 1.0;
        const auto grid_row = static_cast<lxw_row_t>(1 + (k / 2) * 16);
        const auto grid_col = static_cast<lxw_col_t>(header.size() + 1 + (k % 2) * 8);
        worksheet_insert_chart_opt(ws, grid_row, grid_col, chart, &opt);
    }
}

}  // namespace

std::string bands_workbook(const Scenario& sc, const Results& r) {
    namespace fs = std::filesystem;
    const fs::path tmp = fs::temp_directory_path() / ("marketsim_" + std::to_string(::getpid()) + "_bands.xlsx");
    lxw_workbook* wb = workbook_new(tmp.string().c_str());
    if (!wb) throw std::runtime_error("cannot create the workbook in " + tmp.parent_path().string());
    Formats f{workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb)};
    format_set_bold(f.bold);
    format_set_num_format(f.year, "0");
    format_set_num_format(f.value, "#,##0.000");

    // series groups: total, each dimension's members (in order), the cells
    band_sheet(wb, "total", r, {0}, f, sc.unit, true);
    std::size_t s = 1;
    for (const Dimension& d : sc.dimensions) {
        std::vector<std::size_t> members;
        for (std::size_t k = 0; k < d.members.size(); ++k) members.push_back(s++);
        band_sheet(wb, d.name, r, members, f, sc.unit, true);
    }
    if (s < r.series.size()) {
        std::vector<std::size_t> cells;
        for (; s < r.series.size(); ++s) cells.push_back(s);
        band_sheet(wb, "cells", r, cells, f, sc.unit, false);
    }

    lxw_worksheet* run = workbook_add_worksheet(wb, "run");
    worksheet_set_column(run, 0, 0, 30, nullptr);
    worksheet_set_column(run, 1, 1, 60, nullptr);
    lxw_row_t row = 0;
    const auto fact = [&](const char* key, const std::string& text) {
        worksheet_write_string(run, row, 0, key, f.bold);
        worksheet_write_string(run, row++, 1, text.c_str(), nullptr);
    };
    const auto number = [&](const char* key, double v, lxw_format* fmt) {
        worksheet_write_string(run, row, 0, key, f.bold);
        worksheet_write_number(run, row++, 1, v, fmt);
    };
    fact("scenario", sc.name);
    fact("unit", sc.unit);
    fact("marketsim", std::string(version()));
    number("seed", static_cast<double>(r.seed), f.year);
    number("paths", static_cast<double>(r.paths), f.year);
    number("threads", r.threads, f.year);
    number("elapsed seconds", r.elapsed_seconds, f.value);
    number("cell-year samples per second", r.throughput(), f.year);
    fact("SIMD target", simd::target());
    number("relative accuracy of the quantiles", r.relative_accuracy, nullptr);
    for (const TargetResult& t : r.targets) {
        const std::string key = "P(" + t.target.series + " in " + std::to_string(t.target.year) + " >= " +
                                format_number(t.target.value) + ")";
        worksheet_write_string(run, row, 0, key.c_str(), f.bold);
        worksheet_write_number(run, row++, 1, t.probability, nullptr);
    }
    for (const std::string& w : run_warnings(sc, r)) fact("warning", w);
    ++row;
    worksheet_write_string(run, row++, 0, "resolved scenario", f.bold);
    std::istringstream toml(to_toml(sc));
    for (std::string line; std::getline(toml, line);) worksheet_write_string(run, row++, 0, line.c_str(), nullptr);

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

}  // namespace marketsim
