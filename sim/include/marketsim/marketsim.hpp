#pragma once
/** marketsim's library API in one include: scenarios in, results out, writers for them.
 *
 *      #include <marketsim/marketsim.hpp>
 *
 *      const marketsim::Scenario scenario = marketsim::load_scenario("scenarios/baseline.toml");
 *      const marketsim::Results results = marketsim::run(scenario, marketsim::RunOptions{});
 *      std::string csv = marketsim::bands_csv(results, false);
 *
 *  The headers, one per concept: scenario.hpp (a resolved scenario and reading one), run.hpp
 *  (sampling it into bands), compare.hpp, sweep.hpp, calibrate.hpp, sensitivity.hpp, settings.hpp,
 *  bench.hpp (the verbs built on a run), csv.hpp, json.hpp, text.hpp, xlsx.hpp, html.hpp, files.hpp (the
 *  writers; they take results and never run anything), quantiles.hpp, numbers.hpp, error.hpp,
 *  interrupt.hpp, simd.hpp, cluster.hpp, version.hpp.
 */
#include "marketsim/bench.hpp"
#include "marketsim/calibrate.hpp"
#include "marketsim/cluster.hpp"
#include "marketsim/compare.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/error.hpp"
#include "marketsim/files.hpp"
#include "marketsim/html.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/json.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/quantiles.hpp"
#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"
#include "marketsim/sensitivity.hpp"
#include "marketsim/settings.hpp"
#include "marketsim/simd.hpp"
#include "marketsim/sweep.hpp"
#include "marketsim/text.hpp"
#include "marketsim/version.hpp"
#include "marketsim/xlsx.hpp"
