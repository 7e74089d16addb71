// Segment mix inputs: shift year tables, adjustments of intersections, conditional shares and
// share series; how they are read, set, extended, checked and written back.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "marketsim/error.hpp"
#include "marketsim/scenario.hpp"
#include "scenario/scenario_support.hpp"

using Catch::Matchers::Contains;
using marketsim::Scenario;
using marketsim::YearTable;
using namespace marketsim::test;

namespace {

const std::string kTable = "{ name = \"asia\", share = 0.6, shift = { 2030 = 0.0, 2023 = 0.02 }, sd_scale = 1.3 }";

std::string with_table() { return edit(rich, "{ name = \"asia\", share = 0.6, shift = 0.01, sd_scale = 1.3 }", kTable); }

const marketsim::Member& member(const Scenario& s, std::size_t d, std::size_t m) { return s.dimensions[d].members[m]; }

}  // namespace

TEST_CASE("a shift year table is read sorted - interpolated linearly and constant outside its years", "[scenario_file][shift_table]") {
    const Scenario s = parse(with_table());
    const marketsim::Member& asia = member(s, 0, 1);
    CHECK(asia.shift_table == YearTable{{2023, 0.02}, {2030, 0.0}});
    CHECK(asia.shift == 0.0);
    CHECK(asia.shift_at(2022) == 0.02);
    CHECK(asia.shift_at(2023) == 0.02);
    CHECK(asia.shift_at(2030) == 0.0);
    CHECK(asia.shift_at(2033) == 0.0);
    // 2026: 0.02 + (0 - 0.02) * 3 / 7
    CHECK(asia.shift_at(2026) == 0.02 + (0.0 - 0.02) * 3.0 / 7.0);
    CHECK(marketsim::shift_in(0.5, {}, 2026) == 0.5);
    CHECK(s.warnings.empty());
}

TEST_CASE("a shift table is set whole or year by year - a number replaces it", "[scenario_file][shift_table][set]") {
    Scenario s = parse(rich, {"region.asia.shift={2023=0.03,2033=0.0}"});
    CHECK(member(s, 0, 1).shift_table == YearTable{{2023, 0.03}, {2033, 0.0}});
    s = parse(with_table(), {"region.asia.shift=0.04"});
    CHECK(member(s, 0, 1).shift_table.empty());
    CHECK(member(s, 0, 1).shift == 0.04);
    s = parse(with_table(), {"region.asia.shift.2030=0.01", "region.asia.shift.2027=0.05"});
    CHECK(member(s, 0, 1).shift_table == YearTable{{2023, 0.02}, {2027, 0.05}, {2030, 0.01}});
    // numeric inputs list each year of a table instead of the plain shift
    std::vector<std::string> paths;
    for (const auto& in : marketsim::numeric_inputs(s)) paths.push_back(in.path);
    CHECK(std::count(paths.begin(), paths.end(), "region.asia.shift") == 0);
    CHECK(std::count(paths.begin(), paths.end(), "region.asia.shift.2027") == 1);
    CHECK(marketsim::numeric_value(s, "region.asia.shift.2027") == 0.05);
    CHECK(marketsim::numeric_value(s, "region.europe.shift") == -0.01);
    // a year of a plain shift is refused: the table has to be given whole
    CHECK_THAT(error_of(rich, {"region.asia.shift.2025=0.01"}),
               Contains("command line: --set region.asia.shift.2025=0.01: region.asia.shift.2025: region.asia.shift is a number, "
                        "not a year table"));
}

TEST_CASE("shift tables round-trip through to_toml and to_json", "[scenario_file][shift_table][toml]") {
    const Scenario s = parse(with_table());
    const Scenario back = parse(marketsim::to_toml(s));
    require_same(s, back);
    CHECK(member(back, 0, 1).shift_table == member(s, 0, 1).shift_table);
    const nlohmann::json j = marketsim::to_json(s);
    CHECK(j["dimension"][0]["members"][1]["shift"] == nlohmann::json{{"2023", 0.02}, {"2030", 0.0}});
    CHECK(j["dimension"][0]["members"][0]["shift"] == -0.01);
}

TEST_CASE("shift table errors name the key", "[scenario_file][shift_table][errors]") {
    std::string text = edit(rich, "shift = 0.01, sd_scale", "shift = { 2023 = 0.02, y2030 = 0.0 }, sd_scale");
    CHECK(error_of(text) == loc(text, "y2030") +
                                ": region.asia.shift: key 'y2030' is not a year; a shift table maps years (bare digits) to "
                                "values, e.g. { 2023 = 0.02, 2030 = 0.0 }");
    text = edit(rich, "shift = 0.01, sd_scale", "shift = { 2023 = 0.02, 02023 = 0.0 }, sd_scale");
    // (TOML tables are read in key order: either spelling may come first)
    CHECK_THAT(error_of(text), Contains("region.asia.shift: year 2023 is given twice (") && Contains(loc(text, "02023")) &&
                                   Contains(loc(text, "2023 = 0.02")));
    text = edit(rich, "shift = 0.01, sd_scale", "shift = { 2021 = 0.02 }, sd_scale");
    CHECK(error_of(text) == loc(text, "2021") +
                                ": region.asia.shift.2021 = 0.02: year 2021 is outside 2022..2222 (base_year .. base_year + 200)");
    text = edit(rich, "shift = 0.01, sd_scale", "shift = { 2223 = 0.02 }, sd_scale");
    CHECK_THAT(error_of(text), Contains("region.asia.shift.2223 = 0.02: year 2223 is outside 2022..2222"));
    text = edit(rich, "shift = 0.01, sd_scale", "shift = { }, sd_scale");
    CHECK_THAT(error_of(text), Contains("region.asia.shift = {}: give a number or at least one year"));
    text = edit(rich, "shift = 0.01, sd_scale", "shift = { 2023 = \"x\" }, sd_scale");
    CHECK_THAT(error_of(text), Contains("region.asia.shift.2023: expected a number"));
    // mu > -1 in every year, the year named
    text = edit(rich, "shift = 0.01, sd_scale", "shift = { 2023 = 0.0, 2033 = -2.0 }, sd_scale");
    CHECK_THAT(error_of(text), Contains("with region.asia.shift = -1.2 in 2029 the growth rate of cell region=asia/type=voice") &&
                                   Contains("in 2029; it must stay > -1"));
}

TEST_CASE("a shift table with no year in the run warns - a key may lie past the horizon", "[scenario_file][shift_table]") {
    std::string text = edit(rich, "shift = 0.01, sd_scale", "shift = { 2040 = 0.02, 2050 = 0.0 }, sd_scale");
    Scenario s = parse(text);
    REQUIRE(s.warnings.size() == 1);
    CHECK(s.warnings[0] == loc(text, "shift = { 2040") +
                               ": region.asia.shift lists no year in 2023..2033; it is 0.02 in every year of the run");
    text = edit(rich, "shift = 0.01, sd_scale", "shift = { 2023 = 0.02, 2040 = 0.0 }, sd_scale");
    s = parse(text);
    CHECK(s.warnings.empty());
    CHECK(member(s, 0, 1).shift_at(2033) == 0.02 + (0.0 - 0.02) * 10.0 / 17.0);
}

TEST_CASE("a three-point long run checks its low end with each year's shift", "[scenario_file][shift_table][errors]") {
    std::string text = edit(with_table(), "long_run_sd = 0.01", "long_run = { dist = \"pert\", low = -0.9, mode = 0.0, high = 0.1 }");
    text = edit(text, "rate = 0.052\n", "");
    text = edit(text, "period = [ { from = 2025, to = 2026, rate = 0.04 }, { from = 2023, to = 2024, rate = 0.062 } ]\n", "");
    text = edit(text, "shift = -0.01 }", "shift = { 2023 = 0.0, 2033 = -0.5 } }");
    // europe x voice: mode + shift(y) + 1 * (low - mode) = -0.9 + shift(y) with shift(y) = -0.05 (y - 2023),
    // first <= -1 in 2025 (shift -0.1)
    CHECK_THAT(error_of(text), Contains("growth.long_run.low = -0.9: for cell region=europe/type=voice (shift -0.1 in 2025"));
}

namespace {

const std::string kAdjust = R"(
[[adjust]]
name = "video_asia"
where = { type = ["video"], region = ["asia"] }
shift = 0.02
sd_scale = 1.5
share = 1.2
)";

}  // namespace

TEST_CASE("an adjustment is read with its filter in dimension order - set by path and round-trips", "[scenario_file][adjust]") {
    Scenario s = parse(rich + kAdjust);
    REQUIRE(s.adjustments.size() == 1);
    const marketsim::Adjustment& a = s.adjustments[0];
    CHECK(a.name == "video_asia");
    REQUIRE(a.where.size() == 2);
    CHECK(a.where[0].first == "region");
    CHECK(a.where[1] == std::pair<std::string, std::vector<std::string>>{"type", {"video"}});
    CHECK(a.shift == 0.02);
    CHECK(a.sd_scale == 1.5);
    CHECK(a.share == 1.2);
    const Scenario back = parse(marketsim::to_toml(s));
    require_same(s, back);
    CHECK(marketsim::to_json(s)["adjust"][0]["where"]["type"] == nlohmann::json{"video"});

    s = parse(rich + kAdjust, {"adjust.video_asia.share=0.8", "adjust.video_asia.shift={2024=0.01,2030=0.0}",
                               "adjust.video_asia.shift.2027=0.03", "adjust.video_asia.where.type=[\"voice\",\"video\"]"});
    CHECK(s.adjustments[0].share == 0.8);
    CHECK(s.adjustments[0].shift_table == YearTable{{2024, 0.01}, {2027, 0.03}, {2030, 0.0}});
    CHECK(s.adjustments[0].where[1].second == std::vector<std::string>{"voice", "video"});
    CHECK(marketsim::numeric_value(s, "adjust.video_asia.share") == 0.8);
    CHECK(marketsim::numeric_value(s, "adjust.video_asia.sd_scale") == 1.5);
    CHECK(marketsim::numeric_value(s, "adjust.video_asia.shift.2027") == 0.03);
    CHECK(!marketsim::numeric_value(s, "adjust.video_asia.shift"));
    require_same(s, parse(marketsim::to_toml(s)));
    // a scenario without adjustments writes none
    CHECK(!marketsim::to_json(parse(rich)).contains("adjust"));
    CHECK(marketsim::to_toml(parse(rich)).find("[[adjust]]") == std::string::npos);
}

TEST_CASE("adjustment errors", "[scenario_file][adjust][errors]") {
    std::string text = rich + kAdjust + kAdjust;
    CHECK_THAT(error_of(text), Contains("adjustment 'video_asia' is already defined (test.toml:") &&
                                   Contains("adjustment names must be unique"));
    text = rich + edit(kAdjust, "where = { type = [\"video\"], region = [\"asia\"] }\n", "");
    CHECK_THAT(error_of(text), Contains("adjust.video_asia: where is required"));
    text = rich + edit(kAdjust, "where = { type = [\"video\"], region = [\"asia\"] }", "where = { }");
    CHECK_THAT(error_of(text), Contains("adjust.video_asia.where = {}: name at least one dimension"));
    text = rich + edit(kAdjust, "\"asia\"]", "\"asai\"]");
    CHECK(error_of(text) == loc(text, "\"asai\"") +
                                ": adjust.video_asia.where.region: unknown member 'asai' of dimension 'region'; did you mean 'asia'?");
    text = rich + edit(kAdjust, "region = [", "regoin = [");
    CHECK_THAT(error_of(text), Contains("adjust.video_asia.where: unknown dimension 'regoin'; did you mean 'region'?"));
    text = rich + edit(kAdjust, "sd_scale = 1.5", "sd_scale = 0");
    CHECK(error_of(text) == loc(text, "sd_scale = 0") + ": adjust.video_asia.sd_scale = 0.0: sd_scale must be > 0");
    text = rich + edit(kAdjust, "share = 1.2", "share = -1");
    CHECK_THAT(error_of(text), Contains("adjust.video_asia.share = -1.0: share must be > 0"));
    text = rich + edit(kAdjust, "share = 1.2", "shares = 1.2");
    CHECK_THAT(error_of(text), Contains("unknown key 'shares' in [[adjust]]; did you mean 'share'?"));
    text = rich + "[[adjust]]\nname = \"empty\"\nwhere = { region = [\"asia\"] }\n";
    CHECK_THAT(error_of(text), Contains("adjust.empty: give at least one of shift, sd_scale and share"));
    CHECK_THAT(error_of(rich + kAdjust, {"adjust.video_asai.share=2"}),
               Contains("unknown path 'adjust.video_asai.share'; did you mean 'adjust.video_asia.share'?"));
    text = rich + edit(kAdjust, "shift = 0.02", "shift = -1.1");
    CHECK_THAT(error_of(text), Contains(loc(text, "shift = -1.1") + ": adjust.video_asia.shift = -1.1: with adjust.video_asia.shift = -1.1 "
                                        "the growth rate of cell region=asia/type=video is"));
    text = edit(rich, "name = \"type\"", "name = \"adjust\"");
    CHECK_THAT(error_of(text), Contains("dimension[1].name = \"adjust\": reserved word"));
}

TEST_CASE("an extending file appends its adjustments - a name that exists is an error", "[scenario_file][adjust][extends]") {
    TempDir dir;
    dir.write("base.toml", rich + kAdjust);
    const auto what_if = dir.write("what_if.toml", "extends = \"base.toml\"\n[[adjust]]\nname = \"voice_europe\"\n"
                                                   "where = { region = [\"europe\"], type = [\"voice\"] }\nshift = -0.01\n");
    const Scenario s = marketsim::load_scenario(what_if);
    REQUIRE(s.adjustments.size() == 2);
    CHECK(s.adjustments[0].name == "video_asia");
    CHECK(s.adjustments[1].name == "voice_europe");
    const auto again = dir.write("again.toml", "extends = \"base.toml\"\n" + kAdjust);
    CHECK_THROWS_WITH(marketsim::load_scenario(again), Contains("adjustment 'video_asia' is already defined (") &&
                                                           Contains("base.toml:"));
}

namespace {

const std::string kShares = R"(
[shares.type.region]
asia = [0.2, 0.8]
)";

}  // namespace

TEST_CASE("conditional shares are read - set row by row - extended and round-trip", "[scenario_file][conditional_shares]") {
    Scenario s = parse(rich + kShares);
    REQUIRE(s.conditional_shares.size() == 1);
    CHECK(s.conditional_shares[0].dimension == "type");
    CHECK(s.conditional_shares[0].given == "region");
    CHECK(s.conditional_shares[0].rows == std::vector<std::pair<std::string, std::vector<double>>>{{"asia", {0.2, 0.8}}});
    require_same(s, parse(marketsim::to_toml(s)));
    CHECK(marketsim::to_json(s)["shares"]["type"]["region"]["asia"] == nlohmann::json{0.2, 0.8});

    // --set adds a row (kept in the given dimension's member order) or replaces one
    s = parse(rich + kShares, {"shares.type.region.europe=[0.5,0.5]", "shares.type.region.asia=[0.4,0.6]"});
    REQUIRE(s.conditional_shares[0].rows.size() == 2);
    CHECK(s.conditional_shares[0].rows[0] == std::pair<std::string, std::vector<double>>{"europe", {0.5, 0.5}});
    CHECK(s.conditional_shares[0].rows[1] == std::pair<std::string, std::vector<double>>{"asia", {0.4, 0.6}});
    s = parse(rich, {"shares.type.region.asia=[0.3,0.7]"});
    CHECK(s.conditional_shares.size() == 1);
    // rows are divided by their sum, like member shares
    s = parse(rich, {"shares.type.region.asia=[0.3,0.7000004]"});
    CHECK(s.conditional_shares[0].rows[0].second[0] == 0.3 / (0.3 + 0.7000004));

    TempDir dir;
    dir.write("base.toml", rich + kShares + "europe = [0.6, 0.4]\n");
    const auto what_if = dir.write("what_if.toml", "extends = \"base.toml\"\n[shares.type.region]\nasia = [0.9, 0.1]\n");
    s = marketsim::load_scenario(what_if);
    CHECK(s.conditional_shares[0].rows ==
          std::vector<std::pair<std::string, std::vector<double>>>{{"europe", {0.6, 0.4}}, {"asia", {0.9, 0.1}}});
}

TEST_CASE("conditional share errors name the place and the closest name", "[scenario_file][conditional_shares][errors]") {
    std::string text = rich + "[shares.tpye.region]\nasia = [0.2, 0.8]\n";
    CHECK(error_of(text) == loc(text, "asia = [0.2") + ": shares.tpye.region.asia: unknown dimension 'tpye'; did you mean 'type'?");
    text = rich + "[shares.region.type]\nvoice = [0.2, 0.8]\n";
    CHECK_THAT(error_of(text), Contains("shares.region.type.voice: 'region' can be given only an earlier dimension; 'type' comes "
                                        "after it (dimensions in order: region, type)"));
    text = rich + "[shares.type.type]\nvoice = [0.2, 0.8]\n";
    CHECK_THAT(error_of(text), Contains("'type' is the same dimension"));
    text = rich + "[shares.type.region]\nasai = [0.2, 0.8]\n";
    CHECK(error_of(text) == loc(text, "asai") + ": shares.type.region.asai: unknown member 'asai' of dimension 'region'; did you mean 'asia'?");
    text = rich + "[shares.type.region]\nasia = [0.2, 0.3, 0.5]\n";
    CHECK(error_of(text) == loc(text, "asia = [") + ": shares.type.region.asia has 3 shares but dimension 'type' has 2 members (voice, video)");
    text = rich + "[shares.type.region]\nasia = [0.2, 0.7]\n";
    CHECK(error_of(text) == loc(text, "asia = [") + ": shares.type.region.asia: shares sum to 0.8999999999999999; they must sum to 1 (within 1e-6)");
    text = rich + "[shares.type.region]\nasia = [0.0, 1.0]\n";
    CHECK(error_of(text) == loc(text, "0.0, 1.0") + ": shares.type.region.asia[0] = 0.0: shares must be > 0");
    text = rich + "[shares.type.region]\nasia = \"half\"\n";
    CHECK_THAT(error_of(text), Contains("shares.type.region.asia: expected an array"));
    // three dimensions: a second given for one dimension
    const std::string three = edit(rich, "[correlation]", "[[dimension]]\nname = \"app\"\nmembers = [ { name = \"home\", share = 0.5 }, "
                                                          "{ name = \"work\", share = 0.5 } ]\n\n[correlation]");
    CHECK_NOTHROW(parse(three + "[shares.app.type]\nvideo = [0.3, 0.7]\n[shares.type.region]\nasia = [0.2, 0.8]\n"));
    text = three + "[shares.app.type]\nvideo = [0.3, 0.7]\n[shares.app.region]\nasia = [0.2, 0.8]\n";
    // (TOML tables are read in key order: region's row comes first)
    CHECK(error_of(text) == loc(text, "video = [0.3") + ": shares.app.type.video: the shares of 'app' are already given by 'region' (" +
                                loc(text, "asia = [0.2") + "); a dimension's shares depend on at most one earlier dimension");
    CHECK_THAT(error_of(rich, {"shares.type.region.asia=[0.5]"}),
               Contains("command line: --set shares.type.region.asia=[0.5]: shares.type.region.asia has 1 shares"));
}

TEST_CASE("a scenario without dimensions is one cell whose only series is total", "[scenario_file][conditional_shares]") {
    const Scenario s = parse(minimal + "[output]\nshares = true\ncells = true\n");
    CHECK(marketsim::series_names(s, true) == std::vector<std::string>{"total"});
    CHECK(s.cell_count() == 1);
}
