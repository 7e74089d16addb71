#pragma once
/** Addressable random numbers (docs/model.md, "Random numbers"), and the scalar reference of the
 *  sampler's arithmetic.
 *
 *  Every draw is a pure function of (seed, path, purpose, index) through Philox4x32-10
 *  (Random123): key = the 64-bit seed, counter = (path low 32 bits, path high 32 bits, purpose,
 *  block), the block holding four 32-bit words (below). Nothing carries state from one draw to the next, so the thread count, the
 *  scheduling and the order of evaluation cannot change a result.
 *
 *  Normals take one 32-bit word each, in pairs: the four words of a block give normals
 *  4b .. 4b+3, normal_pair(w0, w1) and normal_pair(w2, w3). normal_pair is Box-Muller in single
 *  precision: rho = sqrt(-2 ln u1), theta = 2 pi u2 with u_i = (w_i + 0.5) 2^-32, giving
 *  (rho cos theta, rho sin theta); its largest error against the same formula in double is
 *  kNormalMaxError (tests/kernels_test.cpp measures it). |z| reaches 6.76 at the extreme words.
 *
 *  Uniforms (the events' firing draws) take 52 bits from two 32-bit words: u = (m + 0.5) 2^-52
 *  with m = (w0 << 20) | (w1 >> 12), so 2^-53 <= u <= 1 - 2^-53 and every u is exact in double;
 *  uniform k of a purpose uses the words 2(k mod 2), 2(k mod 2)+1 of counter index k / 2.
 *
 *  The vectorized sampler (kernels.hpp) computes these same functions lane by lane with the same
 *  IEEE operations in the same order. The functions here are written independently of the kernels
 *  (plain C++, no Highway, sharing only the constants of transform_constants.hpp), so that the
 *  kernels are checked against them bit for bit and a kernel bug cannot hide behind itself.
 */
#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

#include "model/streams.hpp"

namespace marketsim {

struct EventModel;

/** Philox4x32-10 of counter (path, purpose, block) under key seed: four 32-bit words. */
std::array<std::uint32_t, 4> philox(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose,
                                    std::uint32_t block) noexcept;

/** The uniform in (0, 1) made of words w0 (high bits) and w1. */
constexpr double uniform_from_words(std::uint32_t w0, std::uint32_t w1) noexcept {
    const std::uint64_t m = (static_cast<std::uint64_t>(w0) << 20) | (w1 >> 12);
    return (static_cast<double>(m) + 0.5) * 0x1p-52;
}

/** Bound on the error of normal_pair against Box-Muller in double on the same words, as a
 *  fraction of max(1, |z|) (2.8e-7 measured over 2^24 random pairs and both tails). */
inline constexpr double kNormalMaxError = 1e-6;

/** The two standard normals of words w1 (radius) and w2 (angle); single precision. */
std::pair<float, float> normal_pair(std::uint32_t w1, std::uint32_t w2) noexcept;

/** e^x with relative error below 1e-15: the sampler's exponential, 0 below e^-707.5. */
double fast_exp(double x) noexcept;

/** The number T of 52-bit draws m with (m + 0.5) 2^-52 < p: uniform < p exactly when m < T. */
std::uint64_t uniform_threshold(double p) noexcept;

/** Standard normal quantile Phi^-1(u) for 0 < u < 1 in double (Wichura's AS 241, relative error
 *  about 1e-16). */
double normal_quantile(double u) noexcept;

/** The impact of `event` on a path whose impact draw is the uniform u (0 < u < 1): the fixed
 *  impact, or Q(u) of its three-point estimate as Q(Phi(z)) from the table at z = Phi^-1(u). */
double sampled_impact(const EventModel& event, double u) noexcept;

/** The year, counted from 0 among an event's n clipped years, in which a `once` event of
 *  probability p fires when its 52-bit draw m is below uniform_threshold(p):
 *  min(n - 1, floor(u n / p)) with u = (m + 0.5) 2^-52, computed exactly in integers. With
 *  p = M 2^(e - 53) (M an integer below 2^53, frexp), u n / p = (2m + 1) n / (M 2^e), so the year
 *  is an integer quotient: (2m + 1) n / (M << e) for e >= 0, ((2m + 1) n << -e) / M otherwise
 *  (128-bit; m < uniform_threshold(p) implies -e <= 53). */
int once_year(std::uint64_t m, int n, double p) noexcept;

/** Uniform k of (seed, path, purpose). */
double uniform(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose, std::uint32_t k) noexcept;

/** Standard normal k of (seed, path, purpose). */
double normal(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose, std::uint32_t k) noexcept;

/** Fills out[0..n) with normals 0..n-1 of (seed, path, purpose); four per Philox call. */
void normals(std::uint64_t seed, std::uint64_t path, std::uint32_t purpose, double* out,
             std::uint32_t n) noexcept;

}  // namespace marketsim
