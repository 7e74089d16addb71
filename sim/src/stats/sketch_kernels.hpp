#pragma once
/** The quantile summary's vectorized parts (Highway, one copy per SIMD target, chosen at run time):
 *  the bucket mapping and a chunk's statistics. Bit-identical on every target, as the sampler's
 *  kernels (sampling/kernels.hpp).
 *
 *  The bucket of x = 2^e (1 + s) > 0, 0 <= s < 1, is ceil(m (e + P(s))) with the cubic
 *  P(s) = A s^3 + B s^2 + C s (A = 6/35, B = -3/5, C = 10/7; P(0) = 0, P(1) = 1, increasing),
 *  evaluated as ((A s + B) s + C) s: a logarithm computed from the double's exponent and mantissa
 *  bits, without libm (quantile_sketch.hpp says why every bucket then spans at most a factor gamma).
 *  This file is the mapping's one home: QuantileSketch calls bucket_indices.
 */
#include <cstddef>
#include <cstdint>

namespace marketsim {

/** The cubic P(s) of the bucket mapping. */
inline constexpr double kSketchCubicA = 6.0 / 35.0, kSketchCubicB = -3.0 / 5.0, kSketchCubicC = 10.0 / 7.0;

namespace kernels {

/** index[i] = ceil(m (e + P(s))) of every positive finite magnitude[i] = 2^e (1 + s), subnormal
 *  ones included. */
void bucket_indices(const double* magnitude, std::size_t n, double multiplier, std::int64_t* index);

/** The smallest and largest of a chunk's values, and their buckets (which bound every other
 *  value's: the mapping is monotone). */
struct ChunkExtremes {
    double min = 0.0, max = 0.0;
    std::int64_t min_index = 0, max_index = 0;
};

/** Statistics of one series-year over a chunk's values x[0..n): power sums of d = x - reference
 *  added into partial[k * 8 + j] (k = power - 1, j = lane mod 8, in lane order), each value's
 *  bucket index (as bucket_indices), and the extremes. Returns false, touching nothing, when
 *  some value is not a positive normal finite double; the caller then takes the general path. */
bool chunk_stats(const double* x, std::uint32_t n, double reference, double multiplier, double* partial,
                 std::int64_t* index, ChunkExtremes* extremes);

}  // namespace kernels
}  // namespace marketsim
