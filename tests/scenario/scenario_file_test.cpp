// Scenario files (docs/scenario-format.md): reading, extends, [set], --set, validation messages.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "marketsim/error.hpp"
#include "core/hash.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/scenario.hpp"
#include "test_support.hpp"

using Catch::Matchers::Contains;
using marketsim::InputError;
using marketsim::Scenario;
namespace fs = std::filesystem;

namespace {

/** A fresh folder under the system temp dir, removed at scope exit. */
struct TempDir {
    fs::path path;
    TempDir() {
        static std::atomic<int> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path = fs::temp_directory_path() /
               ("marketsim_scenario_file_" + std::to_string(stamp) + "_" + std::to_string(counter++));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    fs::path write(const std::string& name, const std::string& text) const {
        const fs::path file = path / name;
        fs::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << text;
        return file;
    }
};

const std::string minimal = R"([scenario]
base_year = 2022
base_value = 100
horizon = 2030

[growth]
rate = 0.05
)";

const std::string rich = R"(# a scenario exercising every table
[scenario]
name = "rich"
unit = "USD bn"
base_year = 2022
base_value = 35.2
horizon = 2033
seed = 7

[growth]
rate = 0.052
long_run_sd = 0.01
annual_sd = 0.015
period = [ { from = 2025, to = 2026, rate = 0.04 }, { from = 2023, to = 2024, rate = 0.062 } ]

[[dimension]]
name = "region"
members = [
  { name = "europe", share = 0.4, shift = -0.01 },
  { name = "asia", share = 0.6, shift = 0.01, sd_scale = 1.3 },
]

[[dimension]]
name = "type"
members = [
  { name = "voice", share = 0.3 },
  { name = "video", share = 0.7 },
]

[correlation]
global = 0.4
region = 0.3
matrix.region = [[1.0, 0.5], [0.5, 1.0]]
matrix.type = [[1.0, 0.2], [0.2, 1.0]]

[[event]]
name = "recession"
probability = 0.08
from = 2024
to = 2033
impact = -0.03
duration = 2
where = { region = ["europe"] }

[[target]]
series = "total"
year = 2030
value = 53.8

[output]
quantiles = [0.1, 0.5, 0.9]
)";

Scenario parse(const std::string& text, const std::vector<std::string>& sets = {}) {
    return marketsim::parse_scenario(text, "test.toml", sets);
}

/** `text` with its one occurrence of `from` replaced by `to`. */
std::string edit(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    REQUIRE(pos != std::string::npos);
    REQUIRE(text.find(from, pos + 1) == std::string::npos);
    return text.replace(pos, from.size(), to);
}

/** "FILE:LINE:COL" of the first occurrence of `needle` in `text`. */
std::string loc(const std::string& text, const std::string& needle, const std::string& file = "test.toml") {
    const auto pos = text.find(needle);
    REQUIRE(pos != std::string::npos);
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n');
    const auto line_start = text.rfind('\n', pos == 0 ? 0 : pos - 1);
    const auto column = line_start == std::string::npos || pos == 0 ? pos + 1 : pos - line_start;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

/** The error message parse() throws, or "" (Catch prints it on mismatch). */
std::string error_of(const std::string& text, const std::vector<std::string>& sets = {}) {
    try {
        parse(text, sets);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

void require_same(const Scenario& a, const Scenario& b) {
    CHECK(marketsim::to_json(a).dump() == marketsim::to_json(b).dump());
    CHECK(a.name == b.name);
    CHECK(a.corr_weight == b.corr_weight);
    CHECK(a.corr_matrix == b.corr_matrix);
    CHECK(a.seed == b.seed);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// did-you-mean

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

// ---------------------------------------------------------------------------------------------
// Reading

TEST_CASE("shipped scenarios load and round-trip through to_toml", "[scenario_file]") {
    const fs::path folder = fs::path(MARKETSIM_SOURCE_DIR) / "scenarios";
    if (!fs::exists(folder)) return;
    for (const auto& entry : fs::directory_iterator(folder)) {
        if (entry.path().extension() != ".toml") continue;
        INFO(entry.path());
        const Scenario s = marketsim::load_scenario(entry.path());
        CHECK(s.files.front().first == entry.path().string());
        CHECK(s.cell_count() >= 1);
        require_same(s, parse(marketsim::to_toml(s)));
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

TEST_CASE("a scenario without dimensions has the one series total, with or without cells", "[scenario_file]") {
    CHECK(marketsim::series_names(parse(minimal), false) == std::vector<std::string>{"total"});
    CHECK(marketsim::series_names(parse(minimal, {"output.cells=true"}), true) == std::vector<std::string>{"total"});
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

// ---------------------------------------------------------------------------------------------
// Syntax, files, unknown keys, types

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

// ---------------------------------------------------------------------------------------------
// Required values and value rules

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

// ---------------------------------------------------------------------------------------------
// extends

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

// ---------------------------------------------------------------------------------------------
// [set] and --set

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

// ---------------------------------------------------------------------------------------------
// Writing

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
