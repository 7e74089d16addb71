// closest_name and did_you_mean: the nearest valid name for a message.
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

TEST_CASE("closest_name finds near misses only", "[scenario_file][error]") {
    const std::vector<std::string> keys{"rate", "long_run_sd", "annual_sd", "long_run", "period"};
    CHECK(marketsim::closest_name("anual_sd", keys) == "annual_sd");
    CHECK(marketsim::closest_name("longrun", keys) == "long_run");
    CHECK(marketsim::closest_name("rte", keys) == "rate");
    CHECK(marketsim::closest_name("volatility", keys).empty());
    CHECK(marketsim::closest_name("x", {}).empty());
    // "close" = distance <= max(2, len/3): 12 characters allow 4 edits, not 5
    CHECK(marketsim::closest_name("abcdefghijkl", {"abcdefghWXYZ"}) == "abcdefghWXYZ");
    CHECK(marketsim::closest_name("abcdefghijkl", {"abcdefgVWXYZ"}).empty());
}

TEST_CASE("did_you_mean suggests - or lists few valid names", "[scenario_file][error]") {
    CHECK(marketsim::did_you_mean("regoin", {"global", "region"}) == "; did you mean 'region'?");
    CHECK(marketsim::did_you_mean("zzzzzzz", {"global", "region"}) == "; valid names: 'global', 'region'");
    const std::vector<std::string> many{"a1", "b2", "c3", "d4", "e5", "f6", "g7", "h8", "i9"};
    CHECK(marketsim::did_you_mean("zzzzzzz", many).empty());
}

TEST_CASE("closest_name also matches a dotted or series name piece by piece", "[scenario_file][error]") {
    const std::vector<std::string> paths{"region.asia_pacific.shift", "region.asia_pacific.share", "region.europe.shift",
                                         "type.voice.shift"};
    // one piece typed only at its start, the rest exact: too far for the whole-name distance
    CHECK(marketsim::closest_name("region.asia.shift", paths) == "region.asia_pacific.shift");
    CHECK(marketsim::closest_name("region=asia", {"total", "region=asia_pacific", "region=europe"}) == "region=asia_pacific");
    // two differing pieces, a piece too short to stand for a start, or an ambiguous start: nothing
    CHECK(marketsim::closest_name("region.asia.sd", paths).empty());
    CHECK(marketsim::closest_name("region.as.shift", paths).empty());
    CHECK(marketsim::closest_name("region.asia", {"region.asia_pacific", "region.asia_minor"}).empty());
    // separators must agree piece for piece
    CHECK(marketsim::closest_name("region=asia.shift", paths).empty());
    CHECK(marketsim::did_you_mean("region.asia.shift", paths) == "; did you mean 'region.asia_pacific.shift'?");
}
