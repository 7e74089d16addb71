// Momentum and fat tails in the annual noise (docs/model.md, "Momentum in the annual noise" and
// "Fat-tailed years"): closed forms (statistical, 5 standard errors, fixed seeds), the kernels
// against the scalar reference bit for bit, and common random numbers.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <boost/math/distributions/students_t.hpp>
#include <catch2/catch.hpp>

#include "engine/engine.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/simd.hpp"
#include "model/model.hpp"
#include "sampling/kernels.hpp"
#include "sampling/path.hpp"
#include "sampling/random.hpp"
#include "sampling/sampler.hpp"
#include "test_support.hpp"

using namespace marketsim;

namespace {

constexpr double kSigmas = 5.0;  // tolerance of every statistical check, in standard errors

/** One cell without drift or long-run spread: ln V(y) - ln V(y-1) = sA A(y) exactly, up to e^x's
 *  relative error of 1e-15. */
const char* kOneCell = R"(
[scenario]
base_year = 2020
horizon = 2030
base_value = 1.0
seed = 4242
[growth]
rate = 0.0
long_run_sd = 0.0
annual_sd = 0.1
)";

/** Everything the sampler has: a member matrix, events with filters and durations, cell series. */
const char* kRich = R"(
[scenario]
base_year = 2020
base_value = 100.0
horizon = 2031
seed = 77
[growth]
rate = 0.04
long_run_sd = 0.02
annual_sd = 0.05
period = [ { from = 2021, to = 2022, rate = 0.08 } ]
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.5, shift = 0.01 }, { name = "b", share = 0.3, sd_scale = 1.5 },
            { name = "c", share = 0.2, shift = -0.02 } ]
[[dimension]]
name = "kind"
members = [ { name = "x", share = 0.6 }, { name = "y", share = 0.4, sd_scale = 0.7 } ]
[correlation]
global = 0.3
region = 0.4
matrix.region = [[1.0, 0.5, 0.2], [0.5, 1.0, 0.3], [0.2, 0.3, 1.0]]
[[event]]
name = "shock"
probability = 0.3
from = 2022
to = 2030
impact = -0.1
duration = 3
where = { region = ["a", "c"] }
[output]
cells = true
)";

/** Every path's values, path-major: out[p * stride + t * series + s], by the scalar reference. */
std::vector<double> scalar_paths(const Model& m, std::uint64_t first, std::uint32_t count) {
    const std::size_t stride = static_cast<std::size_t>(m.years + 1) * m.series_count();
    std::vector<double> out(stride * count);
    PathWorkspace ws(m);
    for (std::uint32_t i = 0; i < count; ++i) simulate_path(m, first + i, ws, out.data() + i * stride);
    return out;
}

/** The same by the vectorized chunk sampler at `capacity` (0: its own choice). */
std::vector<double> chunk_paths(const Model& m, std::uint64_t first, std::uint32_t count, std::uint32_t capacity) {
    ChunkSampler sampler(m, capacity);
    const std::uint32_t ns = m.series_count();
    const std::size_t stride = static_cast<std::size_t>(m.years + 1) * ns;
    std::vector<double> out(stride * count, std::numeric_limits<double>::quiet_NaN());
    for (std::uint32_t done = 0; done < count; done += sampler.capacity()) {
        const std::uint32_t n = std::min(sampler.capacity(), count - done);
        sampler.simulate(first + done, n, [&](int t, const double* series, std::uint32_t k) {
            for (std::uint32_t i = 0; i < k; ++i)
                for (std::uint32_t s = 0; s < ns; ++s)
                    out[(done + i) * stride + static_cast<std::size_t>(t) * ns + s] = series[s * sampler.capacity() + i];
        });
    }
    return out;
}

/** The annual noise A(y) of series `s` of a drift-free scenario without long-run spread, from
 *  its log values: noise[p * years + t - 1] = (ln V(t) - ln V(t-1)) / sA. */
std::vector<double> annual_noise(const Model& m, const std::vector<double>& paths, std::uint32_t count, std::uint32_t s,
                                 double sa) {
    const std::uint32_t ns = m.series_count();
    const std::size_t stride = static_cast<std::size_t>(m.years + 1) * ns;
    std::vector<double> out;
    out.reserve(static_cast<std::size_t>(count) * m.years);
    for (std::uint32_t p = 0; p < count; ++p)
        for (int t = 1; t <= m.years; ++t)
            out.push_back(std::log(paths[p * stride + static_cast<std::size_t>(t) * ns + s] /
                                   paths[p * stride + static_cast<std::size_t>(t - 1) * ns + s]) /
                          sa);
    return out;
}

}  // namespace

TEST_CASE("with persistence the variance of n years' summed noise is n + 2 sum (n - k) phi^k", "[annual_noise][statistical]") {
    // ln V(B + n) - ln V(B) = sA sum_{y} A(y), exactly normal: its sample variance has the
    // standard error var sqrt(2 / (N - 1))
    for (const double phi : {0.3, 0.8}) {
        const Scenario sc = test::scenario_from(kOneCell, "test.toml", {"growth.annual_persistence=" + std::to_string(phi)});
        const Model m = compile(sc, sc.seed);
        constexpr std::uint32_t N = 100000;
        const std::vector<double> paths = scalar_paths(m, 0, N);
        const std::size_t stride = static_cast<std::size_t>(m.years + 1) * m.series_count();
        for (const int n : {1, 2, 5, 10}) {
            double sum = 0, sum2 = 0;
            for (std::uint32_t p = 0; p < N; ++p) {
                const double x = std::log(paths[p * stride + static_cast<std::size_t>(n) * m.series_count()]) / 0.1;
                sum += x;
                sum2 += x * x;
            }
            const double mean = sum / N, var = (sum2 - N * mean * mean) / (N - 1);
            double expected = n;
            for (int k = 1; k < n; ++k) expected += 2.0 * (n - k) * std::pow(phi, k);
            const double se = expected * std::sqrt(2.0 / (N - 1));
            INFO("phi " << phi << ", n " << n << ": variance calculated " << var << " expected " << expected << " error "
                        << var - expected << " tolerance " << kSigmas * se);
            CHECK(std::fabs(var - expected) <= kSigmas * se);
        }
    }
}

TEST_CASE("with persistence each year's noise has unit variance and lag-k autocorrelation phi^k", "[annual_noise][statistical]") {
    const double phi = 0.6;
    const Scenario sc = test::scenario_from(kOneCell, "test.toml", {"growth.annual_persistence=0.6"});
    const Model m = compile(sc, sc.seed);
    constexpr std::uint32_t N = 100000;
    const std::vector<double> a = annual_noise(m, scalar_paths(m, 0, N), N, 0, 0.1);
    const int n = m.years;
    for (const int t : {1, 2, 10}) {
        double s2 = 0;
        for (std::uint32_t p = 0; p < N; ++p) s2 += a[p * n + t - 1] * a[p * n + t - 1];
        const double var = s2 / N, se = std::sqrt(2.0 / N);  // the mean is 0 by construction
        INFO("year index " << t << ": variance calculated " << var << " expected 1 error " << var - 1 << " tolerance "
                           << kSigmas * se);
        CHECK(std::fabs(var - 1) <= kSigmas * se);
    }
    for (const int k : {1, 3}) {
        // E[A(5) A(5 + k)] = phi^k; the product's variance is 1 + phi^(2k) for unit normals
        double s = 0;
        for (std::uint32_t p = 0; p < N; ++p) s += a[p * n + 4] * a[p * n + 4 + k];
        const double cov = s / N, expected = std::pow(phi, k), se = std::sqrt((1 + expected * expected) / N);
        INFO("lag " << k << ": covariance calculated " << cov << " expected " << expected << " error " << cov - expected
                    << " tolerance " << kSigmas * se);
        CHECK(std::fabs(cov - expected) <= kSigmas * se);
    }
}

TEST_CASE("fat-tailed years are Student-t: tail probabilities of a cell's annual noise", "[annual_noise][statistical]") {
    // with phi = 0, e sqrt(nu / (nu - 2)) is Student-t with nu degrees of freedom exactly; a tail
    // probability is a binomial proportion with a finite standard error at any nu
    for (const int nu : {3, 5}) {
        const Scenario sc = test::scenario_from(kOneCell, "test.toml", {"growth.annual_tails=" + std::to_string(nu)});
        const Model m = compile(sc, sc.seed);
        constexpr std::uint32_t N = 40000;  // x 10 independent years
        const std::vector<double> a = annual_noise(m, scalar_paths(m, 0, N), N, 0, 0.1);
        const double count = static_cast<double>(a.size());
        const boost::math::students_t_distribution<double> t(nu);
        for (const double x : {0.5, 1.0, 2.0, 3.0, 5.0}) {
            const double p = 2 * boost::math::cdf(boost::math::complement(t, x * std::sqrt(nu / (nu - 2.0))));
            const double hits = static_cast<double>(std::count_if(a.begin(), a.end(), [&](double v) { return std::fabs(v) > x; }));
            const double got = hits / count, se = std::sqrt(p * (1 - p) / count);
            INFO("nu " << nu << ", P(|A| > " << x << "): calculated " << got << " expected " << p << " error " << got - p
                       << " tolerance " << kSigmas * se);
            CHECK(std::fabs(got - p) <= kSigmas * se);
        }
    }
}

TEST_CASE("fat-tailed years have kurtosis 3 + 6 / (nu - 4)", "[annual_noise][statistical]") {
    // nu = 12: the eighth moment is finite, so the sample kurtosis m4 / m2^2 (about the known mean
    // 0) has a standard error by the delta method from the Student-t moments
    // E x^2k = (2k - 1)!! (nu - 2)^k / ((nu - 4) ... (nu - 2k)) of the unit-variance t
    const double nu = 12;
    const Scenario sc = test::scenario_from(kOneCell, "test.toml", {"growth.annual_tails=12"});
    const Model m = compile(sc, sc.seed);
    constexpr std::uint32_t N = 40000;  // x 10 independent years
    const std::vector<double> a = annual_noise(m, scalar_paths(m, 0, N), N, 0, 0.1);
    double s2 = 0, s4 = 0;
    for (const double v : a) {
        s2 += v * v;
        s4 += v * v * v * v;
    }
    const double count = static_cast<double>(a.size());
    const double kurtosis = (s4 / count) / ((s2 / count) * (s2 / count));
    const double m4 = 3 * (nu - 2) / (nu - 4), m6 = 15 * (nu - 2) * (nu - 2) / ((nu - 4) * (nu - 6)),
                 m8 = 105 * (nu - 2) * (nu - 2) * (nu - 2) / ((nu - 4) * (nu - 6) * (nu - 8));
    const double expected = 3 + 6 / (nu - 4);
    REQUIRE(std::fabs(m4 - expected) < 1e-12);
    // k = a / b^2 with a = E x^4, b = E x^2 = 1: Var k = [Var x^4 + 4 a^2 Var x^2 - 4 a Cov(x^4, x^2)] / N
    const double var = (m8 - m4 * m4) + 4 * m4 * m4 * (m4 - 1) - 4 * m4 * (m6 - m4);
    const double se = std::sqrt(var / count);
    INFO("kurtosis calculated " << kurtosis << " expected " << expected << " error " << kurtosis - expected << " tolerance "
                                << kSigmas * se);
    CHECK(std::fabs(kurtosis - expected) <= kSigmas * se);
}

TEST_CASE("fat tails leave the cells' correlation as it was", "[annual_noise][statistical]") {
    // two cells correlated at 0.6 through the global factor: E[A1 A2] = E[s^2] 0.6 = 0.6 and
    // E[A^2] = 1 with the t-scale s; nu = 10 gives the products finite variances (their standard
    // errors come from the sample)
    const std::string text = std::string(kOneCell) + R"(
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.5 }, { name = "b", share = 0.5 } ]
[correlation]
global = 0.6
[output]
cells = true
)";
    for (const bool tails : {false, true}) {
        const Scenario sc = test::scenario_from(text, "test.toml",
                                                tails ? std::vector<std::string>{"growth.annual_tails=10"} : std::vector<std::string>{});
        const Model m = compile(sc, sc.seed);
        REQUIRE(m.series[1] == "region=a");
        constexpr std::uint32_t N = 40000;
        const std::vector<double> paths = scalar_paths(m, 0, N);
        const std::vector<double> a = annual_noise(m, paths, N, 1, 0.1), b = annual_noise(m, paths, N, 2, 0.1);
        const auto check_mean = [&](const char* what, auto f, double expected) {
            double s = 0, s2 = 0;
            for (std::size_t i = 0; i < a.size(); ++i) {
                const double x = f(i);
                s += x;
                s2 += x * x;
            }
            const double n = static_cast<double>(a.size()), mean = s / n, se = std::sqrt((s2 / n - mean * mean) / n);
            INFO((tails ? "nu 10, " : "normal, ") << what << ": calculated " << mean << " expected " << expected << " error "
                                                 << mean - expected << " tolerance " << kSigmas * se);
            CHECK(std::fabs(mean - expected) <= kSigmas * se);
        };
        check_mean("E[A1 A2]", [&](std::size_t i) { return a[i] * b[i]; }, 0.6);
        check_mean("E[A1^2]", [&](std::size_t i) { return a[i] * a[i]; }, 1.0);
        check_mean("E[A2^2]", [&](std::size_t i) { return b[i] * b[i]; }, 1.0);
    }
}

TEST_CASE("with persistence and fat tails the kernels equal the scalar reference bit for bit", "[annual_noise][kernels]") {
    for (const std::vector<std::string>& sets :
         {std::vector<std::string>{"growth.annual_persistence=0.7", "growth.annual_tails=4"},
          std::vector<std::string>{"growth.annual_persistence=0.35"}, std::vector<std::string>{"growth.annual_tails=60"}}) {
        const Scenario sc = test::scenario_from(kRich, "test.toml", sets);
        const Model m = compile(sc, sc.seed);
        for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{0xffffffffu} - 40}) {
            constexpr std::uint32_t count = 100;  // not a multiple of any capacity
            const std::vector<double> expected = scalar_paths(m, first, count);
            for (const std::string& target : simd::available()) {
                simd::pin(target);
                for (const std::uint32_t capacity : {16u, 64u}) {
                    const std::vector<double> got = chunk_paths(m, first, count, capacity);
                    INFO(sets[0] << " target " << target << " capacity " << capacity << " first " << first);
                    REQUIRE(std::memcmp(got.data(), expected.data(), got.size() * sizeof(double)) == 0);
                }
            }
            simd::pin("best");
        }
    }
}

TEST_CASE("the t-scale normals taken from a draw hook give the paths simulate_path gives with them", "[annual_noise][kernels]") {
    // sensitivity analysis swaps the t-scale normals between samples: here they come from a second
    // seed while every other draw is the path's own
    const Scenario sc = test::scenario_from(kRich, "test.toml", {"growth.annual_persistence=0.5", "growth.annual_tails=5"});
    const Model m = compile(sc, sc.seed);
    const std::uint64_t other = 991, first = 5000;
    const std::uint32_t cap = 32, lanes = 29, nd = m.factor_draws(), nu = 5;
    struct Hook {
        const Model* m;
        std::uint64_t other, first;
        std::uint32_t nd, cap, nu;
    } hook_state{&m, other, first, nd, cap, nu};
    kernels::ChunkDraws hook{
        [](void* self, int t, float* z) {
            const auto& h = *static_cast<Hook*>(self);
            kernels::chunk_normals(h.m->seed, h.nd, h.first, h.cap, t == 0 ? purpose::long_run : purpose::annual(h.m->base_year + t), z);
        },
        [](void* self, std::size_t e, int t, std::uint8_t* fires) {
            const auto& h = *static_cast<Hook*>(self);
            const EventModel& ev = h.m->events[e];
            kernels::chunk_fires(h.m->seed, h.first, h.cap, ev.purpose, static_cast<std::uint32_t>(h.m->base_year + t),
                                 uniform_threshold(ev.probability), fires);
        },
        &hook_state};
    hook.tails = [](void* self, int t, float* z) {
        const auto& h = *static_cast<Hook*>(self);
        kernels::chunk_normals(h.other, h.nu, h.first, h.cap, purpose::annual_tails(h.m->base_year + t), z);
    };
    ChunkSampler sampler(m, cap);
    const std::uint32_t ns = m.series_count();
    const std::size_t stride = static_cast<std::size_t>(m.years + 1) * ns;
    std::vector<double> got(stride * lanes);
    sampler.simulate(first, lanes, [&](int t, const double* series, std::uint32_t n) {
        for (std::uint32_t i = 0; i < n; ++i)
            for (std::uint32_t s = 0; s < ns; ++s) got[i * stride + static_cast<std::size_t>(t) * ns + s] = series[s * cap + i];
    }, &hook);
    PathWorkspace ws(m);
    std::vector<double> expected(stride), own(stride), w(nu);
    std::vector<double> draws(nd);
    for (std::uint32_t i = 0; i < lanes; ++i) {
        const std::uint64_t path = first + i;
        DrawSource source;
        source.normals = [&](std::uint32_t purpose, float* z) {
            normals(m.seed, path, purpose, draws.data(), nd);
            for (std::uint32_t k = 0; k < nd; ++k) z[k] = static_cast<float>(draws[k]);
        };
        source.fires = [&](std::size_t e, std::uint32_t year) {
            return uniform(m.seed, path, m.events[e].purpose, year) < m.events[e].probability;
        };
        source.tails = [&](std::uint32_t purpose, float* z) {
            normals(other, path, purpose, w.data(), nu);
            for (std::uint32_t k = 0; k < nu; ++k) z[k] = static_cast<float>(w[k]);
        };
        simulate_path(m, ws, expected.data(), source);
        simulate_path(m, path, ws, own.data());
        for (std::size_t k = 0; k < stride; ++k) {
            INFO("path " << path << " value " << k);
            REQUIRE(got[i * stride + k] == expected[k]);
        }
        // the other seed's t-scale moved the path (after the base year)
        CHECK(std::memcmp(own.data() + ns, expected.data() + ns, (stride - ns) * sizeof(double)) != 0);
    }
}

TEST_CASE("persistence and tails move no long-run draw and no event firing", "[annual_noise][determinism]") {
    // without annual spread the annual noise is multiplied by 0: any change of phi or nu that
    // moved a long-run or event draw would show in the bands
    const auto bands = [](const std::vector<std::string>& sets) {
        const Scenario sc = test::scenario_from(kRich, "test.toml", sets);
        RunOptions opt;
        opt.paths = 3000;
        return bands_csv(run(sc, opt), false);
    };
    const std::string plain = bands({"growth.annual_sd=0"});
    CHECK(bands({"growth.annual_sd=0", "growth.annual_persistence=0.7"}) == plain);
    CHECK(bands({"growth.annual_sd=0", "growth.annual_tails=3"}) == plain);
    CHECK(bands({"growth.annual_sd=0", "growth.annual_persistence=0.2", "growth.annual_tails=40"}) == plain);
    // phi = 0 written out is the model without persistence, byte for byte
    CHECK(bands({"growth.annual_persistence=0"}) == bands({}));
    // and with the noise on, the results do move
    CHECK(bands({"growth.annual_tails=3"}) != bands({}));
    CHECK(bands({"growth.annual_persistence=0.7"}) != bands({}));
}

TEST_CASE("changing nu or phi changes no event firing - path by path", "[annual_noise][determinism]") {
    // one cell with a -5 log-growth event: a year's log growth below -2.5 marks a firing; the
    // annual noise (sA = 0.01) would need |A| > 250 to blur it
    const std::string text = R"(
[scenario]
base_year = 2020
horizon = 2030
base_value = 1.0
seed = 31
[growth]
rate = 0.0
long_run_sd = 0.05
annual_sd = 0.01
[[event]]
name = "crash"
probability = 0.3
from = 2021
to = 2030
impact = -5.0
)";
    constexpr std::uint32_t N = 5000;
    std::vector<std::vector<char>> firings;
    for (const std::vector<std::string>& sets :
         {std::vector<std::string>{}, std::vector<std::string>{"growth.annual_tails=5"},
          std::vector<std::string>{"growth.annual_tails=40", "growth.annual_persistence=0.9"}}) {
        const Scenario sc = test::scenario_from(text, "test.toml", sets);
        const Model m = compile(sc, sc.seed);
        const std::vector<double> paths = scalar_paths(m, 0, N);
        std::vector<char> fired;
        const std::uint32_t ns = m.series_count();
        for (std::uint32_t p = 0; p < N; ++p)
            for (int t = 1; t <= m.years; ++t) {
                const std::size_t at = (p * static_cast<std::size_t>(m.years + 1) + t) * ns;
                fired.push_back(std::log(paths[at] / paths[at - ns]) < -2.5);
            }
        firings.push_back(std::move(fired));
    }
    const double rate = static_cast<double>(std::count(firings[0].begin(), firings[0].end(), 1)) / firings[0].size();
    INFO("firing rate " << rate);
    CHECK(std::fabs(rate - 0.3) < 0.02);  // the marker sees the event (binomial se 0.002)
    CHECK(firings[1] == firings[0]);
    CHECK(firings[2] == firings[0]);
}
