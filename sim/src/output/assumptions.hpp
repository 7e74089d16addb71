#pragma once
// The assumptions of a scenario as tables, one set of rows for every report that lists them (the
// HTML report and the workbook), so that both always say the same.

#include <optional>
#include <string>
#include <vector>

#include "marketsim/scenario.hpp"

namespace marketsim {

/** A cell of an assumptions table: a number where the value is one (a workbook writes it as a
 *  number), else text. */
struct AssumptionCell {
    std::string text;
    std::optional<double> number;
};

/** One table: its column names and its rows; the first column names the row, and its header
 *  says what the table is ("event", "type shares within region"). */
struct AssumptionTable {
    std::vector<std::string> header;
    std::vector<std::vector<AssumptionCell>> rows;
};

/** Every assumption of a resolved scenario: the inputs (growth, noise, correlation, what the
 *  outputs hold), each dimension's members, the events (with an uncertain impact's three points
 *  and whether it fires at most once), the conditional share tables and the adjustments. */
std::vector<AssumptionTable> assumption_tables(const Scenario& scenario);

}  // namespace marketsim
