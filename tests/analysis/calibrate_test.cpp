// marketsim calibrate against exact answers: one cell grows as V(B)(1 + r)^n, so the rate that
// puts its median (or, without noise, its value) at a target is known in closed form.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "cli/cli_support.hpp"
#include "marketsim/calibrate.hpp"
#include "marketsim/error.hpp"
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
    for (const Statistic stat : {Statistic::p50, Statistic::mean}) {
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
