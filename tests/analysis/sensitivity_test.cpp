// marketsim sensitivity on designed scenarios whose Sobol indices are known in closed form.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "cli/cli_support.hpp"
#include "marketsim/error.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/sensitivity.hpp"
#include "test_support.hpp"

using namespace marketsim;
namespace fs = std::filesystem;

namespace {

const SensitivityInput& input(const Sensitivity& s, const std::string& name) {
    for (const SensitivityInput& in : s.inputs)
        if (in.name == name) return in;
    FAIL("no input " << name);
    return s.inputs.front();
}

void check_index(const char* what, double calculated, double expected, double half_width) {
    const double se = half_width / 1.959963984540054, tolerance = 4 * se;
    INFO(what << ": calculated " << calculated << " expected " << expected << " error " << calculated - expected
              << " tolerance " << tolerance << " (4 standard errors)");
    CHECK(se > 0);
    CHECK(std::fabs(calculated - expected) <= tolerance);
}

}  // namespace

TEST_CASE("one cell with a persistent deviation: Sobol indices of exp(X1 + X2) in closed form",
          "[sensitivity][statistical]") {
    // ln V(H) = a + n sL (sqrt(wg) G + sqrt(1 - wg) E): f = e^(X1 + X2), X1, X2 independent normals
    // with variances s1 = n^2 sL^2 wg, s2 = n^2 sL^2 (1 - wg). First order of X1: (e^s1 - 1)/(e^s - 1),
    // total: 1 - (e^s2 - 1)/(e^s - 1), s = s1 + s2. No annual noise: the annual draws change nothing.
    const Scenario sc = test::scenario_from(R"(
[scenario]
base_year = 2020
horizon = 2030
base_value = 10
seed = 4
[growth]
rate = 0.04
long_run_sd = 0.02
annual_sd = 0.0
[correlation]
global = 0.7
)");
    RunOptions opt;
    opt.paths = 20000;
    const Sensitivity s = sensitivity(sc, opt);
    const double n = 10, s_all = n * n * 0.02 * 0.02, s1 = 0.7 * s_all, s2 = 0.3 * s_all;
    const double first_g = std::expm1(s1) / std::expm1(s_all), total_g = 1 - std::expm1(s2) / std::expm1(s_all);
    const double first_e = std::expm1(s2) / std::expm1(s_all), total_e = 1 - std::expm1(s1) / std::expm1(s_all);
    REQUIRE(s.inputs.front().name == "global");  // the top input
    const std::size_t t = 9;                     // 2030
    check_index("global first order", input(s, "global").first_order[t], first_g, input(s, "global").first_order_half_width[t]);
    check_index("global total", input(s, "global").total[t], total_g, input(s, "global").total_half_width[t]);
    check_index("idiosyncratic first order", input(s, "idiosyncratic").first_order[t], first_e,
                input(s, "idiosyncratic").first_order_half_width[t]);
    check_index("idiosyncratic total", input(s, "idiosyncratic").total[t], total_e, input(s, "idiosyncratic").total_half_width[t]);
    // swapping draws that change nothing changes nothing, exactly
    CHECK(input(s, "annual").total[t] == 0.0);
    CHECK(input(s, "annual").first_order[t] == 0.0);
    // all persistent draws together: every input there is (the estimate of 1 is itself noisy)
    check_index("persistent total", input(s, "persistent").total[t], 1.0, input(s, "persistent").total_half_width[t]);
    // tornado: the global factor at its P10 / P90 moves the median of e^(X1 + X2) to e^(a -/+ 1.2816 sqrt(s1))
    const double median = 10 * std::pow(1.04, 10);
    CHECK(input(s, "global").p50_low == Approx(median * std::exp(-1.2815515655446004 * std::sqrt(s1))).epsilon(0.01));
    CHECK(input(s, "global").p50_high == Approx(median * std::exp(1.2815515655446004 * std::sqrt(s1))).epsilon(0.01));
}

TEST_CASE("the member with the widest spread is the top input - named by its member", "[sensitivity][threads]") {
    const Scenario sc = test::scenario_from(R"(
[scenario]
base_year = 2020
horizon = 2028
base_value = 100
[growth]
rate = 0.05
long_run_sd = 0.01
annual_sd = 0.02
[[dimension]]
name = "region"
members = [ { name = "calm", share = 0.5 }, { name = "wild", share = 0.5, sd_scale = 4.0 } ]
[correlation]
global = 0.1
region = 0.8
)");
    RunOptions opt;
    opt.paths = 3000;
    opt.threads = 2;
    const Sensitivity s = sensitivity(sc, opt);
    CHECK(s.inputs.front().name == "region=wild");
    CHECK(input(s, "region=wild").total.back() > 3 * input(s, "region=calm").total.back());
    // the same on one thread, to the last digit
    opt.threads = 1;
    CHECK(sensitivity_csv(sensitivity(sc, opt)) == sensitivity_csv(s));
    CHECK(sensitivity_csv(s).rfind("input,partition,first_order,", 0) == 0);
}

TEST_CASE("sensitivity refuses an unknown series and a year without spread", "[sensitivity][bad_input]") {
    const Scenario sc = test::scenario_from("[scenario]\nbase_year = 2020\nhorizon = 2025\nbase_value = 1\n[growth]\nrate = 0.03\nannual_sd = 0.01\n");
    RunOptions opt;
    opt.paths = 10;
    CHECK_THROWS_WITH(sensitivity(sc, opt, "totl"), Catch::Contains("did you mean 'total'"));
    CHECK_THROWS_WITH(sensitivity(sc, opt, "total", 2020), Catch::Contains("outside 2021-2025"));
    CHECK_THROWS_WITH(sensitivity(sc, opt, "total", 2030), Catch::Contains("outside 2021-2025"));

    const fs::path dir = fs::temp_directory_path() / "marketsim_sensitivity_cli";
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string file = "'";
    file += test::source_dir() + "/scenarios/baseline.toml'";
    const test::Outcome ok = test::cli("sensitivity " + file + " --paths 300 --out s", dir);
    INFO(ok.err);
    REQUIRE(ok.code == 0);
    CHECK(fs::exists(dir / "s" / "sensitivity.csv"));
    CHECK(fs::exists(dir / "s" / "sensitivity_by_year.csv"));
    const test::Outcome bad = test::cli("sensitivity " + file + " --paths 300 --series region=mars --out b", dir);
    CHECK(bad.code == 2);
    CHECK_FALSE(fs::exists(dir / "b"));
    fs::remove_all(dir);
}

TEST_CASE("an uncertain impact is an input of its own - exactly, when it is the only spread", "[sensitivity][statistical]") {
    // one cell, no noise, a forced event of uniform impact J on [-0.1, 0.1] in 2025: f = e^(a + J), so
    // J's draw is the only spread (indices 1) and every other input's are exactly 0; a once event of
    // probability 0 has no spread either, but forced in the tornado it fires on every path
    const Scenario sc = test::scenario_from(R"(
[scenario]
base_year = 2020
horizon = 2030
base_value = 10
seed = 8
[growth]
rate = 0.03
[[event]]
name = "shock"
probability = 1
at = 2025
impact = { dist = "uniform", low = -0.1, high = 0.1 }
[[event]]
name = "later"
probability = 0
from = 2026
to = 2029
impact = -0.2
once = true
)");
    RunOptions opt;
    opt.paths = 20000;
    const Sensitivity s = sensitivity(sc, opt);
    const std::size_t t = 9;  // 2030
    REQUIRE(s.inputs.front().name == "event=shock impact");
    check_index("impact first order", input(s, "event=shock impact").first_order[t], 1.0,
                input(s, "event=shock impact").first_order_half_width[t]);
    // swapping only it moves everything, so the total index is exactly one: (f(A) - f(A_B))^2 / 2V
    check_index("impact total", input(s, "event=shock impact").total[t], 1.0, input(s, "event=shock impact").total_half_width[t]);
    CHECK(input(s, "global").total[t] == 0.0);
    CHECK(input(s, "event=shock").total[t] == 0.0);  // forced: its firing draw changes nothing
    CHECK(input(s, "event=later").total[t] == 0.0);
    CHECK(input(s, "annual").total[t] == 0.0);       // the impact is drawn once per path: persistent
    // tornado: the impact at its own P10 and P90, -0.1 + 0.2 Phi(-/+1.2816) = -0.08 / 0.08 (the table: 1e-7)
    const double central = 10 * std::pow(1.03, 10);
    CHECK(input(s, "event=shock impact").p50_low == Approx(central * std::exp(-0.08)).epsilon(1e-6));
    CHECK(input(s, "event=shock impact").p50_high == Approx(central * std::exp(0.08)).epsilon(1e-6));
    // a once event forced fires in one of its years on every path: the median falls by e^-0.2
    CHECK(input(s, "event=later").p50_high == Approx(s.p50 * std::exp(-0.2)).epsilon(0.02));
    CHECK(input(s, "event=later").p50_low == s.p50);
}

TEST_CASE("fat-tailed years are an input of their own - in the annual partition", "[sensitivity][annual_noise][threads]") {
    const std::string text = R"(
[scenario]
base_year = 2020
horizon = 2028
base_value = 100
[growth]
rate = 0.05
long_run_sd = 0.01
annual_sd = 0.15
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.5 }, { name = "b", share = 0.5 } ]
[correlation]
global = 0.7
)";
    RunOptions opt;
    opt.paths = 3000;
    opt.threads = 2;
    const Sensitivity plain = sensitivity(test::scenario_from(text), opt);
    CHECK(std::none_of(plain.inputs.begin(), plain.inputs.end(), [](const SensitivityInput& in) { return in.name == "annual tails"; }));

    const Scenario sc = test::scenario_from(text, "test.toml", {"growth.annual_tails=3", "growth.annual_persistence=0.5"});
    const Sensitivity s = sensitivity(sc, opt);
    const SensitivityInput& tails = input(s, "annual tails");
    CHECK(tails.partition == "inputs");
    CHECK_FALSE(tails.is_event);
    // the output has no finite variance: the indices come with a warning, the tornado is the answer
    CHECK(std::any_of(s.warnings.begin(), s.warnings.end(),
                      [](const std::string& w) { return w.find("Sobol indices") != std::string::npos; }));
    CHECK(std::none_of(plain.warnings.begin(), plain.warnings.end(),
                       [](const std::string& w) { return w.find("Sobol indices") != std::string::npos; }));
    // the tornado pins every year's W at chi2(3)'s 10th (wild years) and 90th (calm years)
    // percentiles; the median of a sum of two correlated lognormal cells grows with their spread
    INFO("tornado: P50 with wild years " << tails.p50_low << ", with calm years " << tails.p50_high);
    CHECK(tails.p50_low > 1.03 * tails.p50_high);
    // the same on one thread, to the last digit
    opt.threads = 1;
    CHECK(sensitivity_csv(sensitivity(sc, opt)) == sensitivity_csv(s));
}
