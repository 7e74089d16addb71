// Non-ASCII text: read in strings and comments, refused where TOML has only syntax (the guard
// against toml++ 3.3).
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

TEST_CASE("non-ASCII text is read in strings and comments and refused where TOML has only syntax",
          "[scenario_file][errors]") {
    const std::string head = "[scenario]\nname = \"x\"\nbase_year = 2020\nbase_value = 1\nhorizon = 2025\n[growth]\nrate = 0.05\n";
    // in a comment, a string, a literal string and multi-line strings: read as written
    const marketsim::Scenario ok = marketsim::parse_scenario(
        head + "# caf\xc3\xa9 \xc2\xa7\n[output]\nquantiles = [0.5] # \xe2\x82\xac\n[set]\n\"scenario.unit\" = \"\xe2\x82\xac bn\"\n",
        "ok.toml");
    CHECK(ok.unit == "\xe2\x82\xac bn");
    const marketsim::Scenario multi = marketsim::parse_scenario(
        head + "[set]\n\"scenario.unit\" = \"\"\"\xc2\xa7 \\\n  bn\"\"\"\n", "multi.toml");
    CHECK(multi.unit == "\xc2\xa7 bn");
    const marketsim::Scenario literal =
        marketsim::parse_scenario(head + "[set]\n\"scenario.unit\" = '''\n\xc2\xa7\\\n'''\n", "literal.toml");
    CHECK(literal.unit == "\xc2\xa7\\\n");
    // bare, where only syntax may stand (toml++ 3.3 would reach undefined behaviour on some)
    CHECK_THROWS_WITH(marketsim::parse_scenario(head + "long_run_sd = \xd0\xa8" "010\n", "bare.toml"),
                      Contains("bare.toml:8:15: a non-ASCII character outside a string or comment"));
    CHECK_THROWS_WITH(marketsim::parse_scenario(head + "[set]\n\"scenario.unit\" = \"\"\"\\\n  \xc2\xa7\"\"\"\n", "b.toml"),
                      Contains("b.toml:10:3: a non-ASCII character right after a line-ending backslash"));
    // a backslash before one (no escape), in a string or a multi-line string, also after blanks
    CHECK_THROWS_WITH(marketsim::parse_scenario(head + "[set]\n\"scenario.unit\" = \"\\\xc2\xa7\"\n", "e.toml"),
                      Contains("e.toml:9:21: a backslash before a non-ASCII character, which is no escape"));
    CHECK_THROWS_WITH(marketsim::parse_scenario(head + "[set]\n\"scenario.unit\" = \"\"\"\\  \xc2\xa7\"\"\"\n", "m.toml"),
                      Contains("m.toml:9:25: a backslash before a non-ASCII character"));
    CHECK_THROWS_WITH(marketsim::parse_scenario(head, "set.toml", {"scenario.unit=\xe2\x82\xac"}),
                      Contains("command line: --set scenario.unit=\xe2\x82\xac: a non-ASCII character outside a string"));
    // quoted on the command line it is a string
    CHECK(marketsim::parse_scenario(head, "set.toml", {"scenario.unit=\"\xe2\x82\xac\""}).unit == "\xe2\x82\xac");
}
