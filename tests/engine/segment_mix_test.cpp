// The segment mix in the engine: shift year tables, adjustments of intersections, conditional
// shares and share series, against exact constructions (closed forms path by path, exact base
// splits) and common random numbers (a change moves only the series it touches).
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/html.hpp"
#include "marketsim/json.hpp"
#include "model/model.hpp"
#include "sampling/path.hpp"
#include "sampling/random.hpp"
#include "model/streams.hpp"
#include "test_support.hpp"

using namespace marketsim;
using marketsim::test::scenario_from;

namespace {

std::string csv_rows_of(const std::string& csv, const std::string& series) {
    std::istringstream in(csv);
    std::string line, out;
    while (std::getline(in, line))
        if (line.rfind(series + ",", 0) == 0) out += line + "\n";
    return out;
}

}  // namespace

TEST_CASE("a shift table's drift follows the linear interpolation: one cell without noise", "[engine][shift_table]") {
    // V(H) = V(B) prod_y (1 + rate(y) + shift(y)), shift linear from 0.03 in 2024 to -0.01 in 2028
    const Scenario sc = scenario_from(R"(
[scenario]
base_year = 2022
horizon = 2031
base_value = 35.2
[growth]
rate = 0.05
period = [ { from = 2030, to = 2031, rate = 0.02 } ]
[[dimension]]
name = "region"
members = [ { name = "world", share = 1, shift = { 2028 = -0.01, 2024 = 0.03 } } ]
)");
    const Model m = compile(sc, 1);
    PathWorkspace ws(m);
    std::vector<double> out(static_cast<std::size_t>(m.years + 1) * m.series_count());
    simulate_path(m, 0, ws, out.data());
    const double shift[] = {0.03, 0.03, 0.02, 0.01, 0.0, -0.01, -0.01, -0.01, -0.01};  // 2023..2031
    double expected = 35.2;
    for (int t = 1; t <= 9; ++t) {
        const double rate = 2022 + t >= 2030 ? 0.02 : 0.05;
        expected *= 1 + rate + shift[t - 1];
        const double got = out[static_cast<std::size_t>(t) * m.series_count()];
        INFO("year " << 2022 + t << ": V calculated " << got << " expected " << expected << " error " << got - expected
                     << " tolerance " << 1e-12 * expected);
        CHECK(std::fabs(got - expected) <= 1e-12 * expected);
        CHECK(m.central[static_cast<std::size_t>(t)] == Approx(expected).epsilon(1e-12));
    }
}

TEST_CASE("with a three-point long run and a shift table - V(H) = V(B) prod of (1 + X + shift(y)) path by path", "[engine][shift_table][three_point]") {
    // one cell, no annual noise: r(y) = ln(1 + mode + shift(y)) + ln(1 + X_y) - ln(1 + mode + shift(y)),
    // X_y = mode + shift(y) + (Q(u) - mode), so each year grows by 1 + Q(u) + shift(y)
    const Scenario sc = scenario_from("[scenario]\nbase_year = 2022\nhorizon = 2030\nbase_value = 10\nseed = 3\n"
                                      "[growth]\nlong_run = { dist = \"pert\", low = 0.0, mode = 0.04, high = 0.1 }\n"
                                      "[[dimension]]\nname = \"r\"\nmembers = [ { name = \"w\", share = 1, shift = { 2023 = 0.05, 2030 = -0.02 } } ]\n");
    const Model m = compile(sc, 3);
    REQUIRE(m.long_run_by_year());
    PathWorkspace ws(m);
    const std::size_t ns = m.series_count();
    std::vector<double> out(9 * ns);
    for (int p = 0; p < 5000; ++p) {
        simulate_path(m, static_cast<std::uint64_t>(p), ws, out.data());
        const double z = normal(3, static_cast<std::uint64_t>(p), purpose::long_run, 1 + m.member_count);
        const double q = m.three_point->quantile_of_normal(z);
        double expected = 10;
        for (int y = 2023; y <= 2030; ++y) expected *= 1 + q + (0.05 + (-0.02 - 0.05) * (y - 2023) / 7.0);
        INFO("path " << p << ": V(2030) calculated " << out[8 * ns] << " expected " << expected);
        REQUIRE(std::fabs(out[8 * ns] - expected) <= 1e-12 * expected);
    }
}

TEST_CASE("common random numbers: a shift table moves only the series of its member", "[engine][shift_table][determinism]") {
    const std::string base = test::source_dir() + "/scenarios/baseline.toml";
    RunOptions opt;
    opt.paths = 4000;
    const std::string a = bands_csv(run(load_scenario(base), opt), false);
    const std::string tabled = bands_csv(run(load_scenario(base, {"region.asia_pacific.shift={2023=0.03,2033=0.0}"}), opt), false);
    for (const char* region : {"north_america", "europe", "south_america", "middle_east_africa"}) {
        const std::string series = std::string("region=") + region;
        INFO(series);
        CHECK(csv_rows_of(a, series) == csv_rows_of(tabled, series));
    }
    CHECK(csv_rows_of(a, "region=asia_pacific") != csv_rows_of(tabled, "region=asia_pacific"));
    // a table that is the member's constant in every year gives the same bytes as the constant
    const Scenario sc = load_scenario(base);
    double constant = 0;
    for (const Member& mem : sc.dimensions[0].members)
        if (mem.name == "asia_pacific") constant = mem.shift;
    const std::string flat = bands_csv(
        run(load_scenario(base, {"region.asia_pacific.shift={2023=" + std::to_string(constant) + "}"}), opt), false);
    CHECK(flat == bands_csv(run(load_scenario(base, {"region.asia_pacific.shift=" + std::to_string(constant)}), opt), false));
}

namespace {

/** The baseline with an adjustment of video in Asia-Pacific, written next to it. */
std::string adjusted(const std::string& body) {
    return "extends = \"" + test::source_dir() + "/scenarios/baseline.toml\"\n[output]\ncells = true\n[[adjust]]\n"
           "name = \"video_asia\"\nwhere = { region = [\"asia_pacific\"], type = [\"video\"] }\n" + body;
}

}  // namespace

TEST_CASE("common random numbers: adjust shift and sd_scale move only the matching cells' series", "[engine][adjust][determinism]") {
    RunOptions opt;
    opt.paths = 3000;
    const Scenario plain = scenario_from(adjusted("shift = 0.0\n"), "plain.toml");
    const Scenario moved = scenario_from(adjusted("shift = 0.03\nsd_scale = 1.6\n"), "moved.toml");
    const std::string a = bands_csv(run(plain, opt), false), b = bands_csv(run(moved, opt), false);
    const std::vector<std::string> names = series_names(plain, true);
    int same = 0, different = 0;
    for (const std::string& s : names) {
        // the series that contain a matching cell: the total, asia_pacific, video, every
        // application (each has a matching cell), and the matching cells themselves
        const bool touched = s == "total" || s == "region=asia_pacific" || s == "type=video" ||
                             s.rfind("application=", 0) == 0 || s.find("region=asia_pacific/type=video/") == 0;
        INFO(s);
        CHECK(csv_rows_of(a, s).size() > 0);
        if (touched) {
            CHECK(csv_rows_of(a, s) != csv_rows_of(b, s));
            ++different;
        } else {
            CHECK(csv_rows_of(a, s) == csv_rows_of(b, s));
            ++same;
        }
    }
    CHECK(different == 7);  // total, region and type members, two applications, two cells
    CHECK(same == static_cast<int>(names.size()) - 7);
}

TEST_CASE("a share adjustment rescales every cell: the base split is exact", "[engine][adjust]") {
    const Scenario sc = scenario_from(adjusted("share = 1.5\n"), "share.toml");
    const Model m = compile(sc, 1);
    // w_c = prod_d share_d (last dimension first) x 1.5 on matching cells; V = base_value (w_c / sum w)
    const std::size_t dims = sc.dimensions.size();
    std::vector<double> w(m.cell_count);
    double sum = 0;
    for (std::uint32_t c = 0; c < m.cell_count; ++c) {
        double x = 1.0;
        for (std::size_t d = dims; d-- > 0;) x *= sc.dimensions[d].members[m.cell_member[c * dims + d]].share;
        const bool match = sc.dimensions[0].members[m.cell_member[c * dims]].name == "asia_pacific" &&
                           sc.dimensions[1].members[m.cell_member[c * dims + 1]].name == "video";
        w[c] = match ? x * 1.5 : x;
        sum += w[c];
    }
    RunOptions opt;
    opt.paths = 200;
    const Results r = run(sc, opt);
    std::vector<double> members(m.member_count, 0.0);
    for (std::uint32_t c = 0; c < m.cell_count; ++c) {
        const double expected = sc.base_value * (w[c] / sum);
        const Band& b = r.band(m.cell_series_begin + c, 0);
        INFO("cell " << r.series[m.cell_series_begin + c] << ": base calculated " << b.mean << " expected " << expected);
        CHECK(b.mean == expected);
        CHECK(b.quantile.front() == expected);
        CHECK(b.sd == 0.0);
        for (std::size_t d = 0; d < dims; ++d) members[m.dim_offset[d] + m.cell_member[c * dims + d]] += expected;
    }
    CHECK(r.band(0, 0).mean == sc.base_value);
    for (std::uint32_t k = 0; k < m.member_count; ++k) {
        INFO(r.series[1 + k]);
        CHECK(r.band(1 + k, 0).mean == members[k]);
    }
    // every cell moved: the matching ones up, the others down
    const Model plain = compile(scenario_from(adjusted("shift = 0.0\n"), "plain.toml"), 1);
    for (std::uint32_t c = 0; c < m.cell_count; ++c) {
        const double ratio = m.base_value[c] / plain.base_value[c];
        CHECK(std::fabs(ratio - (w[c] / sum) / (plain.base_value[c] / sc.base_value)) <= 1e-12);
        CHECK(ratio != 1.0);
    }
}

TEST_CASE("adjust sd_scale multiplies the spread of matching cells: one cell's lognormal law", "[engine][adjust][statistical]") {
    // one cell with sd_scale 2 from an adjustment: ln V(H) ~ N(ln V(B) + n ln 1.05, n^2 (2 sL)^2 + n (2 sA)^2)
    const Scenario sc = scenario_from(R"(
[scenario]
base_year = 2020
horizon = 2030
base_value = 10
seed = 12
[growth]
rate = 0.05
long_run_sd = 0.01
annual_sd = 0.015
[[dimension]]
name = "region"
members = [ { name = "world", share = 1 } ]
[[adjust]]
name = "wider"
where = { region = ["world"] }
sd_scale = 2
)");
    RunOptions opt;
    opt.paths = 100000;
    const Results r = run(sc, opt);
    const double n = 10, s = std::sqrt(n * n * 0.02 * 0.02 + n * 0.03 * 0.03);
    const double mean = std::exp(std::log(10.0) + n * std::log(1.05) + s * s / 2);
    const double sd = mean * std::sqrt(std::exp(s * s) - 1);
    const double se = sd / std::sqrt(double(opt.paths));
    const Band& b = r.band(0, 10);
    INFO("mean calculated " << b.mean << " expected " << mean << " error " << b.mean - mean << " tolerance " << 5 * se);
    CHECK(std::fabs(b.mean - mean) <= 5 * se);
    const double w = std::exp(s * s), kurt = w * w * w * w + 2 * w * w * w + 3 * w * w - 3;
    const double se_sd = sd * std::sqrt((kurt - 1) / opt.paths) / 2;
    INFO("sd calculated " << b.sd << " expected " << sd << " error " << b.sd - sd << " tolerance " << 5 * se_sd);
    CHECK(std::fabs(b.sd - sd) <= 5 * se_sd);
}

TEST_CASE("conditional shares give the exact base split - in a chain", "[engine][conditional_shares]") {
    // application given type, type given region; cells in the base year equal the products exactly
    const Scenario sc = scenario_from(R"(
[scenario]
base_year = 2022
horizon = 2025
base_value = 80
[growth]
rate = 0.04
long_run_sd = 0.01
annual_sd = 0.02
[[dimension]]
name = "region"
members = [ { name = "na", share = 0.6 }, { name = "mea", share = 0.4 } ]
[[dimension]]
name = "type"
members = [ { name = "voice", share = 0.2 }, { name = "video", share = 0.5 }, { name = "wan", share = 0.3 } ]
[[dimension]]
name = "application"
members = [ { name = "corporate", share = 0.7 }, { name = "individuals", share = 0.3 } ]
[shares.type.region]
mea = [0.35, 0.25, 0.40]
[shares.application.type]
video = [0.1, 0.9]
[output]
cells = true
)");
    const Model m = compile(sc, 1);
    const double region[] = {0.6, 0.4};
    const double type[2][3] = {{0.2, 0.5, 0.3}, {0.35, 0.25, 0.40}};
    const double app[3][2] = {{0.7, 0.3}, {0.1, 0.9}, {0.7, 0.3}};
    RunOptions opt;
    opt.paths = 100;
    const Results r = run(sc, opt);
    std::vector<double> members(m.member_count, 0.0);
    double sum = 0;
    for (std::uint32_t c = 0; c < m.cell_count; ++c) {
        const std::uint32_t i = m.cell_member[c * 3], j = m.cell_member[c * 3 + 1], k = m.cell_member[c * 3 + 2];
        const double expected = 80.0 * app[j][k] * type[i][j] * region[i];  // last dimension first
        INFO("cell " << r.series[m.cell_series_begin + c] << ": base calculated " << m.base_value[c] << " expected " << expected);
        CHECK(m.base_value[c] == expected);
        CHECK(r.band(m.cell_series_begin + c, 0).mean == expected);
        CHECK(r.band(m.cell_series_begin + c, 0).quantile.back() == expected);
        members[m.dim_offset[0] + i] += expected;
        members[m.dim_offset[1] + j] += expected;
        members[m.dim_offset[2] + k] += expected;
        sum += expected;
    }
    CHECK(std::fabs(sum - 80.0) <= 1e-13 * 80);
    CHECK(r.band(0, 0).mean == 80.0);
    for (std::uint32_t s = 0; s < m.member_count; ++s) {
        INFO(r.series[1 + s] << ": base calculated " << r.band(1 + s, 0).mean << " expected " << members[s]);
        CHECK(r.band(1 + s, 0).mean == members[s]);
    }
    // type=voice: 80 (0.6 x 0.2 + 0.4 x 0.35) = 20.8, not 80 x 0.2
    CHECK(std::fabs(members[m.dim_offset[1]] - 20.8) <= 1e-12);
}

TEST_CASE("share series divide each path's member by its total - exact in the base year", "[engine][share_series]") {
    const Scenario sc = scenario_from(R"(
[scenario]
base_year = 2022
horizon = 2027
base_value = 50
seed = 8
[growth]
rate = 0.05
long_run_sd = 0.02
annual_sd = 0.03
[[dimension]]
name = "region"
members = [ { name = "na", share = 0.55, shift = -0.01 }, { name = "apac", share = 0.45, shift = 0.02, sd_scale = 1.3 } ]
[[dimension]]
name = "type"
members = [ { name = "voice", share = 0.3 }, { name = "video", share = 0.7 } ]
[shares.type.region]
apac = [0.1, 0.9]
[[adjust]]
name = "boost"
where = { region = ["apac"], type = ["video"] }
share = 1.2
[output]
cells = true
shares = true
[[target]]
series = "share:region=apac"
year = 2027
value = 0.45
[[target]]
series = "share:region=apac/type=video"
year = 2027
value = 0.4
)");
    const Model m = compile(sc, 8);
    const std::vector<std::string> expected_names{
        "total", "region=na", "region=apac", "type=voice", "type=video",
        "share:region=na", "share:region=apac", "share:type=voice", "share:type=video",
        "region=na/type=voice", "region=na/type=video", "region=apac/type=voice", "region=apac/type=video",
        "share:region=na/type=voice", "share:region=na/type=video", "share:region=apac/type=voice", "share:region=apac/type=video"};
    REQUIRE(m.series == expected_names);
    CHECK(m.share_member_begin == 5);
    CHECK(m.cell_series_begin == 9);
    CHECK(m.share_cell_begin == 13);
    // base year: member or cell base over base_value, exactly
    for (std::uint32_t k = 0; k < 4; ++k) CHECK(m.base_series[5 + k] == m.base_series[1 + k] / 50.0);
    for (std::uint32_t c = 0; c < 4; ++c) CHECK(m.base_series[13 + c] == m.base_value[c] / 50.0);
    // every path and year: the share is the member (cell) over the total, bit for bit
    PathWorkspace ws(m);
    const std::size_t ns = m.series_count();
    std::vector<double> out(6 * ns);
    for (std::uint64_t p = 0; p < 200; ++p) {
        simulate_path(m, p, ws, out.data());
        for (int t = 1; t <= 5; ++t) {
            const double* y = out.data() + static_cast<std::size_t>(t) * ns;
            for (std::uint32_t k = 0; k < 4; ++k) REQUIRE(y[5 + k] == y[1 + k] / y[0]);
            for (std::uint32_t c = 0; c < 4; ++c) REQUIRE(y[13 + c] == y[9 + c] / y[0]);
            REQUIRE(std::fabs(y[5] + y[6] - 1) <= 1e-14);
        }
    }
    RunOptions opt;
    opt.paths = 2000;
    const Results r = run(sc, opt);
    for (std::uint32_t s = 0; s < ns; ++s) {
        const Band& b = r.band(s, 0);
        INFO(r.series[s]);
        CHECK(b.mean == m.base_series[s]);
        CHECK(b.sd == 0.0);
        CHECK(b.quantile.front() == m.base_series[s]);
    }
    // share series have no CAGR entry; targets on them are counted
    const nlohmann::json j = summary_json(sc, r);
    CHECK(j["cagr"]["series"].contains("region=apac"));
    CHECK(!j["cagr"]["series"].contains("share:region=apac"));
    CHECK(j["cagr"]["series"].size() == 9);
    REQUIRE(r.targets.size() == 2);
    CHECK(r.targets[0].probability > 0.0);
    CHECK(r.targets[0].probability < 1.0);
    const std::string csv = bands_csv(r, false);
    CHECK(csv_rows_of(csv, "share:region=apac").size() > 0);
}

TEST_CASE("a target on a member's share counts the paths where the share reaches it", "[engine][share_series][statistical]") {
    const Scenario sc = scenario_from("[scenario]\nbase_year = 2022\nhorizon = 2024\nbase_value = 1\n[growth]\nrate = 0.05\n"
                                      "annual_sd = 0.02\n[[dimension]]\nname = \"r\"\nmembers = [ { name = \"a\", share = 0.5 }, "
                                      "{ name = \"b\", share = 0.5 } ]\n[output]\nshares = true\n[[target]]\nseries = \"share:r=a\"\n"
                                      "year = 2024\nvalue = 0.5\n");
    RunOptions opt;
    opt.paths = 1000;
    const Results r = run(sc, opt);
    CHECK(r.series == std::vector<std::string>{"total", "r=a", "r=b", "share:r=a", "share:r=b"});
    const double p = r.targets[0].probability;
    // the two regions are exchangeable: P(share of a >= 0.5) = 1/2, within 5 standard errors
    INFO("P calculated " << p << " expected 0.5 error " << p - 0.5 << " tolerance " << 5 * std::sqrt(0.25 / 1000));
    CHECK(std::fabs(p - 0.5) <= 5 * std::sqrt(0.25 / 1000));
}

TEST_CASE("the report lists shift tables - conditional shares and adjustments", "[engine][share_series][report]") {
    const Scenario sc = scenario_from(R"(
[scenario]
base_year = 2022
horizon = 2024
base_value = 5
[growth]
rate = 0.05
[[dimension]]
name = "region"
members = [ { name = "na", share = 0.5, shift = { 2023 = 0.02, 2030 = 0.0 } }, { name = "apac", share = 0.5 } ]
[[dimension]]
name = "type"
members = [ { name = "voice", share = 0.4 }, { name = "video", share = 0.6 } ]
[shares.type.region]
apac = [0.25, 0.75]
[[adjust]]
name = "boost"
where = { region = ["apac"], type = ["video"] }
sd_scale = 1.5
)");
    RunOptions opt;
    opt.paths = 100;
    const std::string html = run_report_html(sc, run(sc, opt));
    CHECK_THAT(html, Catch::Contains("<td class=\"l\">2023: 0.02, 2030: 0</td>"));  // a year table reads as text
    CHECK_THAT(html, Catch::Contains("type shares within region</th><th>voice</th><th>video</th>"));
    CHECK_THAT(html, Catch::Contains("<td class=\"l\">apac</td><td>0.25</td><td>0.75</td>"));
    CHECK_THAT(html, Catch::Contains("<td class=\"l\">boost</td><td class=\"l\">region: apac; type: video</td><td>0</td><td>1.5</td><td>1</td>"));
}
