// Known-answer tests pin the generator and the normal transform exactly; the goodness-of-fit
// tests check the distribution statistically with stated tolerances.
#include <algorithm>
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "sampling/random.hpp"

using namespace marketsim;

TEST_CASE("philox4x32-10 matches the Random123 known-answer vectors", "[random][kat]") {
    // Random123 kat_vectors: philox4x32 10
    const auto zero = philox(0, 0, 0, 0);
    CHECK(zero == std::array<std::uint32_t, 4>{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u});
    const auto ones = philox(0xffffffffffffffffULL, 0xffffffffffffffffULL, 0xffffffffu, 0xffffffffu);
    CHECK(ones == std::array<std::uint32_t, 4>{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu});
    // counter (243f6a88 85a308d3 13198a2e 03707344), key (a4093822 299f31d0)
    const auto pi = philox(0x299f31d0a4093822ULL, 0x85a308d3243f6a88ULL, 0x13198a2eu, 0x03707344u);
    CHECK(pi == std::array<std::uint32_t, 4>{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u});
}

TEST_CASE("uniforms lie strictly inside (0 - 1) - symmetric about 1/2", "[random][kat]") {
    CHECK(uniform_from_words(0, 0) == 0x1p-53);
    CHECK(uniform_from_words(0xffffffffu, 0xffffffffu) == 1.0 - 0x1p-53);
    CHECK(uniform_from_words(0xffffffffu, 0xffffffffu) < 1.0);
    CHECK(uniform_from_words(0x80000000u, 0) == 0.5 + 0x1p-53);
    CHECK(std::isfinite(normal_quantile(uniform_from_words(0, 0))));
    CHECK(std::isfinite(normal_quantile(uniform_from_words(0xffffffffu, 0xffffffffu))));
}

TEST_CASE("normal_quantile matches AS 241 known values", "[random][kat]") {
    struct Case {
        double p, z;
    };
    // expected: AS 241 (PPND16) evaluated by an independent implementation (Python's
    // statistics.NormalDist); in the far tail AS 241 itself is accurate to about 1e-7
    const Case cases[] = {{0.5, 0.0},
                          {0.975, 1.959963984540054},
                          {0.9, 1.2815515655446004},
                          {0.3, -0.5244005127080407},
                          {1e-4, -3.71901648545568},
                          {1e-10, -6.361340902404056},
                          {0.999999, 4.753424308817089},
                          {1e-300, -37.0470962993612}};
    for (const Case& c : cases) {
        const double z = normal_quantile(c.p);
        INFO("p = " << c.p << ": calculated " << z << ", expected " << c.z << ", error " << z - c.z);
        CHECK(std::fabs(z - c.z) <= 4e-16 * std::max(1.0, std::fabs(c.z)));
    }
    // on the uniforms' grid, mirrored words give exactly mirrored normals; and the map is monotone
    for (std::uint32_t w = 1; w < 0xfff00000u; w += 0x00c0ffeeu) {
        const double u = uniform_from_words(w, w * 2654435761u), mirrored = uniform_from_words(~w, ~(w * 2654435761u));
        CHECK(u == 1 - mirrored);
        CHECK(normal_quantile(u) == -normal_quantile(mirrored));
        CHECK(normal_quantile(u) < normal_quantile(uniform_from_words(w + 1, 0)));
    }
}

TEST_CASE("draws are pure functions of (seed - path - purpose - index)", "[random][kat]") {
    std::vector<double> block(7);
    normals(42, 1000, purpose::annual(2030), block.data(), 7);
    for (std::uint32_t k = 0; k < 7; ++k) CHECK(block[k] == normal(42, 1000, purpose::annual(2030), k));
    CHECK(normal(42, 1000, purpose::annual(2030), 0) != normal(42, 1001, purpose::annual(2030), 0));
    CHECK(normal(42, 1000, purpose::annual(2030), 0) != normal(43, 1000, purpose::annual(2030), 0));
    CHECK(normal(42, 1000, purpose::annual(2030), 0) != normal(42, 1000, purpose::annual(2031), 0));
    CHECK(normal(42, 1000, purpose::annual(2030), 0) != normal(42, 1000, purpose::long_run, 0));
    // event streams are keyed by name: the high bit set, never an annual or long-run purpose
    CHECK((purpose::event("recession") & 0x80000000u) != 0);
    CHECK(purpose::event("recession") == purpose::event("recession"));
    CHECK(purpose::event("recession") != purpose::event("recession_2"));
}

namespace {
double phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
}  // namespace

TEST_CASE("normals pass Kolmogorov-Smirnov and moment tests", "[random][statistical]") {
    constexpr std::uint64_t seed = 20221;
    constexpr std::uint32_t per_path = 10;
    std::vector<double> z;
    for (std::uint64_t path = 0; path < 100000; ++path) {
        double buf[per_path];
        normals(seed, path, purpose::annual(2025), buf, per_path);
        z.insert(z.end(), buf, buf + per_path);
    }
    const double n = static_cast<double>(z.size());
    double sum = 0, sum2 = 0, sum4 = 0;
    for (double x : z) {
        sum += x;
        sum2 += x * x;
        sum4 += x * x * x * x;
    }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    // tolerance: 5 standard errors (sd of the mean 1/sqrt(n), of the variance sqrt(2/n), of E[z^4] sqrt(96/n))
    INFO("mean calculated " << mean << " expected 0 tolerance " << 5 / std::sqrt(n));
    CHECK(std::fabs(mean) < 5 / std::sqrt(n));
    INFO("variance calculated " << var << " expected 1 tolerance " << 5 * std::sqrt(2 / n));
    CHECK(std::fabs(var - 1) < 5 * std::sqrt(2 / n));
    INFO("E[z^4] calculated " << sum4 / n << " expected 3 tolerance " << 5 * std::sqrt(96 / n));
    CHECK(std::fabs(sum4 / n - 3) < 5 * std::sqrt(96 / n));

    std::sort(z.begin(), z.end());
    double d = 0;
    for (std::size_t i = 0; i < z.size(); ++i) {
        const double f = phi(z[i]);
        d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
    }
    // Kolmogorov distribution: P(sqrt(n) D > 1.949) = 0.001
    INFO("KS sqrt(n) D calculated " << std::sqrt(n) * d << ", critical value 1.949 (p = 0.001)");
    CHECK(std::sqrt(n) * d < 1.949);
}

TEST_CASE("neighbouring paths and indices are uncorrelated", "[random][statistical]") {
    constexpr int n = 200000;
    double sxy_path = 0, sxy_index = 0;
    for (int p = 0; p < n; ++p) {
        const double a = normal(7, static_cast<std::uint64_t>(p), purpose::long_run, 3);
        sxy_path += a * normal(7, static_cast<std::uint64_t>(p) + 1, purpose::long_run, 3);
        sxy_index += a * normal(7, static_cast<std::uint64_t>(p), purpose::long_run, 4);
    }
    // correlation of independent normals: sd 1/sqrt(n); tolerance 5 sd
    const double tol = 5 / std::sqrt(static_cast<double>(n));
    INFO("path-to-path correlation " << sxy_path / n << " index-to-index " << sxy_index / n << " tolerance " << tol);
    CHECK(std::fabs(sxy_path / n) < tol);
    CHECK(std::fabs(sxy_index / n) < tol);
}
