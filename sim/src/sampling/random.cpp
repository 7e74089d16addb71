#include "sampling/random.hpp"

#include <bit>
#include <cmath>
#include <limits>

#include <Random123/philox.h>

#include "model/model.hpp"
#include "sampling/transform_constants.hpp"

namespace marketsim {
namespace {

using detail::kExpMax;
using detail::kExpMin;

/** -ln u of u = (w + 0.5) 2^-32 in float: for u >= 1/2 from v = 1 - u, formed exactly from the
 *  word's complement, so that u near 1 keeps its precision. */
float minus_log_uniform(std::uint32_t w) {
    const bool up = (w >> 31) != 0;
    const auto a_int = static_cast<std::int32_t>(up ? ~w : w);  // 0 .. 2^31 - 1
    const float a = static_cast<float>(a_int) * 0x1p-32f + 0x1p-33f;
    const float u = up ? 1.0f - a : a;
    // ln u = e ln 2 + f + f^2 R(f), u = 2^e (1 + f) with 1 + f in [sqrt(1/2), sqrt(2))
    const auto bits = std::bit_cast<std::uint32_t>(u);
    const std::int32_t e = static_cast<std::int32_t>(bits - static_cast<std::uint32_t>(detail::kLogShift)) >> 23;
    float f = std::bit_cast<float>(bits - (static_cast<std::uint32_t>(e) << 23)) - 1.0f;
    if (up && a <= 0.29289321f) f = -a;  // u >= sqrt(1/2): e = 0 and f = -v exactly
    const auto c = [](int k) { return std::bit_cast<float>(detail::kLogCoefficientBits[k]); };
    // R(f) by Estrin's scheme: pairs, then pairs of pairs
    const float f2 = f * f, f4 = f2 * f2;
    const float r01 = c(0) + c(1) * f, r23 = c(2) + c(3) * f, r45 = c(4) + c(5) * f;
    const float r = (r01 + r23 * f2) + (r45 + c(6) * f2) * f4;
    const float l = f + f2 * r;
    return -(static_cast<float>(e) * std::bit_cast<float>(detail::kLn2Bits) + l);
}

}  // namespace

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
    const float rho = std::sqrt(2.0f * minus_log_uniform(w1));
    // theta = 2 pi u2: the octant from the top three bits, the angle within it from the other 29
    // (complemented in odd octants), so that sin and cos are evaluated on (0, pi/4) only
    const std::uint32_t octant = w2 >> 29;
    const std::uint32_t low = (octant & 1u ? ~w2 : w2) & 0x1fffffffu;
    const float psi = (static_cast<float>(static_cast<std::int32_t>(low)) * 0x1p-29f + 0x1p-30f) * 0.785398163f;
    const float p2 = psi * psi;
    const auto c = [](double v) { return static_cast<float>(v); };
    // Taylor polynomials of degree 9 (sin) and 8 (cos), by Horner's scheme in p2
    const float sin_tail = c(1.0 / 120) + p2 * (c(-1.0 / 5040) + p2 * c(1.0 / 362880));
    const float sin_psi = psi * (c(1.0) + p2 * (c(-1.0 / 6) + p2 * sin_tail));
    const float cos_tail = c(1.0 / 24) + p2 * (c(-1.0 / 720) + p2 * c(1.0 / 40320));
    const float cos_psi = c(1.0) + p2 * (c(-0.5) + p2 * cos_tail);
    // octants 1, 2, 5, 6 swap sin and cos; signs by quadrant
    const bool swap = ((octant + 1) & 2u) != 0;
    const std::uint32_t cos_sign = ((octant + 2) & 4u) << 29, sin_sign = (octant & 4u) << 29;
    const float cos_theta = std::bit_cast<float>(std::bit_cast<std::uint32_t>(swap ? sin_psi : cos_psi) ^ cos_sign);
    const float sin_theta = std::bit_cast<float>(std::bit_cast<std::uint32_t>(swap ? cos_psi : sin_psi) ^ sin_sign);
    return {rho * cos_theta, rho * sin_theta};
}

double fast_exp(double x) noexcept {
    if (std::isnan(x)) return x;
    if (x < kExpMin) return 0.0;
    if (x > kExpMax) return std::numeric_limits<double>::infinity();
    // x = k ln 2 + r with |r| <= ln 2 / 2 (Cody-Waite: ln 2 in two parts), k rounded to nearest by
    // adding 1.5 2^52, whose low bits then hold k
    const double shifter = 0x1.8p52;
    const double kd = x * 1.4426950408889634 + shifter;
    const double k = kd - shifter;
    const double r = (x - k * detail::kLn2High) - k * detail::kLn2Low;
    // e^r by its Taylor polynomial of degree 13 (truncation below 2e-16), Estrin's scheme
    const double c0 = 1.0, c1 = 1.0, c2 = 1.0 / 2, c3 = 1.0 / 6, c4 = 1.0 / 24, c5 = 1.0 / 120, c6 = 1.0 / 720,
                 c7 = 1.0 / 5040, c8 = 1.0 / 40320, c9 = 1.0 / 362880, c10 = 1.0 / 3628800, c11 = 1.0 / 39916800,
                 c12 = 1.0 / 479001600, c13 = 1.0 / 6227020800.0;
    const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    const double lo = ((c0 + c1 * r) + (c2 + c3 * r) * r2) + ((c4 + c5 * r) + (c6 + c7 * r) * r2) * r4;
    const double hi = ((c8 + c9 * r) + (c10 + c11 * r) * r2) + (c12 + c13 * r) * r4;
    const double poly = lo + hi * r8;
    // 2^(k-1) from kd's bits (2^51 + k in the low bits, plus 1022 in the exponent field), times 2
    const double scale = std::bit_cast<double>((std::bit_cast<std::uint64_t>(kd) + 1022) << 52);
    return poly * scale * 2.0;
}

std::uint64_t uniform_threshold(double p) noexcept {
    // (m + 0.5) 2^-52 < p  <=>  m < P - 0.5 with P = p 2^52, exact in double for 0 <= p <= 1
    if (!(p > 0.0)) return 0;
    if (p >= 1.0) return std::uint64_t{1} << 52;
    const double x = std::ldexp(p, 52) - 0.5;
    return x > 0.0 ? static_cast<std::uint64_t>(std::ceil(x)) : 0;
}

double sampled_impact(const EventModel& e, double u) noexcept {
    if (!e.impact_range) return e.impact;
    return e.impact_range->quantile_of_normal(normal_quantile(u));
}

namespace {
__extension__ typedef unsigned __int128 uint128;  // GCC and Clang: exact 128-bit integers
}  // namespace

int once_year(std::uint64_t m, int n, double p) noexcept {
    int e = 0;
    const double f = std::frexp(p, &e);  // p = f 2^e, 1/2 <= f < 1
    const auto big_m = static_cast<std::uint64_t>(std::ldexp(f, 53));
    const uint128 numerator = static_cast<uint128>(2 * m + 1) * static_cast<unsigned>(n);
    if (big_m == 0 || e < -60) return n - 1;
    const uint128 k = e >= 0 ? numerator / (static_cast<uint128>(big_m) << e) : (numerator << -e) / big_m;
    return k >= static_cast<uint128>(n) ? n - 1 : static_cast<int>(k);
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
        const auto [z0, z1] = normal_pair(w[0], w[1]);
        const auto [z2, z3] = normal_pair(w[2], w[3]);
        const float z[4] = {z0, z1, z2, z3};
        for (std::uint32_t i = 0; i < 4 && 4 * b + i < n; ++i) out[4 * b + i] = z[i];
    }
}

}  // namespace marketsim
