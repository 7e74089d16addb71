#pragma once
/** bands.xlsx (libxlsxwriter): the bands as an Excel workbook with native charts.
 *
 *  Sheets: `total`; one per dimension with its members' series; `cells` when cell series are
 *  output; `run` with the run's facts and the resolved scenario. Each band sheet holds the rows of
 *  bands.csv (numbers stored as numbers, formatted), and a native line chart of each series' fan
 *  (every quantile and the mean over the years) beside them.
 */
#include <string>

#include "marketsim/engine.hpp"
#include "marketsim/scenario.hpp"

namespace marketsim {

/** The workbook's bytes. Throws std::runtime_error when libxlsxwriter fails. */
std::string bands_workbook(const Scenario& scenario, const Results& results);

}  // namespace marketsim
