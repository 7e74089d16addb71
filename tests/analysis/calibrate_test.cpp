// marketsim calibrate against exact answers: one cell grows as V(B)(1 + r)^n, so the rate that
// puts its median (or, without noise, its value) at a target is known in closed form.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "cli/cli_support.hpp"
#include "marketsim/calibrate.hpp"
#include "marketsim/error.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"
#include "test_support.hpp"

using namespace marketsim;
namespace fs = std::filesystem;

namespace {

/** A one-cell scenario file in a fresh folder. */
std::string one_cell(const std::string& dir_name, double long_run_sd, double annual_sd) {
    const fs::path dir = fs::temp_directory_path() / dir_name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream f(dir / "cell.toml");
    f << "[scenario]\nbase_year = 2022\nhorizon = 2033\nbase_value = 35.2\nseed = 5\n"
      << "[growth]\nrate = 0.052\nlong_run_sd = " << long_run_sd << "\nannual_sd = " << annual_sd << "\n";
    return (dir / "cell.toml").string();
}

const double kExact = std::pow(53.8 / 35.2, 1.0 / 8) - 1;  // 35.2 (1 + r)^8 = 53.8

}  // namespace

TEST_CASE("calibration of one cell without noise finds the closed-form rate to 1e-6", "[calibrate]") {
    const std::string file = one_cell("marketsim_cal_exact", 0.0, 0.0);
    RunOptions opt;
    opt.paths = 2000;
    for (const Statistic stat : {Statistic{false, 0.5}, Statistic{true, 0.5}}) {  // the median, the mean
        CalibrateOptions co;
        co.statistic = stat;
        const Calibration c = calibrate(load_scenario(file), parse_calibration_target("total:2030=53.8"), co, opt);
        INFO("calculated " << c.value << " expected " << kExact << " error " << c.value - kExact << " tolerance 1e-6");
        CHECK(std::fabs(c.value - kExact) <= 1e-6);
        CHECK(c.statistic == Approx(53.8).epsilon(1e-6));
        CHECK(c.statistic_half_width <= 1e-12 * 53.8);  // no noise: every path is the same
    }
}

TEST_CASE("calibration of one noisy cell's median finds the closed-form rate within its Monte Carlo error",
          "[calibrate][statistical][threads]") {
    // ln V(2030) is normal with mean ln 35.2 + 8 ln(1 + r): its median is 35.2 (1 + r)^8 exactly
    const std::string file = one_cell("marketsim_cal_noise", 0.01, 0.02);
    RunOptions opt;
    opt.paths = 40000;
    const Calibration c = calibrate(load_scenario(file), parse_calibration_target("total:2030=53.8"), CalibrateOptions{}, opt);
    const double se = c.value_half_width / 1.959963984540054;
    INFO("calculated " << c.value << " expected " << kExact << " error " << c.value - kExact << " tolerance 4 se = "
                       << 4 * se);
    CHECK(se > 0);
    CHECK(std::fabs(c.value - kExact) <= 4 * se);
    CHECK(c.slope > 0);
    // the same answer on any number of threads
    opt.threads = 1;
    const Calibration one = calibrate(load_scenario(file), parse_calibration_target("total:2030=53.8"), CalibrateOptions{}, opt);
    CHECK(one.value == c.value);
}

TEST_CASE("calibration refuses unreachable targets - unknown series and paths - with the reason", "[calibrate][bad_input]") {
    const std::string file = one_cell("marketsim_cal_bad", 0.0, 0.01);
    RunOptions opt;
    opt.paths = 500;
    CHECK_THROWS_WITH(calibrate(load_scenario(file), parse_calibration_target("total:2030=500"), CalibrateOptions{}, opt),
                      Catch::Contains("no value of growth.rate in [0, 0.104] reaches 500") &&
                          Catch::Contains("spans"));
    CHECK_THROWS_WITH(calibrate(load_scenario(file), parse_calibration_target("totl:2030=53.8"), CalibrateOptions{}, opt),
                      Catch::Contains("did you mean 'total'"));
    CHECK_THROWS_WITH(calibrate(load_scenario(file), parse_calibration_target("total:2040=53.8"), CalibrateOptions{}, opt),
                      Catch::Contains("outside the scenario's years"));
    CalibrateOptions unknown;
    unknown.path = "growth.rat";
    unknown.bracket = {{0.0, 0.1}};
    CHECK_THROWS_WITH(calibrate(load_scenario(file), parse_calibration_target("total:2030=53.8"), unknown, opt),
                      Catch::Contains("did you mean 'growth.rate'"));
    CHECK_THROWS_AS(parse_calibration_target("total=53.8"), InputError);
    CHECK_THROWS_AS(parse_calibration_target("total:20x0=53.8"), InputError);
    CHECK_THROWS_AS(parse_calibration_target("total:2030=abc"), InputError);
    const CalibrationTarget t = parse_calibration_target("region=europe:2033=20.5");
    CHECK(t.series == "region=europe");
    CHECK(t.year == 2033);
    CHECK(t.value == 20.5);
}

TEST_CASE("marketsim calibrate ends with PATH = VALUE and --write saves a scenario that reaches the target",
          "[calibrate][cli]") {
    const std::string file = one_cell("marketsim_cal_cli", 0.0, 0.0);
    const fs::path dir = fs::path(file).parent_path();
    const test::Outcome quiet = test::cli("calibrate cell.toml --target total:2030=53.8 --paths 100 -q --write solved.toml", dir);
    INFO(quiet.err);
    REQUIRE(quiet.code == 0);
    CHECK(quiet.out.rfind("growth.rate = ", 0) == 0);  // the only line
    CHECK(std::count(quiet.out.begin(), quiet.out.end(), '\n') == 1);
    const double solved = std::stod(quiet.out.substr(quiet.out.find('=') + 1));
    CHECK(std::fabs(solved - kExact) <= 1e-6);
    const Scenario s = load_scenario(dir / "solved.toml");
    CHECK(s.rate == solved);
    CHECK(s.name == "solved");
    // an existing file is not overwritten; a bad target writes nothing
    const test::Outcome again = test::cli("calibrate cell.toml --target total:2030=53.8 --paths 100 --write solved.toml --out o2", dir);
    CHECK(again.code == 2);
    CHECK(again.err.find("exists") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "o2"));
    const test::Outcome bad = test::cli("calibrate cell.toml --target total:2030=900 --paths 100 --out o3", dir);
    CHECK(bad.code == 2);
    CHECK(bad.err.find("reaches 900") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "o3"));
    fs::remove_all(dir);
}

namespace {

const double kZ80 = 0.8416212335729143;  // the standard normal's 0.8 quantile

double normal_density(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI); }

}  // namespace

TEST_CASE("a probability target on one cell without annual noise: the closed-form rate, the count exact",
          "[calibrate][statistical][threads]") {
    // ln V(2030) = ln 35.2 + 8 ln(1 + r) + 8 sL Z, so V(2030) >= 53.8 on a share
    // Phi((ln(1 + r) - ln c) / sL) of the paths, c = (53.8 / 35.2)^(1/8): 80% at
    // 1 + r* = c exp(sL z_0.8). The solution is the sample 0.8 quantile of each path's own rate
    // r_i = c exp(-sL Z_i) - 1, whose standard error is sqrt(p (1 - p) / n) / F'(r*),
    // F'(r*) = phi(z_0.8) / (sL (1 + r*)).
    const double sl = 0.02, p = 0.8;
    const std::string file = one_cell("marketsim_cal_probability", sl, 0.0);
    {
        std::ofstream f(file, std::ios::app);
        f << "[[target]]\nseries = \"total\"\nyear = 2030\nvalue = 53.8\n";
    }
    RunOptions opt;
    opt.paths = 20000;
    CalibrateOptions co;
    co.probability = p;
    const Calibration c = calibrate(load_scenario(file), parse_calibration_target("total:2030>=53.8"), co, opt);
    const double expected = (1 + kExact) * std::exp(sl * kZ80) - 1;
    const double se = std::sqrt(p * (1 - p) / 20000.0) * sl * (1 + expected) / normal_density(kZ80);
    INFO("calculated " << c.value << " expected " << expected << " error " << c.value - expected << " tolerance 4 se = "
                       << 4 * se);
    CHECK(std::fabs(c.value - expected) <= 4 * se);
    // the count at the solution is the requested share, within one path
    CHECK(c.required == 16000);
    INFO("count " << c.count << " of 20000, required " << c.required);
    CHECK(c.count >= 16000);
    CHECK(c.count <= 16001);
    CHECK(c.statistic == static_cast<double>(c.count) / 20000.0);
    // ... and a run at that value, counting the target in its own way, finds the same paths
    const Results r = run(load_scenario(file, {"growth.rate=" + format_number(c.value)}), opt);
    INFO("the run at the solution meets the target in " << r.targets.at(0).probability << " of paths");
    CHECK(r.targets.at(0).probability * 20000.0 == Approx(static_cast<double>(c.count)).margin(1e-6));
    // just below the solution (by the bisection's tolerance) fewer paths meet it
    const Results below = run(load_scenario(file, {"growth.rate=" + format_number(c.value - 2e-6)}), opt);
    CHECK(below.targets.at(0).probability < 0.8);
    // the half-width: where the share met crosses 0.8 -/+ its binomial error; against 1.96 se, with
    // the +/-111 paths between those crossings making its own error about 1/sqrt(222) = 7%:
    // within 4 of those
    const double ratio = c.value_half_width / (1.959963984540054 * se);
    INFO("half-width " << c.value_half_width << " against 1.96 se = " << 1.959963984540054 * se << ": ratio " << ratio
                       << ", tolerance [0.72, 1.28]");
    CHECK(ratio >= 0.72);
    CHECK(ratio <= 1.28);
    CHECK(c.value_low < c.value);
    CHECK(c.value_high > c.value);
    CHECK(c.slope > 0);
    // the same answer on any number of threads
    opt.threads = 1;
    CHECK(calibrate(load_scenario(file), parse_calibration_target("total:2030>=53.8"), co, opt).value == c.value);
}

TEST_CASE("a p20 target of one noisy cell finds the closed-form rate within its Monte Carlo error",
          "[calibrate][statistical]") {
    // ln V(2030) is normal with mean ln 35.2 + 8 ln(1 + r) and sd s = sqrt(64 sL^2 + 8 sA^2): its
    // 0.2 quantile is 53.8 at ln(1 + r*) = ln c + s z_0.8 / 8. The sample 0.2 quantile of ln V has
    // standard error s sqrt(0.2 x 0.8 / n) / phi(z_0.8), so r's is (1 + r*) / 8 times that.
    const double sl = 0.01, sa = 0.02, sd = std::sqrt(64 * sl * sl + 8 * sa * sa);
    const std::string file = one_cell("marketsim_cal_p20", sl, sa);
    RunOptions opt;
    opt.paths = 20000;
    CalibrateOptions co;
    co.statistic = parse_statistic("p20");
    const Calibration c = calibrate(load_scenario(file), parse_calibration_target("total:2030=53.8"), co, opt);
    const double expected = (1 + kExact) * std::exp(sd * kZ80 / 8) - 1;
    const double se = (1 + expected) / 8 * sd * std::sqrt(0.2 * 0.8 / 20000.0) / normal_density(kZ80);
    INFO("calculated " << c.value << " expected " << expected << " error " << c.value - expected << " tolerance 4 se = "
                       << 4 * se);
    CHECK(std::fabs(c.value - expected) <= 4 * se);
    CHECK(c.statistic == Approx(53.8).epsilon(1e-6));
    CHECK(statistic_name(c.stat) == "p20");
}

TEST_CASE("the statistic is the mean or any quantile pNN - and refuses the rest by name", "[calibrate][bad_input]") {
    CHECK(parse_statistic("mean").mean);
    CHECK(parse_statistic("p50").quantile == 0.5);
    CHECK(parse_statistic("p20").quantile == 0.2);
    CHECK(parse_statistic("p5").quantile == 0.05);
    CHECK(parse_statistic("p2.5").quantile == 0.025);
    CHECK(parse_statistic("p99").quantile == 0.99);
    CHECK(statistic_name(parse_statistic("p5")) == "p05");
    CHECK(statistic_name(parse_statistic("mean")) == "mean");
    for (const char* bad : {"p100", "p0", "p", "q50", "p-5", "median", "p50x", "P50"})
        CHECK_THROWS_WITH(parse_statistic(bad), Catch::Contains(std::string("--stat ") + bad));
    const CalibrationTarget t = parse_calibration_target("region=europe:2033>=20.5");
    CHECK(t.series == "region=europe");
    CHECK(t.year == 2033);
    CHECK(t.value == 20.5);
    CHECK(t.at_least);
    CHECK_FALSE(parse_calibration_target("total:2030=53.8").at_least);
    CHECK_THROWS_AS(parse_calibration_target("total:2030>53.8"), InputError);
    // what a shell leaves of an unquoted total:2030>=53.8
    CHECK_THROWS_WITH(parse_calibration_target("total:2030"), Catch::Contains("quote a target with >="));
}

TEST_CASE("marketsim calibrate --probability: PATH = VALUE last - bad values refused with exit 2 and nothing written",
          "[calibrate][cli][bad_input]") {
    const std::string file = one_cell("marketsim_cal_probability_cli", 0.02, 0.0);
    const fs::path dir = fs::path(file).parent_path();
    const test::Outcome ok =
        test::cli("calibrate cell.toml --target 'total:2030>=53.8' --probability 0.8 --paths 2000 --out ok", dir);
    INFO(ok.err);
    REQUIRE(ok.code == 0);
    const std::string last = ok.out.substr(ok.out.rfind("growth.rate = "));
    CHECK(std::count(last.begin(), last.end(), '\n') == 1);
    CHECK(ok.out.find("in 80% of paths") != std::string::npos);
    CHECK(ok.out.find("1600 of 2000 paths meet the target") != std::string::npos);
    CHECK(fs::exists(dir / "ok" / "calibration.json"));
    const test::Outcome quiet =
        test::cli("calibrate cell.toml --target 'total:2030>=53.8' --probability 0.8 --paths 2000 -q --out ok", dir);
    CHECK(quiet.out == last);
    struct Bad {
        std::string args, expect;
    };
    for (const Bad& bad : {Bad{"--target 'total:2030>=53.8' --probability 1.5", "--probability 1.5"},
                           Bad{"--target 'total:2030>=53.8' --probability 0", "--probability 0"},
                           Bad{"--target 'total:2030>=53.8' --probability abc", "--probability"},
                           Bad{"--target total:2030=53.8 --probability 0.8", "--probability 0.8 needs"},
                           Bad{"--target 'total:2030>=53.8'", "needs --probability"},
                           Bad{"--target 'total:2030>=53.8' --probability 0.8 --stat p20", "--stat p20"},
                           Bad{"--target total:2030=53.8 --stat p100", "--stat p100"},
                           Bad{"--target 'totl:2030>=53.8' --probability 0.8", "did you mean 'total'"},
                           Bad{"--target 'total:2040>=53.8' --probability 0.8", "2040"},
                           Bad{"--target 'total:2030>=900' --probability 0.8", "no value of growth.rate"}}) {
        const test::Outcome o = test::cli("calibrate cell.toml --paths 500 --out bad " + bad.args, dir);
        INFO(bad.args << ": " << o.err);
        CHECK(o.code == 2);
        CHECK(o.err.find(bad.expect) != std::string::npos);
        CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);  // one line
        CHECK(o.out.empty());
        CHECK_FALSE(fs::exists(dir / "bad"));
    }
    fs::remove_all(dir);
}

TEST_CASE("calibrate's default bracket stays in the valid range: long_run_sd from 0 meets a p20 target in closed form",
          "[calibrate][statistical]") {
    // ln V(2030) = ln 35.2 + 8 ln 1.052 + 8 sL Z: its 0.2 quantile is 50 at
    // sL* = ln(50 / (35.2 x 1.052^8)) / (8 z_0.2), z_0.2 = -z_0.8. The default bracket around 0,
    // 0 -/+ 0.05, starts at 0 (long_run_sd >= 0) instead of failing at -0.05. The solution is
    // c / zhat with zhat the sample 0.2 quantile of Z, standard error sqrt(0.2 x 0.8 / n) / phi(z_0.8),
    // so sL's is sL* times that over z_0.8.
    const std::string file = one_cell("marketsim_cal_bounded", 0.0, 0.0);
    RunOptions opt;
    opt.paths = 20000;
    CalibrateOptions co;
    co.path = "growth.long_run_sd";
    co.statistic = parse_statistic("p20");
    const Calibration c = calibrate(load_scenario(file), parse_calibration_target("total:2030=50"), co, opt);
    CHECK(c.lo == 0.0);
    CHECK(c.hi == 0.05);
    const double expected = std::log(50 / (35.2 * std::pow(1.052, 8))) / (-8 * kZ80);
    const double se = expected * std::sqrt(0.2 * 0.8 / 20000.0) / normal_density(kZ80) / kZ80;
    INFO("calculated " << c.value << " expected " << expected << " error " << c.value - expected << " tolerance 4 se = "
                       << 4 * se);
    CHECK(std::fabs(c.value - expected) <= 4 * se);
}

TEST_CASE("marketsim calibrate solves a member's share with its row: the siblings rescaled, --write saves the row",
          "[calibrate][cli][bad_input]") {
    // two regions without noise: b's value is its share of 35.2 x 1.052^8 exactly, so the share that
    // puts b at 20 in 2030 is 20 / (35.2 x 1.052^8), and a's is the rest
    const fs::path dir = fs::temp_directory_path() / "marketsim_cal_share";
    fs::remove_all(dir);
    fs::create_directories(dir);
    {
        std::ofstream f(dir / "two.toml");
        f << "[scenario]\nbase_year = 2022\nhorizon = 2033\nbase_value = 35.2\nseed = 5\n"
          << "[growth]\nrate = 0.052\nlong_run_sd = 0\nannual_sd = 0\n"
          << "[[dimension]]\nname = \"region\"\nmembers = [{ name = \"a\", share = 0.6 }, { name = \"b\", share = 0.4 }]\n";
    }
    const test::Outcome o =
        test::cli("calibrate two.toml --target region=b:2030=20 --solve region.b.share --paths 100 --write solved.toml --out o", dir);
    INFO(o.out << o.err);
    REQUIRE(o.code == 0);
    const double expected = 20 / (35.2 * std::pow(1.052, 8));
    const double solved = std::stod(o.out.substr(o.out.rfind("region.b.share = ") + 17));
    INFO("calculated " << solved << " expected " << expected);
    CHECK(std::fabs(solved - expected) <= 1e-6);
    CHECK(o.out.find("in [0.004, 0.8]") != std::string::npos);  // 0.4 -/+ 0.4, a hundredth inside the open 0
    const Scenario s = load_scenario(dir / "solved.toml");
    REQUIRE(s.dimensions.size() == 1);
    CHECK(s.dimensions[0].members[1].share == solved);
    CHECK(s.dimensions[0].members[0].share == Approx(1 - solved).epsilon(1e-15));
    // a bracket outside the valid range: exit 2, the range named, nothing written
    const test::Outcome bad =
        test::cli("calibrate two.toml --target region=b:2030=20 --solve region.b.share --bracket 0:0.9 --out bad", dir);
    CHECK(bad.code == 2);
    CHECK(bad.err.find("--bracket 0:0.9: 0 is outside the valid range of region.b.share, (0, 1)") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "bad"));
    fs::remove_all(dir);
}
