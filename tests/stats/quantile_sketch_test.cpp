#include "stats/quantile_sketch.hpp"
#include "stats/quantiles.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using marketsim::QuantileSketch;

namespace {

// Slack for floating-point rounding on top of the relative bound a: log and exp at a bucket edge
// misplace a value by about |ln x| * 1e-16 relative; the interpolation adds a few ulps.
constexpr double kRounding = 1e-12;

struct Dataset {
    std::string name;
    std::vector<double> values;
};

std::vector<Dataset> datasets(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> z(0.0, 1.0);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<Dataset> out(5);
    out[0].name = "lognormal(0, 1)";
    out[1].name = "normal(0.3, 1)";
    out[2].name = "mixed signs, wide: +-lognormal(0, 3)";
    out[3].name = "20% zeros (some -0.0), else normal(-0.5, 2)";
    out[4].name = "all negative: -lognormal(1, 0.5)";
    for (std::size_t i = 0; i < n; ++i) {
        out[0].values.push_back(std::exp(z(rng)));
        out[1].values.push_back(0.3 + z(rng));
        const double m = std::exp(3 * z(rng));
        out[2].values.push_back(u(rng) < 0.5 ? -m : m);
        const double r = u(rng);
        out[3].values.push_back(r < 0.1 ? 0.0 : r < 0.2 ? -0.0 : -0.5 + 2 * z(rng));
        out[4].values.push_back(-std::exp(1 + 0.5 * z(rng)));
    }
    return out;
}

QuantileSketch sketch_of(const std::vector<double>& v, double a) {
    QuantileSketch s(a);
    for (double x : v) s.add(x);
    return s;
}

/** Type-7 quantile of sorted values, with the same interpolation formula as the sketch. */
double type7(const std::vector<double>& sorted, double q) {
    const double h = q * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h)), hi = static_cast<std::size_t>(std::ceil(h));
    const double f = h - static_cast<double>(lo);
    if (f == 0.0) return sorted[lo];
    return sorted[lo] + f * (sorted[hi] - sorted[lo]);
}

const std::vector<double>& q_grid() {
    static const std::vector<double> g = [] {
        std::vector<double> v{0.0, 1e-5, 1e-4, 0.001, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975, 0.99, 0.999, 0.9999, 1.0};
        for (int k = 1; k < 97; ++k) v.push_back(k / 97.0);  // off the rank grid: interpolates
        return v;
    }();
    return g;
}

}  // namespace

TEST_CASE("order statistics and type-7 quantiles are within the relative bound of an exact sort", "[quantile_sketch]") {
    const std::size_t n = 100000;
    for (const Dataset& d : datasets(n, 20240611)) {
        std::vector<double> sorted = d.values;
        std::sort(sorted.begin(), sorted.end());
        for (double a : {1e-2, 1e-4}) {
            const QuantileSketch s = sketch_of(d.values, a);
            CAPTURE(d.name, a);
            REQUIRE(s.count() == n);
            REQUIRE(s.min() == sorted.front());
            REQUIRE(s.max() == sorted.back());
            REQUIRE(s.value_at_rank(0) == sorted.front());
            REQUIRE(s.value_at_rank(n - 1) == sorted.back());
            REQUIRE(s.quantile(0.0) == sorted.front());
            REQUIRE(s.quantile(1.0) == sorted.back());

            std::vector<std::uint64_t> ranks{0, 1, 2, n / 2 - 1, n / 2, n - 3, n - 2, n - 1};
            for (std::uint64_t k = 0; k < n; k += 97) ranks.push_back(k);
            int failures = 0;
            for (std::uint64_t k : ranks) {
                const double calculated = s.value_at_rank(k), expected = sorted[k];
                const double error = std::abs(calculated - expected);
                const double tolerance = (a + kRounding) * std::abs(expected);
                if (!(error <= tolerance)) {
                    ++failures;
                    INFO(std::setprecision(17) << "rank " << k << ": calculated " << calculated << ", expected " << expected << ", error "
                                 << error << ", tolerance " << tolerance);
                    CHECK(error <= tolerance);
                }
            }
            for (double q : q_grid()) {
                const double h = q * static_cast<double>(n - 1);
                const double x_lo = sorted[static_cast<std::size_t>(std::floor(h))];
                const double x_hi = sorted[static_cast<std::size_t>(std::ceil(h))];
                const double calculated = s.quantile(q), expected = type7(sorted, q);
                const double error = std::abs(calculated - expected);
                const double tolerance = (a + kRounding) * std::max(std::abs(x_lo), std::abs(x_hi));
                if (!(error <= tolerance)) {
                    ++failures;
                    INFO(std::setprecision(17) << "q " << q << ": calculated " << calculated << ", expected " << expected << ", error " << error
                              << ", tolerance " << tolerance);
                    CHECK(error <= tolerance);
                }
            }
            REQUIRE(failures == 0);
        }
    }
}

TEST_CASE("quantile is nondecreasing in q", "[quantile_sketch]") {
    const Dataset d = datasets(20000, 7)[3];
    const QuantileSketch s = sketch_of(d.values, 1e-2);
    double previous = -std::numeric_limits<double>::infinity();
    for (int k = 0; k <= 2000; ++k) {
        const double q = k / 2000.0, v = s.quantile(q);
        CAPTURE(q, v, previous);
        REQUIRE(v >= previous);
        previous = v;
    }
}

TEST_CASE("count - min and max are exact - and no spread returns the exact value", "[quantile_sketch]") {
    SECTION("empty") {
        const QuantileSketch s(1e-4);
        CHECK(s.count() == 0);
        CHECK(s.min() == std::numeric_limits<double>::infinity());
        CHECK(s.max() == -std::numeric_limits<double>::infinity());
        CHECK(s.bucket_count() == 0);
        CHECK(std::isnan(s.quantile(0.5)));
    }
    SECTION("single and constant values, including extreme magnitudes") {
        for (double a : {1e-2, 1e-4}) {
            for (double x : {123.456789, -7.25, 0.0, 1e-300, -1e300, 5e-324, std::numeric_limits<double>::max()}) {
                CAPTURE(a, x);
                QuantileSketch one(a);
                one.add(x);
                CHECK(one.count() == 1);
                CHECK(one.min() == x);
                CHECK(one.max() == x);
                CHECK(one.value_at_rank(0) == x);
                for (double q : q_grid()) CHECK(one.quantile(q) == x);

                QuantileSketch many(a);
                for (int i = 0; i < 10000; ++i) many.add(x);
                CHECK(many.count() == 10000);
                CHECK(many.min() == x);
                CHECK(many.max() == x);
                CHECK(many.bucket_count() == 1);
                for (std::uint64_t k : {0, 1, 4999, 9998, 9999}) CHECK(many.value_at_rank(k) == x);
                for (double q : q_grid()) CHECK(many.quantile(q) == x);
            }
        }
    }
    SECTION("two values interpolate between the exact extremes") {
        QuantileSketch s(1e-2);
        s.add(1.0);
        s.add(3.0);
        CHECK(s.quantile(0.0) == 1.0);
        CHECK(s.quantile(1.0) == 3.0);
        CHECK(s.quantile(0.5) == 2.0);
    }
    SECTION("-0.0 counts as zero") {
        QuantileSketch s(1e-4);
        s.add(-0.0);
        CHECK(s.min() == 0.0);
        CHECK_FALSE(std::signbit(s.min()));
        CHECK_FALSE(std::signbit(s.quantile(0.5)));
    }
}

TEST_CASE("a relative accuracy below 1e-12 or from 0.5 up is rejected", "[quantile_sketch]") {
    for (double a : {0.0, -0.1, 1e-13, 0.5, 1.0, std::numeric_limits<double>::quiet_NaN()}) {
        CAPTURE(a);
        CHECK_THROWS_AS(QuantileSketch(a), std::invalid_argument);
    }
    CHECK(QuantileSketch(0.25).relative_accuracy() == 0.25);
}

TEST_CASE("merging in any order or tree shape gives equal sketches and bit-identical quantiles", "[quantile_sketch]") {
    const std::vector<double> all = [] {
        std::vector<double> v;
        for (const Dataset& d : datasets(20000, 99)) v.insert(v.end(), d.values.begin(), d.values.end());
        std::shuffle(v.begin(), v.end(), std::mt19937_64(3));
        return v;
    }();
    REQUIRE(all.size() == 100000);
    const double a = 1e-4;
    // Seven pieces of unequal sizes.
    const std::vector<std::size_t> cut{0, 1000, 15000, 15001, 40000, 61234, 90000, 100000};
    std::vector<QuantileSketch> piece;
    for (std::size_t p = 0; p < 7; ++p)
        piece.push_back(sketch_of(std::vector<double>(all.begin() + cut[p], all.begin() + cut[p + 1]), a));

    const auto fold = [&](std::vector<int> order) {
        QuantileSketch s(a);
        for (int p : order) s.merge(piece[p]);
        return s;
    };
    const auto m = [](QuantileSketch x, const QuantileSketch& y) {
        x.merge(y);
        return x;
    };
    const auto& P = piece;
    std::vector<std::pair<std::string, QuantileSketch>> merged;
    merged.reserve(8);
    merged.emplace_back("left fold 0..6", fold({0, 1, 2, 3, 4, 5, 6}));
    merged.emplace_back("left fold 6..0", fold({6, 5, 4, 3, 2, 1, 0}));
    merged.emplace_back("left fold 3,0,6,1,5,2,4", fold({3, 0, 6, 1, 5, 2, 4}));
    merged.emplace_back("balanced ((01)(23))((45)6)", m(m(m(P[0], P[1]), m(P[2], P[3])), m(m(P[4], P[5]), P[6])));
    merged.emplace_back("right-leaning 0(1(2(3(4(56)))))", m(P[0], m(P[1], m(P[2], m(P[3], m(P[4], m(P[5], P[6])))))));
    merged.emplace_back("into piece 6: ((6 2)(5 0))((3 1) 4)", m(m(m(P[6], P[2]), m(P[5], P[0])), m(m(P[3], P[1]), P[4])));
    merged.emplace_back("single sketch of all values", sketch_of(all, a));
    std::vector<double> sorted_order = all;
    std::sort(sorted_order.begin(), sorted_order.end());
    merged.emplace_back("single sketch, values ascending", sketch_of(sorted_order, a));
    std::reverse(sorted_order.begin(), sorted_order.end());
    merged.emplace_back("single sketch, values descending", sketch_of(sorted_order, a));

    const QuantileSketch& reference = merged.front().second;
    REQUIRE(reference.count() == all.size());
    for (const auto& [name, s] : merged) {
        CAPTURE(name);
        REQUIRE(s == reference);
        REQUIRE(s.bucket_count() == reference.bucket_count());
        for (double q : q_grid()) {
            CAPTURE(q, s.quantile(q), reference.quantile(q));
            REQUIRE(std::bit_cast<std::uint64_t>(s.quantile(q)) == std::bit_cast<std::uint64_t>(reference.quantile(q)));
        }
        for (std::uint64_t k = 0; k < all.size(); k += 4999) {
            CAPTURE(k);
            REQUIRE(std::bit_cast<std::uint64_t>(s.value_at_rank(k)) ==
                    std::bit_cast<std::uint64_t>(reference.value_at_rank(k)));
        }
    }

    SECTION("equality sees every difference") {
        QuantileSketch extra = reference;
        extra.add(1.0);
        CHECK_FALSE(extra == reference);
        QuantileSketch other_accuracy(2e-4);
        for (double x : all) other_accuracy.add(x);
        CHECK_FALSE(other_accuracy == reference);
        QuantileSketch empty_merge = reference;
        empty_merge.merge(QuantileSketch(a));
        CHECK(empty_merge == reference);
    }
}

TEST_CASE("memory does not grow with the number of values", "[quantile_sketch]") {
    for (double a : {1e-2, 1e-4}) {
        // the cubic mapping spends m = 7 / (10 ln gamma) buckets per octave (quantile_sketch.hpp),
        // 1% more than ln 2 / ln gamma; one octave of values, both ends included
        const double gamma = (1 + a) / (1 - a);
        const double bound = 7 / (10 * std::log(gamma)) + 2;
        std::mt19937_64 rng(11);
        std::uniform_real_distribution<double> u(1.0, 2.0);
        QuantileSketch s(a);
        for (int i = 0; i < 1000000; ++i) s.add(u(rng));
        s.add(1.0);
        s.add(2.0);
        CAPTURE(a, s.bucket_count(), bound);
        CHECK(s.count() == 1000002);
        CHECK(static_cast<double>(s.bucket_count()) <= bound);
    }
}
