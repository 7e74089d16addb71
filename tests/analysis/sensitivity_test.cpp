// marketsim sensitivity on designed scenarios whose Sobol indices are known in closed form.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/cli_support.hpp"
#include "marketsim/error.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/run.hpp"
#include "marketsim/sensitivity.hpp"
#include "stats/quantiles.hpp"
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

/** Sample A's values of the total in `year` on every path, sorted: the run's first paths with the
 *  same seed, which are sample A's (draws are addressed by counter). */
std::vector<double> sorted_sample_a(const Scenario& sc, const Sensitivity& s) {
    const SamplePaths p = sample_paths(sc, {"total"}, s.paths, s.seed);
    std::vector<double> v;
    for (const std::vector<double>& path : p.values.front()) v.push_back(path[static_cast<std::size_t>(s.year - s.base_year)]);
    std::sort(v.begin(), v.end());
    return v;
}

/** Every tornado end is a median over a tenth of the N paths, m = floor(N / 10) of them; at least
 *  ceil(m/2) of those, so ceil(m/2) of all paths, lie at or below it and as many at or above it, so
 *  it lies between the overall ceil(m/2)-th smallest and ceil(m/2)-th largest values (for
 *  N = 20000: the 1000th and the 19001st, the output's P5 and P95 as order statistics). */
void check_ends_within_spread(const Scenario& sc, const Sensitivity& s) {
    const std::vector<double> x = sorted_sample_a(sc, s);
    REQUIRE(sorted_quantile(x, 0.5) == s.p50);  // the same paths as sample A
    const std::size_t n = x.size(), m = n / 10, k = (m + 1) / 2;
    const double lo = x[k - 1], hi = x[n - k];
    for (const SensitivityInput& in : s.inputs) {
        INFO(in.name << ": ends " << in.p50_low << " and " << in.p50_high << "; the " << k << "th smallest " << lo
                     << " and largest " << hi << " of " << n << " paths");
        CHECK(in.p50_low >= lo);
        CHECK(in.p50_low <= hi);
        CHECK(in.p50_high >= lo);
        CHECK(in.p50_high <= hi);
    }
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
    // tornado: every end within the output's own spread, the global factor's low end below the median
    check_ends_within_spread(sc, s);
    CHECK(input(s, "global").p50_low < s.p50);
    CHECK(input(s, "global").p50_high > s.p50);
}

TEST_CASE("the tornado's ends are exact medians over the paths' tenths when the output is monotone in a group's mean draw",
          "[sensitivity]") {
    // one cell, all weight on the global factor: ln V(H) = a + n sL G0 + sA (G1 + ... + Gn) with
    // n sL = sA = 0.04, so V(H) = e^(a + 0.04 (n + 1) mean(G)): increasing in the global group's mean
    // standardized draw. Its bottom tenth of paths is the tenth with the lowest values, and the low
    // end is the median of the N / 10 lowest values; the high end that of the N / 10 highest.
    const Scenario sc = test::scenario_from(R"(
[scenario]
base_year = 2020
horizon = 2024
base_value = 10
seed = 21
[growth]
rate = 0.04
long_run_sd = 0.01
annual_sd = 0.04
[correlation]
global = 1
)");
    RunOptions opt;
    opt.paths = 10000;
    const Sensitivity s = sensitivity(sc, opt);
    const std::vector<double> x = sorted_sample_a(sc, s);
    REQUIRE(x.size() == 10000);
    const std::vector<double> lowest(x.begin(), x.begin() + 1000), highest(x.end() - 1000, x.end());
    const double low = sorted_quantile(lowest, 0.5), high = sorted_quantile(highest, 0.5);
    INFO("global: ends " << input(s, "global").p50_low << ", " << input(s, "global").p50_high << "; expected " << low << ", " << high);
    CHECK(input(s, "global").p50_low == low);
    CHECK(input(s, "global").p50_high == high);
    // the persistent/annual partition holds G0 (with E, which has no weight) against G1..Gn: not
    // monotone, but within the spread like every group
    check_ends_within_spread(sc, s);
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
    // tornado: f is increasing in J and the group's score is (J - mean) / sd, so the low end is the
    // median over the tenth of paths with the lowest J: J's 5% sample quantile, whose population
    // value is -0.1 + 0.2 x 0.05 = -0.09, with standard error sqrt(0.05 x 0.95 / N) / density 5
    const double central = 10 * std::pow(1.03, 10), se = std::sqrt(0.05 * 0.95 / 20000.0) / 5, tolerance = 4 * se;
    const double j_low = std::log(input(s, "event=shock impact").p50_low / central),
                 j_high = std::log(input(s, "event=shock impact").p50_high / central);
    INFO("impact at the low end: calculated " << j_low << " expected -0.09 error " << j_low + 0.09 << " tolerance " << tolerance
                                              << " (4 standard errors)");
    CHECK(std::fabs(j_low + 0.09) <= tolerance);
    INFO("impact at the high end: calculated " << j_high << " expected 0.09 error " << j_high - 0.09 << " tolerance " << tolerance);
    CHECK(std::fabs(j_high - 0.09) <= tolerance);
    // an event of probability 1 or 0 tells no path from another: both ends at the median, no bar
    CHECK(input(s, "event=shock").p50_low == s.p50);
    CHECK(input(s, "event=shock").p50_high == s.p50);
    CHECK(input(s, "event=later").p50_low == s.p50);
    CHECK(input(s, "event=later").p50_high == s.p50);
    check_ends_within_spread(sc, s);
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
    // the tornado's ends, the wild years' tenth and the calm years', within the output's spread
    check_ends_within_spread(sc, s);
    // the same on one thread, to the last digit
    opt.threads = 1;
    CHECK(sensitivity_csv(sensitivity(sc, opt)) == sensitivity_csv(s));
}
