#pragma once
/** Addressable random numbers (MODEL.md section 5).
 *
 *  Every draw is a pure function of (seed, path, purpose, index) through Philox4x32-10
 *  (Random123): key = the 64-bit seed, counter = (path low 32 bits, path high 32 bits, purpose,
 *  block), the block holding four 32-bit words (below). Nothing carries state from one draw to the next, so the thread count, the
 *  scheduling and the order of evaluation cannot change a result.
 *
 *  Normals take one 32-bit word each: normal k of a purpose is normal_of_word of word k mod 4 of
 *  counter index k / 4 (four normals per Philox call). normal_of_word(w) is the standard normal
 *  quantile of u = (w + 0.5) 2^-32, computed in single precision from the lower tail
 *  a = min(u, 1 - u) (so it is exactly antisymmetric: complementing w negates it) with a
 *  polynomial in sqrt(2 - ln(4 a (1 - a))); its largest error against the exact quantile is
 *  kNormalMaxError (tests/kernels_test.cpp measures it). It reaches |z| = 6.23 at the extreme words.
 *
 *  Uniforms (the events' firing draws) take 52 bits from two 32-bit words: u = (m + 0.5) 2^-52
 *  with m = (w0 << 20) | (w1 >> 12), so 2^-53 <= u <= 1 - 2^-53 and every u is exact in double;
 *  uniform k of a purpose uses the words 2(k mod 2), 2(k mod 2)+1 of counter index k / 2.
 *
 *  The vectorized sampler (kernels.hpp) computes these same functions lane by lane with the
 *  same operations, so the scalar functions here reproduce its draws exactly.
 */
#include <array>
#include <cstdint>
#include <string_view>

namespace marketsim {

/** Purpose words: which family of draws a counter belongs to. */
namespace purpose {
/// the persistent (long-run) factors G, xi_d, E_c of a path
inline constexpr std::uint32_t long_run = 0;
/// the annual factors of calendar year y (0 <= y < 2^30)
constexpr std::uint32_t annual(int year) noexcept {
    return 0x40000000u | static_cast<std::uint32_t>(year);
}
/// the firing draws of an event: the high bit and 31 bits of fnv1a64(name), index = calendar year
std::uint32_t event(std::string_view name) noexcept;
}  // namespace purpose

/** Philox4x32-10 of counter (path, purpose, block) under key seed: four 32-bit words. */
std::array<std::uint32_t, 4> philox(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose,
                                    std::uint32_t block) noexcept;

/** The uniform in (0, 1) made of words w0 (high bits) and w1. */
constexpr double uniform_from_words(std::uint32_t w0, std::uint32_t w1) noexcept {
    const std::uint64_t m = (static_cast<std::uint64_t>(w0) << 20) | (w1 >> 12);
    return (static_cast<double>(m) + 0.5) * 0x1p-52;
}

/** Bound on |normal_of_word(w) - Phi^-1((w + 0.5) 2^-32)| / max(1, |Phi^-1|) over all words
 *  (7.5e-7 measured on every word when the coefficients were fitted). */
inline constexpr double kNormalMaxError = 1e-6;

/** The standard normal of a 32-bit word (see above); single precision. */
float normal_of_word(std::uint32_t w) noexcept;

/** e^x with relative error below 1e-15: the sampler's exponential, 0 below e^-707.5. */
double fast_exp(double x) noexcept;

/** The number T of 52-bit draws m with (m + 0.5) 2^-52 < p: uniform < p exactly when m < T. */
std::uint64_t uniform_threshold(double p) noexcept;

/** Standard normal quantile Phi^-1(u) for 0 < u < 1 in double (Wichura's AS 241, relative error
 *  about 1e-16): the reference the single-precision transform is measured against. */
double normal_quantile(double u) noexcept;

/** Uniform k of (seed, path, purpose). */
double uniform(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose, std::uint32_t k) noexcept;

/** Standard normal k of (seed, path, purpose). */
double normal(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose, std::uint32_t k) noexcept;

/** Fills out[0..n) with normals 0..n-1 of (seed, path, purpose); four per Philox call. */
void normals(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose, double* out,
             std::uint32_t n) noexcept;

}  // namespace marketsim
