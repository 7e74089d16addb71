// sensitivity --settings on designed scenarios whose medians are known in closed form.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include <catch2/catch.hpp>

#include "marketsim/error.hpp"
#include "marketsim/settings.hpp"
#include "test_support.hpp"

using namespace marketsim;

namespace {

const SettingRow& row(const SettingsSensitivity& s, const std::string& path) {
    for (const SettingRow& r : s.rows)
        if (r.path == path) return r;
    FAIL("no row " << path);
    return s.rows.front();
}

/** Closed forms hold to the rounding of the sampler's arithmetic (ln, e^x with relative error
 *  below 1e-15, a product over ten years): a relative 1e-12 leaves three orders of magnitude. */
void check_exact(const char* what, double calculated, double expected) {
    const double tolerance = 1e-12 * std::fabs(expected);
    INFO(what << ": calculated " << calculated << " expected " << expected << " error " << calculated - expected
              << " tolerance " << tolerance << " (relative 1e-12: rounding only)");
    CHECK(std::fabs(calculated - expected) <= tolerance);
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no error)";
}

// One cell without noise: V(H) = base_value (1 + rate)^n on every path.
const char* kOneCell = R"(
[scenario]
name = "one_cell"
base_year = 2020
horizon = 2030
base_value = 10
seed = 7
[growth]
rate = 0.04
long_run_sd = 0.0
annual_sd = 0.0
[[target]]
series = "total"
year = 2030
value = 14.8
)";

}  // namespace

TEST_CASE("settings: the ends of a noiseless cell equal base_value (1 + rate)^n", "[settings]") {
    const Scenario sc = test::scenario_from(kOneCell);
    RunOptions opt;
    opt.paths = 1000;
    const SettingsSensitivity s = settings_sensitivity(sc, {}, opt);
    const double n = 10;
    check_exact("median as it is", s.base.p50, 10 * std::pow(1.04, n));
    check_exact("mean as it is", s.base.mean, 10 * std::pow(1.04, n));
    REQUIRE(s.base.target_probability.size() == 1);
    CHECK(s.base.target_probability[0] == 1.0);  // 14.802 >= 14.8 on every path

    // a rate moves by one point either way
    const SettingRow& rate = row(s, "growth.rate");
    CHECK(rate.range == "absolute");
    CHECK(rate.low.value == Approx(0.03).epsilon(1e-15));
    CHECK(rate.high.value == Approx(0.05).epsilon(1e-15));
    check_exact("growth.rate low", rate.low.p50, 10 * std::pow(1.03, n));
    check_exact("growth.rate high", rate.high.p50, 10 * std::pow(1.05, n));
    check_exact("growth.rate low mean", rate.low.mean, 10 * std::pow(1.03, n));
    CHECK(rate.low.target_probability[0] == 0.0);  // 13.44 < 14.8
    CHECK(rate.high.target_probability[0] == 1.0);
    // the spider: low, halfway, the value, halfway, high
    const double at[] = {0.03, 0.035, 0.04, 0.045, 0.05};
    for (std::size_t k = 0; k < 5; ++k) {
        CHECK(rate.spider[k].value == Approx(at[k]).epsilon(1e-14));
        check_exact("growth.rate spider", rate.spider[k].p50, 10 * std::pow(1 + rate.spider[k].value, n));
    }

    // base_value moves by 20% either way
    const SettingRow& base = row(s, "scenario.base_value");
    CHECK(base.range == "relative");
    CHECK(base.low.value == 8);
    CHECK(base.high.value == 12);
    check_exact("base_value low", base.low.p50, 8 * std::pow(1.04, n));
    check_exact("base_value high", base.high.p50, 12 * std::pow(1.04, n));

    // a value of 0 moves by 0.01, and a bound at 0 holds the low end there
    const SettingRow& persistence = row(s, "growth.annual_persistence");
    CHECK(persistence.range == "absolute");
    CHECK(persistence.low.value == 0.0);
    CHECK(persistence.high.value == 0.01);
    CHECK(persistence.clamped);
    CHECK(persistence.swing() == 0.0);  // without annual noise, momentum changes nothing

    // the targets' values are not inputs; ranked by swing, largest first
    CHECK(std::none_of(s.rows.begin(), s.rows.end(), [](const SettingRow& r) { return r.path.rfind("target[", 0) == 0; }));
    REQUIRE(s.rows.size() >= 2);
    CHECK(s.rows[0].path == "scenario.base_value");  // swing 4 x 1.04^10 = 5.92
    CHECK(s.rows[1].path == "growth.rate");          // swing 10 (1.05^10 - 1.03^10) = 2.85
    for (std::size_t i = 1; i < s.rows.size(); ++i) CHECK(s.rows[i - 1].swing() >= s.rows[i].swing());
}

TEST_CASE("settings: a share moves with its siblings rescaled, so the row still sums to 1", "[settings]") {
    // no noise: V(H) = base_value sum_i share_i (1 + rate + shift_i)^n
    const Scenario sc = test::scenario_from(R"(
[scenario]
base_year = 2020
horizon = 2030
base_value = 100
[growth]
rate = 0.03
long_run_sd = 0.0
annual_sd = 0.0
[[dimension]]
name = "region"
members = [
  { name = "a", share = 0.5, shift = 0.02 },
  { name = "b", share = 0.3, shift = 0.0 },
  { name = "c", share = 0.2, shift = -0.01 },
]
)");
    RunOptions opt;
    opt.paths = 500;
    const SettingsSensitivity s = settings_sensitivity(sc, {}, opt);
    const auto total = [](double a, double b, double c) {
        return 100 * (a * std::pow(1.05, 10) + b * std::pow(1.03, 10) + c * std::pow(1.02, 10));
    };
    const SettingRow& a = row(s, "region.a.share");
    CHECK(a.low.value == Approx(0.4).epsilon(1e-15));
    CHECK(a.high.value == Approx(0.6).epsilon(1e-15));
    // a at 0.6: b and c share the remaining 0.4 in their proportion 3:2
    check_exact("region.a.share high", a.high.p50, total(0.6, 0.3 * 0.4 / 0.5, 0.2 * 0.4 / 0.5));
    check_exact("region.a.share low", a.low.p50, total(0.4, 0.3 * 0.6 / 0.5, 0.2 * 0.6 / 0.5));
    check_exact("region.a.share halfway high", a.spider[3].p50, total(0.55, 0.3 * 0.45 / 0.5, 0.2 * 0.45 / 0.5));
    // the median rises with a's share (a grows fastest) and falls with c's
    CHECK(a.high.p50 > a.low.p50);
    CHECK(row(s, "region.c.share").high.p50 < row(s, "region.c.share").low.p50);
    // a shift is a rate: one point either way
    const SettingRow& shift = row(s, "region.b.shift");
    CHECK(shift.range == "absolute");
    check_exact("region.b.shift high", shift.high.p50,
                100 * (0.5 * std::pow(1.05, 10) + 0.3 * std::pow(1.04, 10) + 0.2 * std::pow(1.02, 10)));
}

TEST_CASE("settings: an entry of a conditional share row moves with its row, the others rescaled", "[settings]") {
    // no noise: V(H) = 100 sum over cells of region share x type share within the region x
    // (1 + rate + shift)^n; region a has its own type row [0.8, 0.2], region b the types' own shares
    const Scenario sc = test::scenario_from(R"(
[scenario]
base_year = 2020
horizon = 2030
base_value = 100
[growth]
rate = 0.03
long_run_sd = 0.0
annual_sd = 0.0
[[dimension]]
name = "region"
members = [{ name = "a", share = 0.5 }, { name = "b", share = 0.5 }]
[[dimension]]
name = "type"
members = [{ name = "x", share = 0.6, shift = 0.02 }, { name = "y", share = 0.4 }]
[shares.type.region]
a = [0.8, 0.2]
)");
    RunOptions opt;
    opt.paths = 500;
    const SettingsSensitivity s = settings_sensitivity(sc, {}, opt);
    const auto total = [](double ax) {  // a's row [ax, 1 - ax]
        return 100 * (0.5 * (ax * std::pow(1.05, 10) + (1 - ax) * std::pow(1.03, 10)) +
                      0.5 * (0.6 * std::pow(1.05, 10) + 0.4 * std::pow(1.03, 10)));
    };
    const SettingRow& x = row(s, "shares.type.region.a[0]");
    CHECK(x.value == 0.8);
    CHECK(x.range == "relative");
    CHECK(x.low.value == Approx(0.64).epsilon(1e-15));
    CHECK(x.high.value == Approx(0.96).epsilon(1e-15));
    check_exact("shares.type.region.a[0] low", x.low.p50, total(0.64));
    check_exact("shares.type.region.a[0] high", x.high.p50, total(0.96));
    // the other entry: 0.2 -/+ 20%, the first taking the rest
    const SettingRow& y = row(s, "shares.type.region.a[1]");
    check_exact("shares.type.region.a[1] low", y.low.p50, total(1 - 0.16));
    check_exact("shares.type.region.a[1] high", y.high.p50, total(1 - 0.24));
    CHECK(x.high.p50 > x.low.p50);  // more of the faster type
}

TEST_CASE("settings: default ends are clamped into the valid range", "[settings]") {
    const Scenario sc = test::scenario_from(R"(
[scenario]
base_year = 2020
horizon = 2030
base_value = 10
[growth]
rate = 0.04
long_run_sd = 0.0
annual_sd = 0.01
annual_persistence = 0.9
annual_tails = 3
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.9 }, { name = "b", share = 0.1 } ]
[correlation]
global = 0.6
region = 0.35
[[event]]
name = "shock"
probability = 0.9
from = 2021
to = 2030
impact = -0.1
)");
    RunOptions opt;
    opt.paths = 200;
    const SettingsSensitivity s = settings_sensitivity(sc, {}, opt);
    // a probability of 0.9 + 20% = 1.08 stops at 1 (a closed bound)
    const SettingRow& p = row(s, "event.shock.probability");
    CHECK(p.low.value == Approx(0.72).epsilon(1e-15));
    CHECK(p.high.value == 1.0);
    CHECK(p.clamped);
    // a share of 0.9 + 20% = 1.08 stops halfway to the open bound 1; the sibling takes the rest
    const SettingRow& share = row(s, "region.a.share");
    CHECK(share.high.value == Approx(0.95).epsilon(1e-15));
    CHECK(share.clamped);
    // persistence 0.9 + 20% = 1.08 stops halfway to the open bound 1
    CHECK(row(s, "growth.annual_persistence").high.value == Approx(0.95).epsilon(1e-15));
    // the weights sum to at most 1: global 0.6 + 20% = 0.72 stops at 1 - 0.35 = 0.65
    CHECK(row(s, "correlation.global").high.value == Approx(0.65).epsilon(1e-15));
    CHECK(row(s, "correlation.global").low.value == Approx(0.48).epsilon(1e-15));
    CHECK(row(s, "correlation.region").high.value == Approx(0.4).epsilon(1e-15));
    // tails: whole numbers in 3..60; 3 - 20% rounds to 2, held at 3
    const SettingRow& tails = row(s, "growth.annual_tails");
    CHECK(tails.low.value == 3.0);
    CHECK(tails.high.value == 4.0);
    CHECK(tails.clamped);
    // an event's impact is a size of shock: -/+20%
    CHECK(row(s, "event.shock.impact").range == "relative");
    CHECK(row(s, "event.shock.impact").low.value == Approx(-0.12).epsilon(1e-15));
    CHECK(row(s, "event.shock.impact").high.value == Approx(-0.08).epsilon(1e-15));
    CHECK_FALSE(row(s, "event.shock.impact").clamped);
    // the sibling's share is an input too
    CHECK(row(s, "region.b.share").low.value == Approx(0.08).epsilon(1e-15));
}

TEST_CASE("settings: an event forced by the clamp gives its closed form", "[settings]") {
    // no noise; the event fires in each year with probability p and takes 0.1 off that year's log-growth
    const Scenario sc = test::scenario_from(R"(
[scenario]
base_year = 2020
horizon = 2030
base_value = 10
seed = 11
[growth]
rate = 0.04
long_run_sd = 0.0
annual_sd = 0.0
[[event]]
name = "shock"
probability = 0.9
from = 2021
to = 2030
impact = -0.1
)");
    RunOptions opt;
    opt.paths = 4000;
    const SettingsSensitivity s = settings_sensitivity(sc, {}, opt);
    const SettingRow& p = row(s, "event.shock.probability");
    // at 1 the event fires in all ten years on every path
    check_exact("probability 1", p.high.p50, 10 * std::exp(10 * std::log(1.04) - 1.0));
    // at 0.72 the number of firings K is Binomial(10, 0.72): P(K <= 6) = 0.298, P(K <= 7) = 0.562, so
    // both middle order statistics of 4000 paths have K = 7 (the count of K <= 6 is 1192 +/- 29)
    check_exact("probability 0.72", p.low.p50, 10 * std::exp(10 * std::log(1.04) - 0.7));
}

TEST_CASE("settings: --range chooses the ends; bad ranges are refused before sampling", "[settings][bad_input]") {
    const Scenario sc = test::scenario_from(kOneCell);
    RunOptions opt;
    opt.paths = 100;
    const SettingRange r = parse_setting_range("growth.rate=0.02:0.06");
    CHECK(r.path == "growth.rate");
    CHECK(r.lo == 0.02);
    CHECK(r.hi == 0.06);
    const SettingsSensitivity s = settings_sensitivity(sc, {r}, opt);
    const SettingRow& rate = row(s, "growth.rate");
    CHECK(rate.range == "given");
    CHECK(rate.low.value == 0.02);
    CHECK(rate.high.value == 0.06);
    check_exact("given low", rate.low.p50, 10 * std::pow(1.02, 10));
    REQUIRE(s.rows.size() >= 2);
    CHECK(s.rows[0].path == "scenario.base_value");  // swing 5.92
    CHECK(s.rows[1].path == "growth.rate");          // swing 10 (1.06^10 - 1.02^10) = 5.72

    // the form
    CHECK(message_of([] { parse_setting_range("growth.rate"); }).find("--range growth.rate: expected PATH=LO:HI") == 0);
    CHECK(message_of([] { parse_setting_range("growth.rate=0.05"); }).find("expected PATH=LO:HI") != std::string::npos);
    CHECK(message_of([] { parse_setting_range("growth.rate=x:0.05"); }).find("the low end 'x' is not a number") !=
          std::string::npos);
    CHECK(message_of([] { parse_setting_range("growth.rate=0.06:0.04"); })
              .find("--range growth.rate=0.06:0.04: the low end 0.06 is above the high end 0.04") == 0);
    // the path: an input of the scenario, named by its closest
    const std::string unknown = message_of([&] { settings_sensitivity(sc, {parse_setting_range("growth.rat=0:0.1")}, opt); });
    CHECK(unknown.find("--range growth.rat=0:0.1: 'growth.rat' is not a numeric input") == 0);
    CHECK(unknown.find("did you mean 'growth.rate'?") != std::string::npos);
    CHECK(message_of([&] { settings_sensitivity(sc, {parse_setting_range("target[0].value=10:20")}, opt); })
              .find("is not a numeric input") != std::string::npos);
    CHECK(message_of([&] { settings_sensitivity(sc, {parse_setting_range("scenario.seed=1:2")}, opt); })
              .find("is not a numeric input") != std::string::npos);
    // the valid range
    const std::string outside =
        message_of([&] { settings_sensitivity(sc, {parse_setting_range("growth.annual_sd=-0.01:0.02")}, opt); });
    CHECK(outside.find("--range growth.annual_sd=-0.01:0.02: -0.01 is outside the valid range of growth.annual_sd, [0, inf)") == 0);
    CHECK(message_of([&] { settings_sensitivity(sc, {parse_setting_range("growth.annual_persistence=0:1")}, opt); })
              .find("1 is outside the valid range of growth.annual_persistence, [0, 1)") != std::string::npos);
    CHECK(message_of([&] { settings_sensitivity(sc, {r, r}, opt); }).find("is given twice") != std::string::npos);
    // an end the scenario rejects: the growth rate must stay > -1
    CHECK(message_of([&] { settings_sensitivity(sc, {parse_setting_range("growth.rate=-1:0.05")}, opt); })
              .find("outside the valid range of growth.rate, (-1, inf)") != std::string::npos);
    // the series, named by its closest
    CHECK(message_of([&] { settings_sensitivity(sc, {}, opt, "totl"); }).find("did you mean 'total'?") != std::string::npos);
}

TEST_CASE("settings: the same on any thread count", "[settings][threads]") {
    const Scenario sc = test::scenario_from(R"(
[scenario]
base_year = 2020
horizon = 2026
base_value = 10
seed = 3
[growth]
rate = 0.04
long_run_sd = 0.01
annual_sd = 0.02
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.6, shift = 0.01 }, { name = "b", share = 0.4, sd_scale = 1.5 } ]
[correlation]
global = 0.5
)");
    RunOptions one, two;
    one.paths = two.paths = 3000;
    one.threads = 1;
    two.threads = 2;
    const SettingsSensitivity a = settings_sensitivity(sc, {}, one), b = settings_sensitivity(sc, {}, two);
    REQUIRE(a.rows.size() == b.rows.size());
    for (std::size_t i = 0; i < a.rows.size(); ++i) {
        CHECK(a.rows[i].path == b.rows[i].path);
        CHECK(a.rows[i].low.p50 == b.rows[i].low.p50);
        CHECK(a.rows[i].high.mean == b.rows[i].high.mean);
    }
}
