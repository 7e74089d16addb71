#pragma once
/** Addressable random numbers (MODEL.md section 5).
 *
 *  Every draw is a pure function of (seed, path, purpose, index) through Philox4x32-10
 *  (Random123): key = the 64-bit seed, counter = (path low 32 bits, path high 32 bits, purpose,
 *  index / 2). Nothing carries state from one draw to the next, so the thread count, the
 *  scheduling and the order of evaluation cannot change a result.
 *
 *  Uniforms take 52 bits from two 32-bit words: u = (m + 0.5) 2^-52 with
 *  m = (w0 << 20) | (w1 >> 12), so 2^-53 <= u <= 1 - 2^-53, every u is exact in double, and
 *  complementing the words gives exactly 1 - u.
 *  Normals are Phi^-1(u) by Wichura's algorithm AS 241 (PPND16; relative error about 1e-14 in
 *  double arithmetic): monotone in u, exactly antisymmetric on the uniforms' grid (u -> 1 - u), so normal k of a purpose is the inverse CDF of uniform k.
 *  Normal k of a purpose uses the words 2(k mod 2), 2(k mod 2)+1 of counter index k / 2.
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

/** Standard normal quantile Phi^-1(u) for 0 < u < 1 (AS 241). */
double normal_quantile(double u) noexcept;

/** Uniform k of (seed, path, purpose). */
double uniform(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose, std::uint32_t k) noexcept;

/** Standard normal k of (seed, path, purpose): normal_quantile(uniform(...)). */
double normal(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose, std::uint32_t k) noexcept;

/** Fills out[0..n) with normals 0..n-1 of (seed, path, purpose); two per Philox call. */
void normals(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose, double* out,
             std::uint32_t n) noexcept;

}  // namespace marketsim
