#include "marketsim/random.hpp"

#include <cmath>

#include <Random123/philox.h>

#include "kernels.hpp"
#include "marketsim/hash.hpp"

namespace marketsim {

std::uint32_t purpose::event(std::string_view name) noexcept {
    return 0x80000000u | static_cast<std::uint32_t>(fnv1a64(name) & 0x7fffffffu);
}

std::array<std::uint32_t, 4> philox(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose,
                                    std::uint32_t block) noexcept {
    using G = r123::Philox4x32;
    const G::ctr_type ctr = {{static_cast<std::uint32_t>(path), static_cast<std::uint32_t>(path >> 32),
                              purpose, block}};
    const G::key_type key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    const G::ctr_type r = G()(ctr, key);
    return {r[0], r[1], r[2], r[3]};
}

// Wichura, M. J. (1988) Algorithm AS 241: The percentage points of the normal distribution.
// Applied Statistics 37, 477-484 (PPND16).
double normal_quantile(double p) noexcept {
    const double q = p - 0.5;
    if (std::fabs(q) <= 0.425) {
        const double r = 0.180625 - q * q;
        return q *
               (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
                    45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
                 133.14166789178437745) * r + 3.387132872796366608) /
               (((((((5226.4952788528545610 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
                    21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
                 42.313330701600911252) * r + 1.0);
    }
    double r = q < 0 ? p : 1.0 - p;
    r = std::sqrt(-std::log(r));
    double x;
    if (r <= 5.0) {
        r -= 1.6;
        x = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
                1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
              4.6303378461565452959) * r + 1.42343711074968357734) /
            (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
                 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
              2.05319162663775882187) * r + 1.0);
    } else {
        r -= 5.0;
        x = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
                0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
              5.4637849111641143699) * r + 6.6579046435011037772) /
            (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
                 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
              0.59983220655588793769) * r + 1.0);
    }
    return q < 0 ? -x : x;
}

double uniform(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose, std::uint32_t k) noexcept {
    const auto w = philox(seed, path, purpose, k >> 1);
    const unsigned i = 2 * (k & 1u);
    return uniform_from_words(w[i], w[i + 1]);
}

std::pair<float, float> normal_pair(std::uint32_t w1, std::uint32_t w2) noexcept {
    const std::uint32_t w[2] = {w1, w2};
    float z[2];
    kernels::normals_from_words(w, z, 2);
    return {z[0], z[1]};
}

double fast_exp(double x) noexcept {
    double y = 0.0;
    kernels::exp(&x, &y, 1);
    return y;
}

std::uint64_t uniform_threshold(double p) noexcept {
    // (m + 0.5) 2^-52 < p  <=>  m < P - 0.5 with P = p 2^52, exact in double for 0 <= p <= 1
    if (!(p > 0.0)) return 0;
    if (p >= 1.0) return std::uint64_t{1} << 52;
    const double x = std::ldexp(p, 52) - 0.5;
    return x > 0.0 ? static_cast<std::uint64_t>(std::ceil(x)) : 0;
}

double normal(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose, std::uint32_t k) noexcept {
    const auto w = philox(seed, path, purpose, k >> 2);
    const unsigned pair = k & 2u;
    const auto [zc, zs] = normal_pair(w[pair], w[pair + 1]);
    return k & 1u ? zs : zc;
}

void normals(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose, double* out,
             std::uint32_t n) noexcept {
    for (std::uint32_t b = 0; 4 * b < n; ++b) {
        const auto w = philox(seed, path, purpose, b);
        float z[4];
        kernels::normals_from_words(w.data(), z, 4);
        for (std::uint32_t i = 0; i < 4 && 4 * b + i < n; ++i) out[4 * b + i] = z[i];
    }
}

}  // namespace marketsim
