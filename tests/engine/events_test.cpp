// Events that fire at most once and events with uncertain impacts: against closed forms
// (statistical, 5 standard errors, fixed seeds), the central path, and common random numbers
// (exact, path by path).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/engine.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/text.hpp"
#include "model/model.hpp"
#include "sampling/path.hpp"
#include "sampling/random.hpp"
#include "test_support.hpp"

using namespace marketsim;
using marketsim::test::scenario_from;

namespace {

constexpr double kSigmas = 5.0;  // tolerance of every statistical check, in standard errors

/** One cell without noise: growth 0 and one event of probability 1 in 2025, so that the
 *  log-growth of 2025 is the path's impact exactly. */
std::string one_cell_with_impact(const std::string& impact) {
    return R"(
[scenario]
base_year = 2020
horizon = 2027
base_value = 1
seed = 5
[growth]
rate = 0.0
[[event]]
name = "shock"
probability = 1
at = 2025
impact = )" + impact + "\n";
}

/** The log-growth of every year t = 1..n of series 0 on path p, from simulate_path. */
std::vector<double> log_growths(const Model& m, std::uint64_t p, PathWorkspace& ws, std::vector<double>& out) {
    simulate_path(m, p, ws, out.data());
    const std::uint32_t ns = m.series_count();
    std::vector<double> r(static_cast<std::size_t>(m.years) + 1, 0.0);
    for (int t = 1; t <= m.years; ++t) r[t] = std::log(out[t * ns] / out[(t - 1) * ns]);
    return r;
}

}  // namespace

TEST_CASE("uncertain impacts have their distribution's quantiles and mean", "[engine][statistical][events]") {
    struct Case {
        const char* impact;
        double mean;  // closed form
    };
    const Case cases[] = {
        {"{ dist = \"pert\", low = -0.3, mode = -0.05, high = 0.02 }", (-0.3 + 4 * -0.05 + 0.02) / 6},
        {"{ dist = \"triangular\", low = -0.2, mode = -0.15, high = 0.1 }", (-0.2 - 0.15 + 0.1) / 3},
        {"{ dist = \"uniform\", low = -0.1, high = 0.05 }", (-0.1 + 0.05) / 2},
    };
    constexpr int n = 40000;
    for (const Case& c : cases) {
        INFO("impact = " << c.impact);
        const Scenario sc = scenario_from(one_cell_with_impact(c.impact));
        const Model m = compile(sc, sc.seed);
        REQUIRE(m.events[0].impact_range);
        const ThreePoint& q = *m.events[0].impact_range;
        PathWorkspace ws(m);
        std::vector<double> out(static_cast<std::size_t>(m.years + 1) * m.series_count()), impacts;
        for (int p = 0; p < n; ++p) {
            const std::vector<double> r = log_growths(m, static_cast<std::uint64_t>(p), ws, out);
            for (int t = 1; t <= m.years; ++t)
                if (t != 5) REQUIRE(std::fabs(r[t]) < 1e-14);  // the event's one year only
            impacts.push_back(r[5]);
        }
        std::sort(impacts.begin(), impacts.end());
        for (const double level : {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99}) {
            const double expected = q.quantile(level);
            // the order statistic's sd is sqrt(p (1 - p) / n) / f(x), with 1 / f(x) = Q'(p)
            const double h = 1e-5, slope = (q.quantile(level + h) - q.quantile(level - h)) / (2 * h);
            const double got = impacts[static_cast<std::size_t>(level * n)];
            const double tol = kSigmas * std::sqrt(level * (1 - level) / n) * slope + 1e-7;  // + the table's error
            INFO("quantile " << level << " calculated " << got << " expected " << expected << " error " << got - expected
                             << " tolerance " << tol);
            CHECK(std::fabs(got - expected) <= tol);
        }
        double sum = 0, sum2 = 0;
        for (const double x : impacts) sum += x, sum2 += x * x;
        const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean), tol = kSigmas * sd / std::sqrt(n);
        INFO("mean calculated " << mean << " expected " << c.mean << " error " << mean - c.mean << " tolerance " << tol);
        CHECK(std::fabs(mean - c.mean) <= tol);
        CHECK(impacts.front() >= q.low - 1e-7);
        CHECK(impacts.back() <= q.high + 1e-7);
    }
}

TEST_CASE("a once event fires with its probability - in one year - each year equally likely", "[engine][statistical][events]") {
    // years 2018..2027 clipped to 2021..2027 (7 years); the probability is not reduced by the clipping
    const Scenario sc = scenario_from(R"(
[scenario]
base_year = 2020
horizon = 2030
base_value = 1
seed = 9
[growth]
rate = 0.0
[[event]]
name = "crash"
probability = 0.3
from = 2018
to = 2027
impact = -0.1
once = true
)");
    const Model m = compile(sc, sc.seed);
    PathWorkspace ws(m);
    std::vector<double> out(static_cast<std::size_t>(m.years + 1) * m.series_count());
    constexpr int n = 100000, years = 7;
    constexpr double p = 0.3;
    std::vector<int> in_year(m.years + 1, 0);
    int fired = 0;
    for (int path = 0; path < n; ++path) {
        const std::vector<double> r = log_growths(m, static_cast<std::uint64_t>(path), ws, out);
        int count = 0;
        for (int t = 1; t <= m.years; ++t) {
            const bool on = std::fabs(r[t] + 0.1) < 1e-12;
            REQUIRE((on || std::fabs(r[t]) < 1e-12));
            if (on) ++count, ++in_year[t];
        }
        REQUIRE(count <= 1);  // at most once
        fired += count;
    }
    const double share = static_cast<double>(fired) / n, se = std::sqrt(p * (1 - p) / n);
    INFO("share of paths where it fires: calculated " << share << " expected " << p << " error " << share - p
                                                      << " tolerance " << kSigmas * se);
    CHECK(std::fabs(share - p) <= kSigmas * se);
    // each clipped year: binomial with p / 7; never outside them
    for (int t = 1; t <= m.years; ++t) {
        const int year = 2020 + t;
        if (year > 2027) {
            CHECK(in_year[t] == 0);
            continue;
        }
        const double expected = p / years, got = static_cast<double>(in_year[t]) / n;
        const double se_year = std::sqrt(expected * (1 - expected) / n);
        INFO("year " << year << ": share calculated " << got << " expected " << expected << " error " << got - expected
                     << " tolerance " << kSigmas * se_year);
        CHECK(std::fabs(got - expected) <= kSigmas * se_year);
    }
    // the years given a firing: uniform; chi-square with 6 degrees of freedom, below its 0.999 point 22.46
    double chi2 = 0;
    for (int t = 1; t <= years; ++t) {
        const double e = static_cast<double>(fired) / years;
        chi2 += (in_year[t] - e) * (in_year[t] - e) / e;
    }
    INFO("chi-square of the firing years: calculated " << chi2 << " tolerance 22.46 (6 degrees of freedom, 0.999)");
    CHECK(chi2 <= 22.46);
}

TEST_CASE("a once event of probability 1 fires in exactly one year on every path", "[engine][statistical][events]") {
    const Scenario sc = scenario_from(R"(
[scenario]
base_year = 2020
horizon = 2030
base_value = 1
seed = 10
[growth]
rate = 0.0
[[event]]
name = "launch"
probability = 1
from = 2022
to = 2026
impact = 0.07
duration = 2
once = true
)");
    const Model m = compile(sc, sc.seed);
    PathWorkspace ws(m);
    std::vector<double> out(static_cast<std::size_t>(m.years + 1) * m.series_count());
    constexpr int n = 50000;
    std::vector<int> first_year(m.years + 1, 0);
    for (int path = 0; path < n; ++path) {
        const std::vector<double> r = log_growths(m, static_cast<std::uint64_t>(path), ws, out);
        std::vector<int> on;
        for (int t = 1; t <= m.years; ++t) {
            if (std::fabs(r[t] - 0.07) < 1e-12) on.push_back(t);
            else REQUIRE(std::fabs(r[t]) < 1e-12);
        }
        REQUIRE(on.size() == 2);  // one firing, active for its duration
        REQUIRE(on[1] == on[0] + 1);
        REQUIRE(on[0] >= 2);
        REQUIRE(on[0] <= 6);
        ++first_year[on[0]];
    }
    double chi2 = 0;
    for (int t = 2; t <= 6; ++t) {
        const double e = n / 5.0, got = first_year[t] / static_cast<double>(n), se = std::sqrt(0.2 * 0.8 / n);
        INFO("year " << 2020 + t << ": share calculated " << got << " expected 0.2 error " << got - 0.2 << " tolerance "
                     << kSigmas * se);
        CHECK(std::fabs(got - 0.2) <= kSigmas * se);
        chi2 += (first_year[t] - e) * (first_year[t] - e) / e;
    }
    INFO("chi-square calculated " << chi2 << " tolerance 18.47 (4 degrees of freedom, 0.999)");
    CHECK(chi2 <= 18.47);
}

TEST_CASE("the once year is floor(u n / p) computed exactly", "[events]") {
    // at the exact boundaries: p = 1, n = 4: u = (m + 0.5) 2^-52 crosses 1/4 between m = 2^50 - 1 and 2^50
    const std::uint64_t q = std::uint64_t{1} << 50;
    CHECK(once_year(q - 1, 4, 1.0) == 0);
    CHECK(once_year(q, 4, 1.0) == 1);
    CHECK(once_year(3 * q - 1, 4, 1.0) == 2);
    CHECK(once_year(3 * q, 4, 1.0) == 3);
    CHECK(once_year((std::uint64_t{1} << 52) - 1, 4, 1.0) == 3);
    // p = 1/2, n = 3: u n / p = 3 (2m + 1) 2^-52 reaches 1 first at m = ceil((2^52 / 3 - 1) / 2), where
    // u = 1/6 is not a dyadic number
    const std::uint64_t two52 = std::uint64_t{1} << 52;
    std::uint64_t first_m = (two52 / 3 - 1) / 2;
    while (3 * (2 * first_m + 1) < two52) ++first_m;
    REQUIRE(3 * (2 * (first_m - 1) + 1) < two52);
    CHECK(once_year(first_m - 1, 3, 0.5) == 0);
    CHECK(once_year(first_m, 3, 0.5) == 1);
    // against long double away from the boundaries, over probabilities down to the smallest that fires
    std::uint64_t state = 12345;
    const auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return state >> 11;
    };
    int checked = 0;
    for (const double p : {1.0, 0.999, 0.5, 0.3, 0.1, 1.0 / 3, 1e-3, 1e-9, 0x1p-40, 3e-16}) {
        const std::uint64_t t = uniform_threshold(p);
        REQUIRE(t > 0);
        for (int i = 0; i < 2000; ++i) {
            const std::uint64_t m = next() % t;
            const int years = 1 + static_cast<int>(next() % 200);
            const long double x = (static_cast<long double>(m) + 0.5L) * years / (static_cast<long double>(p) * 0x1p52L);
            if (std::fabs(x - std::round(x)) < 1e-9L) continue;  // too close to call in long double
            const int expected = std::min(years - 1, static_cast<int>(std::floor(x)));
            INFO("p " << p << " m " << m << " years " << years);
            REQUIRE(once_year(m, years, p) == expected);
            ++checked;
        }
    }
    CHECK(checked > 19000);
}

TEST_CASE("the central path applies events of probability 1 at their central impact", "[engine][events]") {
    const std::string text = R"(
[scenario]
base_year = 2020
horizon = 2030
base_value = 100
[growth]
rate = 0.05
annual_sd = 0.02
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.6 }, { name = "b", share = 0.4 } ]
[[event]]
name = "slump"
probability = 1
from = 2022
to = 2024
impact = -0.05
where = { region = ["a"] }
[[event]]
name = "launch"
probability = 1
from = 2021
to = 2030
impact = { dist = "pert", low = -0.3, mode = -0.1, high = 0.0 }
duration = 2
once = true
where = { region = ["b"] }
[[event]]
name = "maybe"
probability = 0.5
at = 2025
impact = -0.5
)";
    const Scenario sc = scenario_from(text);
    const Model m = compile(sc, 1);
    const int n = m.years;
    CHECK((m.central_events == std::vector<std::string>{"slump", "launch"}));
    // a: three years of -0.05; b: the once event in 2021 + floor(10 / 2) = 2026, for two years, at its mode
    const double a = 60 * std::pow(1.05, n) * std::exp(-0.15), b = 40 * std::pow(1.05, n) * std::exp(-0.2);
    const double got = m.central_path[static_cast<std::size_t>(n)];
    INFO("central path total calculated " << got << " expected " << a + b);
    CHECK(got == Approx(a + b).epsilon(1e-13));
    // year by year for b: the drop lands in 2026 and 2027
    const std::size_t b_series = 2 * static_cast<std::size_t>(n + 1);
    for (int t = 1; t <= n; ++t) {
        const double growth = m.central_path[b_series + t] / m.central_path[b_series + t - 1];
        INFO("region=b year " << 2020 + t);
        CHECK(growth == Approx(1.05 * (t == 6 || t == 7 ? std::exp(-0.1) : 1.0)).epsilon(1e-13));
    }
    // the statistics' reference stays the path without events
    CHECK(m.central[static_cast<std::size_t>(n)] == Approx(100 * std::pow(1.05, n)).epsilon(1e-13));

    // summary: central_cagr is the path's; the shifts' warning is not raised by events
    RunOptions opt;
    opt.paths = 200;
    const Results r = run(sc, opt);
    CHECK(r.central_cagr == Approx(std::pow((a + b) / 100, 1.0 / n) - 1).epsilon(1e-12));
    CHECK(r.central_cagr_without_events == Approx(0.05).epsilon(1e-12));
    for (const std::string& w : r.warnings) CHECK(w.find("shifts move") == std::string::npos);
    // validate says it
    const std::string v = validate_text(sc);
    CHECK(v.find("(with the events of probability 1: slump launch; without them") != std::string::npos);
    CHECK(v.find("# event launch: fires at most once, with probability 1 over 2021..2030; impact pert from -0.3 to 0, "
                 "mode -0.1 (central path: -0.1)") != std::string::npos);

    // with shifts, the warning names what moved the path
    const Scenario with_shift = with_sets(scenario_from(text), {"region.a.shift=0.02"});
    const Results rs = run(with_shift, opt);
    bool named = false;
    for (const std::string& w : rs.warnings)
        named = named || (w.find("shifts move the total's central-path CAGR to") != std::string::npos &&
                          w.find("; the events of probability 1 (slump, launch) then take it to") != std::string::npos);
    CHECK(named);
}

TEST_CASE("common random numbers: once and uncertain impacts move no other draw", "[engine][events][determinism]") {
    const std::string base = R"(
[scenario]
base_year = 2020
horizon = 2032
base_value = 100
seed = 21
[growth]
rate = 0.04
long_run_sd = 0.02
annual_sd = 0.03
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.5 }, { name = "b", share = 0.3 }, { name = "c", share = 0.2 } ]
[correlation]
global = 0.4
[[event]]
name = "x"
probability = 0.2
from = 2022
to = 2030
impact = -0.06
duration = 2
where = { region = ["a"] }
[[event]]
name = "y"
probability = 0.3
from = 2021
to = 2032
impact = -0.04
where = { region = ["b"] }
)";
    const Scenario plain = scenario_from(base);
    const std::vector<std::vector<std::string>> variants = {
        {"event.x.once=true"},
        {"event.x.impact={dist=\"pert\",low=-0.2,mode=-0.06,high=0.0}"},
        {"event.x.impact={dist=\"uniform\",low=-0.2,high=0.1}", "event.x.once=true", "event.x.probability=0.9"},
    };
    const Model m0 = compile(plain, plain.seed);
    PathWorkspace ws0(m0);
    const std::uint32_t ns = m0.series_count();
    const std::size_t size = static_cast<std::size_t>(m0.years + 1) * ns;
    for (const auto& sets : variants) {
        const Scenario changed = with_sets(plain, sets);
        const Model m1 = compile(changed, changed.seed);
        PathWorkspace ws1(m1);
        std::vector<double> a(size), b(size);
        int moved = 0;
        for (std::uint64_t p = 0; p < 3000; ++p) {
            simulate_path(m0, p, ws0, a.data());
            simulate_path(m1, p, ws1, b.data());
            for (int t = 0; t <= m0.years; ++t) {
                const std::size_t at = static_cast<std::size_t>(t) * ns;
                INFO(sets[0] << " path " << p << " year " << t);
                REQUIRE(a[at + 2] == b[at + 2]);  // region=b: its own event y and every factor draw
                REQUIRE(a[at + 3] == b[at + 3]);  // region=c
                moved += a[at + 1] != b[at + 1];  // region=a: event x
            }
        }
        INFO(sets[0]);
        CHECK(moved > 0);  // the check can fail
    }
    // and bands of the untouched series are the same bytes
    RunOptions opt;
    opt.paths = 3000;
    const std::string before = bands_csv(run(plain, opt), false);
    const std::string after = bands_csv(run(with_sets(plain, variants[2]), opt), false);
    const auto rows = [](const std::string& csv, const std::string& series) {
        std::string out;
        std::size_t start = 0;
        while (start < csv.size()) {
            const std::size_t end = csv.find('\n', start);
            const std::string line = csv.substr(start, end - start);
            if (line.rfind(series + ",", 0) == 0) out += line + "\n";
            start = end == std::string::npos ? csv.size() : end + 1;
        }
        return out;
    };
    CHECK(rows(before, "region=b") == rows(after, "region=b"));
    CHECK(rows(before, "region=c") == rows(after, "region=c"));
    CHECK(rows(before, "region=a") != rows(after, "region=a"));
}
