#pragma once
/** Constants of the sampler's two transcendental functions, shared as data by the SIMD kernels
 *  (kernels.cpp) and their scalar reference (random.cpp), which share no code.
 *
 *  The single-precision logarithm of the normal transform, as IEEE binary32 bit patterns. Fitted by the Remez
 *  exchange: ln(1 + f) = f + f^2 R(f) for f in [sqrt(1/2) - 1, sqrt(2) - 1), absolute error 8e-8
 *  where |ln p| <= 1 and relative error 1.2e-7 beyond (measured on every float in [2^-31, 1],
 *  evaluated in float without fused multiply-adds). */
#include <cstdint>

namespace marketsim::detail {

/// R of degree 6, R0 first
inline constexpr std::uint32_t kLogCoefficientBits[] = {0xbf000062u, 0x3eaaad32u, 0xbe7f9afcu, 0x3e4ba7edu,
                                                        0xbe316b0eu, 0x3e2746e8u, 0xbdcd824du};
/// ln 2 in float
inline constexpr std::uint32_t kLn2Bits = 0x3f317218u;
/// bits of sqrt(1/2): the logarithm's mantissa range starts there
inline constexpr std::int32_t kLogShift = 0x3f3504f3;

/// e^x is 0 below kExpMin and +inf above kExpMax (the largest finite result)
inline constexpr double kExpMin = -707.5, kExpMax = 709.782712893384;
/// Cody-Waite: ln 2 as a high part with trailing zero bits and the low part
inline constexpr double kLn2High = 0x1.62e42fee00000p-1, kLn2Low = 0x1.a39ef35793c76p-33;

}  // namespace marketsim::detail
