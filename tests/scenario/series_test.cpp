// The series of a scenario.
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

TEST_CASE("a scenario without dimensions has the one series total, with or without cells", "[scenario_file]") {
    CHECK(marketsim::series_names(parse(minimal), false) == std::vector<std::string>{"total"});
    CHECK(marketsim::series_names(parse(minimal, {"output.cells=true"}), true) == std::vector<std::string>{"total"});
}
