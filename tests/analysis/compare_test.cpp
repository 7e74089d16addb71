// Paired comparison: exact properties of common random numbers, and agreement with single runs.
#include <algorithm>
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
    REQUIRE(csv.substr(0, csv.find('\n')) ==
            "scenario,series,year,mean,sd,p05,p10,p25,p50,p75,p90,p95,prob_b_gt_a,mean_pct,p50_pct");
    for (const char* region : {"north_america", "europe", "south_america", "middle_east_africa"}) {
        const auto rows = rows_of(csv, std::string("asia_pacific_acceleration,region=") + region + ",");
        REQUIRE(rows.size() == 12);
        for (const std::string& row : rows) {
            INFO(row);
            CHECK(row.substr(row.find(',', row.find(',', row.find(',') + 1) + 1)) == ",0,0,0,0,0,0,0,0,0,0,0,0");
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
        CHECK(row.substr(row.find(',', row.find(',', row.find(',') + 1) + 1)) == ",0,0,0,0,0,0,0,0,0,0,0,0");
    }
    CHECK(c.delta[0].band(2, 11).mean > 0);  // region=europe in 2033
}

namespace {

/** The fields of one CSV row (an empty field stays empty). */
std::vector<std::string> fields(const std::string& row) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream in(row);
    while (std::getline(in, field, ',')) out.push_back(field);
    if (!row.empty() && row.back() == ',') out.emplace_back();
    return out;
}

}  // namespace

TEST_CASE("what moved ranks the series by the change of their horizon median - as delta.csv's columns give it",
          "[compare]") {
    const std::vector<Scenario> sc = {shipped("baseline.toml", {"output.shares=true"}),
                                      shipped("recession_2027.toml", {"output.shares=true"}),
                                      shipped("asia_pacific_acceleration.toml", {"output.shares=true"})};
    RunOptions opt;
    opt.paths = 3000;
    const Comparison c = compare(sc, opt);
    const std::string csv = delta_csv(c);
    const Results& a = c.bands.front();
    const std::size_t p50 = *find_quantile(a.quantiles, 0.5), mean_pct = 13, p50_pct = 14;
    REQUIRE(fields(csv.substr(0, csv.find('\n')))[p50_pct] == "p50_pct");
    for (std::size_t k = 1; k < c.bands.size(); ++k) {
        // recomputed from the rows of delta.csv in the horizon and the two scenarios' medians
        struct Row {
            std::string series;
            double change;
        };
        std::vector<Row> values, shares;
        for (std::size_t s = 0; s < c.delta[k - 1].series.size(); ++s) {
            const std::string& series = c.delta[k - 1].series[s];
            const auto rows = rows_of(csv, c.scenarios[k] + "," + series + ",2033,");
            REQUIRE(rows.size() == 1);
            const std::vector<std::string> f = fields(rows.front());
            REQUIRE(f.size() == 15);
            const double pa = a.band(s, 11).quantile[p50], pb = c.bands[k].band(s, 11).quantile[p50];
            INFO(rows.front());
            CHECK(f[12] == format_number(c.greater[k - 1][s * 12 + 11]));
            if (series.rfind("share:", 0) == 0) {
                CHECK(f[mean_pct].empty());  // a share moves in points, not percent
                CHECK(f[p50_pct].empty());
                shares.push_back({series, pb - pa});
                continue;
            }
            CHECK(f[mean_pct] == format_number(100.0 * c.delta[k - 1].band(s, 11).mean / a.band(s, 11).mean));
            CHECK(f[p50_pct] == format_number(100.0 * (pb - pa) / pa));
            if (s > 0) values.push_back({series, pb - pa});
        }
        REQUIRE(values.size() == 11);  // 5 regions, 4 types, 2 applications; not the total
        REQUIRE(shares.size() == 11);
        REQUIRE(values.size() + shares.size() == c.delta[k - 1].series.size() - 1);
        for (auto* list : {&values, &shares})
            std::stable_sort(list->begin(), list->end(),
                             [](const Row& x, const Row& y) { return std::fabs(x.change) > std::fabs(y.change); });
        const std::vector<Moved> ranked = what_moved(c, k, 100, MovedSeries::values);
        const std::vector<Moved> ranked_shares = what_moved(c, k, 100, MovedSeries::shares);
        REQUIRE(ranked.size() == values.size());
        REQUIRE(ranked_shares.size() == shares.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            INFO(c.scenarios[k] << " rank " << i + 1);
            CHECK(ranked[i].series == values[i].series);
            CHECK(ranked[i].change == values[i].change);
            CHECK_FALSE(ranked[i].share);
        }
        for (std::size_t i = 0; i < shares.size(); ++i) {
            CHECK(ranked_shares[i].series == shares[i].series);
            CHECK(ranked_shares[i].share);
        }
        // --top keeps the head of the same ranking
        const std::vector<Moved> top3 = what_moved(c, k, 3, MovedSeries::values);
        REQUIRE(top3.size() == 3);
        for (std::size_t i = 0; i < 3; ++i) CHECK(top3[i].series == values[i].series);
    }
    // the Asia-Pacific what-if moves Asia-Pacific most, and leaves Europe exactly where it was
    const std::vector<Moved> apac = what_moved(c, 2, 100, MovedSeries::values);
    CHECK(apac.front().series == "region=asia_pacific");
    for (const Moved& m : apac)
        if (m.series == "region=europe") {
            CHECK(m.change == 0.0);
            CHECK(m.change_pct == 0.0);
            CHECK(m.prob_b_gt_a == 0.0);
        }
}

TEST_CASE("a percent change relative to zero is a missing value - an empty field in delta.csv", "[compare]") {
    const std::vector<Scenario> sc = {shipped("baseline.toml"), shipped("recession_2027.toml")};
    RunOptions opt;
    opt.paths = 500;
    Comparison c = compare(sc, opt);
    // no validated scenario has a zero value; set the reference's to 0 where the what-if moved it
    Results& a = c.bands.front();
    const std::size_t europe = 2, p50 = *find_quantile(a.quantiles, 0.5);
    Band& b = a.bands[europe * 12 + 11];
    REQUIRE(c.bands[1].band(europe, 11).quantile[p50] != b.quantile[p50]);
    b.mean = 0.0;
    b.quantile[p50] = 0.0;
    const auto rows = rows_of(delta_csv(c), "recession_2027,region=europe,2033,");
    REQUIRE(rows.size() == 1);
    const std::vector<std::string> f = fields(rows.front());
    REQUIRE(f.size() == 15);
    CHECK(f[13].empty());
    CHECK(f[14].empty());
    for (const Moved& m : what_moved(c, 1, 100, MovedSeries::values))
        if (m.series == "region=europe") CHECK(std::isnan(m.change_pct));
    CHECK(compare_summary_text(c, 100).find("region=europe") != std::string::npos);
}

TEST_CASE("compare scenarios without a median get one - what moved ranks medians", "[compare]") {
    const std::vector<Scenario> sc = {shipped("baseline.toml", {"output.quantiles=[0.1, 0.9]"}),
                                      shipped("recession_2027.toml", {"output.quantiles=[0.1, 0.9]"})};
    RunOptions opt;
    opt.paths = 500;
    const Comparison c = compare(sc, opt);
    CHECK(c.bands[0].quantiles == std::vector<double>{0.1, 0.5, 0.9});
    CHECK(c.delta[0].quantiles == std::vector<double>{0.1, 0.5, 0.9});
}
