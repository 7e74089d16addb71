#pragma once
/** Excel workbooks (libxlsxwriter) with native charts; numbers are stored as numbers, formatted.
 *  Each function returns the workbook's bytes and throws std::runtime_error when libxlsxwriter
 *  fails. */
#include <string>

#include "marketsim/compare.hpp"
#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"
#include "marketsim/sensitivity.hpp"
#include "marketsim/settings.hpp"

namespace marketsim {

/** bands.xlsx: sheets `total`, one per dimension with its members' series, `cells` when cell
 *  series are output, each with the rows of bands.csv and a line chart of each series' fan (every
 *  quantile and the mean over the years); and `run` with the run's facts and the resolved scenario. */
std::string bands_workbook(const Scenario& scenario, const Results& results);

/** compare's delta.xlsx: a sheet per what-if with its delta bands against the first scenario and
 *  P(B > A), a fan chart of each delta series (total and members); a `moved` sheet with, for each
 *  what-if, the `top` series whose horizon median moved most (what_moved; then the share series,
 *  their change in points) and a bar chart of the changes; and a run sheet. */
std::string delta_workbook(const Comparison& comparison, std::size_t top = 10);

/** sensitivity.xlsx: the index table with a tornado and an index bar chart, the indices by year
 *  with a line chart of the top inputs, and a run sheet. */
std::string sensitivity_workbook(const Sensitivity& sensitivity);

/** settings.xlsx (sensitivity --settings): the settings.csv table with a tornado bar chart of the
 *  twenty largest swings, a spider sheet (each input's five points) with a line chart of the six
 *  largest, and a run sheet. */
std::string settings_workbook(const SettingsSensitivity& settings);

}  // namespace marketsim
