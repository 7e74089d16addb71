// The vectorized sampler against its scalar definitions: Philox against Random123, the
// single-precision normal against AS 241 in double, e^x against libm, the quantile summary's
// vectorized insert against QuantileSketch::add, ChunkSampler against simulate_path path by path,
// and every SIMD target against every other, byte for byte.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sampling/kernels.hpp"
#include "stats/sketch_kernels.hpp"
#include "stats/accumulator.hpp"
#include "engine/engine.hpp"
#include "marketsim/error.hpp"
#include "stats/quantile_sketch.hpp"
#include "stats/quantiles.hpp"
#include "sampling/random.hpp"
#include "sampling/sampler.hpp"
#include "sampling/path.hpp"
#include "marketsim/simd.hpp"
#include "test_support.hpp"

using namespace marketsim;
using std::uint32_t;

namespace {

/** A scenario that exercises every branch of the sampler: a member matrix, a dimension without
 *  weight, events with filters, long durations, overlapping firings, and cell series. */
const char* kRichScenario = R"(
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
[[event]]
name = "boom"
probability = 0.15
at = 2025
impact = 0.2
duration = 20
where = { kind = ["y"] }
[output]
cells = true
)";

const char* kThreePointScenario = R"(
[scenario]
base_year = 2022
base_value = 35.2
horizon = 2033
[growth]
long_run = { dist = "pert", low = 0.01, mode = 0.05, high = 0.12 }
annual_sd = 0.02
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.7 }, { name = "b", share = 0.3, shift = 0.01, sd_scale = 1.2 } ]
[correlation]
global = 0.5
)";

// once events and uncertain impacts: a once event over clipped years with a filter and a duration,
// a forced once event, uncertain impacts of every kind (one on a once event, one never firing)
const char* kUncertainEventsScenario = R"(
[scenario]
base_year = 2020
base_value = 100.0
horizon = 2031
seed = 78
[growth]
rate = 0.04
long_run_sd = 0.02
annual_sd = 0.05
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.5, shift = 0.01 }, { name = "b", share = 0.3, sd_scale = 1.5 },
            { name = "c", share = 0.2, shift = -0.02 } ]
[correlation]
global = 0.3
[[event]]
name = "crash"
probability = 0.6
from = 2015
to = 2028
impact = { dist = "pert", low = -0.3, mode = -0.1, high = 0.0 }
duration = 3
where = { region = ["a", "c"] }
once = true
[[event]]
name = "forced"
probability = 1
from = 2022
to = 2027
impact = -0.05
once = true
[[event]]
name = "boom"
probability = 0.25
from = 2021
to = 2031
impact = { dist = "triangular", low = 0.0, mode = 0.02, high = 0.1 }
duration = 2
[[event]]
name = "late"
probability = 0.5
at = 2040
impact = { dist = "uniform", low = -0.2, high = 0.2 }
[output]
cells = true
)";

/** Runs f once on every SIMD target this CPU supports and restores the best one. */
template <class F>
void on_every_target(F&& f) {
    for (const std::string& t : simd::available()) {
        simd::pin(t);
        INFO("SIMD target " << t);
        f(t);
    }
    simd::pin("best");
}

/** The segment mix: shift year tables under a three-point long run (D_c then changes year by
 *  year), an event, conditional shares, an adjustment, cell series and share series. */
const char* kMixScenario = R"(
[scenario]
base_year = 2022
base_value = 35.2
horizon = 2031
seed = 17
[growth]
long_run = { dist = "triangular", low = 0.0, mode = 0.05, high = 0.11 }
annual_sd = 0.02
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.6, shift = { 2023 = 0.03, 2028 = -0.01 } }, { name = "b", share = 0.4, sd_scale = 1.4 } ]
[[dimension]]
name = "type"
members = [ { name = "x", share = 0.5, shift = { 2025 = 0.0, 2040 = 0.02 } }, { name = "y", share = 0.5, shift = -0.01 } ]
[correlation]
global = 0.3
region = 0.2
[[event]]
name = "slump"
probability = 0.2
from = 2024
to = 2030
impact = -0.04
where = { region = ["b"] }
[shares.type.region]
b = [0.3, 0.7]
[[adjust]]
name = "bx"
where = { region = ["b"], type = ["x"] }
shift = { 2024 = 0.02, 2029 = -0.01 }
sd_scale = 1.3
share = 1.4
[output]
cells = true
shares = true
)";

std::vector<double> chunk_values(const Model& m, std::uint64_t first, std::uint32_t lanes, std::uint32_t capacity) {
    ChunkSampler sampler(m, capacity);
    const std::uint32_t ns = m.series_count();
    const std::size_t stride = static_cast<std::size_t>(m.years + 1) * ns;
    std::vector<double> out(stride * lanes, std::numeric_limits<double>::quiet_NaN());
    for (std::uint32_t done = 0; done < lanes; done += sampler.capacity()) {
        const std::uint32_t n = std::min(sampler.capacity(), lanes - done);
        sampler.simulate(first + done, n, [&](int t, const double* series, std::uint32_t k) {
            REQUIRE(k == n);
            for (std::uint32_t i = 0; i < k; ++i)
                for (std::uint32_t s = 0; s < ns; ++s)
                    out[(done + i) * stride + static_cast<std::size_t>(t) * ns + s] = series[s * sampler.capacity() + i];
        });
    }
    return out;
}

}  // namespace

TEST_CASE("vectorized Philox equals Random123 on every target - across the path high word", "[kernels][kat]") {
    on_every_target([](const std::string&) {
        for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{0xffffffffu} - 20, std::uint64_t{0x123456789abull}}) {
            constexpr std::uint32_t n = 45;
            std::vector<std::uint32_t> words(4 * 64);
            kernels::philox_words(0xfeedfacecafebeefull, first, n, purpose::annual(2031), 5, words.data(), 64);
            for (std::uint32_t i = 0; i < n; ++i) {
                const auto expected = philox(0xfeedfacecafebeefull, first + i, purpose::annual(2031), 5);
                for (int w = 0; w < 4; ++w) {
                    INFO("path " << first + i << " word " << w);
                    REQUIRE(words[w * 64 + i] == expected[w]);
                }
            }
        }
    });
}

namespace {
/** Box-Muller in double on the same words: the exact values normal_pair rounds. */
std::pair<double, double> box_muller(std::uint32_t w1, std::uint32_t w2) {
    const double u1 = (w1 + 0.5) * 0x1p-32, v1 = (static_cast<double>(~w1) + 0.5) * 0x1p-32;
    const double log_u1 = w1 >= 0x80000000u ? std::log1p(-v1) : std::log(u1);
    const double rho = std::sqrt(-2 * log_u1), theta = 2 * M_PI * ((w2 + 0.5) * 0x1p-32);
    return {rho * std::cos(theta), rho * std::sin(theta)};
}
}  // namespace

namespace {
/** Word pairs that reach every part of the normal transform: both ends of the radius word (the
 *  tails and rho near 0) with random angles, every octant boundary of the angle word, and 2^23
 *  random pairs. */
std::vector<std::uint32_t> normal_test_words() {
    std::vector<std::uint32_t> words;
    const auto add = [&](std::uint32_t w1, std::uint32_t w2) { words.insert(words.end(), {w1, w2}); };
    std::uint64_t state = 0x9e3779b97f4a7c15ull;
    const auto next = [&] {  // splitmix64
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return static_cast<std::uint32_t>(z ^ (z >> 31));
    };
    for (std::uint32_t k = 0; k < (1u << 18); ++k) {
        add(k, next());
        add(~k, next());
        add(0x80000000u + k, next());
        add(0x7fffffffu - k, next());
    }
    for (std::uint32_t o = 0; o < 8; ++o)
        for (std::uint32_t d = 0; d < 64; ++d) {
            add(next(), (o << 29) + d);
            add(next(), (o << 29) - 1 - d);
        }
    for (int i = 0; i < (1 << 23); ++i) add(next(), next());
    return words;
}
}  // namespace

TEST_CASE("the scalar normal pair is within kNormalMaxError of Box-Muller in double", "[kernels][accuracy]") {
    double worst = 0.0;
    std::uint32_t worst1 = 0, worst2 = 0;
    const std::vector<std::uint32_t> words = normal_test_words();
    for (std::size_t i = 0; i < words.size(); i += 2) {
        const auto [zc, zs] = normal_pair(words[i], words[i + 1]);  // random.cpp: plain C++, no kernel
        const auto [c, s] = box_muller(words[i], words[i + 1]);
        const double err = std::max(std::fabs(zc - c) / std::max(1.0, std::fabs(c)), std::fabs(zs - s) / std::max(1.0, std::fabs(s)));
        if (err > worst) worst = err, worst1 = words[i], worst2 = words[i + 1];
    }
    INFO("largest error " << worst << " at words " << worst1 << ", " << worst2 << "; bound " << kNormalMaxError);
    CHECK(worst <= kNormalMaxError);
    // the extreme radius word reaches sqrt(-2 ln 2^-33) = 6.76
    CHECK(std::hypot(normal_pair(0, 12345).first, normal_pair(0, 12345).second) > 6.76);
}

TEST_CASE("the normal kernel equals the scalar normal pair bit for bit on every target", "[kernels][kat]") {
    const std::vector<std::uint32_t> words = normal_test_words();
    on_every_target([&](const std::string&) {
        std::vector<float> z(words.size());
        kernels::normals_from_words(words.data(), z.data(), words.size());
        std::size_t differ = 0, first = words.size();
        for (std::size_t i = 0; i < words.size(); i += 2) {
            const auto [zc, zs] = normal_pair(words[i], words[i + 1]);
            if (std::memcmp(&z[i], &zc, sizeof zc) != 0 || std::memcmp(&z[i + 1], &zs, sizeof zs) != 0) {
                if (differ++ == 0) first = i;
            }
        }
        INFO(differ << " of " << words.size() / 2 << " pairs differ; the first at words " << words[std::min(first, words.size() - 2)]
                    << ", " << words[std::min(first, words.size() - 2) + 1]);
        CHECK(differ == 0);
    });
}

TEST_CASE("turning the angle word by a quarter turns the normal pair exactly", "[kernels]") {
    for (std::uint32_t i = 0; i < 100000; ++i) {
        const std::uint32_t w1 = i * 2654435761u, w2 = (i * 40503u) % (3u << 30);
        const auto [c, s] = normal_pair(w1, w2);
        const auto [c90, s90] = normal_pair(w1, w2 + (1u << 30));
        REQUIRE(c90 == -s);
        REQUIRE(s90 == c);
    }
}

TEST_CASE("the scalar e^x is within 1e-15 of libm and handles the ends of the range", "[kernels][accuracy]") {
    double worst = 0.0, worst_x = 0.0;
    for (int i = -1000000; i <= 1000000; ++i) {
        const double x = i * 7.0e-4 + i * 1e-9;  // -700 .. 700, off the grid of k ln 2
        const double err = std::fabs(fast_exp(x) / std::exp(x) - 1);
        if (err > worst) worst = err, worst_x = x;
    }
    for (double x = -1.0; x <= 1.0; x += 1.0 / 4096) {
        const double err = std::fabs(fast_exp(x) / std::exp(x) - 1);
        if (err > worst) worst = err, worst_x = x;
    }
    INFO("largest relative error " << worst << " at x = " << worst_x << ", bound 1e-15");
    CHECK(worst <= 1e-15);
    CHECK(fast_exp(0.0) == 1.0);
    CHECK(fast_exp(709.78) > 1.7e308);
    CHECK(std::isinf(fast_exp(710.0)));
    CHECK(fast_exp(-708.0) == 0.0);
    CHECK(std::isnan(fast_exp(std::numeric_limits<double>::quiet_NaN())));
}

TEST_CASE("the e^x kernel equals the scalar e^x bit for bit on every target", "[kernels][kat]") {
    std::vector<double> x;
    for (int i = -1000000; i <= 1000000; ++i) x.push_back(i * 7.1e-4 + i * 1e-9);
    for (double v = -1.0; v <= 1.0; v += 1.0 / 4096) x.push_back(v);
    for (const double v : {-708.0, -707.5, -707.4999, 709.78, 709.782712893384, 710.0, 0.0, -0.0,
                           std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity()})
        x.push_back(v);
    on_every_target([&](const std::string&) {
        std::vector<double> y(x.size());
        kernels::exp(x.data(), y.data(), x.size());
        std::size_t differ = 0, first = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double expected = fast_exp(x[i]);
            if (std::memcmp(&y[i], &expected, sizeof expected) != 0 && differ++ == 0) first = i;
        }
        INFO(differ << " of " << x.size() << " values differ; the first at x = " << x[first] << ": kernel "
                    << y[first] << ", scalar " << fast_exp(x[first]));
        CHECK(differ == 0);
    });
}

TEST_CASE("an event fires exactly when its 52-bit uniform is below the probability", "[kernels][kat]") {
    for (const double p : {0.0, 1e-300, 0x1p-53, 0x1p-52, 1e-9, 0.04, 0.1, 0.5, 1.0 - 0x1p-53, 1.0}) {
        const std::uint64_t t = uniform_threshold(p);
        for (const std::uint64_t m : {t, t - 1, t + 1, std::uint64_t{0}, (std::uint64_t{1} << 52) - 1}) {
            if (m >= (std::uint64_t{1} << 52)) continue;
            const double u = (static_cast<double>(m) + 0.5) * 0x1p-52;
            INFO("p = " << p << " threshold " << t << " m = " << m);
            CHECK((m < t) == (u < p));
        }
    }
}

namespace {
/** The summary's bucket of a positive finite x, written from its definition ceil(m (e + P(s))),
 *  x = 2^e (1 + s), with frexp: a scalar reference that shares no code with the kernel. */
std::int64_t bucket_reference(double x, double multiplier) {
    int e = 0;
    const double s = 2 * std::frexp(x, &e) - 1;  // x = 2^(e-1) (1 + s), subnormal x included
    const double poly = ((kSketchCubicA * s + kSketchCubicB) * s + kSketchCubicC) * s;
    return static_cast<std::int64_t>(std::ceil((static_cast<double>(e - 1) + poly) * multiplier));
}
}  // namespace

TEST_CASE("the vectorized summary insert equals the scalar bucket mapping on every target", "[kernels][quantile_sketch]") {
    std::vector<double> x;
    for (int e = -60; e <= 60; ++e) {
        const double p = std::ldexp(1.0, e);
        x.insert(x.end(), {p, std::nextafter(p, 0.0), std::nextafter(p, 2 * p), 1.5 * p, 1.9999999 * p});
    }
    for (int i = 0; i < 500; ++i) x.push_back(35.2 * std::exp(0.3 * normal(3, i, 0, 0)));
    x.push_back(std::numeric_limits<double>::min());
    x.push_back(std::numeric_limits<double>::max());
    for (const double accuracy : {1e-4, 1e-2, 1e-12}) {
        QuantileSketch ref(accuracy);
        on_every_target([&](const std::string&) {
            std::vector<std::int64_t> index(x.size());
            std::vector<double> partial(32, 0.0);
            kernels::ChunkExtremes ends;
            REQUIRE(kernels::chunk_stats(x.data(), static_cast<std::uint32_t>(x.size()), 1.0, ref.multiplier(),
                                         partial.data(), index.data(), &ends));
            for (std::size_t i = 0; i < x.size(); ++i) {
                INFO("x = " << x[i] << " accuracy " << accuracy);
                REQUIRE(index[i] == bucket_reference(x[i], ref.multiplier()));
                REQUIRE(ref.index_of(x[i]) == index[i]);
            }
            // the general mapping (QuantileSketch::add's) agrees too, subnormal values included
            std::vector<double> tiny = x;
            for (const double t : {std::numeric_limits<double>::denorm_min(), 1e-310, 3e-320, 0x1p-1073})
                tiny.push_back(t);
            std::vector<std::int64_t> general(tiny.size());
            kernels::bucket_indices(tiny.data(), tiny.size(), ref.multiplier(), general.data());
            for (std::size_t i = 0; i < tiny.size(); ++i) {
                INFO("x = " << tiny[i] << " accuracy " << accuracy);
                REQUIRE(general[i] == bucket_reference(tiny[i], ref.multiplier()));
            }
            CHECK(ends.min == *std::min_element(x.begin(), x.end()));
            CHECK(ends.max == *std::max_element(x.begin(), x.end()));
            CHECK(ends.min_index == bucket_reference(ends.min, ref.multiplier()));
            CHECK(ends.max_index == bucket_reference(ends.max, ref.multiplier()));
        });
    }
    // values outside the fast path: zero, negative, subnormal, infinite, NaN
    for (const double bad : {0.0, -1.0, 1e-310, std::numeric_limits<double>::infinity(),
                             std::numeric_limits<double>::quiet_NaN()}) {
        std::vector<double> y(37, 2.0);
        y[21] = bad;
        std::int64_t index[37];
        double partial[32] = {};
        kernels::ChunkExtremes ends;
        CHECK_FALSE(kernels::chunk_stats(y.data(), 37, 0.0, 100.0, partial, index, &ends));
        CHECK(std::all_of(partial, partial + 32, [](double v) { return v == 0.0; }));
    }
}

TEST_CASE("every bucket of the summary is within the relative accuracy of its values", "[kernels][quantile_sketch]") {
    for (const double a : {1e-4, 1e-3, 0.05}) {
        double worst = 0.0;
        for (int i = 0; i < 200000; ++i) {
            const double x = std::exp(-30 + 60 * (i + 0.5) / 200000) * (1 + 1e-7 * (i % 13));
            // the middle rank's estimate is x's bucket's representative (min and max are x / 2, 2 x)
            QuantileSketch s(a);
            s.add(x * 0.5);
            s.add(x);
            s.add(x * 2);
            worst = std::max(worst, std::fabs(s.value_at_rank(1) - x) / x);
        }
        INFO("relative accuracy " << a << ": largest error " << worst);
        CHECK(worst <= a * (1 + 1e-12));
    }
}

TEST_CASE("ChunkSampler equals simulate_path path by path at every chunk capacity", "[kernels][sampler]") {
    for (const char* text : {kRichScenario, kThreePointScenario, kMixScenario, kUncertainEventsScenario}) {
        const Scenario sc = test::scenario_from(text);
        const Model m = compile(sc, sc.seed);
        const std::size_t stride = static_cast<std::size_t>(m.years + 1) * m.series_count();
        for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{0xffffffffu} - 40}) {
            constexpr std::uint32_t lanes = 100;  // not a multiple of any capacity
            std::vector<double> expected(stride * lanes);
            PathWorkspace ws(m);
            for (std::uint32_t i = 0; i < lanes; ++i) simulate_path(m, first + i, ws, expected.data() + i * stride);
            for (const std::uint32_t capacity : {16u, 32u, 64u}) {
                const std::vector<double> got = chunk_values(m, first, lanes, capacity);
                for (std::size_t k = 0; k < got.size(); ++k) {
                    INFO("capacity " << capacity << " first " << first << " path " << first + k / stride << " value "
                                     << k % stride);
                    REQUIRE(got[k] == expected[k]);
                }
            }
        }
    }
}

TEST_CASE("chosen draws give the chunk sampler the paths simulate_path gives with them", "[kernels][sampler]") {
    // sensitivity analysis replays mixes of two samples' draws through the kernels' draw hook:
    // here every other factor draw and event 0's firings come from a second seed, event 1 is forced
    const Scenario sc = test::scenario_from(kRichScenario);
    const Model m = compile(sc, sc.seed);
    const std::uint64_t other = 991, first = 5000;
    const std::uint32_t nd = m.factor_draws(), cap = 32, lanes = 29;
    const auto mixed = [&](std::uint32_t k) { return k % 2 == 1; };
    struct Draws {
        const Model* m;
        std::uint64_t other, first;
        std::uint32_t nd, cap;
        kernels::ChunkDraws hook() {
            return {[](void* self, int t, float* z) {
                        const auto& d = *static_cast<Draws*>(self);
                        auto a = kernels::aligned_zeros<float>(std::size_t{d.nd} * d.cap);
                        auto b = kernels::aligned_zeros<float>(std::size_t{d.nd} * d.cap);
                        const std::uint32_t purpose = t == 0 ? purpose::long_run : purpose::annual(d.m->base_year + t);
                        kernels::chunk_normals(d.m->seed, d.nd, d.first, d.cap, purpose, a.get());
                        kernels::chunk_normals(d.other, d.nd, d.first, d.cap, purpose, b.get());
                        for (std::uint32_t k = 0; k < d.nd; ++k)
                            std::copy_n((k % 2 == 1 ? b : a).get() + std::size_t{k} * d.cap, d.cap, z + std::size_t{k} * d.cap);
                    },
                    [](void* self, std::size_t e, int t, std::uint8_t* fires) {
                        const auto& d = *static_cast<Draws*>(self);
                        const EventModel& ev = d.m->events[e];
                        if (e == 1) {
                            std::fill(fires, fires + d.cap, std::uint8_t{1});
                            return;
                        }
                        kernels::chunk_fires(d.other, d.first, d.cap, ev.purpose, static_cast<std::uint32_t>(d.m->base_year + t),
                                             uniform_threshold(ev.probability), fires);
                    },
                    this};
        }
    } draws{&m, other, first, nd, cap};
    const kernels::ChunkDraws hook = draws.hook();
    ChunkSampler sampler(m, cap);
    const std::uint32_t ns = m.series_count();
    const std::size_t stride = static_cast<std::size_t>(m.years + 1) * ns;
    std::vector<double> got(stride * lanes);
    sampler.simulate(first, lanes, [&](int t, const double* series, std::uint32_t n) {
        for (std::uint32_t i = 0; i < n; ++i)
            for (std::uint32_t s = 0; s < ns; ++s) got[i * stride + static_cast<std::size_t>(t) * ns + s] = series[s * cap + i];
    }, &hook);
    PathWorkspace ws(m);
    std::vector<double> expected(stride);
    std::vector<double> a(nd), b(nd);
    for (std::uint32_t i = 0; i < lanes; ++i) {
        const std::uint64_t path = first + i;
        DrawSource source;
        source.normals = [&](std::uint32_t purpose, float* z) {
            normals(m.seed, path, purpose, a.data(), nd);
            normals(other, path, purpose, b.data(), nd);
            for (std::uint32_t k = 0; k < nd; ++k) z[k] = static_cast<float>(mixed(k) ? b[k] : a[k]);
        };
        source.fires = [&](std::size_t e, std::uint32_t year) {
            return e == 1 || uniform(other, path, m.events[e].purpose, year) < m.events[e].probability;
        };
        simulate_path(m, ws, expected.data(), source);
        for (std::size_t k = 0; k < stride; ++k) {
            INFO("path " << path << " value " << k);
            REQUIRE(got[i * stride + k] == expected[k]);
        }
    }
}

TEST_CASE("once years and uncertain impacts of the kernels equal the scalar reference on every target", "[kernels][kat]") {
    const Scenario sc = test::scenario_from(kUncertainEventsScenario);
    const Model m = compile(sc, sc.seed);
    constexpr std::uint32_t cap = 64;
    const std::uint64_t first = 0xffffffffu - 20;  // across the path high word
    const std::size_t stride = static_cast<std::size_t>(m.years + 1) * m.series_count();
    constexpr std::uint32_t lanes = 70;
    std::vector<double> expected(stride * lanes);
    PathWorkspace ws(m);
    for (std::uint32_t i = 0; i < lanes; ++i) simulate_path(m, first + i, ws, expected.data() + i * stride);
    on_every_target([&](const std::string&) {
        const std::vector<double> got = chunk_values(m, first, lanes, 0);
        CHECK(std::memcmp(got.data(), expected.data(), got.size() * sizeof(double)) == 0);
        for (std::size_t e = 0; e < m.events.size(); ++e) {
            const EventModel& ev = m.events[e];
            auto year = kernels::aligned_zeros<std::int32_t>(cap);
            auto impact = kernels::aligned_zeros<double>(cap);
            kernels::chunk_impacts(m.seed, first, cap, ev, impact.get());
            if (ev.once) kernels::chunk_once(m.seed, first, cap, ev, year.get());
            for (std::uint32_t i = 0; i < cap; ++i) {
                const std::uint64_t path = first + i;
                INFO("event " << ev.name << " path " << path);
                CHECK(impact[i] == sampled_impact(ev, uniform(m.seed, path, ev.impact_purpose, 0)));
                if (!ev.once) continue;
                const auto w = philox(m.seed, path, ev.purpose, 0);
                const std::uint64_t draw = (static_cast<std::uint64_t>(w[0]) << 20) | (w[1] >> 12);
                const bool fires = uniform(m.seed, path, ev.purpose, 0) < ev.probability;
                CHECK(year[i] == (fires ? ev.first_fire + once_year(draw, ev.last_fire - ev.first_fire + 1, ev.probability) : 0));
            }
        }
    });
}

TEST_CASE("chosen once years and impacts give the chunk sampler the paths simulate_path gives with them", "[kernels][sampler]") {
    // as sensitivity analysis replays them: once years and impacts from a second seed
    const Scenario sc = test::scenario_from(kUncertainEventsScenario);
    const Model m = compile(sc, sc.seed);
    const std::uint64_t other = 4242, first = 300;
    const std::uint32_t cap = 32, lanes = 27;
    struct Draws {
        const Model* m;
        std::uint64_t other, first;
        std::uint32_t cap;
    } context{&m, other, first, cap};
    kernels::ChunkDraws hook{
        [](void* self, int t, float* z) {
            const auto& d = *static_cast<Draws*>(self);
            kernels::chunk_normals(d.m->seed, d.m->factor_draws(), d.first, d.cap,
                                   t == 0 ? purpose::long_run : purpose::annual(d.m->base_year + t), z);
        },
        [](void* self, std::size_t e, int t, std::uint8_t* fires) {
            const auto& d = *static_cast<Draws*>(self);
            const EventModel& ev = d.m->events[e];
            kernels::chunk_fires(d.m->seed, d.first, d.cap, ev.purpose, static_cast<std::uint32_t>(d.m->base_year + t),
                                 uniform_threshold(ev.probability), fires);
        },
        &context};
    hook.once = [](void* self, std::size_t e, std::int32_t* year) {
        const auto& d = *static_cast<Draws*>(self);
        kernels::chunk_once(d.other, d.first, d.cap, d.m->events[e], year);
    };
    hook.impacts = [](void* self, std::size_t e, double* impact) {
        const auto& d = *static_cast<Draws*>(self);
        kernels::chunk_impacts(d.other, d.first, d.cap, d.m->events[e], impact);
    };
    ChunkSampler sampler(m, cap);
    const std::uint32_t ns = m.series_count(), nd = m.factor_draws();
    const std::size_t stride = static_cast<std::size_t>(m.years + 1) * ns;
    std::vector<double> got(stride * lanes);
    sampler.simulate(first, lanes, [&](int t, const double* series, std::uint32_t n) {
        for (std::uint32_t i = 0; i < n; ++i)
            for (std::uint32_t s = 0; s < ns; ++s) got[i * stride + static_cast<std::size_t>(t) * ns + s] = series[s * cap + i];
    }, &hook);
    PathWorkspace ws(m);
    std::vector<double> expected(stride), a(nd), own(stride), mixed_own(stride);
    int differs = 0;
    for (std::uint32_t i = 0; i < lanes; ++i) {
        const std::uint64_t path = first + i;
        DrawSource source;
        source.normals = [&](std::uint32_t purpose, float* z) {
            normals(m.seed, path, purpose, a.data(), nd);
            for (std::uint32_t k = 0; k < nd; ++k) z[k] = static_cast<float>(a[k]);
        };
        source.fires = [&](std::size_t e, std::uint32_t year) {
            return uniform(m.seed, path, m.events[e].purpose, year) < m.events[e].probability;
        };
        source.once_year = [&](std::size_t e) {
            const EventModel& ev = m.events[e];
            if (!(uniform(other, path, ev.purpose, 0) < ev.probability)) return 0;
            const auto w = philox(other, path, ev.purpose, 0);
            const std::uint64_t draw = (static_cast<std::uint64_t>(w[0]) << 20) | (w[1] >> 12);
            return m.base_year + ev.first_fire + once_year(draw, ev.last_fire - ev.first_fire + 1, ev.probability);
        };
        source.impact = [&](std::size_t e) { return sampled_impact(m.events[e], uniform(other, path, m.events[e].impact_purpose, 0)); };
        simulate_path(m, ws, expected.data(), source);
        simulate_path(m, path, ws, own.data());
        differs += own != expected;  // the second seed's once years and impacts do change the path
        for (std::size_t k = 0; k < stride; ++k) {
            INFO("path " << path << " value " << k);
            REQUIRE(got[i * stride + k] == expected[k]);
        }
    }
    CHECK(differs > static_cast<int>(lanes / 2));
}

TEST_CASE("every SIMD target gives byte-identical paths and accumulators", "[kernels][determinism]") {
    const Scenario sc = test::scenario_from(kRichScenario);
    const Model m = compile(sc, sc.seed);
    std::vector<double> first_paths;
    std::vector<BandAccumulator> accumulators;
    std::vector<std::string> names;
    on_every_target([&](const std::string& t) {
        CHECK(simd::target() == t);
        const std::vector<double> paths = chunk_values(m, 1000, 130, 0);
        if (first_paths.empty()) first_paths = paths;
        CHECK(std::memcmp(paths.data(), first_paths.data(), paths.size() * sizeof(double)) == 0);
        accumulators.push_back(accumulate(m, sc.relative_accuracy, {}, 3000, 1));
        names.push_back(t);
    });
    REQUIRE(accumulators.size() >= 2);  // SCALAR and at least one vector target on any x86-64
    for (std::size_t i = 1; i < accumulators.size(); ++i) {
        INFO(names[0] << " against " << names[i]);
        CHECK(accumulators[i] == accumulators[0]);
    }
}

TEST_CASE("every SIMD target gives byte-identical paths of the segment mix", "[kernels][determinism]") {
    const Scenario sc = test::scenario_from(kMixScenario);
    const Model m = compile(sc, sc.seed);
    REQUIRE(m.long_run_by_year());
    std::vector<double> first_paths;
    int targets = 0;
    on_every_target([&](const std::string& t) {
        const std::vector<double> paths = chunk_values(m, 77, 70, 0);
        if (first_paths.empty()) first_paths = paths;
        INFO("target " << t);
        CHECK(std::memcmp(paths.data(), first_paths.data(), paths.size() * sizeof(double)) == 0);
        ++targets;
    });
    CHECK(targets >= 2);
}

TEST_CASE("a chunk capacity does not change the accumulated statistics", "[kernels][determinism]") {
    const Scenario sc = test::scenario_from(kRichScenario);
    const Model m = compile(sc, sc.seed);
    std::vector<BandAccumulator> results;
    for (const std::uint32_t capacity : {16u, 64u}) {
        BandWorker worker(m, 1e-4, {}, capacity);
        for (std::uint64_t b = 0; b < 3; ++b) {
            const std::uint64_t first = b * kBlockPaths, end = std::min<std::uint64_t>(first + kBlockPaths, 2500);
            worker.begin_block(first);
            for (std::uint64_t p = first; p < end; p += capacity)
                worker.chunk(p, static_cast<std::uint32_t>(std::min<std::uint64_t>(capacity, end - p)));
            worker.end_block(first);
        }
        results.push_back(std::move(worker.acc));
    }
    CHECK(results[0] == results[1]);
    // and the path-at-a-time accumulator agrees exactly as well
    BandAccumulator by_path(m, 1e-4, {});
    PathWorkspace ws(m);
    std::vector<double> out(static_cast<std::size_t>(m.years + 1) * m.series_count());
    for (std::uint64_t b = 0; b < 3; ++b) {
        by_path.begin_block();
        for (std::uint64_t p = b * kBlockPaths; p < std::min<std::uint64_t>((b + 1) * kBlockPaths, 2500); ++p) {
            simulate_path(m, p, ws, out.data());
            by_path.add_path(out.data());
        }
        by_path.end_block();
    }
    CHECK(by_path == results[0]);
}

TEST_CASE("pinning an unknown SIMD target names the available ones", "[kernels][simd]") {
    try {
        simd::pin("avx9000");
        FAIL("no error");
    } catch (const InputError& e) {
        const std::string msg = e.what();
        CHECK(msg.find("avx9000") != std::string::npos);
        CHECK(msg.find("scalar") != std::string::npos);
    }
    CHECK(simd::available().back() == "scalar");
    simd::pin("scalar");
    CHECK(simd::target() == "scalar");
    simd::pin("best");
    CHECK(simd::target() == simd::available().front());
}
