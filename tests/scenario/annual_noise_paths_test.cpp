// growth.annual_persistence and growth.annual_tails as scenario keys: the file, [set], --set,
// extends, writing back, numeric inputs, and the messages of bad values.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "marketsim/error.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/scenario.hpp"
#include "scenario/scenario_support.hpp"
#include "test_support.hpp"

using Catch::Matchers::Contains;
using marketsim::InputError;
using marketsim::Scenario;
using namespace marketsim::test;

namespace {

/** The rich scenario with persistence 0.4 and 6 degrees of freedom (made in a test: edit() asserts). */
std::string noisy() {
    return edit(rich, "annual_sd = 0.015\n", "annual_sd = 0.015\nannual_persistence = 0.4\nannual_tails = 6\n");
}

bool warns_of_tails(const Scenario& s) {
    return std::any_of(s.warnings.begin(), s.warnings.end(), [](const std::string& w) {
        return w.find("growth.annual_tails") != std::string::npos && w.find("sample figures") != std::string::npos;
    });
}

}  // namespace

TEST_CASE("annual persistence and tails: read from [growth] with their places - absent by default", "[scenario_file][annual_noise]") {
    const Scenario plain = parse(rich);
    CHECK(plain.annual_persistence == 0.0);
    CHECK_FALSE(plain.annual_tails);
    CHECK_FALSE(warns_of_tails(plain));
    const nlohmann::json pj = marketsim::to_json(plain);
    CHECK_FALSE(pj.at("growth").contains("annual_persistence"));
    CHECK_FALSE(pj.at("growth").contains("annual_tails"));
    CHECK(marketsim::to_toml(plain).find("annual_") == marketsim::to_toml(plain).find("annual_sd"));

    const std::string with_noise = noisy();
    const Scenario s = parse(with_noise);
    CHECK(s.annual_persistence == 0.4);
    REQUIRE(s.annual_tails);
    CHECK(*s.annual_tails == 6);
    CHECK(s.origins.at("growth.annual_persistence").str() == loc(with_noise, "annual_persistence"));
    CHECK(s.origins.at("growth.annual_tails").str() == loc(with_noise, "annual_tails"));
    // Student-t years: every output carries the warning that mean and sd are sample figures
    CHECK(warns_of_tails(s));
    const nlohmann::json j = marketsim::to_json(s);
    CHECK(j.at("growth").at("annual_persistence").get<double>() == 0.4);
    CHECK(j.at("growth").at("annual_tails").get<int>() == 6);
}

TEST_CASE("annual persistence and tails: [set], --set and extends override them key by key", "[scenario_file][annual_noise][extends]") {
    const std::string with_noise = noisy();
    const std::string set_text = rich + "\n[set]\n\"growth.annual_persistence\" = 0.25\n\"growth.annual_tails\" = 9\n";
    const Scenario s = parse(set_text);
    CHECK(s.annual_persistence == 0.25);
    CHECK(*s.annual_tails == 9);
    CHECK(s.origins.at("growth.annual_tails").str() == loc(set_text, "\"growth.annual_tails\""));

    const Scenario c = parse(with_noise, {"growth.annual_persistence=0.9", "growth.annual_tails=30"});
    CHECK(c.annual_persistence == 0.9);
    CHECK(*c.annual_tails == 30);
    CHECK(c.origins.at("growth.annual_tails").str() == "command line: --set growth.annual_tails=30");
    // an integer is accepted where a number is expected
    CHECK(parse(rich, {"growth.annual_persistence=0"}).annual_persistence == 0.0);

    TempDir dir;
    dir.write("base.toml", with_noise);
    const auto file = dir.write("what_if.toml", "extends = \"base.toml\"\n[growth]\nannual_tails = 20\n");
    const Scenario e = marketsim::load_scenario(file);
    CHECK(*e.annual_tails == 20);
    CHECK(e.annual_persistence == 0.4);  // inherited
    CHECK(e.origins.at("growth.annual_tails").file == file.string());
    const auto calm = dir.write("calm.toml", "extends = \"base.toml\"\n[set]\n\"growth.annual_persistence\" = 0\n");
    const Scenario f = marketsim::load_scenario(calm);
    CHECK(f.annual_persistence == 0.0);
    CHECK(*f.annual_tails == 6);
}

TEST_CASE("annual persistence and tails: to_toml reads back - numeric inputs list them", "[scenario_file][annual_noise][toml]") {
    const Scenario s = parse(noisy());
    const std::string toml = marketsim::to_toml(s);
    CHECK_THAT(toml, Contains("annual_persistence = 0.4\n"));
    CHECK_THAT(toml, Contains("annual_tails = 6\n"));
    const Scenario back = parse(toml);
    require_same(s, back);
    CHECK(back.annual_persistence == s.annual_persistence);
    CHECK(back.annual_tails == s.annual_tails);

    CHECK(marketsim::numeric_value(s, "growth.annual_persistence") == 0.4);
    CHECK(marketsim::numeric_value(s, "growth.annual_tails") == 6.0);
    // persistence has a value (0) in every scenario; tails only where they are given
    CHECK(marketsim::numeric_value(parse(rich), "growth.annual_persistence") == 0.0);
    CHECK_FALSE(marketsim::numeric_value(parse(rich), "growth.annual_tails"));
    for (const marketsim::NumericInput& in : marketsim::numeric_inputs(s)) {
        INFO(in.path);
        CHECK(marketsim::numeric_value(marketsim::with_sets(s, {in.path + "=" + marketsim::format_number(in.value)}), in.path) ==
              in.value);
    }
}

TEST_CASE("annual persistence and tails: bad values name the place, the key and the value", "[scenario_file][annual_noise][bad_input]") {
    const auto persistence = [](const std::string& value) {
        return edit(rich, "annual_sd = 0.015\n", "annual_sd = 0.015\nannual_persistence = " + value + "\n");
    };
    const auto tails = [](const std::string& value) {
        return edit(rich, "annual_sd = 0.015\n", "annual_sd = 0.015\nannual_tails = " + value + "\n");
    };
    std::string t = persistence("1.0");
    CHECK(error_of(t) == loc(t, "annual_persistence") + ": growth.annual_persistence = 1.0: must be in [0, 1) (0: independent years)");
    t = persistence("-0.1");
    CHECK(error_of(t) == loc(t, "annual_persistence") + ": growth.annual_persistence = -0.1: must be in [0, 1) (0: independent years)");
    t = persistence("\"high\"");
    CHECK(error_of(t) == loc(t, "annual_persistence") + ": growth.annual_persistence: expected a number, got \"high\"");

    const std::string range = "must be an integer from 3 to 60 (the degrees of freedom of Student-t years)";
    t = tails("2");
    CHECK(error_of(t) == loc(t, "annual_tails") + ": growth.annual_tails = 2: " + range);
    t = tails("61");
    CHECK(error_of(t) == loc(t, "annual_tails") + ": growth.annual_tails = 61: " + range);
    t = tails("4.0");
    CHECK(error_of(t) == loc(t, "annual_tails") + ": growth.annual_tails = 4.0: " + range + "; write 4 without the decimal point");
    t = tails("4.5");
    CHECK(error_of(t) == loc(t, "annual_tails") + ": growth.annual_tails = 4.5: " + range);
    t = tails("\"5\"");
    CHECK(error_of(t) == loc(t, "annual_tails") + ": growth.annual_tails: expected an integer, got \"5\"");
    CHECK(error_of(rich, {"growth.annual_tails=2"}) ==
          "command line: --set growth.annual_tails=2: growth.annual_tails = 2: " + range);
    CHECK(error_of(rich, {"growth.annual_persistence=1"}) ==
          "command line: --set growth.annual_persistence=1: growth.annual_persistence = 1.0: must be in [0, 1) (0: independent years)");
    t = edit(rich, "annual_sd = 0.015\n", "annual_sd = 0.015\nannual_tail = 5\n");
    CHECK(error_of(t) == loc(t, "annual_tail ") + ": unknown key 'annual_tail' in [growth]; did you mean 'annual_tails'?");
    CHECK(error_of(rich, {"growth.annual_persistance=0.5"}) ==
          "command line: --set growth.annual_persistance=0.5: unknown path 'growth.annual_persistance'; did you mean "
          "'growth.annual_persistence'?");
}
