// Writing a resolved scenario back: to_json and to_toml.
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

TEST_CASE("to_json holds every resolved field - doubles round-trip", "[scenario_file][json]") {
    const Scenario s = parse(edit(rich, "base_value = 35.2", "base_value = 0.30000000000000004"));
    const nlohmann::json j = nlohmann::json::parse(marketsim::to_json(s).dump());
    CHECK(j.at("name") == "rich");
    CHECK(j.at("unit") == "USD bn");
    CHECK(j.at("base_year") == 2022);
    CHECK(j.at("horizon") == 2033);
    CHECK(j.at("seed") == 7);
    CHECK(j.at("base_value").get<double>() == 0.30000000000000004);
    CHECK(j.at("growth").at("rate").get<double>() == 0.052);
    CHECK(j.at("growth").at("period").size() == 2);
    CHECK(!j.at("growth").contains("long_run"));
    CHECK(j.at("dimension").at(0).at("members").at(1).at("sd_scale") == 1.3);
    CHECK(j.at("correlation").at("weights").at("type") == 0.0);
    CHECK(j.at("correlation").at("matrix").at("region").at(0).at(1) == 0.5);
    CHECK(j.at("event").at(0).at("from") == 2024);
    CHECK(j.at("event").at(0).at("duration") == 2);
    CHECK(j.at("event").at(0).at("where").at("region").at(0) == "europe");
    CHECK(j.at("target").at(0).at("value") == 53.8);
    CHECK(j.at("output").at("quantiles").size() == 3);
    CHECK(j.at("output").at("cells") == false);
}

TEST_CASE("to_toml reads back to the same scenario", "[scenario_file][toml]") {
    require_same(parse(rich), parse(marketsim::to_toml(parse(rich))));
    require_same(parse(minimal), parse(marketsim::to_toml(parse(minimal))));

    std::string odd = edit(rich, "unit = \"USD bn\"", "unit = \"quote \\\" backslash \\\\ tab \\t é\"");
    odd = edit(odd, "share = 0.4,", "share = 0.1234567890123457,");
    odd = edit(odd, "share = 0.6,", "share = 0.8765432109876543,");
    odd = edit(odd, "long_run_sd = 0.01", "long_run = { dist = \"pert\", low = 1e-05, mode = 0.1 , high = 0.30000000000000004 }");
    odd = edit(odd, "from = 2024\nto = 2033", "at = 2026");
    odd = edit(odd, "where = { region = [\"europe\"] }", "where = { type = [\"video\", \"voice\"], region = [\"asia\", \"europe\"] }");
    odd = edit(odd, "[output]", "[output]\ncells = true\nrelative_accuracy = 3.3e-5");
    const Scenario a = parse(odd);
    CHECK(a.unit == "quote \" backslash \\ tab \t é");
    CHECK(a.events[0].where[0].first == "region");  // dimension order
    const Scenario b = parse(marketsim::to_toml(a));
    require_same(a, b);
    CHECK(b.unit == a.unit);

    const Scenario u = parse(edit(rich, "long_run_sd = 0.01", "long_run = { dist = \"uniform\", low = 0.01, high = 0.07 }"));
    require_same(u, parse(marketsim::to_toml(u)));
}

TEST_CASE("uncertain impacts and once events survive to_toml and to_json", "[scenario_file][toml]") {
    for (const char* impact : {"{ dist = \"pert\", low = -0.08, mode = -0.03, high = 0.30000000000000004 }",
                               "{ dist = \"triangular\", low = -0.1, mode = -0.1, high = 0.0 }",
                               "{ dist = \"uniform\", low = -0.1, high = 0.1234567890123457 }"}) {
        INFO(impact);
        const Scenario a = parse(edit(edit(rich, "impact = -0.03", std::string("impact = ") + impact), "duration = 2",
                                      "duration = 2\nonce = true"));
        const Scenario b = parse(marketsim::to_toml(a));
        require_same(a, b);
        REQUIRE(b.events[0].impact_range);
        CHECK(b.events[0].impact_range->high == a.events[0].impact_range->high);
        CHECK(b.events[0].once);
        const nlohmann::json j = marketsim::to_json(a);
        CHECK(j.at("event").at(0).at("impact").at("dist") == a.events[0].impact_range->dist);
        CHECK(j.at("event").at(0).at("impact").at("mode").get<double>() == a.events[0].impact);
        CHECK(j.at("event").at(0).at("once") == true);
    }
    // a scenario without them writes what it wrote before: no once key, a number for the impact
    const nlohmann::json plain = marketsim::to_json(parse(rich));
    CHECK_FALSE(plain.at("event").at(0).contains("once"));
    CHECK(plain.at("event").at(0).at("impact") == -0.03);
    CHECK(marketsim::to_toml(parse(rich)).find("once") == std::string::npos);
}
