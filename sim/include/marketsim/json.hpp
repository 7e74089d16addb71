#pragma once
/** JSON outputs: each verb's summary.json (and calibrate's calibration.json, bench's report).
 *  Every one records the marketsim version, the seed, paths, threads, processes and SIMD target. */
#include <nlohmann/json.hpp>

#include "marketsim/bench.hpp"
#include "marketsim/calibrate.hpp"
#include "marketsim/compare.hpp"
#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"
#include "marketsim/sensitivity.hpp"
#include "marketsim/settings.hpp"
#include "marketsim/sweep.hpp"

namespace marketsim {

/** run's summary.json (docs/model.md, "Outputs"): version, hashes of the resolved scenario and of
 *  every input file, the resolved scenario, the run's facts, throughput, CAGR distributions, the
 *  central path, target probabilities, Monte Carlo errors and warnings. */
nlohmann::json summary_json(const Scenario& scenario, const Results& results);

/** compare's summary.json. */
nlohmann::json summary_json(const Comparison& comparison);

/** sweep's summary.json: the axes and the fixed --set values as well. */
nlohmann::json summary_json(const Sweep& sweep, const std::vector<SweepAxis>& axes,
                            const std::vector<std::string>& fixed);

/** sensitivity's summary.json. */
nlohmann::json summary_json(const Sensitivity& sensitivity);

/** sensitivity --settings' summary.json: the scenario as it is (median, mean, targets) and every
 *  input's ends and spider points, largest swing first. */
nlohmann::json summary_json(const SettingsSensitivity& settings);

/** calibration.json: the solution, its Monte Carlo half-width, the statistic there, the bracket
 *  and the evaluations. */
nlohmann::json calibration_json(const Calibration& calibration);

/** bench's report (rates per second, memory in bytes; a missing efficiency is null). */
nlohmann::json bench_json(const BenchReport& report);

}  // namespace marketsim
