// extends: chains, relative paths, cycles, what overrides what.
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

TEST_CASE("extends: chains resolve base first - files listed scenario first", "[scenario_file][extends]") {
    TempDir dir;
    dir.write("a.toml", rich);
    dir.write("b.toml", "extends = \"a.toml\"\n[growth]\nannual_sd = 0.02\n");
    const fs::path c = dir.write("c.toml", "extends = \"b.toml\"\n[scenario]\nunit = \"EUR bn\"\n");
    const Scenario s = marketsim::load_scenario(c);
    CHECK(s.name == "c");
    CHECK(s.unit == "EUR bn");
    CHECK(s.annual_sd == 0.02);
    CHECK(s.rate == 0.052);
    REQUIRE(s.files.size() == 3);
    CHECK(s.files[0].first == c.string());
    CHECK(s.files[1].first == (dir.path / "b.toml").string());
    CHECK(s.files[2].first == (dir.path / "a.toml").string());
    CHECK(s.files[2].second == marketsim::hex64(marketsim::fnv1a64(rich)));
    CHECK(s.origins.at("growth.annual_sd").file == (dir.path / "b.toml").string());
    CHECK(s.origins.at("growth.rate").str() == loc(rich, "rate = 0.052", (dir.path / "a.toml").string()));
}

TEST_CASE("extends: the path is relative to the extending file's folder", "[scenario_file][extends]") {
    TempDir dir;
    dir.write("bases/base.toml", minimal);
    dir.write("what_ifs/deeper/inner.toml", "extends = \"../../bases/base.toml\"\n");
    const fs::path top = dir.write("what_ifs/top.toml", "extends = \"deeper/inner.toml\"\n[growth]\nrate = 0.07\n");
    const Scenario s = marketsim::load_scenario(top);
    CHECK(s.rate == 0.07);
    CHECK(s.name == "top");
    REQUIRE(s.files.size() == 3);
    CHECK(s.files[2].first == (dir.path / "bases/base.toml").string());

    // a relative path stays relative in messages
    const fs::path cwd = fs::current_path();
    fs::current_path(dir.path);
    dir.write("what_ifs/broken.toml", "extends = \"deeper/inner.toml\"\n[growth]\nrate = \"x\"\n");
    std::string message;
    try {
        marketsim::load_scenario("what_ifs/broken.toml");
    } catch (const InputError& e) {
        message = e.what();
    }
    fs::current_path(cwd);
    CHECK(message == "what_ifs/broken.toml:3:1: growth.rate: expected a number, got \"x\"");
}

TEST_CASE("extends: cycles and missing bases", "[scenario_file][extends]") {
    TempDir dir;
    dir.write("a.toml", "extends = \"b.toml\"\n" + minimal);
    dir.write("b.toml", "extends = \"c.toml\"\n");
    dir.write("c.toml", "extends = \"b.toml\"\n");
    const std::string b = (dir.path / "b.toml").string(), c = (dir.path / "c.toml").string();
    CHECK_THROWS_WITH(marketsim::load_scenario(dir.path / "a.toml"),
                      c + ":1:1: extends cycle: " + b + " -> " + c + " -> " + b);
    const fs::path self = dir.write("self.toml", "extends = \"self.toml\"\n");
    CHECK_THROWS_WITH(marketsim::load_scenario(self), Contains("extends cycle: " + self.string() + " -> " + self.string()));
    const fs::path orphan = dir.write("orphan.toml", "extends = \"nowhere.toml\"\n");
    CHECK_THROWS_WITH(marketsim::load_scenario(orphan),
                      orphan.string() + ":1:1: extends = \"nowhere.toml\": cannot read scenario file '" +
                          (dir.path / "nowhere.toml").string() + "': no such file");
    const fs::path typed = dir.write("typed.toml", "extends = 3\n");
    CHECK_THROWS_WITH(marketsim::load_scenario(typed), Contains("extends: expected a string, got 3"));
}

TEST_CASE("extends: overrides key by key - arrays - long_run and matrices replace", "[scenario_file][extends]") {
    TempDir dir;
    dir.write("base.toml", rich);
    const fs::path what = dir.write("what.toml", R"(extends = "base.toml"
[scenario]
horizon = 2035
[growth]
period = [ { from = 2030, to = 2031, rate = 0.01 } ]
[correlation]
global = 0.2
matrix.type = [[1.0, -0.3], [-0.3, 1.0]]
[output]
quantiles = [0.25, 0.75]
)");
    const Scenario s = marketsim::load_scenario(what);
    CHECK(s.name == "what");  // never the base's
    CHECK(s.horizon == 2035);
    CHECK(s.base_year == 2022);
    CHECK(s.seed == 7);
    CHECK(s.annual_sd == 0.015);
    REQUIRE(s.periods.size() == 1);
    CHECK(s.periods[0].from == 2030);
    CHECK(s.origins.count("growth.period[1].rate") == 0);
    CHECK(s.corr_global == 0.2);
    CHECK(s.corr_weight.at("region") == 0.3);
    CHECK(s.corr_matrix.at("region")[0][1] == 0.5);
    CHECK(s.corr_matrix.at("type")[0][1] == -0.3);
    CHECK(s.quantiles == std::vector<double>{0.25, 0.75});
    CHECK(s.events.size() == 1);
    CHECK(s.targets.size() == 1);
}

TEST_CASE("extends: long_run and long_run_sd replace each other", "[scenario_file][extends]") {
    TempDir dir;
    dir.write("sd.toml", rich);
    Scenario s = marketsim::load_scenario(
        dir.write("to_long_run.toml",
                  "extends = \"sd.toml\"\n[growth]\nlong_run = { dist = \"pert\", low = 0.03, mode = 0.06, high = 0.08 }\n"));
    REQUIRE(s.long_run);
    CHECK(s.long_run_sd == 0.0);
    CHECK(s.rate == 0.06);  // the base's rate gives way to the new mode

    s = marketsim::load_scenario(dir.write(
        "to_long_run_rate.toml",
        "extends = \"sd.toml\"\n[growth]\nlong_run = { dist = \"pert\", low = 0.03, mode = 0.06, high = 0.08 }\nrate = 0.05\n"));
    CHECK(s.rate == 0.05);

    dir.write("lr.toml", edit(edit(rich, "long_run_sd = 0.01", "long_run = { dist = \"uniform\", low = 0.02, high = 0.06 }"),
                              "rate = 0.052\n", ""));
    s = marketsim::load_scenario(dir.write("to_sd.toml", "extends = \"lr.toml\"\n[growth]\nlong_run_sd = 0.02\n"));
    CHECK(!s.long_run);
    CHECK(s.long_run_sd == 0.02);
    CHECK(s.rate == 0.04);  // the base's rate was its midpoint
    CHECK(s.origins.count("growth.long_run.low") == 0);
}

TEST_CASE("extends: dimensions - [set] - events and targets", "[scenario_file][extends]") {
    TempDir dir;
    dir.write("base.toml", rich);
    const fs::path redefine =
        dir.write("redefine.toml", "extends = \"base.toml\"\n\n[[dimension]]\nname = \"x\"\nmembers = [{ name = \"a\", share = 1 }]\n");
    CHECK_THROWS_WITH(marketsim::load_scenario(redefine),
                      redefine.string() + ":3:3: [[dimension]] cannot be redefined: the base '" + (dir.path / "base.toml").string() +
                          "' already has dimensions; change members through [set], e.g. \"region.europe.share\" = 0.3");

    const fs::path what = dir.write("what.toml", R"(extends = "base.toml"
[set]
"event.recession.probability" = 0
[[event]]
name = "boom"
probability = 0.1
at = 2028
impact = 0.05
[[target]]
series = "region=asia"
year = 2033
value = 30
)");
    const Scenario s = marketsim::load_scenario(what);
    REQUIRE(s.events.size() == 2);
    CHECK(s.events[0].name == "recession");
    CHECK(s.events[0].probability == 0.0);
    CHECK(s.events[1].name == "boom");
    REQUIRE(s.targets.size() == 2);
    CHECK(s.targets[1].series == "region=asia");

    const fs::path duplicate = dir.write("duplicate.toml",
                                         "extends = \"base.toml\"\n[[event]]\nname = \"recession\"\nprobability = 1\nat = 2025\nimpact = -0.1\n");
    CHECK_THROWS_WITH(marketsim::load_scenario(duplicate),
                      duplicate.string() + ":3:1: event 'recession' is already defined (" +
                          loc(rich, "name = \"recession\"", (dir.path / "base.toml").string()) + "); event names must be unique");

    // a dimensionless base may gain dimensions
    dir.write("plain.toml", minimal);
    const Scenario grown = marketsim::load_scenario(
        dir.write("grown.toml", "extends = \"plain.toml\"\n[[dimension]]\nname = \"x\"\nmembers = [{ name = \"a\", share = 1 }]\n"));
    CHECK(grown.dimensions.size() == 1);
}

TEST_CASE("extends: rules are checked once - on the final scenario", "[scenario_file][extends]") {
    TempDir dir;
    const std::string broken = edit(rich, "share = 0.7", "share = 0.5");
    const fs::path base = dir.write("broken.toml", broken);
    CHECK_THROWS_WITH(marketsim::load_scenario(base), Contains("shares sum to 0.8"));
    const Scenario s = marketsim::load_scenario(
        dir.write("fixed.toml", "extends = \"broken.toml\"\n[set]\n\"type.video.share\" = 0.7\n"));
    CHECK(s.dimensions[1].members[1].share == 0.7);
    // a type error in the base is reported as it is read, pointing into the base
    dir.write("typo.toml", edit(rich, "annual_sd = 0.015", "annual_sd = \"x\""));
    CHECK_THROWS_WITH(marketsim::load_scenario(dir.write("on_typo.toml", "extends = \"typo.toml\"\n")),
                      Contains((dir.path / "typo.toml").string() + ":13:1: growth.annual_sd: expected a number"));
}
