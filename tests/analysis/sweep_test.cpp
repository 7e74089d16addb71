// marketsim sweep: the grid, common random numbers across points, and bad grids.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/cli_support.hpp"
#include "marketsim/error.hpp"
#include "marketsim/scenario.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/quantiles.hpp"
#include "marketsim/sweep.hpp"
#include "test_support.hpp"

using namespace marketsim;
namespace fs = std::filesystem;

namespace {
std::string baseline() { return test::source_dir() + "/scenarios/baseline.toml"; }
}  // namespace

TEST_CASE("a sweep axis lists LO - LO + STEP - ... and HI when reached within half a step", "[sweep]") {
    const auto a = parse_sweep_axis("growth.rate=0.04:0.06:0.005");
    REQUIRE(a);
    CHECK(a->path == "growth.rate");
    REQUIRE(a->values.size() == 5);
    CHECK(a->values.front() == 0.04);
    CHECK(a->values[2] == Approx(0.05).margin(1e-15));
    CHECK(a->values.back() == 0.06);  // exactly HI, not 0.04 + 4 x 0.005 in floating point
    const auto b = parse_sweep_axis("growth.rate=0:1:0.3");
    REQUIRE(b);
    REQUIRE(b->values.size() == 4);  // 0, 0.3, 0.6, 0.9: the next, 1.2, passes 1 by more than half a step
    CHECK(b->values.back() == Approx(0.9));
    const auto c = parse_sweep_axis("growth.rate=0:1:0.35");
    REQUIRE(c);
    REQUIRE(c->values.size() == 4);  // 0, 0.35, 0.7, then 1.05 reaches 1 within half a step: 1 itself
    CHECK(c->values[2] == Approx(0.7));
    CHECK(c->values.back() == 1.0);
    CHECK(parse_sweep_axis("x=5:5:1")->values == std::vector<double>{5.0});
    // plain PATH=VALUE settings are not axes
    CHECK_FALSE(parse_sweep_axis("growth.rate=0.05"));
    CHECK_FALSE(parse_sweep_axis("scenario.unit=\"a:b:c\""));
    CHECK_FALSE(parse_sweep_axis("scenario.unit=1:2"));
}

TEST_CASE("bad grids are refused with the reason", "[sweep][bad_input]") {
    const auto message = [](const char* text) {
        try {
            parse_sweep_axis(text);
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message("growth.rate=0.06:0.04:0.01").find("above its high end") != std::string::npos);
    CHECK(message("growth.rate=0.04:0.06:0").find("step must be positive") != std::string::npos);
    CHECK(message("growth.rate=0.04:0.06:-0.01").find("step must be positive") != std::string::npos);
    CHECK(message("growth.rate=0:1:0.00001").find("at most 10000") != std::string::npos);
    // two axes whose product passes the limit
    const auto a = parse_sweep_axis("growth.rate=0:1:0.001"), b = parse_sweep_axis("growth.annual_sd=0:0.1:0.001");
    CHECK_THROWS_WITH(sweep(load_scenario(baseline()), {*a, *b}, RunOptions{}), Catch::Contains("at most 10000"));
    CHECK_THROWS_WITH(sweep(load_scenario(baseline()), {}, RunOptions{}), Catch::Contains("at least one"));
    RunOptions few;
    few.paths = 10;
    CHECK_THROWS_WITH(sweep(load_scenario(baseline()), {*parse_sweep_axis("growth.rat=0:0.1:0.05")}, few),
                      Catch::Contains("did you mean 'growth.rate'"));
    CHECK_THROWS_WITH(sweep(load_scenario(baseline()), {*parse_sweep_axis("growth.rate=0:0.1:0.05")}, few, {"region=europa"}),
                      Catch::Contains("did you mean 'region=europe'"));
}

TEST_CASE("sweep points are runs on common random numbers", "[sweep][determinism][threads]") {
    RunOptions opt;
    opt.paths = 4000;
    opt.threads = 2;
    const Sweep s = sweep(load_scenario(baseline()), {*parse_sweep_axis("growth.rate=0.04:0.06:0.005")}, opt);
    REQUIRE(s.points.size() == 5);
    CHECK(s.seed == 2033);
    // a point is exactly the run with that value set
    const Results r = run(load_scenario(baseline(), {"growth.rate=0.05"}), opt);
    const Band& b = r.band(0, r.years);
    CHECK(s.points[2].stats.at(0).mean == b.mean);
    CHECK(s.points[2].stats.at(0).p50 == b.quantile[3]);
    CHECK(s.points[2].target_probability.at(0) == r.targets.at(0).probability);
    // every path grows faster at a higher rate, so with the same draws every statistic rises
    for (std::size_t i = 1; i < s.points.size(); ++i) {
        INFO("point " << i);
        CHECK(s.points[i].stats[0].mean > s.points[i - 1].stats[0].mean);
        CHECK(s.points[i].stats[0].p05 > s.points[i - 1].stats[0].p05);
        CHECK(s.points[i].stats[0].p50 > s.points[i - 1].stats[0].p50);
        CHECK(s.points[i].stats[0].p95 > s.points[i - 1].stats[0].p95);
        CHECK(s.points[i].target_probability[0] >= s.points[i - 1].target_probability[0]);
    }
}

TEST_CASE("two axes make a grid with the first varying slowest", "[sweep]") {
    RunOptions opt;
    opt.paths = 500;
    const Sweep s = sweep(load_scenario(baseline(), {"growth.annual_sd=0.01"}),
                          {*parse_sweep_axis("growth.rate=0.04:0.05:0.01"), *parse_sweep_axis("region.europe.shift=-0.01:0.01:0.01")},
                          opt, {"region=europe"});
    REQUIRE(s.points.size() == 6);
    const std::vector<std::vector<double>> expected = {{0.04, -0.01}, {0.04, 0.0}, {0.04, 0.01},
                                                       {0.05, -0.01}, {0.05, 0.0}, {0.05, 0.01}};
    for (std::size_t i = 0; i < 6; ++i) {
        CHECK(s.points[i].values[0] == Approx(expected[i][0]).margin(1e-15));
        CHECK(s.points[i].values[1] == Approx(expected[i][1]).margin(1e-15));
    }
    CHECK(s.series == std::vector<std::string>{"region=europe"});
    CHECK(s.years == std::vector<int>{2033});
    const std::string csv = sweep_csv(s);
    CHECK(csv.rfind("growth.rate,region.europe.shift,series,year,mean,p05,p50,p95,p_target1\n", 0) == 0);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 7);
}

TEST_CASE("marketsim sweep writes sweep.csv - and nothing for a bad grid", "[sweep][cli]") {
    const fs::path dir = fs::temp_directory_path() / "marketsim_sweep_cli";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const test::Outcome ok =
        test::cli("sweep '" + baseline() + "' --set growth.rate=0.05:0.06:0.01 --paths 2000 --out sw", dir);
    INFO(ok.err);
    REQUIRE(ok.code == 0);
    CHECK(fs::exists(dir / "sw" / "sweep.csv"));
    CHECK(fs::exists(dir / "sw" / "summary.json"));
    CHECK(ok.out.find("2 points on common random numbers") != std::string::npos);
    const test::Outcome bad =
        test::cli("sweep '" + baseline() + "' --set growth.rate=0.06:0.05:0.01 --paths 2000 --out bad", dir);
    CHECK(bad.code == 2);
    CHECK(bad.err.find("above its high end") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "bad"));
    fs::remove_all(dir);
}

TEST_CASE("sweep --series and --year: a row per point, series and year, each the run's band", "[sweep]") {
    RunOptions opt;
    opt.paths = 2000;
    const std::vector<std::string> series = {"region=europe", "total"};
    const std::vector<int> years = {2030, 2025};
    const Sweep s = sweep(load_scenario(baseline()), {*parse_sweep_axis("growth.rate=0.04:0.05:0.01")}, opt, series, years);
    REQUIRE(s.points.size() == 2);
    CHECK(s.series == series);
    CHECK(s.years == years);
    const std::string csv = sweep_csv(s);
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    CHECK(line == "growth.rate,series,year,mean,p05,p50,p95,p_target1");
    for (const SweepPoint& p : s.points) {
        const Results r = run(load_scenario(baseline(), {"growth.rate=" + format_number(p.values[0])}), opt);
        const std::size_t q05 = *find_quantile(r.quantiles, 0.05), q50 = *find_quantile(r.quantiles, 0.5),
                          q95 = *find_quantile(r.quantiles, 0.95);
        for (const std::string& name : series)
            for (const int year : years) {
                const std::size_t index = static_cast<std::size_t>(
                    std::find(r.series.begin(), r.series.end(), name) - r.series.begin());
                REQUIRE(index < r.series.size());
                const Band& b = r.band(index, year - r.base_year);
                std::ostringstream expected;
                expected << format_number(p.values[0]) << ',' << name << ',' << year << ',' << format_number(b.mean) << ','
                         << format_number(b.quantile[q05]) << ',' << format_number(b.quantile[q50]) << ','
                         << format_number(b.quantile[q95]) << ',' << format_number(r.targets.at(0).probability);
                REQUIRE(std::getline(in, line));
                CHECK(line == expected.str());  // the order: points, then the series and years as given
            }
    }
    CHECK_FALSE(std::getline(in, line));
}

TEST_CASE("sweep refuses an unknown series, a year outside the scenario and repeats - before sampling",
          "[sweep][bad_input]") {
    RunOptions opt;
    opt.paths = 100;
    const Scenario sc = load_scenario(baseline());
    const std::vector<SweepAxis> axis = {*parse_sweep_axis("growth.rate=0.04:0.05:0.01")};
    CHECK_THROWS_WITH(sweep(sc, axis, opt, {"total", "regoin=europe"}),
                      Catch::Contains("--series regoin=europe") && Catch::Contains("did you mean 'region=europe'"));
    CHECK_THROWS_WITH(sweep(sc, axis, opt, {"total"}, {2040}),
                      Catch::Contains("--year 2040") && Catch::Contains("2022-2033"));
    CHECK_THROWS_WITH(sweep(sc, axis, opt, {"total"}, {2021}), Catch::Contains("--year 2021"));
    CHECK_THROWS_WITH(sweep(sc, axis, opt, {"total"}, {2030, 2030}), Catch::Contains("--year 2030: given twice"));
    CHECK_THROWS_WITH(sweep(sc, axis, opt, {"total", "total"}), Catch::Contains("--series total: given twice"));
}

TEST_CASE("marketsim sweep --year and --series write their rows - and nothing for a bad one", "[sweep][cli]") {
    const fs::path dir = fs::temp_directory_path() / "marketsim_sweep_years";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const test::Outcome ok = test::cli("sweep '" + baseline() +
                                           "' --set growth.rate=0.05:0.06:0.01 --year 2030 --year 2033 --series total "
                                           "--series region=europe --paths 1000 --out sw",
                                       dir);
    INFO(ok.err);
    REQUIRE(ok.code == 0);
    std::ifstream csv(dir / "sw" / "sweep.csv");
    std::vector<std::string> rows;
    for (std::string line; std::getline(csv, line);) rows.push_back(line);
    REQUIRE(rows.size() == 1 + 2 * 2 * 2);
    CHECK(rows[1].rfind("0.05,total,2030,", 0) == 0);
    CHECK(rows[2].rfind("0.05,total,2033,", 0) == 0);
    CHECK(rows[3].rfind("0.05,region=europe,2030,", 0) == 0);
    CHECK(rows[8].rfind("0.06,region=europe,2033,", 0) == 0);
    CHECK(ok.out.find("total, region=europe in 2030, 2033") != std::string::npos);
    struct Bad {
        std::string args, flag, value, hint;
    };
    for (const Bad& bad : {Bad{"--year 2040", "--year", "2040", "2022-2033"},
                           Bad{"--series regoin=europe", "--series", "regoin=europe", "did you mean 'region=europe'"},
                           Bad{"--year 20x0", "--year", "20x0", ""}}) {
        const test::Outcome o = test::cli(
            "sweep '" + baseline() + "' --set growth.rate=0.05:0.06:0.01 --paths 1000 --out bad " + bad.args, dir);
        INFO(bad.args << ": " << o.err);
        CHECK(o.code == 2);
        CHECK(o.err.find(bad.flag) != std::string::npos);
        CHECK(o.err.find(bad.value) != std::string::npos);
        CHECK(o.err.find(bad.hint) != std::string::npos);
        CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);  // one line
        CHECK(o.out.empty());
        CHECK_FALSE(fs::exists(dir / "bad"));
    }
    fs::remove_all(dir);
}
