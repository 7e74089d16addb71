// The engine against closed forms (statistical, 5 standard errors, fixed seeds) and its
// determinism guarantees (exact, byte for byte).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <catch2/catch.hpp>

#include "stats/accumulator.hpp"
#include "sampling/random.hpp"
#include "engine/engine.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/files.hpp"
#include "marketsim/json.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/quantiles.hpp"
#include "marketsim/text.hpp"
#include "sampling/sampler.hpp"
#include "sampling/path.hpp"
#include "test_support.hpp"

using namespace marketsim;
using marketsim::test::scenario_from;

namespace {

constexpr double kSigmas = 5.0;  // tolerance of every statistical check, in standard errors

/** Checks a band against the lognormal law ln X ~ N(m, s^2), within kSigmas standard errors
 *  (plus the quantile summary's relative accuracy for quantiles). */
void check_lognormal(const Results& r, std::size_t series, int t, double m, double s) {
    const Band& b = r.band(series, t);
    const double n = static_cast<double>(r.paths);
    const double w = std::exp(s * s);
    const double mean = std::exp(m + s * s / 2), sd = mean * std::sqrt(w - 1);
    const double kurt = w * w * w * w + 2 * w * w * w + 3 * w * w - 3;
    const double se_mean = sd / std::sqrt(n), se_sd = sd * std::sqrt((kurt - 1) / n) / 2;
    INFO(r.series[series] << " year " << r.base_year + t << ": mean calculated " << b.mean << " expected " << mean
                          << " error " << b.mean - mean << " tolerance " << kSigmas * se_mean);
    CHECK(std::fabs(b.mean - mean) <= kSigmas * se_mean);
    INFO("sd calculated " << b.sd << " expected " << sd << " error " << b.sd - sd << " tolerance " << kSigmas * se_sd);
    CHECK(std::fabs(b.sd - sd) <= kSigmas * se_sd);
    for (std::size_t k = 0; k < r.quantiles.size(); ++k) {
        const double q = r.quantiles[k], z = test::normal_quantile_ref(q);
        const double x = std::exp(m + s * z);
        const double density = test::normal_pdf(z) / (x * s);
        const double tol = kSigmas * std::sqrt(q * (1 - q) / n) / density + r.relative_accuracy * x;
        INFO("quantile " << q << " calculated " << b.quantile[k] << " expected " << x << " error "
                         << b.quantile[k] - x << " tolerance " << tol);
        CHECK(std::fabs(b.quantile[k] - x) <= tol);
    }
}

const char* kSingleCell = R"(
[scenario]
name = "single"
base_year = 2020
horizon = 2030
base_value = 10
seed = 11
[growth]
rate = 0.05
long_run_sd = 0.02
annual_sd = 0.03
[[dimension]]
name = "region"
members = [ { name = "world", share = 1 } ]
[output]
quantiles = [0.05, 0.25, 0.5, 0.75, 0.95]
)";

std::string csv_rows_of(const std::string& csv, const std::string& series) {
    std::istringstream in(csv);
    std::string line, out;
    while (std::getline(in, line))
        if (line.rfind(series + ",", 0) == 0) out += line + "\n";
    return out;
}

}  // namespace

TEST_CASE("one cell follows the lognormal closed form in every year", "[engine][statistical]") {
    const Scenario sc = scenario_from(kSingleCell);
    RunOptions opt;
    opt.paths = 200000;
    const Results r = run(sc, opt);
    REQUIRE(r.series == std::vector<std::string>{"total", "region=world"});
    for (int t = 1; t <= 10; ++t) {
        const double m = std::log(10.0) + t * std::log(1.05);
        const double s = std::sqrt(t * t * 0.02 * 0.02 + t * 0.03 * 0.03);
        check_lognormal(r, 0, t, m, s);
        check_lognormal(r, 1, t, m, s);
    }
    // the base year has no spread: every statistic is the exact base value
    const Band& b0 = r.band(0, 0);
    CHECK(b0.mean == 10.0);
    CHECK(b0.sd == 0.0);
    for (double q : b0.quantile) CHECK(q == 10.0);
}

TEST_CASE("with all weight on the global factor the total is exactly lognormal", "[engine][statistical]") {
    const Scenario sc = scenario_from(R"(
[scenario]
base_year = 2022
horizon = 2033
base_value = 35.2
seed = 5
[growth]
rate = 0.052
long_run_sd = 0.01
annual_sd = 0.015
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.3 }, { name = "b", share = 0.7 } ]
[[dimension]]
name = "type"
members = [ { name = "x", share = 0.2 }, { name = "y", share = 0.3 }, { name = "z", share = 0.5 } ]
[correlation]
global = 1.0
)");
    RunOptions opt;
    opt.paths = 100000;
    const Results r = run(sc, opt);
    for (int t : {1, 5, 11}) {
        const double s = std::sqrt(t * t * 0.01 * 0.01 + t * 0.015 * 0.015);
        check_lognormal(r, 0, t, std::log(35.2) + t * std::log(1.052), s);
        check_lognormal(r, 2, t, std::log(35.2 * 0.7) + t * std::log(1.052), s);  // region=b
    }
}

TEST_CASE("cell log-growths have the model's correlation", "[engine][statistical]") {
    const std::string text = R"(
[scenario]
base_year = 2022
horizon = 2023
base_value = 100
[growth]
rate = 0.05
long_run_sd = LONG
annual_sd = ANNUAL
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.2 }, { name = "b", share = 0.3 }, { name = "c", share = 0.5 } ]
[[dimension]]
name = "type"
members = [ { name = "x", share = 0.4 }, { name = "y", share = 0.6, sd_scale = 2 } ]
[correlation]
global = 0.3
region = 0.4
type = 0.2
matrix.region = MATRIX
[output]
cells = true
)";
    struct Case {
        const char* label;
        const char* long_sd;
        const char* annual_sd;
        const char* matrix;
        double c[3][3];
    };
    const Case cases[] = {
        {"annual noise, full-rank matrix", "0.0", "0.1", "[[1, 0.5, 0.2], [0.5, 1, 0.3], [0.2, 0.3, 1]]",
         {{1, 0.5, 0.2}, {0.5, 1, 0.3}, {0.2, 0.3, 1}}},
        {"persistent deviation, singular matrix", "0.1", "0.0", "[[1, 1, -1], [1, 1, -1], [-1, -1, 1]]",
         {{1, 1, -1}, {1, 1, -1}, {-1, -1, 1}}},
    };
    for (const Case& cs : cases) {
        SECTION(cs.label) {
            std::string t = text;
            t.replace(t.find("LONG"), 4, cs.long_sd);
            t.replace(t.find("ANNUAL"), 6, cs.annual_sd);
            t.replace(t.find("MATRIX"), 6, cs.matrix);
            const Scenario sc = scenario_from(t);
            const Model m = compile(sc, 99);
            REQUIRE(m.cell_count == 6);
            PathWorkspace ws(m);
            std::vector<double> out(2 * m.series_count());
            constexpr int n = 100000;
            std::vector<std::vector<double>> g(6, std::vector<double>(n));
            for (int p = 0; p < n; ++p) {
                simulate_path(m, static_cast<std::uint64_t>(p), ws, out.data());
                for (std::uint32_t c = 0; c < 6; ++c) {
                    const std::size_t s = m.cell_series_begin + c;
                    g[c][static_cast<std::size_t>(p)] = std::log(out[m.series_count() + s] / out[s]);
                }
            }
            for (std::uint32_t a = 0; a < 6; ++a) {
                for (std::uint32_t b = a + 1; b < 6; ++b) {
                    double ma = 0, mb = 0;
                    for (int p = 0; p < n; ++p) {
                        ma += g[a][p];
                        mb += g[b][p];
                    }
                    ma /= n;
                    mb /= n;
                    double sab = 0, saa = 0, sbb = 0;
                    for (int p = 0; p < n; ++p) {
                        sab += (g[a][p] - ma) * (g[b][p] - mb);
                        saa += (g[a][p] - ma) * (g[a][p] - ma);
                        sbb += (g[b][p] - mb) * (g[b][p] - mb);
                    }
                    const double rho = sab / std::sqrt(saa * sbb);
                    const std::uint32_t ra = m.cell_member[a * 2], rb = m.cell_member[b * 2];
                    const std::uint32_t ta = m.cell_member[a * 2 + 1], tb = m.cell_member[b * 2 + 1];
                    const double expected = 0.3 + 0.4 * cs.c[ra][rb] + 0.2 * (ta == tb ? 1.0 : 0.0);
                    const double se = (1 - expected * expected) / std::sqrt(static_cast<double>(n));
                    INFO("cells " << m.series[m.cell_series_begin + a] << " & " << m.series[m.cell_series_begin + b]
                                  << ": correlation calculated " << rho << " expected " << expected << " error "
                                  << rho - expected << " tolerance " << kSigmas * se + 1e-12);
                    CHECK(std::fabs(rho - expected) <= kSigmas * se + 1e-12);
                }
            }
        }
    }
}

TEST_CASE("events fire with their probability and stay active for their duration", "[engine][statistical]") {
    const Scenario sc = scenario_from(R"(
[scenario]
base_year = 2020
horizon = 2030
base_value = 1
[growth]
rate = 0.0
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.5 }, { name = "b", share = 0.5 } ]
[[event]]
name = "shock"
probability = 0.2
from = 2022
to = 2027
impact = -0.1
duration = 3
where = { region = ["a"] }
[[event]]
name = "boom"
probability = 1
at = 2029
impact = 0.05
)");
    const Model m = compile(sc, 3);
    PathWorkspace ws(m);
    const std::uint32_t ns = m.series_count();
    std::vector<double> out(11 * ns);
    constexpr int n = 100000;
    std::vector<int> active(11, 0);
    for (int p = 0; p < n; ++p) {
        simulate_path(m, static_cast<std::uint64_t>(p), ws, out.data());
        for (int t = 1; t <= 10; ++t) {
            const double ra = std::log(out[t * ns + 1] / out[(t - 1) * ns + 1]);  // region=a
            const double rb = std::log(out[t * ns + 2] / out[(t - 1) * ns + 2]);  // region=b
            const double boom = t == 9 ? 0.05 : 0.0;
            // active is active: impacts of one event never stack
            const bool on = std::fabs(ra - boom + 0.1) < 1e-9;
            REQUIRE((on || std::fabs(ra - boom) < 1e-9));
            REQUIRE(std::fabs(rb - boom) < 1e-9);  // the filter keeps region b out of the shock
            active[t] += on;
        }
    }
    for (int t = 1; t <= 10; ++t) {
        const int year = 2020 + t;
        int chances = 0;  // firing years f in 2022..2027 with f <= year <= f + 2
        for (int f = 2022; f <= 2027; ++f) chances += (f <= year && year <= f + 2);
        const double expected = 1 - std::pow(0.8, chances);
        const double freq = static_cast<double>(active[t]) / n;
        const double se = std::sqrt(expected * (1 - expected) / n);
        INFO("year " << year << ": active share calculated " << freq << " expected " << expected << " error "
                     << freq - expected << " tolerance " << kSigmas * se);
        CHECK(std::fabs(freq - expected) <= kSigmas * se);
    }
}

TEST_CASE("an event outside the years warns and never fires", "[engine]") {
    const Scenario sc = scenario_from(R"(
[scenario]
base_year = 2020
horizon = 2025
base_value = 1
[growth]
rate = 0.03
[[event]]
name = "late"
probability = 1
from = 2030
to = 2032
impact = -0.5
)");
    REQUIRE(sc.warnings.size() == 1);
    CHECK(sc.warnings[0].find("late") != std::string::npos);
    RunOptions opt;
    opt.paths = 100;
    const Results r = run(sc, opt);
    CHECK(r.band(0, 5).mean == Approx(std::pow(1.03, 5)).epsilon(1e-12));
}

TEST_CASE("bands are byte-identical for any number of threads", "[engine][determinism][threads]") {
    const Scenario sc = load_scenario(test::source_dir() + "/scenarios/baseline.toml");
    RunOptions opt;
    opt.paths = 10 * kBlockPaths + 123;  // a partial last block
    opt.threads = 1;
    const Results one = run(sc, opt);
    opt.threads = 2;
    const Results two = run(sc, opt);
    opt.threads = 3;
    const Results three = run(sc, opt);
    CHECK(bands_csv(one, true) == bands_csv(two, true));
    CHECK(bands_csv(one, true) == bands_csv(three, true));
    CHECK(summary_json(sc, one)["cagr"] == summary_json(sc, two)["cagr"]);
    CHECK(summary_json(sc, one)["targets"] == summary_json(sc, two)["targets"]);
}

TEST_CASE("common random numbers: a change moves only the series it touches", "[engine][determinism][threads]") {
    const std::string base = test::source_dir() + "/scenarios/baseline.toml";
    RunOptions opt;
    opt.paths = 4000;
    const std::string a = bands_csv(run(load_scenario(base), opt), false);
    const std::string shifted =
        bands_csv(run(load_scenario(base, {"region.asia_pacific.shift=0.05"}), opt), false);
    // an event on one region: written as a what-if file extending the baseline
    const auto dir = std::filesystem::temp_directory_path() / "marketsim_crn_test";
    std::filesystem::create_directories(dir);
    {
        std::ofstream f(dir / "na_shock.toml");
        f << "extends = \"" << base << "\"\n"
          << "[[event]]\nname = \"na_shock\"\nprobability = 0.3\nfrom = 2024\nto = 2030\nimpact = -0.05\n"
          << "where = { region = [\"north_america\"] }\n";
    }
    const std::string with_event = bands_csv(run(load_scenario(dir / "na_shock.toml"), opt), false);
    const std::string reseeded = bands_csv(run(load_scenario(base, {"scenario.seed=7"}), opt), false);
    for (const char* region : {"north_america", "europe", "south_america", "middle_east_africa"}) {
        const std::string series = std::string("region=") + region;
        INFO(series);
        CHECK(csv_rows_of(a, series) == csv_rows_of(shifted, series));
        CHECK(csv_rows_of(a, series) != csv_rows_of(reseeded, series));  // the check can fail
    }
    CHECK(csv_rows_of(a, "region=asia_pacific") != csv_rows_of(shifted, "region=asia_pacific"));
    for (const char* region : {"europe", "asia_pacific", "south_america", "middle_east_africa"}) {
        const std::string series = std::string("region=") + region;
        INFO(series);
        CHECK(csv_rows_of(a, series) == csv_rows_of(with_event, series));
    }
    CHECK(csv_rows_of(a, "region=north_america") != csv_rows_of(with_event, "region=north_america"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("target probabilities count paths at or above the value", "[engine]") {
    // no noise: the value is certain, so the probability is exactly 0 or 1
    const std::string text = std::string(kSingleCell) + "[[target]]\nseries = \"total\"\nyear = 2030\nvalue = VALUE\n";
    const double certain = 10 * std::pow(1.05, 10);
    for (const auto& [value, expected] : {std::pair{certain * 0.999, 1.0}, std::pair{certain * 1.001, 0.0}}) {
        std::string t = text;
        t.replace(t.find("VALUE"), 5, format_number(value));
        const Scenario sc = scenario_from(t, "test.toml", {"growth.long_run_sd=0", "growth.annual_sd=0"});
        RunOptions opt;
        opt.paths = 3000;
        const Results r = run(sc, opt);
        REQUIRE(r.targets.size() == 1);
        CHECK(r.targets[0].probability == expected);
    }
    // with noise: P(X >= median) = 1/2 within 5 standard errors
    std::string t = text;
    t.replace(t.find("VALUE"), 5, format_number(certain));
    RunOptions opt;
    opt.paths = 50000;
    const Results r = run(scenario_from(t), opt);
    const double se = std::sqrt(0.25 / 50000);
    INFO("P(total >= median) calculated " << r.targets[0].probability << " expected 0.5 tolerance " << kSigmas * se);
    CHECK(std::fabs(r.targets[0].probability - 0.5) <= kSigmas * se);
}

TEST_CASE("ExactSum adds without rounding - in any order", "[accumulator]") {
    ExactSum s;
    s.add(1e16);
    s.add(1.0);
    s.add(-1e16);
    CHECK(s.value() == 1.0);
    ExactSum tiny;
    tiny.add(1e300);
    tiny.add(1e-300);
    tiny.add(-1e300);
    CHECK(tiny.value() == 1e-300);
    ExactSum negative;
    negative.add(-3.5);
    negative.add(0.25);
    CHECK(negative.value() == -3.25);

    std::vector<double> xs;
    std::uint64_t state = 12345;
    for (int i = 0; i < 5000; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        const double mant = static_cast<double>(state >> 11) * 0x1p-53 - 0.5;
        xs.push_back(std::ldexp(mant, static_cast<int>(state % 80) - 40));
    }
    ExactSum forward, backward, split_a, split_b;
    for (double x : xs) forward.add(x);
    for (auto it = xs.rbegin(); it != xs.rend(); ++it) backward.add(*it);
    for (std::size_t i = 0; i < xs.size(); ++i) (i % 3 ? split_a : split_b).add(xs[i]);
    split_b.merge(split_a);
    CHECK(forward == backward);
    CHECK(forward == split_b);
    CHECK(forward.value() == backward.value());
    CHECK(forward.value() == split_b.value());
}

TEST_CASE("runs beyond the limits are refused before sampling", "[engine][limits]") {
    std::string members;
    for (int i = 0; i < 50; ++i) members += (i ? ", " : "") + std::string("{ name = \"m") + std::to_string(i) + "\", share = 0.02 }";
    std::string text = "[scenario]\nbase_year = 2022\nhorizon = 2030\nbase_value = 1\n[growth]\nrate = 0.05\n";
    for (const char* dim : {"a", "b"}) text += "[[dimension]]\nname = \"" + std::string(dim) + "\"\nmembers = [" + members + "]\n";
    const Scenario two = scenario_from(text);  // 2,500 cells
    // the loader refuses the dimension that crosses the limit, where it is written
    CHECK_THROWS_WITH(scenario_from(text + "[[dimension]]\nname = \"c\"\nmembers = [" + members + "]\n"),
                      Catch::Contains("test.toml:15:1: c.members: 50 members make 50 x 50 x 50 = 125000 cells") &&
                          Catch::Contains("at most 100000"));
    // and a scenario assembled in code, past the loader, is refused by compile
    Scenario too_many_cells = two;
    too_many_cells.dimensions.push_back(two.dimensions[0]);
    too_many_cells.dimensions.back().name = "c";
    CHECK_THROWS_WITH(compile(too_many_cells, 1), Catch::Contains("50 x 50 x 50") && Catch::Contains("100000"));

    // a spread this wide needs far more memory for its quantile summaries than any machine here has
    const Scenario wide = load_scenario(test::source_dir() + "/scenarios/baseline.toml",
                                        {"scenario.horizon=2222", "growth.annual_sd=1.5", "growth.long_run_sd=0.5"});
    RunOptions opt;
    opt.paths = 1000;
    CHECK_THROWS_WITH(run(wide, opt), Catch::Contains("GiB") && Catch::Contains("output.relative_accuracy"));
    // and the estimate follows the spread and the accuracy
    const Scenario base = load_scenario(test::source_dir() + "/scenarios/baseline.toml");
    const Model m = compile(base, 1);
    CHECK(estimate_memory_bytes(m, 1e-4, 2) < estimate_memory_bytes(compile(wide, 1), 1e-4, 2));
    CHECK(estimate_memory_bytes(m, 1e-3, 2) < estimate_memory_bytes(m, 1e-4, 2));
}

TEST_CASE("a three-point long run gives V(H) = V(B)(1 + X)^(H - B) path by path", "[engine][three_point]") {
    // one cell, no shift, no events, no annual noise: X = Q(Phi(Z)) (tabulated) with Z the cell's long-run
    // normal, which with no dimensions and no correlation weights is the idiosyncratic draw E (index 1)
    for (const char* dist : {"pert", "triangular", "uniform"}) {
        std::string long_run = std::string("{ dist = \"") + dist + "\", low = 0.01, " +
                               (std::string(dist) == "uniform" ? "" : "mode = 0.04, ") + "high = 0.12 }";
        const Scenario sc = scenario_from("[scenario]\nbase_year = 2022\nhorizon = 2033\nbase_value = 35.2\nseed = 9\n"
                                          "[growth]\nlong_run = " + long_run + "\n");
        const Model m = compile(sc, 9);
        PathWorkspace ws(m);
        std::vector<double> out(12);
        constexpr int n = 20000;
        for (int p = 0; p < n; ++p) {
            simulate_path(m, static_cast<std::uint64_t>(p), ws, out.data());
            const double z = normal(9, static_cast<std::uint64_t>(p), purpose::long_run, 1);
            const double x = m.three_point->quantile_of_normal(z);
            const double expected = 35.2 * std::pow(1 + x, 11);
            INFO(dist << " path " << p << ": V(2033) calculated " << out[11] << " expected " << expected);
            REQUIRE(std::fabs(out[11] - expected) <= 1e-12 * expected);
        }
    }
}

TEST_CASE("three-point long-run rates have the distribution's mean", "[engine][three_point][statistical]") {
    struct Case {
        const char* text;
        double mean, sd;
    };
    // PERT mean (l + 4m + h)/6, variance (mean - l)(h - mean)/7; triangular mean (l + m + h)/3,
    // variance (l^2 + m^2 + h^2 - lm - lh - mh)/18
    const double l = 0.01, md = 0.04, h = 0.12;
    const double pert_mean = (l + 4 * md + h) / 6, tri_mean = (l + md + h) / 3;
    const Case cases[] = {
        {"{ dist = \"pert\", low = 0.01, mode = 0.04, high = 0.12 }", pert_mean,
         std::sqrt((pert_mean - l) * (h - pert_mean) / 7)},
        {"{ dist = \"triangular\", low = 0.01, mode = 0.04, high = 0.12 }", tri_mean,
         std::sqrt((l * l + md * md + h * h - l * md - l * h - md * h) / 18)},
    };
    for (const Case& cs : cases) {
        const Scenario sc = scenario_from("[scenario]\nbase_year = 2022\nhorizon = 2023\nbase_value = 1\nseed = 4\n"
                                          "[growth]\nlong_run = " + std::string(cs.text) + "\n");
        const Model m = compile(sc, 4);
        PathWorkspace ws(m);
        std::vector<double> out(2);
        constexpr int n = 100000;
        double sum = 0;
        for (int p = 0; p < n; ++p) {
            simulate_path(m, static_cast<std::uint64_t>(p), ws, out.data());
            sum += out[1] - 1;  // one year: V(B+1)/V(B) - 1 = X exactly
        }
        const double mean = sum / n, tol = kSigmas * cs.sd / std::sqrt(double(n));
        INFO(cs.text << ": mean of X calculated " << mean << " expected " << cs.mean << " error " << mean - cs.mean
                     << " tolerance " << tol);
        CHECK(std::fabs(mean - cs.mean) <= tol);
    }
}

TEST_CASE("a target's exceedance curve follows the lognormal closed form and meets the target's count",
          "[engine][statistical]") {
    const Scenario sc = scenario_from(std::string(kSingleCell) + R"(
[[target]]
series = "total"
year = 2028
value = 14.5
[[target]]
series = "region=world"
year = 2030
value = 1000
)");
    RunOptions opt;
    opt.paths = 200000;
    const Results r = run(sc, opt);
    REQUIRE(r.targets.size() == 2);
    const double n = static_cast<double>(r.paths);
    for (const TargetResult& tr : r.targets) {
        REQUIRE(tr.exceedance.size() == 99);
        const int t = tr.target.year - 2020;
        const double m = std::log(10.0) + t * std::log(1.05), s = std::sqrt(t * t * 0.02 * 0.02 + t * 0.03 * 0.03);
        for (std::size_t k = 0; k < tr.exceedance.size(); ++k) {
            const auto [x, p] = tr.exceedance[k];
            // the point at the k-th percentile: P(X >= x) = 1 - k/100, x the lognormal's quantile
            const double q = (k + 1) / 100.0, z = test::normal_quantile_ref(q), exact = std::exp(m + s * z);
            CHECK(p == Approx(1 - q).epsilon(1e-12));
            const double density = test::normal_pdf(z) / (exact * s);
            const double tol = kSigmas * std::sqrt(q * (1 - q) / n) / density + r.relative_accuracy * exact;
            INFO(tr.target.series << " in " << tr.target.year << " at P" << k + 1 << ": x calculated " << x << " expected " << exact
                                  << " error " << x - exact << " tolerance " << tol);
            CHECK(std::fabs(x - exact) <= tol);
            if (k > 0) CHECK(x >= tr.exceedance[k - 1].first);
        }
    }
    // the curve agrees with the exact count of paths at or above the first target's value: the
    // value lies between the curve's points whose probabilities bracket the share met
    const TargetResult& first = r.targets.front();
    const double met = first.probability;
    INFO("share met " << met << " of " << n << " paths");
    REQUIRE(met > 0.01);
    REQUIRE(met < 0.99);
    for (const auto& [x, p] : first.exceedance) {
        if (p > met + kSigmas * std::sqrt(met * (1 - met) / n) + 0.01) CHECK(x <= first.target.value * (1 + r.relative_accuracy));
        if (p < met - kSigmas * std::sqrt(met * (1 - met) / n) - 0.01) CHECK(x >= first.target.value * (1 - r.relative_accuracy));
    }
}
