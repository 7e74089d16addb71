// The rules a resolved scenario keeps, each refused with its place and value.
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

TEST_CASE("required values", "[scenario_file][errors]") {
    CHECK(error_of(edit(minimal, "base_year = 2022\n", "")) == "test.toml: scenario.base_year is required");
    CHECK(error_of(edit(minimal, "horizon = 2030\n", "")) == "test.toml: scenario.horizon is required");
    CHECK(error_of(edit(minimal, "base_value = 100\n", "")) == "test.toml: scenario.base_value is required");
    CHECK_THAT(error_of(edit(minimal, "rate = 0.05\n", "")), Contains("test.toml: growth.rate is required"));

    std::string text = edit(rich, "probability = 0.08\n", "");
    CHECK_THAT(error_of(text), Contains(loc(text, "[[event]]") + ": event.recession: probability is required"));
    text = edit(rich, "impact = -0.03\n", "");
    CHECK_THAT(error_of(text), Contains("event.recession: impact is required"));
    text = edit(rich, "name = \"recession\"\n", "");
    CHECK_THAT(error_of(text), Contains("event[0]: name is required"));
    text = edit(rich, "value = 53.8\n", "");
    CHECK_THAT(error_of(text), Contains(loc(text, "[[target]]") + ": target[0]: value is required"));
    text = edit(rich, "{ name = \"voice\", share = 0.3 }", "{ name = \"voice\" }");
    CHECK_THAT(error_of(text), Contains(loc(text, "{ name = \"voice\"") + ": type.voice: share is required"));
    text = edit(rich, "name = \"type\"\n", "");
    CHECK_THAT(error_of(text), Contains("dimension[1]: name is required"));
    text = edit(rich, "long_run_sd = 0.01", "long_run = { low = 0.01, mode = 0.02, high = 0.03 }");
    CHECK_THAT(error_of(text), Contains("growth.long_run: dist is required"));
    text = edit(rich, ", rate = 0.062 }", " }");
    CHECK_THAT(error_of(text), Contains("growth.period[1]: rate is required"));
}

TEST_CASE("scenario years and base value", "[scenario_file][errors]") {
    std::string text = edit(minimal, "horizon = 2030", "horizon = 2022");
    CHECK(error_of(text) == loc(text, "horizon") + ": scenario.horizon = 2022: must be after scenario.base_year (2022)");
    text = edit(minimal, "horizon = 2030", "horizon = 2223");
    CHECK_THAT(error_of(text), Contains("scenario.horizon = 2223: at most 200 years after scenario.base_year (2022)"));
    CHECK_NOTHROW(parse(edit(minimal, "horizon = 2030", "horizon = 2222")));
    text = edit(minimal, "base_value = 100", "base_value = 0");
    CHECK(error_of(text) == loc(text, "base_value") + ": scenario.base_value = 0.0: must be > 0");
    text = edit(rich, "name = \"rich\"", "name = \"Rich\"");
    CHECK_THAT(error_of(text), Contains(loc(text, "name = \"Rich\"") + ": scenario.name = \"Rich\": names must start"));
    text = edit(rich, "annual_sd = 0.015", "annual_sd = -0.015");
    CHECK_THAT(error_of(text), Contains("growth.annual_sd = -0.015: must be >= 0"));
}

TEST_CASE("shares and sd_scale", "[scenario_file][errors]") {
    std::string text = edit(rich, "share = 0.4", "share = -0.1");
    CHECK(error_of(text) == loc(text, "share = -0.1") + ": region.europe.share = -0.1: share must be > 0");
    text = edit(rich, "share = 0.7", "share = 0.6");
    CHECK(error_of(text) == loc(text, "name = \"type\"") + ": dimension 'type': shares sum to 0.8999999999999999; they must sum to 1 (within 1e-6)");
    text = edit(rich, "sd_scale = 1.3", "sd_scale = 0");
    CHECK(error_of(text) == loc(text, "sd_scale = 0") + ": region.asia.sd_scale = 0.0: sd_scale must be > 0");
}

TEST_CASE("correlation weights", "[scenario_file][errors]") {
    std::string text = edit(rich, "global = 0.4", "global = 1.5");
    CHECK(error_of(text) == loc(text, "global") + ": correlation.global = 1.5: weights must be in [0, 1]");
    text = edit(rich, "region = 0.3", "region = -0.1");
    CHECK(error_of(text) == loc(text, "region = -0.1") + ": correlation.region = -0.1: weights must be in [0, 1]");
    text = edit(rich, "region = 0.3", "region = 0.3\ntype = 0.4");
    CHECK_THAT(error_of(text), Contains(loc(text, "global") + ": correlation weights sum to 1.1") &&
                                   Contains("global 0.4, region 0.3, type 0.4") && Contains("at most 1"));
    CHECK_NOTHROW(parse(edit(rich, "region = 0.3", "region = 0.3\ntype = 0.3")));
    CHECK(parse(edit(rich, "region = 0.3", "region = 0.3\nrepair = true")).corr_repair);
}

TEST_CASE("correlation matrices", "[scenario_file][errors]") {
    const std::string region_matrix = "[[1.0, 0.5], [0.5, 1.0]]";
    std::string text = edit(rich, region_matrix, "[[1.0, 0.5, 0.1], [0.5, 1.0, 0.1], [0.1, 0.1, 1.0]]");
    CHECK(error_of(text) == loc(text, "region = [[") +
                                ": correlation.matrix.region is 3x3 but dimension 'region' has 2 members; it must be 2x2");
    text = edit(rich, region_matrix, "[[1.0, 0.5], [0.5]]");
    CHECK_THAT(error_of(text), Contains("it must be 2x2"));
    text = edit(rich, region_matrix, "[[1.0, 0.5], [0.4, 1.0]]");
    CHECK(error_of(text) == loc(text, "0.5], [0.4") +
                                ": correlation.matrix.region[0][1] = 0.5: the matrix must be symmetric, but [1][0] = 0.4");
    text = edit(rich, region_matrix, "[[1.0, 0.5], [0.5, 0.9]]");
    CHECK(error_of(text) == loc(text, "0.9]]") + ": correlation.matrix.region[1][1] = 0.9: diagonal entries must be 1");
    text = edit(rich, region_matrix, "[[1.0, 1.5], [1.5, 1.0]]");
    CHECK_THAT(error_of(text), Contains("correlation.matrix.region[0][1] = 1.5: entries must be in [-1, 1]"));

    const std::string three = R"([scenario]
base_year = 2022
base_value = 1
horizon = 2025
[growth]
rate = 0.05
[[dimension]]
name = "region"
members = [{ name = "a", share = 0.5 }, { name = "b", share = 0.25 }, { name = "c", share = 0.25 }]
[correlation]
matrix.region = MATRIX
)";
    text = edit(three, "MATRIX", "[[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]");
    CHECK_THAT(error_of(text), Contains(loc(text, "region = [[") +
                                        ": correlation.matrix.region is not positive semi-definite (smallest eigenvalue -0.8"));
    // singular but valid
    CHECK_NOTHROW(parse(edit(three, "MATRIX", "[[1, 1, 1], [1, 1, 1], [1, 1, 1]]")));
    CHECK_NOTHROW(parse(edit(three, "MATRIX", "[[1, -0.5, -0.5], [-0.5, 1, -0.5], [-0.5, -0.5, 1]]")));
}

TEST_CASE("growth periods", "[scenario_file][errors]") {
    std::string text = edit(rich, "{ from = 2023, to = 2024, rate = 0.062 }", "{ from = 2022, to = 2024, rate = 0.062 }");
    CHECK(error_of(text) == loc(text, "{ from = 2022") +
                                ": growth.period[0] = 2022..2024: periods must lie within 2023..2033 (base_year + 1 .. horizon)");
    text = edit(rich, "{ from = 2025, to = 2026, rate = 0.04 }", "{ from = 2030, to = 2034, rate = 0.04 }");
    CHECK_THAT(error_of(text), Contains("growth.period[1] = 2030..2034: periods must lie within 2023..2033"));
    text = edit(rich, "{ from = 2025, to = 2026, rate = 0.04 }", "{ from = 2024, to = 2026, rate = 0.04 }");
    CHECK(error_of(text) == loc(text, "{ from = 2024") + ": growth.period[1] = 2024..2026: overlaps growth.period = 2023..2024 (" +
                                loc(text, "{ from = 2023") + ")");
    text = edit(rich, "{ from = 2025, to = 2026, rate = 0.04 }", "{ from = 2026, to = 2025, rate = 0.04 }");
    CHECK_THAT(error_of(text), Contains("growth.period[1] = 2026..2025: from must be <= to"));
}

TEST_CASE("growth must stay above -100% in every cell", "[scenario_file][errors]") {
    std::string text = edit(rich, "rate = 0.052", "rate = -0.995");
    CHECK(error_of(text) == loc(text, "rate = -0.995") +
                                ": growth.rate = -0.995: with region.europe.shift = -0.01 the growth rate of cell "
                                "region=europe/type=voice is -1.005 in 2027; it must stay > -1");
    text = edit(rich, "rate = 0.062", "rate = -0.991");
    CHECK_THAT(error_of(text), Contains(loc(text, "rate = -0.991") + ": growth.period[0].rate = -0.991: with region.europe.shift") &&
                                   Contains("in 2023"));
    text = edit(minimal, "rate = 0.05", "rate = -1");
    CHECK(error_of(text) == loc(text, "rate = -1") + ": growth.rate = -1.0: the growth rate is -1.0 in 2023; it must stay > -1");
}

TEST_CASE("growth.long_run distributions", "[scenario_file][errors]") {
    auto with = [](const std::string& long_run) { return edit(minimal, "rate = 0.05", "long_run = " + long_run); };
    std::string text = with("{ dist = \"perty\", low = 0.01, mode = 0.02, high = 0.03 }");
    CHECK(error_of(text) == loc(text, "dist") +
                                ": growth.long_run.dist = \"perty\": expected \"pert\", \"triangular\" or \"uniform\"; did you mean 'pert'?");
    text = with("{ dist = \"pert\", low = 0.03, mode = 0.03, high = 0.03 }");
    CHECK_THAT(error_of(text), Contains(loc(text, "low") + ": growth.long_run.low = 0.03: must be < high (0.03)"));
    text = with("{ dist = \"pert\", low = 0.01, mode = 0.04, high = 0.03 }");
    CHECK(error_of(text) == loc(text, "mode") + ": growth.long_run.mode = 0.04: must lie in [low, high] = [0.01, 0.03]");
    text = with("{ dist = \"uniform\", low = 0.01, mode = 0.02, high = 0.03 }");
    CHECK_THAT(error_of(text), Contains(loc(text, "mode") + ": growth.long_run.mode: a uniform distribution has no mode"));
    text = with("{ dist = \"pert\", low = 0.01, high = 0.03 }");
    CHECK_THAT(error_of(text), Contains("growth.long_run: mode is required for dist = \"pert\""));
    text = edit(minimal, "rate = 0.05", "rate = 0.05\nlong_run_sd = 0.01\nlong_run = { dist = \"uniform\", low = 0.01, high = 0.03 }");
    CHECK_THAT(error_of(text), Contains(loc(text, "long_run_sd") + ": growth.long_run_sd: give either long_run_sd or long_run, not both"));

    // the low end must stay above -100% after shift and sd_scale
    text = edit(rich, "long_run_sd = 0.01", "long_run = { dist = \"pert\", low = -0.8, mode = 0.05, high = 0.1 }");
    CHECK_THAT(error_of(text), Contains(loc(text, "low = -0.8") + ": growth.long_run.low = -0.8: for cell region=asia/type=voice") &&
                                   Contains("(shift 0.01, sd_scale 1.3) mode + shift + sd_scale * (low - mode) = -1.04") &&
                                   Contains("must stay > -1"));
    CHECK_NOTHROW(parse(edit(rich, "long_run_sd = 0.01", "long_run = { dist = \"pert\", low = -0.6, mode = 0.05, high = 0.1 }")));
}

TEST_CASE("events", "[scenario_file][errors]") {
    std::string text = edit(rich, "probability = 0.08", "probability = 1.5");
    CHECK(error_of(text) == loc(text, "probability") + ": event.recession.probability = 1.5: must be in [0, 1]");
    text = edit(rich, "probability = 0.08", "probability = -0.1");
    CHECK_THAT(error_of(text), Contains("event.recession.probability = -0.1: must be in [0, 1]"));
    text = edit(rich, "to = 2033\n", "to = 2033\nat = 2025\n");
    CHECK(error_of(text) == loc(text, "[[event]]") + ": event.recession: give either at or from/to, not both");
    text = edit(edit(rich, "from = 2024\n", ""), "to = 2033\n", "");
    CHECK_THAT(error_of(text), Contains("event.recession: give the years it may fire"));
    text = edit(rich, "to = 2033\n", "");
    CHECK_THAT(error_of(text), Contains("event.recession: give the years it may fire"));
    text = edit(rich, "from = 2024", "from = 2030");
    text = edit(text, "to = 2033", "to = 2029");
    CHECK(error_of(text) == loc(text, "name = \"recession\"") + ": event.recession = 2030..2029: from must be <= to");
    text = edit(rich, "duration = 2", "duration = 0");
    CHECK(error_of(text) == loc(text, "duration") + ": event.recession.duration = 0: must be at least 1 (years)");
    text = edit(rich, "where = { region = [\"europe\"] }", "where = { regoin = [\"europe\"] }");
    CHECK(error_of(text) == loc(text, "regoin") + ": event.recession.where: unknown dimension 'regoin'; did you mean 'region'?");
    text = edit(rich, "where = { region = [\"europe\"] }", "where = { region = [\"eurpoe\"] }");
    CHECK(error_of(text) == loc(text, "\"eurpoe\"") +
                                ": event.recession.where.region: unknown member 'eurpoe' of dimension 'region'; did you mean 'europe'?");
    text = edit(rich, "where = { region = [\"europe\"] }", "where = { region = [] }");
    CHECK_THAT(error_of(text), Contains("event.recession.where.region: list at least one member"));

    const Scenario at = parse(edit(edit(rich, "from = 2024\n", "at = 2027\n"), "to = 2033\n", ""));
    CHECK(at.events[0].from == 2027);
    CHECK(at.events[0].to == 2027);

    text = edit(rich, "from = 2024", "from = 2040");
    text = edit(text, "to = 2033", "to = 2045");
    const Scenario outside = parse(text);
    REQUIRE(outside.warnings.size() == 1);
    CHECK(outside.warnings[0] == loc(text, "name = \"recession\"") +
                                     ": event 'recession' never fires: its years 2040..2045 lie outside 2023..2033");
}

TEST_CASE("names: pattern - uniqueness - reserved words", "[scenario_file][errors]") {
    std::string text = edit(rich, "name = \"region\"", "name = \"Region\"");
    CHECK(error_of(text) == loc(text, "name = \"Region\"") +
                                ": dimension[0].name = \"Region\": names must start with a lowercase letter and use only a-z, 0-9 and _");
    text = edit(rich, "name = \"europe\"", "name = \"Europe\"");
    CHECK_THAT(error_of(text), Contains("region.members[0].name = \"Europe\": names must start"));
    text = edit(rich, "name = \"recession\"", "name = \"big-recession\"");
    CHECK_THAT(error_of(text), Contains("event[0].name = \"big-recession\": names must start"));
    text = edit(rich, "name = \"type\"", "name = \"region\"");
    CHECK(error_of(text) == loc(text, "name = \"region\"\nmembers = [\n  { name = \"voice\"") +
                                ": dimension[1].name = \"region\": dimension 'region' is already defined (" +
                                loc(text, "name = \"region\"") + ")");
    text = edit(rich, "name = \"video\"", "name = \"voice\"");
    CHECK_THAT(error_of(text), Contains(loc(text, "name = \"voice\", share = 0.7") +
                                        ": type.members[1].name = \"voice\": member 'voice' is already in dimension 'type'"));
    text = edit(rich, "name = \"type\"", "name = \"global\"");
    text = edit(text, "matrix.type", "matrix.region2");
    CHECK_THAT(error_of(text), Contains("dimension[1].name = \"global\": reserved word"));
    text = rich + "\n[[event]]\nname = \"recession\"\nprobability = 0.1\nat = 2030\nimpact = -0.01\n";
    CHECK(error_of(text) == loc(text, "name = \"recession\"\nprobability = 0.1") + ": event 'recession' is already defined (" +
                                loc(text, "name = \"recession\"") + "); event names must be unique");
}

TEST_CASE("targets", "[scenario_file][errors]") {
    std::string text = edit(rich, "series = \"total\"", "series = \"region=eurpe\"");
    CHECK(error_of(text) == loc(text, "series") +
                                ": target[0].series = \"region=eurpe\": no such series (\"total\", \"dimension=member\" or a cell); "
                                "did you mean 'region=europe'?");
    CHECK(parse(edit(rich, "series = \"total\"", "series = \"region=europe/type=voice\"")).targets[0].series ==
          "region=europe/type=voice");
    CHECK(parse(edit(rich, "series = \"total\"", "series = \"type=video\"")).targets[0].series == "type=video");
    text = edit(rich, "series = \"total\"", "series = \"type=voice/region=europe\"");
    CHECK_THAT(error_of(text), Contains("no such series"));
    text = edit(rich, "year = 2030", "year = 2034");
    CHECK(error_of(text) == loc(text, "year = 2034") + ": target[0].year = 2034: must be within 2022..2033");
    CHECK_NOTHROW(parse(edit(rich, "year = 2030", "year = 2022")));
}

TEST_CASE("output settings", "[scenario_file][errors]") {
    std::string text = edit(rich, "[0.1, 0.5, 0.9]", "[0.1, 0.5, 1.0]");
    CHECK(error_of(text) == loc(text, "1.0]\n") + ": output.quantiles[2] = 1.0: quantiles must be in (0, 1)");
    text = edit(rich, "[0.1, 0.5, 0.9]", "[0.1, 0.9, 0.5]");
    CHECK(error_of(text) == loc(text, "0.5]\n") +
                                ": output.quantiles[2] = 0.5: follows 0.9; quantiles must be sorted ascending, without duplicates");
    text = edit(rich, "[0.1, 0.5, 0.9]", "[0.1, 0.5, 0.5]");
    CHECK_THAT(error_of(text), Contains("output.quantiles[2] = 0.5: follows 0.5"));
    text = edit(rich, "[0.1, 0.5, 0.9]", "[]");
    CHECK_THAT(error_of(text), Contains("output.quantiles: give at least one quantile"));
    text = edit(rich, "quantiles = [0.1, 0.5, 0.9]", "relative_accuracy = 0");
    CHECK(error_of(text) == loc(text, "relative_accuracy") + ": output.relative_accuracy = 0.0: must be in [1e-06, 0.1]");
    text = edit(rich, "quantiles = [0.1, 0.5, 0.9]", "relative_accuracy = 0.2");
    CHECK_THAT(error_of(text), Contains("output.relative_accuracy = 0.2: must be in [1e-06, 0.1]"));
    text = edit(rich, "quantiles = [0.1, 0.5, 0.9]", "relative_accuracy = 1e-7");
    CHECK_THAT(error_of(text), Contains("output.relative_accuracy = 1e-07: must be in [1e-06, 0.1]"));
    CHECK(parse(edit(rich, "quantiles = [0.1, 0.5, 0.9]", "relative_accuracy = 0.1\ncells = true")).cells);
}

TEST_CASE("uncertain event impacts and once events", "[scenario_file][errors]") {
    auto with = [](const std::string& impact) { return edit(rich, "impact = -0.03", "impact = " + impact); };
    std::string text = with("{ dist = \"uniform\", low = -0.1, mode = -0.05, high = 0.0 }");
    CHECK(error_of(text) == loc(text, "mode") + ": event.recession.impact.mode: a uniform distribution has no mode (drop it)");
    text = with("{ dist = \"pert\", low = -0.04, mode = -0.05, high = 0.0 }");
    CHECK(error_of(text) == loc(text, "mode") + ": event.recession.impact.mode = -0.05: must lie in [low, high] = [-0.04, 0.0]");
    text = with("{ dist = \"triangular\", low = 0.0, mode = 0.0, high = 0.0 }");
    CHECK(error_of(text) == loc(text, "low") + ": event.recession.impact.low = 0.0: must be < high (0.0)");
    text = with("{ dist = \"uniform\", low = 0.1, high = -0.1 }");
    CHECK(error_of(text) == loc(text, "low") + ": event.recession.impact.low = 0.1: must be < high (-0.1)");
    text = with("{ dist = \"trianglar\", low = -0.1, mode = -0.05, high = 0.0 }");
    CHECK(error_of(text) == loc(text, "dist") +
                                ": event.recession.impact.dist = \"trianglar\": expected \"pert\", \"triangular\" or \"uniform\"; did you mean 'triangular'?");
    text = with("{ dist = \"pert\", low = -0.1, high = 0.0 }");
    CHECK(error_of(text) == loc(text, "impact") + ": event.recession.impact: mode is required for dist = \"pert\"");
    text = with("{ dist = \"pert\", low = -0.1, mode = -0.05, hihg = 0.0 }");
    CHECK(error_of(text) == loc(text, "hihg") + ": unknown key 'hihg' in event.recession.impact; did you mean 'high'?");
    text = with("\"large\"");
    CHECK(error_of(text) == loc(text, "impact") +
                                ": event.recession.impact: expected a number or a three-point table { dist = \"pert\", low, mode, high }, got \"large\"");
    text = edit(rich, "duration = 2", "duration = 2\nonce = 1");
    CHECK(error_of(text) == loc(text, "once") + ": event.recession.once: expected true or false, got 1");
    text = edit(rich, "duration = 2", "duration = 2\nonse = true");
    CHECK_THAT(error_of(text), Contains("unknown key 'onse'") && Contains("did you mean 'once'?"));

    // on the command line
    CHECK(error_of(rich, {"event.recession.impact.low=-0.2"}) ==
          "command line: --set event.recession.impact.low=-0.2: event.recession.impact.low: event 'recession' has a fixed "
          "impact (-0.03); make it uncertain first: event.recession.impact = { dist = \"pert\", low, mode, high }");
    CHECK(error_of(rich, {"event.recession.impact={dist=\"uniform\",low=-0.1,high=0.0}", "event.recession.impact.mode=-0.05"}) ==
          "command line: --set event.recession.impact.mode=-0.05: event.recession.impact.mode: a uniform impact has no mode "
          "(it is the midpoint of low and high)");
    CHECK_THAT(error_of(rich, {"event.recession.impact={dist=\"pert\",low=-0.1,mode=-0.05,high=0.0}", "event.recession.impact.low=-0.01"}),
               Contains("command line: --set event.recession.impact=") &&
                   Contains(": event.recession.impact.mode = -0.05: must lie in [low, high] = [-0.01, 0.0]"));
    CHECK(error_of(rich, {"event.recession.once=\"yes\""}) ==
          "command line: --set event.recession.once=\"yes\": event.recession.once: expected true or false, got \"yes\"");
    CHECK(error_of(rich, {"event.recession.impact.lo=-0.1"}) ==
          "command line: --set event.recession.impact.lo=-0.1: unknown path 'event.recession.impact.lo'; did you mean "
          "'event.recession.impact'?");
}

TEST_CASE("likely slips warn: rates in percent, event years far past the horizon", "[scenario_file][warnings]") {
    const auto warned = [](const Scenario& s, const std::string& text) {
        return std::any_of(s.warnings.begin(), s.warnings.end(), [&](const std::string& w) { return w == text; });
    };
    Scenario s = parse(rich);
    CHECK(s.warnings.empty());
    s = parse(rich, {"growth.rate=5.2"});
    CHECK(warned(s, "command line: --set growth.rate=5.2: growth.rate = 5.2 is 520% a year; did you mean 0.052?"));
    std::string text = edit(rich, "{ name = \"europe\", share = 0.4, shift = -0.01 }", "{ name = \"europe\", share = 0.4, shift = -1 }");
    s = parse(text);
    CHECK(warned(s, loc(text, "shift = -1") + ": region.europe.shift = -1.0 is -100 percentage points a year; did you mean -0.01?"));
    s = parse(rich, {"region.asia.shift={2023 = 0.01, 2030 = 3}"});
    CHECK(warned(s, "command line: --set region.asia.shift={2023 = 0.01, 2030 = 3}: region.asia.shift.2030 = 3.0 is 300 "
                    "percentage points a year; did you mean 0.03?"));
    s = parse(rich, {"event.recession.impact=-3"});
    CHECK(warned(s, "command line: --set event.recession.impact=-3: event.recession.impact = -3.0 is -300 percentage points "
                    "a year; did you mean -0.03?"));
    s = parse(rich, {"growth.period[0].rate=0.6"});
    CHECK(s.warnings.size() == 1);
    // the edge: 0.5 itself is a plausible (if bold) rate and draws nothing
    CHECK(parse(rich, {"growth.rate=0.5"}).warnings.empty());
    CHECK(parse(rich, {"growth.rate=-0.5"}).warnings.empty());

    text = edit(rich, "to = 2033", "to = 2303");
    s = parse(text);
    CHECK(warned(s, loc(text, "to = 2303") + ": event.recession.to = 2303 is 270 years past the horizon (2033); the years after "
                                             "it are dropped"));
    // a year after the horizon is an easy off-by-one and draws nothing
    CHECK(parse(edit(rich, "to = 2033", "to = 2034")).warnings.empty());
}

TEST_CASE("a share sum broken by --set is reported at the --set argument", "[scenario_file][errors]") {
    CHECK(error_of(rich, {"region.europe.share=0.5"}) ==
          "command line: --set region.europe.share=0.5: dimension 'region': shares sum to 1.1; they must sum to 1 (within 1e-6)");
    // written in the file, the dimension's place
    const std::string text = edit(rich, "{ name = \"europe\", share = 0.4", "{ name = \"europe\", share = 0.5");
    CHECK_THAT(error_of(text), Contains(loc(text, "name = \"region\"") + ": dimension 'region': shares sum to 1.1"));
    CHECK(error_of(rich, {"correlation.region=0.7"}) ==
          "command line: --set correlation.region=0.7: correlation weights sum to 1.1 (global 0.4, region 0.7); the sum must be at most 1");
}
