// Reading scenario files: defaults, origins, shares, names, the long-run distribution, and the
// messages for syntax, missing files, unknown keys and wrong types.
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

TEST_CASE("shipped scenarios load and round-trip through to_toml", "[scenario_file]") {
    // the scenarios users start from, and the benchmark's (which uses every model feature)
    for (const char* name : {"scenarios", "bench"}) {
        const fs::path folder = fs::path(MARKETSIM_SOURCE_DIR) / name;
        if (!fs::exists(folder)) continue;
        for (const auto& entry : fs::directory_iterator(folder)) {
            if (entry.path().extension() != ".toml") continue;
            INFO(entry.path());
            const Scenario s = marketsim::load_scenario(entry.path());
            CHECK(s.files.front().first == entry.path().string());
            CHECK(s.cell_count() >= 1);
            require_same(s, parse(marketsim::to_toml(s)));
        }
    }
}

TEST_CASE("a minimal scenario takes the documented defaults", "[scenario_file]") {
    const Scenario s = parse(minimal);
    CHECK(s.name == "test");
    CHECK(s.unit.empty());
    CHECK(s.seed == 1);
    CHECK(s.base_year == 2022);
    CHECK(s.horizon == 2030);
    CHECK(s.base_value == 100.0);  // an integer where a float is expected
    CHECK(s.rate == 0.05);
    CHECK(s.long_run_sd == 0.0);
    CHECK(s.annual_sd == 0.0);
    CHECK(!s.long_run);
    CHECK(s.dimensions.empty());
    CHECK(s.cell_count() == 1);
    CHECK(s.quantiles == std::vector<double>{0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95});
    CHECK(s.relative_accuracy == 1e-4);
    CHECK(!s.cells);
    CHECK(s.warnings.empty());
    REQUIRE(s.files.size() == 1);
    CHECK(s.files[0].first == "test.toml");
    CHECK(s.files[0].second == marketsim::hex64(marketsim::fnv1a64(minimal)));
}

TEST_CASE("a full scenario is read with its origins", "[scenario_file]") {
    const Scenario s = parse(rich);
    CHECK(s.name == "rich");
    CHECK(s.unit == "USD bn");
    CHECK(s.seed == 7);
    REQUIRE(s.periods.size() == 2);  // stored in year order
    CHECK(s.periods[0].from == 2023);
    CHECK(s.periods[0].rate == 0.062);
    CHECK(s.periods[1].from == 2025);
    CHECK(s.rate_in(2024) == 0.062);
    CHECK(s.rate_in(2027) == 0.052);
    REQUIRE(s.dimensions.size() == 2);
    CHECK(s.dimensions[0].members[1].sd_scale == 1.3);
    CHECK(s.dimensions[1].members[0].shift == 0.0);
    CHECK(s.dimensions[1].members[0].sd_scale == 1.0);
    CHECK(s.cell_count() == 4);
    CHECK(s.corr_global == 0.4);
    CHECK(s.corr_weight.at("region") == 0.3);
    CHECK(s.corr_weight.count("type") == 0);
    CHECK(s.corr_matrix.at("type")[0][1] == 0.2);
    REQUIRE(s.events.size() == 1);
    CHECK(s.events[0].duration == 2);
    CHECK(s.events[0].where.size() == 1);
    CHECK(s.events[0].where[0].second == std::vector<std::string>{"europe"});
    REQUIRE(s.targets.size() == 1);
    CHECK(s.targets[0].value == 53.8);
    CHECK(s.quantiles == std::vector<double>{0.1, 0.5, 0.9});

    CHECK(s.origins.at("growth.annual_sd").str() == loc(rich, "annual_sd"));
    CHECK(s.origins.at("region.europe.share").str() == loc(rich, "share = 0.4"));
    CHECK(s.origins.at("event.recession.impact").str() == loc(rich, "impact"));
    CHECK(s.origins.at("target[0].value").str() == loc(rich, "value = 53.8"));
    CHECK(s.origins.at("correlation.matrix.region").str() == loc(rich, "region = [["));
    CHECK(s.origins.at("growth.period[0].rate").str() == loc(rich, "rate = 0.062"));
}

TEST_CASE("shares are divided by their sum", "[scenario_file]") {
    const Scenario s = parse(edit(rich, "share = 0.6,", "share = 0.6000005,"));
    const auto& m = s.dimensions[0].members;
    CHECK(m[0].share == Approx(0.4 / 1.0000005).epsilon(1e-15));
    CHECK(m[0].share + m[1].share == Approx(1.0).epsilon(1e-15));
}

TEST_CASE("zero dimensions make a single cell", "[scenario_file]") {
    const std::string text = minimal + "\n[[target]]\nseries = \"total\"\nyear = 2030\nvalue = 150\n";
    const Scenario s = parse(text);
    CHECK(s.cell_count() == 1);
    CHECK_THAT(error_of(edit(text, "\"total\"", "\"region=europe\"")),
               Contains("target[0].series = \"region=europe\": no such series"));
}

TEST_CASE("the scenario name defaults to a cleaned-up file stem", "[scenario_file]") {
    CHECK(marketsim::parse_scenario(minimal, "dir/what_if.toml").name == "what_if");
    CHECK(marketsim::parse_scenario(minimal, "Price-War 2.toml").name == "price_war_2");
    CHECK(marketsim::parse_scenario(minimal, "2030.toml").name == "scenario_2030");
}

TEST_CASE("growth.long_run sets the rate to its mode unless the file sets it", "[scenario_file]") {
    const std::string pert = edit(minimal, "rate = 0.05", "long_run = { dist = \"pert\", low = 0.03, mode = 0.052, high = 0.08 }");
    Scenario s = parse(pert);
    REQUIRE(s.long_run);
    CHECK(s.long_run->dist == "pert");
    CHECK(s.rate == 0.052);
    CHECK(s.long_run_sd == 0.0);

    s = parse(edit(minimal, "rate = 0.05", "rate = 0.05\nlong_run = { dist = \"triangular\", low = 0.03, mode = 0.052, high = 0.08 }"));
    CHECK(s.rate == 0.05);

    s = parse(edit(minimal, "rate = 0.05", "long_run = { dist = \"uniform\", low = 0.02, high = 0.08 }"));
    CHECK(s.long_run->mode == 0.05);
    CHECK(s.rate == 0.05);

    // the rate keeps following the mode when only the mode is changed later
    s = parse(pert, {"growth.long_run.mode=0.06"});
    CHECK(s.rate == 0.06);
    s = parse(pert + "\n[set]\n\"growth.long_run.high\" = 0.09\n");
    CHECK(s.long_run->high == 0.09);
    CHECK(s.rate == 0.052);
}

TEST_CASE("TOML syntax errors name file - line and column", "[scenario_file][errors]") {
    CHECK(error_of(minimal + "annual_sd = \n") == "test.toml:8:13: Error while parsing key-value pair: expected value, saw '\\n'");
    CHECK_THAT(error_of(minimal + "rate = 0.06\n"), Contains("test.toml:8:") && Contains("rate"));
}

TEST_CASE("a missing scenario file is reported with its path", "[scenario_file][errors]") {
    TempDir dir;
    const fs::path missing = dir.path / "nope" / "missing.toml";
    CHECK_THROWS_WITH(marketsim::load_scenario(missing),
                      Contains("cannot read scenario file '" + missing.string() + "': no such file"));
    CHECK_THROWS_WITH(marketsim::load_scenario(dir.path), Contains("it is a folder"));
}

TEST_CASE("unknown keys are reported with the closest valid key", "[scenario_file][errors]") {
    std::string text = edit(minimal, "rate = 0.05", "rate = 0.05\nanual_sd = 0.1");
    CHECK(error_of(text) == loc(text, "anual_sd") + ": unknown key 'anual_sd' in [growth]; did you mean 'annual_sd'?");

    text = minimal + "[ouput]\ncells = true\n";
    CHECK_THAT(error_of(text), Contains("test.toml:8:2: unknown key 'ouput' in the top level; did you mean 'output'?"));

    text = edit(minimal, "horizon = 2030", "horizon = 2030\nbase_yaer = 2021");
    CHECK_THAT(error_of(text), Contains(loc(text, "base_yaer") + ": unknown key 'base_yaer' in [scenario]; did you mean 'base_year'?"));

    text = edit(rich, "duration = 2", "durration = 2");
    CHECK_THAT(error_of(text), Contains(loc(text, "durration") + ": unknown key 'durration' in [[event]]; did you mean 'duration'?"));

    text = edit(rich, "year = 2030", "yaer = 2030");
    CHECK_THAT(error_of(text), Contains(loc(text, "yaer") + ": unknown key 'yaer' in [[target]]; did you mean 'year'?"));

    text = edit(rich, "name = \"type\"", "name = \"type\"\nmember = []");
    CHECK_THAT(error_of(text), Contains(loc(text, "member =") + ": unknown key 'member' in [[dimension]]; did you mean 'members'?"));

    text = edit(rich, "sd_scale = 1.3", "sdscale = 1.3");
    CHECK_THAT(error_of(text), Contains(loc(text, "sdscale") + ": unknown key 'sdscale'") && Contains("did you mean 'sd_scale'?"));

    text = edit(rich, "quantiles = [0.1, 0.5, 0.9]", "quantile = [0.1, 0.5, 0.9]");
    CHECK_THAT(error_of(text), Contains(loc(text, "quantile =") + ": unknown key 'quantile' in [output]; did you mean 'quantiles'?"));

    text = edit(rich, "region = 0.3", "regoin = 0.3");
    CHECK_THAT(error_of(text), Contains(loc(text, "regoin") + ": unknown key 'regoin' in [correlation]") &&
                                   Contains("did you mean 'region'?"));

    text = edit(rich, "matrix.type", "matrix.typo");
    CHECK_THAT(error_of(text), Contains(loc(text, "typo") + ": unknown key 'typo' in correlation.matrix") &&
                                   Contains("did you mean 'type'?"));

    text = edit(rich, "rate = 0.062 }", "rat = 0.062 }");
    CHECK_THAT(error_of(text), Contains(loc(text, "rat =") + ": unknown key 'rat' in growth.period[") && Contains("did you mean 'rate'?"));
}

TEST_CASE("type errors name the key and the value", "[scenario_file][errors]") {
    std::string text = edit(minimal, "rate = 0.05", "rate = \"abc\"");
    CHECK(error_of(text) == loc(text, "rate") + ": growth.rate: expected a number, got \"abc\"");

    text = edit(minimal, "base_year = 2022", "base_year = 2022.0");
    CHECK(error_of(text) == loc(text, "base_year") + ": scenario.base_year: expected an integer, got 2022.0");

    CHECK_THAT(error_of(edit(minimal, "horizon = 2030", "horizon = 2030\nseed = 1.5")),
               Contains("scenario.seed: expected an integer, got 1.5"));
    CHECK_THAT(error_of(edit(minimal, "horizon = 2030", "horizon = 2030\nseed = -3")),
               Contains("scenario.seed = -3: a seed must be in 0..9223372036854775807"));
    CHECK(parse(edit(minimal, "horizon = 2030", "horizon = 2030\nseed = 9223372036854775807")).seed ==
          9223372036854775807ULL);

    text = edit(rich, "duration = 2", "duration = 1.5");
    CHECK(error_of(text) == loc(text, "duration") + ": event.recession.duration: expected an integer, got 1.5");

    text = edit(rich, "quantiles = [0.1, 0.5, 0.9]", "cells = 1");
    CHECK(error_of(text) == loc(text, "cells") + ": output.cells: expected true or false, got 1");

    text = edit(rich, "unit = \"USD bn\"", "unit = 5");
    CHECK_THAT(error_of(text), Contains(loc(text, "unit") + ": scenario.unit: expected a string, got 5"));

    text = edit(rich, "[[1.0, 0.2], [0.2, 1.0]]", "[[1.0, \"x\"], [0.2, 1.0]]");
    CHECK_THAT(error_of(text), Contains(loc(text, "\"x\"") + ": correlation.matrix.type[0][1]: expected a number, got \"x\""));

    text = edit(rich, "[[event]]", "[event]");
    CHECK_THAT(error_of(text), Contains("event: expected an array of tables ([[event]]), got a table"));
}

TEST_CASE("numbers must be finite", "[scenario_file][errors]") {
    std::string text = edit(minimal, "rate = 0.05", "rate = inf");
    CHECK(error_of(text) == loc(text, "rate") + ": growth.rate = inf: must be a finite number");
    text = edit(minimal, "base_value = 100", "base_value = nan");
    CHECK_THAT(error_of(text), Contains("scenario.base_value = nan: must be a finite number"));
}
