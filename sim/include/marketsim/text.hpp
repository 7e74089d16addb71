#pragma once
/** What the command line prints: one-screen summaries of each verb's result for the terminal
 *  (warnings apart, which each result lists). */
#include <cstddef>
#include <string>

#include "marketsim/bench.hpp"
#include "marketsim/calibrate.hpp"
#include "marketsim/compare.hpp"
#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"
#include "marketsim/sensitivity.hpp"
#include "marketsim/settings.hpp"
#include "marketsim/sweep.hpp"

namespace marketsim {

/** run: the facts line, a partial or precision note, the total's P5/P50/P95/mean in five years
 *  (and each target's), the CAGR of the total and each target's probability. */
std::string run_summary_text(const Results& results);

/** validate: the resolved scenario as TOML, its cells with their base values, the total's
 *  central-path CAGR and the warnings, as comment lines. */
std::string validate_text(const Scenario& scenario);

/** compare: the horizon at a glance, each scenario's total P5/P50/P95 and P(B > A); then for each
 *  what-if, the `top` series whose horizon median moved most (what_moved: the unit's series, then
 *  the share series apart, in percentage points); none with top 0. */
std::string compare_summary_text(const Comparison& comparison, std::size_t top = 10);

/** sweep: the points (at most `max_rows` rows, then a count of the rest). */
std::string sweep_summary_text(const Sweep& sweep, std::size_t max_rows = 40);

/** calibrate: the solution's facts (the last line, PATH = VALUE, is the caller's). */
std::string calibration_text(const Calibration& calibration);

/** sensitivity: the index table and the tornado. */
std::string sensitivity_text(const Sensitivity& sensitivity);

/** sensitivity --settings: the median at each input's ends, largest swing first (at most
 *  `max_rows` rows, then a count of the rest). */
std::string settings_text(const SettingsSensitivity& settings, std::size_t max_rows = 25);

/** bench: what is timed, one row per thread count, the kernels. */
std::string bench_table(const BenchReport& report);

}  // namespace marketsim
