// [set] and --set: the path grammar, setting values, errors at the command line; with_sets and the
// numeric inputs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/hash.hpp"
#include "marketsim/error.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/scenario.hpp"
#include "scenario/scenario_support.hpp"
#include "test_support.hpp"

using Catch::Matchers::Contains;
using marketsim::InputError;
using marketsim::Scenario;
using namespace marketsim::test;
namespace fs = std::filesystem;

TEST_CASE("set tables reach every kind of path - quoted or nested", "[scenario_file][set]") {
    const std::string text = rich + R"(
[set]
"scenario.horizon" = 2034
scenario.unit = "EUR bn"
"growth.rate" = 0.05
growth.annual_sd = 0.02
"growth.period[0].rate" = 0.07
"region.europe.share" = 0.5
region.asia.share = 0.5
"region.asia.shift" = 0.02
type.voice.sd_scale = 1.5
"correlation.global" = 0.3
correlation.region = 0.2
correlation.repair = true
"correlation.matrix.type" = [[1.0, 0.1], [0.1, 1.0]]
"event.recession.probability" = 0.2
event.recession.impact = -0.05
"event.recession.from" = 2025
"event.recession.to" = 2030
event.recession.duration = 3
"event.recession.where.type" = ["video"]
"target[0].value" = 55
"output.quantiles" = [0.5]
output.cells = true
output.relative_accuracy = 0.001
)";
    const Scenario s = parse(text);
    CHECK(s.horizon == 2034);
    CHECK(s.unit == "EUR bn");
    CHECK(s.rate == 0.05);
    CHECK(s.annual_sd == 0.02);
    CHECK(s.periods[0].rate == 0.07);
    CHECK(s.dimensions[0].members[0].share == 0.5);
    CHECK(s.dimensions[0].members[1].shift == 0.02);
    CHECK(s.dimensions[1].members[0].sd_scale == 1.5);
    CHECK(s.corr_global == 0.3);
    CHECK(s.corr_weight.at("region") == 0.2);
    CHECK(s.corr_repair);
    CHECK(s.corr_matrix.at("type")[0][1] == 0.1);
    const auto& e = s.events[0];
    CHECK(e.probability == 0.2);
    CHECK(e.impact == -0.05);
    CHECK(e.from == 2025);
    CHECK(e.to == 2030);
    CHECK(e.duration == 3);
    REQUIRE(e.where.size() == 2);
    CHECK(e.where[1].first == "type");
    CHECK(e.where[1].second == std::vector<std::string>{"video"});
    CHECK(s.targets[0].value == 55.0);
    CHECK(s.quantiles == std::vector<double>{0.5});
    CHECK(s.cells);
    CHECK(s.relative_accuracy == 0.001);
    CHECK(s.origins.at("region.asia.shift").str() == loc(text, "\"region.asia.shift\""));
    CHECK(s.origins.at("growth.annual_sd").str() == loc(text, "annual_sd = 0.02"));

    Scenario more = parse(rich + "\n[set]\n\"event.recession.at\" = 2026\n\"event.recession.where\" = { type = [\"voice\"] }\n"
                                 "\"growth.long_run_sd\" = 0.03\n");
    CHECK(more.events[0].from == 2026);
    CHECK(more.events[0].to == 2026);
    REQUIRE(more.events[0].where.size() == 1);
    CHECK(more.events[0].where[0].first == "type");
    CHECK(more.long_run_sd == 0.03);

    const std::string lr = edit(rich, "long_run_sd = 0.01", "long_run = { dist = \"triangular\", low = 0.0, mode = 0.05, high = 0.1 }");
    more = parse(lr + "\n[set]\ngrowth.long_run.low = 0.01\ngrowth.long_run.mode = 0.04\ngrowth.long_run.high = 0.09\n");
    CHECK(more.long_run->low == 0.01);
    CHECK(more.long_run->mode == 0.04);
    CHECK(more.long_run->high == 0.09);
    CHECK(more.rate == 0.052);  // the file sets growth.rate
}

TEST_CASE("set table errors", "[scenario_file][set]") {
    std::string text = rich + "\n[set]\n\"growth.anual_sd\" = 0.1\n";
    CHECK(error_of(text) == loc(text, "\"growth.anual_sd\"") +
                                ": unknown path 'growth.anual_sd' in [set]; did you mean 'growth.annual_sd'?");
    text = rich + "\n[set]\nregion.eurpe.share = 0.1\n";
    CHECK_THAT(error_of(text), Contains("unknown path 'region.eurpe.share' in [set]; did you mean 'region.europe.share'?"));
    text = rich + "\n[set]\n\"event.recesion.probability\" = 0\n";
    CHECK_THAT(error_of(text), Contains("did you mean 'event.recession.probability'?"));
    text = rich + "\n[set]\n\"target[3].value\" = 1\n";
    CHECK_THAT(error_of(text), Contains("unknown path 'target[3].value' in [set]; did you mean 'target[0].value'?"));
    text = rich + "\n[set]\n\"growth.long_run.low\" = 0.01\n";
    CHECK_THAT(error_of(text), Contains("growth.long_run.low: the scenario has no growth.long_run"));
    text = rich + "\n[set]\n\"growth.rate\" = \"fast\"\n";
    CHECK(error_of(text) == loc(text, "\"growth.rate\"") + ": growth.rate: expected a number, got \"fast\"");
    text = rich + "\n[set]\n\"region.europe.share\" = -0.1\n";
    CHECK(error_of(text) == loc(text, "\"region.europe.share\"") + ": region.europe.share = -0.1: share must be > 0");
    // a file's [set] comes after its own events and targets
    text = rich + "\n[[event]]\nname = \"boom\"\nprobability = 0.1\nat = 2030\nimpact = 0.1\n[set]\n\"event.boom.probability\" = 0\n";
    CHECK(parse(text).events[1].probability == 0.0);
}

TEST_CASE("command-line sets apply last - in order", "[scenario_file][set]") {
    const std::string text = rich + "\n[set]\n\"growth.rate\" = 0.03\n";
    Scenario s = parse(text, {"growth.rate=0.04", "growth.rate = 0.045", "scenario.unit=\"EUR m\"", "output.cells=true",
                              "region.europe.share=0.5", "region.asia.share=0.5", "growth.annual_sd=0"});
    CHECK(s.rate == 0.045);
    CHECK(s.unit == "EUR m");
    CHECK(s.cells);
    CHECK(s.annual_sd == 0.0);
    CHECK(s.origins.at("growth.rate").str() == "command line: --set growth.rate = 0.045");
    s = parse(text, {"event.recession.where={ type = [\"voice\"] }", "output.quantiles=[0.2, 0.8]",
                     "growth.long_run={ dist = \"pert\", low = 0.0, mode = 0.06, high = 0.1 }"});
    CHECK(s.events[0].where[0].first == "type");
    CHECK(s.quantiles == std::vector<double>{0.2, 0.8});
    CHECK(s.long_run->mode == 0.06);
    CHECK(s.rate == 0.06);
    CHECK(s.long_run_sd == 0.0);
}

TEST_CASE("command-line set errors name the command line", "[scenario_file][set]") {
    CHECK(error_of(rich, {"growth.anual_sd=0.1"}) ==
          "command line: --set growth.anual_sd=0.1: unknown path 'growth.anual_sd'; did you mean 'growth.annual_sd'?");
    CHECK(error_of(rich, {"growth.rate"}) == "command line: --set growth.rate: expected PATH=VALUE, e.g. --set growth.rate=0.05");
    CHECK_THAT(error_of(rich, {"=0.1"}), Contains("command line: --set =0.1: expected PATH=VALUE"));
    CHECK_THAT(error_of(rich, {"scenario.unit=EUR m"}),
               Contains("command line: --set scenario.unit=EUR m: cannot read 'EUR m' as a TOML value") && Contains("quotes"));
    CHECK(error_of(rich, {"growth.rate=\"abc\""}) == "command line: --set growth.rate=\"abc\": growth.rate: expected a number, got \"abc\"");
    CHECK(error_of(rich, {"scenario.horizon=2030.0"}) ==
          "command line: --set scenario.horizon=2030.0: scenario.horizon: expected an integer, got 2030.0");
    CHECK(error_of(rich, {"region.europe.share=-0.1"}) ==
          "command line: --set region.europe.share=-0.1: region.europe.share = -0.1: share must be > 0");
    CHECK_NOTHROW(parse(rich, {"growth.rate=0"}));  // an integer where a float is expected
}

TEST_CASE("with_sets resolves the scenario again with more --set values, as loading with them does", "[scenario_file][set]") {
    const std::string file = marketsim::test::source_dir() + "/scenarios/recession_2027.toml";
    const Scenario base = marketsim::load_scenario(file, {"growth.annual_sd=0.02"});
    const Scenario what_if = marketsim::with_sets(base, {"growth.rate=0.06", "region.europe.shift=0.01"});
    const Scenario loaded =
        marketsim::load_scenario(file, {"growth.annual_sd=0.02", "growth.rate=0.06", "region.europe.shift=0.01"});
    CHECK(marketsim::to_toml(what_if) == marketsim::to_toml(loaded));
    CHECK(marketsim::to_json(what_if) == marketsim::to_json(loaded));
    CHECK(what_if.source.sets == loaded.source.sets);
    CHECK(marketsim::to_toml(base) != marketsim::to_toml(what_if));
    // a mistake is named at the command line, as --set's are
    CHECK_THROWS_WITH(marketsim::with_sets(base, {"growth.rat=0.06"}),
                      Contains("command line: --set growth.rat=0.06") && Contains("did you mean 'growth.rate'"));
}

TEST_CASE("numeric inputs name every value --set can change, with the value it has", "[scenario_file][set]") {
    const Scenario s = marketsim::load_scenario(marketsim::test::source_dir() + "/scenarios/baseline.toml");
    const std::vector<marketsim::NumericInput> inputs = marketsim::numeric_inputs(s);
    std::vector<std::string> paths;
    for (const auto& in : inputs) paths.push_back(in.path);
    for (const char* expected : {"scenario.base_value", "growth.rate", "growth.long_run_sd", "growth.annual_sd",
                                 "region.asia_pacific.share", "region.asia_pacific.shift", "type.video.sd_scale",
                                 "correlation.global", "correlation.region", "event.global_slowdown.probability",
                                 "event.global_slowdown.impact", "target[0].value"}) {
        INFO(expected);
        CHECK(std::find(paths.begin(), paths.end(), expected) != paths.end());
    }
    CHECK(marketsim::numeric_value(s, "growth.rate") == 0.052);
    CHECK(marketsim::numeric_value(s, "target[0].value") == 53.8);
    CHECK_FALSE(marketsim::numeric_value(s, "growth.rat"));
    // every one is a path --set takes, and setting its own value changes nothing
    for (const auto& in : inputs) {
        INFO(in.path);
        const Scenario same = marketsim::with_sets(s, {in.path + "=" + marketsim::format_number(in.value)});
        CHECK(marketsim::numeric_value(same, in.path) == in.value);
    }
}

TEST_CASE("uncertain impacts and once events through the file - [set] - --set and extends", "[scenario_file][set]") {
    // in the file
    const std::string file = edit(edit(rich, "impact = -0.03", "impact = { dist = \"pert\", low = -0.08, mode = -0.03, high = 0.0 }"),
                                  "duration = 2", "duration = 2\nonce = true");
    const Scenario s = parse(file);
    REQUIRE(s.events[0].impact_range);
    CHECK(s.events[0].impact_range->dist == "pert");
    CHECK(s.events[0].impact_range->low == -0.08);
    CHECK(s.events[0].impact_range->high == 0.0);
    CHECK(s.events[0].impact == -0.03);  // the mode: the central path's impact
    CHECK(s.events[0].once);
    CHECK_FALSE(parse(rich).events[0].once);
    CHECK_FALSE(parse(rich).events[0].impact_range);

    // [set]: a table, one point, once
    const Scenario set = parse(rich + R"(
[set]
"event.recession.impact" = { dist = "triangular", low = -0.1, mode = -0.02, high = 0.01 }
"event.recession.impact.low" = -0.2
event.recession.once = true
)");
    REQUIRE(set.events[0].impact_range);
    CHECK(set.events[0].impact_range->dist == "triangular");
    CHECK(set.events[0].impact_range->low == -0.2);
    CHECK(set.events[0].impact == -0.02);
    CHECK(set.events[0].once);

    // --set: uncertain, one point (a uniform's midpoint follows), then fixed again
    const Scenario u = parse(rich, {"event.recession.impact={dist=\"uniform\",low=-0.1,high=0.0}", "event.recession.impact.high=0.02"});
    REQUIRE(u.events[0].impact_range);
    CHECK(u.events[0].impact_range->high == 0.02);
    CHECK(u.events[0].impact == Approx(-0.04).epsilon(1e-15));
    const Scenario fixed = parse(file, {"event.recession.impact=-0.05", "event.recession.once=false"});
    CHECK_FALSE(fixed.events[0].impact_range);
    CHECK(fixed.events[0].impact == -0.05);
    CHECK_FALSE(fixed.events[0].once);
    CHECK(error_of(file, {"event.recession.impact=-0.05", "event.recession.impact.low=-0.1"}) ==
          "command line: --set event.recession.impact.low=-0.1: event.recession.impact.low: event 'recession' has a fixed impact "
          "(-0.05); make it uncertain first: event.recession.impact = { dist = \"pert\", low, mode, high }");

    // extends: the base's uncertain once event, changed by the what-if's [set]
    TempDir dir;
    dir.write("base.toml", file);
    const Scenario what = marketsim::load_scenario(dir.write("what.toml", R"(extends = "base.toml"
[set]
"event.recession.impact.mode" = -0.05
[[event]]
name = "boom"
probability = 0.4
from = 2025
to = 2030
impact = { dist = "uniform", low = 0.0, high = 0.1 }
once = true
)"));
    REQUIRE(what.events.size() == 2);
    CHECK(what.events[0].impact == -0.05);
    CHECK(what.events[0].once);
    CHECK(what.events[1].impact == 0.05);
    CHECK(what.events[1].once);

    // numeric inputs: the points of an uncertain impact instead of the impact; --set takes each
    std::vector<std::string> paths;
    for (const auto& in : marketsim::numeric_inputs(what)) paths.push_back(in.path);
    for (const char* expected : {"event.recession.impact.low", "event.recession.impact.mode", "event.recession.impact.high",
                                 "event.boom.impact.low", "event.boom.impact.high", "event.boom.probability"}) {
        INFO(expected);
        CHECK(std::find(paths.begin(), paths.end(), expected) != paths.end());
    }
    for (const char* absent : {"event.recession.impact", "event.boom.impact", "event.boom.impact.mode"}) {
        INFO(absent);
        CHECK(std::find(paths.begin(), paths.end(), absent) == paths.end());
    }
    CHECK(marketsim::numeric_value(what, "event.recession.impact.low") == -0.08);
    for (const auto& in : marketsim::numeric_inputs(what)) {
        INFO(in.path);
        const Scenario same = marketsim::with_sets(what, {in.path + "=" + marketsim::format_number(in.value)});
        CHECK(marketsim::numeric_value(same, in.path) == in.value);
        CHECK(marketsim::to_json(same).dump() == marketsim::to_json(what).dump());
    }
}
