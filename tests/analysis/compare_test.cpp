// Paired comparison: exact properties of common random numbers, and agreement with single runs.
#include <cmath>
#include <sstream>

#include <catch2/catch.hpp>

#include "marketsim/compare.hpp"
#include "marketsim/error.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/files.hpp"
#include "marketsim/json.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/quantiles.hpp"
#include "marketsim/text.hpp"
#include "test_support.hpp"

using namespace marketsim;

namespace {

Scenario shipped(const std::string& name, const std::vector<std::string>& sets = {}) {
    return load_scenario(test::source_dir() + "/scenarios/" + name, sets);
}

std::vector<std::string> rows_of(const std::string& csv, const std::string& prefix) {
    std::istringstream in(csv);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(prefix, 0) == 0) out.push_back(line);
    return out;
}

}  // namespace

TEST_CASE("a what-if that touches one region leaves every other region's delta exactly zero", "[compare][threads]") {
    const std::vector<Scenario> sc = {shipped("baseline.toml"), shipped("asia_pacific_acceleration.toml")};
    RunOptions opt;
    opt.paths = 5000;
    const Comparison c = compare(sc, opt);
    const std::string csv = delta_csv(c);
    REQUIRE(csv.substr(0, csv.find('\n')) == "scenario,series,year,mean,sd,p05,p10,p25,p50,p75,p90,p95,prob_b_gt_a");
    for (const char* region : {"north_america", "europe", "south_america", "middle_east_africa"}) {
        const auto rows = rows_of(csv, std::string("asia_pacific_acceleration,region=") + region + ",");
        REQUIRE(rows.size() == 12);
        for (const std::string& row : rows) {
            INFO(row);
            CHECK(row.substr(row.find(',', row.find(',', row.find(',') + 1) + 1)) == ",0,0,0,0,0,0,0,0,0,0");
        }
    }
    // Asia-Pacific itself grows faster on (almost) every path, and never falls behind in mean
    const std::size_t apac = 1 + 2;  // total, north_america, europe, asia_pacific
    const Band& d = c.delta[0].band(apac, 11);
    CHECK(d.mean > 0);
    CHECK(c.greater[0][apac * 12 + 11] > 0.9);
    CHECK(c.greater[0][apac * 12 + 0] == 0.0);  // the base year is the same
}

TEST_CASE("compare gives each scenario the bands a single run gives", "[compare][threads]") {
    const std::vector<Scenario> sc = {shipped("baseline.toml"), shipped("recession_2027.toml")};
    RunOptions opt;
    opt.paths = 3000;
    opt.threads = 2;
    const Comparison c = compare(sc, opt);
    CHECK(bands_csv(c.bands[0], true) == bands_csv(run(sc[0], opt), true));
    CHECK(bands_csv(c.bands[1], true) == bands_csv(run(sc[1], opt), true));
    // the mean of the differences is the difference of the means (exact sums, one rounding each)
    for (std::size_t s = 0; s < c.delta[0].series.size(); ++s) {
        const double expected = c.bands[1].band(s, 11).mean - c.bands[0].band(s, 11).mean;
        INFO(c.delta[0].series[s] << ": calculated " << c.delta[0].band(s, 11).mean << " expected " << expected);
        CHECK(std::fabs(c.delta[0].band(s, 11).mean - expected) <= 1e-12 * c.bands[0].band(s, 11).mean);
    }
    // and any thread count gives the same bytes
    opt.threads = 1;
    CHECK(delta_csv(compare(sc, opt)) == delta_csv(c));
}

TEST_CASE("a deterministic shift scales the difference path by path", "[compare]") {
    // B = A with one more point of growth: B(t) = A(t) (1.06/1.05)^t, so B - A is A times a
    // constant and its quantiles are A's times that constant (each within the summary's bound)
    const std::string text = R"(
[scenario]
base_year = 2022
horizon = 2030
base_value = 10
seed = 3
[growth]
rate = 0.05
long_run_sd = 0.02
annual_sd = 0.03
)";
    std::vector<Scenario> sc = {test::scenario_from(text, "a.toml"),
                                test::scenario_from(text, "b.toml", {"growth.rate=0.06"})};
    RunOptions opt;
    opt.paths = 20000;
    const Comparison c = compare(sc, opt);
    for (int t = 1; t <= 8; ++t) {
        const double k = std::pow(1.06 / 1.05, t) - 1;
        for (std::size_t q = 0; q < 7; ++q) {
            const double expected = k * c.bands[0].band(0, t).quantile[q];
            const double got = c.delta[0].band(0, t).quantile[q];
            const double tol = 2.5e-4 * std::fabs(expected);  // two summaries, each within 1e-4
            INFO("year " << 2022 + t << " quantile " << q << ": calculated " << got << " expected " << expected
                         << " tolerance " << tol);
            CHECK(std::fabs(got - expected) <= tol);
        }
        CHECK(c.greater[0][static_cast<std::size_t>(t)] == 1.0);
    }
}

TEST_CASE("scenarios that cannot be paired are refused", "[compare]") {
    RunOptions opt;
    opt.paths = 100;
    CHECK_THROWS_AS(compare({shipped("baseline.toml")}, opt), InputError);
    CHECK_THROWS_WITH(compare({shipped("baseline.toml"), shipped("baseline.toml", {"scenario.horizon=2030"})}, opt),
                      Catch::Contains("same years"));
    CHECK_THROWS_WITH(compare({shipped("baseline.toml"), shipped("baseline.toml")}, opt), Catch::Contains("named"));
    const Scenario single = test::scenario_from(
        "[scenario]\nbase_year = 2022\nhorizon = 2033\nbase_value = 35.2\n[growth]\nrate = 0.05\n", "single.toml");
    CHECK_THROWS_WITH(compare({shipped("baseline.toml"), single}, opt), Catch::Contains("dimensions"));
}

TEST_CASE("compare lines up the series both scenarios name alike: share series in one and cells in the other", "[compare]") {
    const std::vector<Scenario> sc = {shipped("baseline.toml", {"output.shares=true"}),
                                      shipped("baseline.toml", {"output.cells=true", "region.europe.shift=0.01", "scenario.name=\"faster_europe\""})};
    RunOptions opt;
    opt.paths = 500;
    const Comparison c = compare(sc, opt);
    const Scenario& a = sc[0];
    std::vector<std::string> members{"total"};
    for (const Dimension& d : a.dimensions)
        for (const Member& m : d.members) members.push_back(d.name + "=" + m.name);
    CHECK(c.delta[0].series == members);
    // a region the change does not touch has a zero delta; europe's is positive
    const std::string csv = delta_csv(c);
    REQUIRE(rows_of(csv, "faster_europe,region=north_america,").size() == 12);
    for (const std::string& row : rows_of(csv, "faster_europe,region=north_america,")) {
        INFO(row);
        CHECK(row.substr(row.find(',', row.find(',', row.find(',') + 1) + 1)) == ",0,0,0,0,0,0,0,0,0,0");
    }
    CHECK(c.delta[0].band(2, 11).mean > 0);  // region=europe in 2033
}
