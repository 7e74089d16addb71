#pragma once
/** report.html for a run: one self-contained file (styles and charts inline, no network
 *  resources) with the scenario's assumptions, a fan chart of the total (P5-P95, P10-P90 and
 *  P25-P75 bands, the median, targets as markers), small multiples of every dimension's members,
 *  a table of the bands for chosen years, the CAGR distribution, the Monte Carlo error and the
 *  run's facts. Charts are inline SVG with nice tick values, a colour-blind-safe palette (shades of
 *  one blue, orange for targets) and print styles.
 */
#include <string>

#include <vector>

#include "marketsim/compare.hpp"
#include "marketsim/engine.hpp"
#include "marketsim/scenario.hpp"
#include "marketsim/sensitivity.hpp"

namespace marketsim {

std::string run_report_html(const Scenario& scenario, const Results& results);

/** compare's report: the scenarios' fans of the total overlaid, each what-if's delta fan against
 *  the first, the horizon at a glance, and each scenario's assumptions in brief. */
std::string compare_report_html(const std::vector<Scenario>& scenarios, const Comparison& comparison);

/** sensitivity's report: the tornado and the total indices by year. */
std::string sensitivity_report_html(const Sensitivity& sensitivity, const std::string& unit);

}  // namespace marketsim
