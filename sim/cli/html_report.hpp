#pragma once
/** report.html for a run: one self-contained file (styles and charts inline, no network
 *  resources) with the scenario's assumptions, a fan chart of the total (P5-P95, P10-P90 and
 *  P25-P75 bands, the median, targets as markers), small multiples of every dimension's members,
 *  a table of the bands for chosen years, the CAGR distribution, the Monte Carlo error and the
 *  run's facts. Charts are inline SVG with nice tick values, a colour-blind-safe palette (shades of
 *  one blue, orange for targets) and print styles.
 */
#include <string>

#include "marketsim/engine.hpp"
#include "marketsim/scenario.hpp"

namespace marketsim {

std::string run_report_html(const Scenario& scenario, const Results& results);

}  // namespace marketsim
