#pragma once
/** What a run writes (MODEL.md section 6): bands.csv, summary.json and the screen summary.
 *
 *  Numbers print in their shortest round-trip form. Files are written whole: each to a
 *  temporary name in the output folder, then renamed, and only once all of them are ready.
 */
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "marketsim/engine.hpp"
#include "marketsim/scenario.hpp"

namespace marketsim {

/** Shortest text that reads back to exactly x ("0.1", "35.2", "1e-05"). */
std::string format_number(double x);

/** A finite number written in full (spaces around and a leading '+' allowed), or nullopt. */
std::optional<double> parse_number(std::string_view text);

/** The bands.csv column of quantile q: "p" + the percent (10 significant digits, shortest form),
 *  whole percents padded to two digits: 0.05 -> "p05", 0.5 -> "p50", 0.025 -> "p2.5". */
std::string quantile_column(double q);

/** bands.csv: series,year,mean,sd,<quantiles>; with `ci`, <col>_lo and <col>_hi after each. */
std::string bands_csv(const Results& results, bool ci);

/** The compound annual growth (B..H) of series s at quantile q: (Q_q(V_H) / V_B)^(1/n) - 1. */
double cagr(const Results& results, std::size_t series, std::size_t quantile_index);

/** The total's CAGR with every draw at zero and no event, and the CAGR of the rates alone
 *  (Results::rates_cagr: growth.rate and periods, no shifts). */
std::pair<double, double> central_cagr(const Results& results);

/** summary.json (MODEL.md section 6). `processes` is 1 for a single-process run. */
nlohmann::json summary_json(const Scenario& scenario, const Results& results);

/** The scenario's warnings, then the run's (the central path's CAGR moved by shifts). */
std::vector<std::string> run_warnings(const Scenario& scenario, const Results& results);

/** A one-screen summary of a run for the terminal (warnings apart: see run_warnings). */
std::string run_summary_text(const Scenario& scenario, const Results& results);

/** Writes every (file name, contents) into `dir` (created if needed) all-or-nothing:
 *  temporary files first, then renames. Throws InputError when `dir` cannot hold them. */
void write_files(const std::filesystem::path& dir, const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace marketsim
