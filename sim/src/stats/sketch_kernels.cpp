// The quantile summary's vectorized parts (sketch_kernels.hpp), compiled once per SIMD target by
// Highway's foreach_target and chosen at run time, like the sampler's kernels: plain Mul and Add
// (never MulAdd), so every target gives the same bits.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "stats/sketch_kernels.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "stats/sketch_kernels.hpp"

HWY_BEFORE_NAMESPACE();
namespace marketsim::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/** The bucket index ceil(m (e + P(s))) of every lane's x = 2^e (1 + s) > 0, P the cubic of
 *  sketch_kernels.hpp: e and s from the double's exponent and mantissa bits, no logarithm. With
 *  `subnormals`, values below the smallest normal double are first scaled by 2^54 (exactly) and
 *  e lowered by 54, so that every positive finite double gets its own exponent. */
template <class D, class V>
HWY_INLINE hn::Vec<hn::RebindToSigned<D>> BucketIndex(D d, V x, V multiplier, bool subnormals) {
    const hn::RebindToUnsigned<D> du;
    const hn::RebindToSigned<D> di;
    V e_offset = hn::Zero(d);
    if (subnormals) {
        const auto tiny = hn::Lt(x, hn::Set(d, std::numeric_limits<double>::min()));
        x = hn::IfThenElse(tiny, hn::Mul(x, hn::Set(d, 0x1p54)), x);
        e_offset = hn::IfThenElseZero(tiny, hn::Set(d, -54.0));
    }
    const auto bits = hn::BitCast(du, x);
    // the exponent field as a double: its bits placed in the mantissa of 2^52, minus 2^52 + 1023
    const V e = hn::Sub(hn::BitCast(d, hn::Or(hn::ShiftRight<52>(bits), hn::BitCast(du, hn::Set(d, 0x1p52)))),
                        hn::Set(d, 0x1p52 + 1023.0));
    const V s = hn::Sub(hn::BitCast(d, hn::Or(hn::And(bits, hn::Set(du, 0x000fffffffffffffull)),
                                              hn::Set(du, 0x3ff0000000000000ull))),
                        hn::Set(d, 1.0));
    const V poly = hn::Mul(hn::Add(hn::Mul(hn::Add(hn::Mul(hn::Set(d, kSketchCubicA), s), hn::Set(d, kSketchCubicB)), s),
                                   hn::Set(d, kSketchCubicC)),
                           s);
    const V y = hn::Ceil(hn::Mul(hn::Add(subnormals ? hn::Add(e, e_offset) : e, poly), multiplier));
    // |y| < 2^51: adding 1.5 2^52 leaves y in the low bits
    const V magic = hn::Set(d, 0x1.8p52);
    return hn::Sub(hn::BitCast(di, hn::Add(y, magic)), hn::BitCast(di, magic));
}

/** index[i] = BucketIndex(x[i]) for i < n. */
template <class D>
HWY_INLINE void StoreBucketIndices(D d, const double* x, std::size_t n, double multiplier, std::int64_t* index,
                                   bool subnormals) {
    const hn::RebindToSigned<D> di;
    const std::size_t lanes = hn::Lanes(d);
    const auto m = hn::Set(d, multiplier);
    std::size_t i = 0;
    for (; i + lanes <= n; i += lanes) hn::StoreU(BucketIndex(d, hn::LoadU(d, x + i), m, subnormals), di, index + i);
    if (i < n) {
        HWY_ALIGN double buf[HWY_LANES(double)];
        HWY_ALIGN std::int64_t out[HWY_LANES(double)];
        for (std::size_t j = 0; j < lanes; ++j) buf[j] = i + j < n ? x[i + j] : 1.0;
        hn::Store(BucketIndex(d, hn::Load(d, buf), m, subnormals), di, out);
        std::memcpy(index + i, out, (n - i) * sizeof(std::int64_t));
    }
}

void BucketIndices(const double* magnitude, std::size_t n, double multiplier, std::int64_t* index) {
    StoreBucketIndices(hn::ScalableTag<double>(), magnitude, n, multiplier, index, /*subnormals=*/true);
}

bool ChunkStats(const double* x, std::uint32_t n, double reference, double multiplier, double* partial,
                std::int64_t* index, ChunkExtremes* extremes) {
    const hn::ScalableTag<double> d;
    const std::size_t lanes = hn::Lanes(d);
    using V = hn::Vec<decltype(d)>;

    // screen: positive normal finite values only (NaN fails both comparisons)
    V lo = hn::Set(d, std::numeric_limits<double>::infinity()), hi = hn::Neg(lo);
    auto bad = hn::FirstN(d, 0);
    std::uint32_t i = 0;
    for (; i + lanes <= n; i += lanes) {
        const V v = hn::LoadU(d, x + i);
        bad = hn::Or(bad, hn::Not(hn::And(hn::Ge(v, hn::Set(d, std::numeric_limits<double>::min())),
                                          hn::Le(v, hn::Set(d, std::numeric_limits<double>::max())))));
        lo = hn::Min(lo, v);
        hi = hn::Max(hi, v);
    }
    double vmin = hn::GetLane(hn::MinOfLanes(d, lo)), vmax = hn::GetLane(hn::MaxOfLanes(d, hi));
    if (!hn::AllFalse(d, bad)) return false;
    for (; i < n; ++i) {
        if (!(x[i] >= std::numeric_limits<double>::min() && x[i] <= std::numeric_limits<double>::max())) return false;
        vmin = std::min(vmin, x[i]);
        vmax = std::max(vmax, x[i]);
    }
    extremes->min = vmin;
    extremes->max = vmax;

    // power sums: lane j of every group of 8 feeds partial sums j, in lane order
    const V ref = hn::Set(d, reference);
    std::uint32_t g = 0;
    for (; g + 8 <= n; g += 8) {
        for (std::size_t j = 0; j < 8; j += lanes) {
            const V dv = hn::Sub(hn::LoadU(d, x + g + j), ref), d2 = hn::Mul(dv, dv);
            double* p = partial + j;
            hn::StoreU(hn::Add(hn::LoadU(d, p), dv), d, p);
            hn::StoreU(hn::Add(hn::LoadU(d, p + 8), d2), d, p + 8);
            hn::StoreU(hn::Add(hn::LoadU(d, p + 16), hn::Mul(d2, dv)), d, p + 16);
            hn::StoreU(hn::Add(hn::LoadU(d, p + 24), hn::Mul(d2, d2)), d, p + 24);
        }
    }
    for (std::uint32_t j = 0; g + j < n; ++j) {
        const double dv = x[g + j] - reference, d2 = dv * dv;
        partial[j] += dv;
        partial[8 + j] += d2;
        partial[16 + j] += d2 * dv;
        partial[24 + j] += d2 * d2;
    }

    // bucket indices: every value here is a positive normal double; and the extremes' buckets
    StoreBucketIndices(d, x, n, multiplier, index, /*subnormals=*/false);
    const double ends[2] = {vmin, vmax};
    std::int64_t end_index[2];
    StoreBucketIndices(d, ends, 2, multiplier, end_index, /*subnormals=*/false);
    extremes->min_index = end_index[0];
    extremes->max_index = end_index[1];
    return true;
}

}  // namespace marketsim::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace marketsim::kernels {

HWY_EXPORT(BucketIndices);
HWY_EXPORT(ChunkStats);

void bucket_indices(const double* magnitude, std::size_t n, double multiplier, std::int64_t* index) {
    HWY_DYNAMIC_DISPATCH(BucketIndices)(magnitude, n, multiplier, index);
}

bool chunk_stats(const double* x, std::uint32_t n, double reference, double multiplier, double* partial,
                 std::int64_t* index, ChunkExtremes* extremes) {
    return HWY_DYNAMIC_DISPATCH(ChunkStats)(x, n, reference, multiplier, partial, index, extremes);
}

}  // namespace marketsim::kernels
#endif  // HWY_ONCE
