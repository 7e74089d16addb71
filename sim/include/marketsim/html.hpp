#pragma once
/** report.html: one self-contained file (styles and inline SVG charts, no script, nothing fetched)
 *  per verb. Charts use nice tick values, a colour-blind-safe palette (shades of one blue, orange
 *  for targets, Okabe-Ito for several scenarios) and print styles. */
#include <string>

#include "marketsim/compare.hpp"
#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"
#include "marketsim/sensitivity.hpp"

namespace marketsim {

/** A run: the fan chart of the total (P5-P95, P10-P90 and P25-P75 bands, the median, targets as
 *  markers), small multiples of every dimension's members, the bands of the total for chosen
 *  years, the CAGR distribution, the Monte Carlo error, the assumptions and the run's facts. */
std::string run_report_html(const Scenario& scenario, const Results& results);

/** compare: the scenarios' fans of the total overlaid, each what-if's delta fan against the first,
 *  and the horizon at a glance. */
std::string compare_report_html(const Comparison& comparison);

/** sensitivity: the tornado and the total indices by year. */
std::string sensitivity_report_html(const Sensitivity& sensitivity);

}  // namespace marketsim
