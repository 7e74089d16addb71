#pragma once
/** bands.xlsx (libxlsxwriter): the bands as an Excel workbook with native charts.
 *
 *  Sheets: `total`; one per dimension with its members' series; `cells` when cell series are
 *  output; `run` with the run's facts and the resolved scenario. Each band sheet holds the rows of
 *  bands.csv (numbers stored as numbers, formatted), and a native line chart of each series' fan
 *  (every quantile and the mean over the years) beside them.
 */
#include <string>

#include <vector>

#include "marketsim/compare.hpp"
#include "marketsim/engine.hpp"
#include "marketsim/scenario.hpp"
#include "marketsim/sensitivity.hpp"

namespace marketsim {

/** The workbook's bytes. Throws std::runtime_error when libxlsxwriter fails. */
std::string bands_workbook(const Scenario& scenario, const Results& results);

/** compare's delta.xlsx: a sheet per what-if with its delta bands against the first scenario and
 *  P(B > A), a native fan chart of each delta series (total and members), and a run sheet. */
std::string delta_workbook(const std::vector<Scenario>& scenarios, const Comparison& comparison);

/** sensitivity.xlsx: the index table with a native tornado and index bar chart, the indices by
 *  year with a line chart of the top inputs, and a run sheet. */
std::string sensitivity_workbook(const Sensitivity& sensitivity, const std::string& unit);

}  // namespace marketsim
