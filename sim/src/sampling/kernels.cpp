// The sampler's kernels, compiled once per SIMD target by Highway's foreach_target and chosen at
// run time (kernels.hpp). Every lane sees the same IEEE operations on every target: plain Mul and
// Add (never MulAdd), correctly rounded Sqrt and conversions, integer bit manipulation.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "sampling/kernels.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <Random123/philox.h>

#include "sampling/kernels.hpp"
#include "sampling/random.hpp"
#include "sampling/transform_constants.hpp"

HWY_BEFORE_NAMESPACE();
namespace marketsim::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// ---- Philox4x32-10 over lanes of paths -----------------------------------------------------------

constexpr std::uint32_t kPhiloxM0 = 0xD2511F53u, kPhiloxM1 = 0xCD9E8D57u;
constexpr std::uint32_t kPhiloxW0 = 0x9E3779B9u, kPhiloxW1 = 0xBB67AE85u;

#if HWY_TARGET == HWY_SCALAR
constexpr bool kVectorPhilox = false;
#else
constexpr bool kVectorPhilox = true;

/** hi and lo 32 bits of m * x in every lane. */
template <class D, class V>
HWY_INLINE void MulHiLo(D d, V x, V m, V& hi, V& lo) {
    const hn::RepartitionToWide<D> dw;
    const auto even = hn::MulEven(x, m);
    const auto odd = hn::MulEven(hn::BitCast(d, hn::ShiftRight<32>(hn::BitCast(dw, x))), m);
    hi = hn::OddEven(hn::BitCast(d, odd), hn::BitCast(d, hn::ShiftRight<32>(even)));
    lo = hn::OddEven(hn::BitCast(d, hn::ShiftLeft<32>(odd)), hn::BitCast(d, even));
}

/** Ten Philox rounds on counters (x0, x1, x2, x3) under key (k0, k1), as Random123's philox4x32;
 *  on K independent groups of vectors at once, so that their dependency chains interleave. */
template <std::size_t K, class D, class V>
HWY_INLINE void Philox(D d, V (&x)[K][4], std::uint32_t k0, std::uint32_t k1) {
    const V m0 = hn::Set(d, kPhiloxM0), m1 = hn::Set(d, kPhiloxM1);
    for (int round = 0; round < 10; ++round) {
        const V key0 = hn::Set(d, k0), key1 = hn::Set(d, k1);
        for (std::size_t g = 0; g < K; ++g) {
            V hi0, lo0, hi1, lo1;
            MulHiLo(d, x[g][0], m0, hi0, lo0);
            MulHiLo(d, x[g][2], m1, hi1, lo1);
            const V y0 = hn::Xor(hn::Xor(hi1, x[g][1]), key0);
            const V y2 = hn::Xor(hn::Xor(hi0, x[g][3]), key1);
            x[g][0] = y0;
            x[g][1] = lo1;
            x[g][2] = y2;
            x[g][3] = lo0;
        }
        k0 += kPhiloxW0;
        k1 += kPhiloxW1;
    }
}
#endif

/** Counter words (path low, path high) of lanes first + i .. first + i + N - 1. */
template <class D>
HWY_INLINE void PathWords(D d, std::uint64_t first, std::size_t i, hn::Vec<D>& lo, hn::Vec<D>& hi) {
    const std::uint64_t base = first + i;
    const auto base_lo = hn::Set(d, static_cast<std::uint32_t>(base));
    lo = hn::Add(base_lo, hn::Iota(d, 0));
    // a carry into the high word where the low word wrapped around within the vector
    const hn::RebindToSigned<D> di;
    const auto flip = hn::Set(d, 0x80000000u);  // unsigned order through a signed comparison
    const auto carry = hn::BitCast(d, hn::VecFromMask(di, hn::Lt(hn::BitCast(di, hn::Xor(lo, flip)),
                                                                 hn::BitCast(di, hn::Xor(base_lo, flip)))));
    hi = hn::Sub(hn::Set(d, static_cast<std::uint32_t>(base >> 32)), carry);  // carry lanes are all ones: -(-1)
}

/** Philox words of paths first .. first + n - 1 (n rounded up to whole vectors: out has room). */
template <class Out>
HWY_INLINE void PhiloxLanes(std::uint64_t seed, std::uint64_t first, std::size_t n, std::uint32_t purpose,
                            std::uint32_t index, Out&& out) {
    const auto k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
#if HWY_TARGET == HWY_SCALAR
    using G = r123::Philox4x32;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t path = first + i;
        const G::ctr_type r = G()({{static_cast<std::uint32_t>(path), static_cast<std::uint32_t>(path >> 32), purpose, index}},
                                  {{k0, k1}});
        const hn::ScalableTag<std::uint32_t> d;
        out(i, hn::Set(d, r[0]), hn::Set(d, r[1]), hn::Set(d, r[2]), hn::Set(d, r[3]));
    }
#else
    const hn::ScalableTag<std::uint32_t> d;
    using V = hn::Vec<decltype(d)>;
    const std::size_t lanes = hn::Lanes(d);
    std::size_t i = 0;
    for (; i + 2 * lanes <= n; i += 2 * lanes) {  // two vectors of paths at a time
        V x[2][4];
        for (std::size_t g = 0; g < 2; ++g) {
            PathWords(d, first, i + g * lanes, x[g][0], x[g][1]);
            x[g][2] = hn::Set(d, purpose);
            x[g][3] = hn::Set(d, index);
        }
        Philox(d, x, k0, k1);
        for (std::size_t g = 0; g < 2; ++g) out(i + g * lanes, x[g][0], x[g][1], x[g][2], x[g][3]);
    }
    for (; i < n; i += lanes) {
        V x[1][4];
        PathWords(d, first, i, x[0][0], x[0][1]);
        x[0][2] = hn::Set(d, purpose);
        x[0][3] = hn::Set(d, index);
        Philox(d, x, k0, k1);
        out(i, x[0][0], x[0][1], x[0][2], x[0][3]);
    }
#endif
}

void PhiloxWords(std::uint64_t seed, std::uint64_t first, std::uint32_t n, std::uint32_t purpose, std::uint32_t index,
                 std::uint32_t* out, std::size_t stride) {
    const hn::ScalableTag<std::uint32_t> d;
    const std::size_t lanes = hn::Lanes(d);
    HWY_ALIGN std::uint32_t tmp[4 * HWY_LANES(std::uint32_t)];
    PhiloxLanes(seed, first, n, purpose, index, [&](std::size_t i, auto x0, auto x1, auto x2, auto x3) {
        hn::Store(x0, d, tmp);
        hn::Store(x1, d, tmp + lanes);
        hn::Store(x2, d, tmp + 2 * lanes);
        hn::Store(x3, d, tmp + 3 * lanes);
        const std::size_t m = std::min<std::size_t>(lanes, n - i);
        for (int w = 0; w < 4; ++w) std::memcpy(out + w * stride + i, tmp + w * lanes, m * sizeof(std::uint32_t));
    });
}

// ---- uniforms to normals in float (Box-Muller) ------------------------------------------------------------------

using detail::kExpMax;
using detail::kExpMin;
using detail::kLn2Bits;
using detail::kLogCoefficientBits;
using detail::kLogShift;

/** sum_k c[k] x^k (k = 0..N-1) by Estrin's scheme: pairs c[2i] + c[2i+1] x, then pairs of those
 *  with x^2, x^4, ...: a short dependency chain. The coefficients are float bit patterns. */
template <std::size_t N, class DF, class VF>
HWY_INLINE VF Estrin(DF df, VF x, const std::uint32_t (&bits)[N]) {
    VF terms[N];
    std::size_t n = N;
    for (std::size_t k = 0; k < N; ++k) terms[k] = hn::Set(df, std::bit_cast<float>(bits[k]));
    VF power = x;
    while (n > 1) {
        const std::size_t half = (n + 1) / 2;
        for (std::size_t k = 0; k < n / 2; ++k) terms[k] = hn::Add(terms[2 * k], hn::Mul(terms[2 * k + 1], power));
        if (n % 2) terms[n / 2] = terms[n - 1];
        n = half;
        if (n > 1) power = hn::Mul(power, power);
    }
    return terms[0];
}

/** -ln u of u = (w + 0.5) 2^-32 in float, to about 1e-7 relative everywhere: above 1/2 from
 *  v = 1 - u formed exactly from ~w, so that u near 1 keeps its precision (ln u = log1p(-v)). */
template <class DU, class VU>
HWY_INLINE hn::Vec<hn::Rebind<float, DU>> MinusLogUniform(DU /* du: the lanes of w */, VU w) {
    const hn::Rebind<float, DU> df;
    const hn::RebindToSigned<DU> di;
    const auto sw = hn::BitCast(di, w);
    const auto upper = hn::ShiftRight<31>(sw);   // all ones when u >= 1/2
    const auto a_int = hn::Xor(sw, upper);       // u's or v's integer part: 0 .. 2^31 - 1
    const auto a = hn::Add(hn::Mul(hn::ConvertTo(df, a_int), hn::Set(df, 0x1p-32f)), hn::Set(df, 0x1p-33f));
    const auto up = hn::RebindMask(df, hn::Lt(upper, hn::Zero(di)));
    const auto u = hn::IfThenElse(up, hn::Sub(hn::Set(df, 1.0f), a), a);
    // ln u = e ln 2 + f + f^2 R(f) with u = 2^e (1 + f); for u >= sqrt(1/2), e = 0 and f = -v exactly
    const auto bits = hn::BitCast(di, u);
    const auto e = hn::ShiftRight<23>(hn::Sub(bits, hn::Set(di, kLogShift)));
    auto f = hn::Sub(hn::BitCast(df, hn::Sub(bits, hn::ShiftLeft<23>(e))), hn::Set(df, 1.0f));
    f = hn::IfThenElse(hn::And(up, hn::Le(a, hn::Set(df, 0.29289321f))), hn::Neg(a), f);
    const auto l = hn::Add(f, hn::Mul(hn::Mul(f, f), Estrin(df, f, kLogCoefficientBits)));
    return hn::Neg(hn::Add(hn::Mul(hn::ConvertTo(df, e), hn::Set(df, std::bit_cast<float>(kLn2Bits))), l));
}

/** Box-Muller in float: z_c = rho cos(theta), z_s = rho sin(theta) with rho = sqrt(-2 ln u1),
 *  theta = 2 pi u2, u_i = (w_i + 0.5) 2^-32. theta's octant comes from w2's top three bits and the
 *  angle within it from the other 29 (complemented in odd octants), so sin and cos are only ever
 *  evaluated on (0, pi/4), by Taylor polynomials of degree 9 and 8. */
template <class DU, class VU>
HWY_INLINE void NormalPair(DU du, VU w1, VU w2, hn::Vec<hn::Rebind<float, DU>>& zc, hn::Vec<hn::Rebind<float, DU>>& zs) {
    const hn::Rebind<float, DU> df;
    const hn::RebindToSigned<DU> di;
    const auto rho = hn::Sqrt(hn::Mul(hn::Set(df, 2.0f), MinusLogUniform(du, w1)));
    const auto octant = hn::ShiftRight<29>(w2);
    const auto odd = hn::Sub(hn::Zero(du), hn::And(octant, hn::Set(du, 1u)));  // all ones in odd octants
    const auto low = hn::And(hn::Xor(w2, odd), hn::Set(du, 0x1fffffffu));
    const auto psi = hn::Mul(hn::Add(hn::Mul(hn::ConvertTo(df, hn::BitCast(di, low)), hn::Set(df, 0x1p-29f)), hn::Set(df, 0x1p-30f)),
                             hn::Set(df, 0.785398163f));
    const auto p2 = hn::Mul(psi, psi);
    const auto c = [&](double v) { return hn::Set(df, static_cast<float>(v)); };
    auto sp = hn::Add(c(1.0 / 120), hn::Mul(p2, hn::Add(c(-1.0 / 5040), hn::Mul(p2, c(1.0 / 362880)))));
    sp = hn::Add(c(1.0), hn::Mul(p2, hn::Add(c(-1.0 / 6), hn::Mul(p2, sp))));
    const auto sn = hn::Mul(psi, sp);
    auto cp = hn::Add(c(1.0 / 24), hn::Mul(p2, hn::Add(c(-1.0 / 720), hn::Mul(p2, c(1.0 / 40320)))));
    const auto cs = hn::Add(c(1.0), hn::Mul(p2, hn::Add(c(-0.5), hn::Mul(p2, cp))));
    const auto swap = hn::RebindMask(df, hn::Ne(hn::And(hn::Add(octant, hn::Set(du, 1u)), hn::Set(du, 2u)), hn::Zero(du)));
    const auto cos_sign = hn::ShiftLeft<29>(hn::And(hn::Add(octant, hn::Set(du, 2u)), hn::Set(du, 4u)));
    const auto sin_sign = hn::ShiftLeft<29>(hn::And(octant, hn::Set(du, 4u)));
    const auto cos_t = hn::BitCast(df, hn::Xor(hn::BitCast(du, hn::IfThenElse(swap, sn, cs)), cos_sign));
    const auto sin_t = hn::BitCast(df, hn::Xor(hn::BitCast(du, hn::IfThenElse(swap, cs, sn)), sin_sign));
    zc = hn::Mul(rho, cos_t);
    zs = hn::Mul(rho, sin_t);
}

/** Normals of interleaved word pairs: (w[2i], w[2i+1]) -> (z[2i], z[2i+1]) = (rho cos, rho sin).
 *  n is even. */
void NormalsFromWords(const std::uint32_t* w, float* z, std::size_t n) {
    const hn::ScalableTag<std::uint32_t> du;
    const hn::Rebind<float, decltype(du)> df;
    const std::size_t lanes = hn::Lanes(du);
    HWY_ALIGN std::uint32_t w1[HWY_LANES(std::uint32_t)], w2[HWY_LANES(std::uint32_t)];
    HWY_ALIGN float zc[HWY_LANES(std::uint32_t)], zs[HWY_LANES(std::uint32_t)];
    for (std::size_t p = 0; 2 * p < n; p += lanes) {
        const std::size_t m = std::min(lanes, n / 2 - p);
        for (std::size_t l = 0; l < lanes; ++l) {
            w1[l] = l < m ? w[2 * (p + l)] : 0u;
            w2[l] = l < m ? w[2 * (p + l) + 1] : 0u;
        }
        hn::Vec<decltype(df)> a, b;
        NormalPair(du, hn::Load(du, w1), hn::Load(du, w2), a, b);
        hn::Store(a, df, zc);
        hn::Store(b, df, zs);
        for (std::size_t l = 0; l < m; ++l) {
            z[2 * (p + l)] = zc[l];
            z[2 * (p + l) + 1] = zs[l];
        }
    }
}

// ---- e^x in double -------------------------------------------------------------------------------

/** e^x: Cody-Waite reduction x = k ln2 + r, |r| <= ln2 / 2, Taylor polynomial of degree 13
 *  (truncation error below 2e-16), scaling by 2^(k-1) * 2. Relative error below 1e-15 (kernels_test). 0 below kExpMin, +inf above
 *  the largest finite result. */

template <class D, class V>
HWY_INLINE V ExpD(D d, V x) {
    const hn::RebindToUnsigned<D> du;
    const V xc = hn::Min(hn::Max(x, hn::Set(d, kExpMin)), hn::Set(d, kExpMax));
    const V shifter = hn::Set(d, 0x1.8p52);
    const V kd = hn::Add(hn::Mul(xc, hn::Set(d, 1.4426950408889634)), shifter);  // round to nearest
    const V k = hn::Sub(kd, shifter);
    const V r = hn::Sub(hn::Sub(xc, hn::Mul(k, hn::Set(d, detail::kLn2High))), hn::Mul(k, hn::Set(d, detail::kLn2Low)));
    // Taylor coefficients 1/j!, j = 0..13, summed by Estrin's scheme (short dependency chains)
    const auto c = [&](int j) {
        static constexpr double kInvFactorial[] = {1.0,          1.0,           1.0 / 2,        1.0 / 6,
                                                   1.0 / 24,     1.0 / 120,     1.0 / 720,      1.0 / 5040,
                                                   1.0 / 40320,  1.0 / 362880,  1.0 / 3628800,  1.0 / 39916800,
                                                   1.0 / 479001600, 1.0 / 6227020800.0};
        return hn::Set(d, kInvFactorial[j]);
    };
    const V r2 = hn::Mul(r, r), r4 = hn::Mul(r2, r2), r8 = hn::Mul(r4, r4);
    const V q0 = hn::Add(c(0), hn::Mul(c(1), r)), q1 = hn::Add(c(2), hn::Mul(c(3), r));
    const V q2 = hn::Add(c(4), hn::Mul(c(5), r)), q3 = hn::Add(c(6), hn::Mul(c(7), r));
    const V q4 = hn::Add(c(8), hn::Mul(c(9), r)), q5 = hn::Add(c(10), hn::Mul(c(11), r));
    const V q6 = hn::Add(c(12), hn::Mul(c(13), r));
    const V s0 = hn::Add(q0, hn::Mul(q1, r2)), s1 = hn::Add(q2, hn::Mul(q3, r2)), s2 = hn::Add(q4, hn::Mul(q5, r2));
    const V u0 = hn::Add(s0, hn::Mul(s1, r4)), u1 = hn::Add(s2, hn::Mul(q6, r4));
    const V poly = hn::Add(u0, hn::Mul(u1, r8));
    // 2^(k-1): the low bits of kd hold 2^51 + k; adding 1022 and shifting leaves (k + 1022) << 52
    const auto scale = hn::BitCast(d, hn::ShiftLeft<52>(hn::Add(hn::BitCast(du, kd), hn::Set(du, 1022))));
    V y = hn::Mul(hn::Mul(poly, scale), hn::Set(d, 2.0));
    y = hn::IfThenZeroElse(hn::Lt(x, hn::Set(d, kExpMin)), y);
    y = hn::IfThenElse(hn::Gt(x, hn::Set(d, kExpMax)), hn::Set(d, std::numeric_limits<double>::infinity()), y);
    return hn::IfThenElse(hn::IsNaN(x), x, y);
}

void ExpArray(const double* x, double* y, std::size_t n) {
    const hn::ScalableTag<double> d;
    const std::size_t lanes = hn::Lanes(d);
    std::size_t i = 0;
    for (; i + lanes <= n; i += lanes) hn::StoreU(ExpD(d, hn::LoadU(d, x + i)), d, y + i);
    if (i < n) {
        HWY_ALIGN double buf[HWY_LANES(double)] = {};
        std::memcpy(buf, x + i, (n - i) * sizeof(double));
        hn::Store(ExpD(d, hn::Load(d, buf)), d, buf);
        std::memcpy(y + i, buf, (n - i) * sizeof(double));
    }
}

// ---- one chunk of paths --------------------------------------------------------------------------

/** out[k * cap + lane] = normal k of (seed, first + lane, purpose) for k < count, every lane of the chunk. */
void ChunkNormals(std::uint64_t seed, std::uint32_t count, std::uint64_t first, std::uint32_t cap, std::uint32_t purpose,
                  float* out) {
    const hn::ScalableTag<std::uint32_t> du;
    const hn::Rebind<float, decltype(du)> df;
    for (std::uint32_t j = 0; 4 * j < count; ++j) {
        const std::uint32_t k = 4 * j;
        PhiloxLanes(seed, first, cap, purpose, j, [&](std::size_t i, auto x0, auto x1, auto x2, auto x3) {
            hn::Vec<decltype(df)> z0, z1, z2, z3;
            NormalPair(du, x0, x1, z0, z1);
            NormalPair(du, x2, x3, z2, z3);
            hn::Store(z0, df, out + k * cap + i);
            if (k + 1 < count) hn::Store(z1, df, out + (k + 1) * cap + i);
            if (k + 2 < count) hn::Store(z2, df, out + (k + 2) * cap + i);
            if (k + 3 < count) hn::Store(z3, df, out + (k + 3) * cap + i);
        });
    }
}

/** fires[lane] = 1 when the 52-bit uniform `year` of (seed, first + lane, purpose) is m < threshold. */
void ChunkFires(std::uint64_t seed, std::uint64_t first, std::uint32_t cap, std::uint32_t purpose, std::uint32_t year,
                std::uint64_t threshold, std::uint8_t* fires) {
    HWY_ALIGN std::uint32_t words[4 * 64];
    const unsigned w = 2 * (year & 1u);
    for (std::uint32_t i0 = 0; i0 < cap; i0 += 64) {
        const std::uint32_t count = std::min<std::uint32_t>(64, cap - i0);
        PhiloxWords(seed, first + i0, count, purpose, year >> 1, words, 64);
        for (std::uint32_t i = 0; i < count; ++i) {
            const std::uint64_t m = (static_cast<std::uint64_t>(words[w * 64 + i]) << 20) | (words[(w + 1) * 64 + i] >> 12);
            fires[i0 + i] = m < threshold;
        }
    }
}

/** year[lane] = the year index in which `once` event e fires (its 52-bit uniform 0 below the
 *  threshold of p), or 0. */
void ChunkOnce(std::uint64_t seed, std::uint64_t first, std::uint32_t cap, const EventModel& e, double p,
               std::int32_t* year) {
    HWY_ALIGN std::uint32_t words[4 * 64];
    const std::uint64_t threshold = uniform_threshold(p);
    const int years = e.last_fire - e.first_fire + 1;
    for (std::uint32_t i0 = 0; i0 < cap; i0 += 64) {
        const std::uint32_t count = std::min<std::uint32_t>(64, cap - i0);
        PhiloxWords(seed, first + i0, count, e.purpose, 0, words, 64);
        for (std::uint32_t i = 0; i < count; ++i) {
            const std::uint64_t m = (static_cast<std::uint64_t>(words[i]) << 20) | (words[64 + i] >> 12);
            year[i0 + i] = m < threshold ? e.first_fire + once_year(m, years, p) : 0;
        }
    }
}

/** impact[lane] = event e's impact on the lane's path, from uniform 0 of its impact purpose. */
void ChunkImpacts(std::uint64_t seed, std::uint64_t first, std::uint32_t cap, const EventModel& e, double* impact) {
    HWY_ALIGN std::uint32_t words[4 * 64];
    for (std::uint32_t i0 = 0; i0 < cap; i0 += 64) {
        const std::uint32_t count = std::min<std::uint32_t>(64, cap - i0);
        PhiloxWords(seed, first + i0, count, e.impact_purpose, 0, words, 64);
        for (std::uint32_t i = 0; i < count; ++i) {
            const std::uint64_t m = (static_cast<std::uint64_t>(words[i]) << 20) | (words[64 + i] >> 12);
            impact[i0 + i] = sampled_impact(e, (static_cast<double>(m) + 0.5) * 0x1p-52);
        }
    }
}

/** Z_c of every cell and lane from the chunk's normals (sampler.hpp: correlated_normals). */
HWY_INLINE void ChunkCombine(const Model& m, ChunkBuffers& b) {
    const hn::ScalableTag<float> df;
    const std::size_t lanes = hn::Lanes(df), cap = b.capacity, dims = m.dim_size.size();
    const float* draws = b.normals.get();
    const float* xi = draws + cap;  // draw 1 + member
    float* factor = b.factor.get();
    const float* root = b.root.data();
    const float* source[kMaxDimensions];  // F_d's rows: xi itself, or S_d xi_d
    for (std::size_t d = 0; d < dims; ++d) {
        const std::uint32_t k = m.dim_size[d], off = m.dim_offset[d];
        if (m.root[d].empty()) {
            source[d] = xi + off * cap;
            continue;
        }
        source[d] = factor + off * cap;
        for (std::uint32_t r = 0; r < k; ++r) {
            for (std::size_t i = 0; i < cap; i += lanes) {
                auto f = hn::Zero(df);
                for (std::uint32_t c = 0; c < k; ++c)
                    f = hn::Add(f, hn::Mul(hn::Set(df, root[r * k + c]), hn::Load(df, xi + (off + c) * cap + i)));
                hn::Store(f, df, factor + (off + r) * cap + i);
            }
        }
        root += static_cast<std::size_t>(k) * k;
    }
    const auto lg = hn::Set(df, static_cast<float>(m.load_global)), li = hn::Set(df, static_cast<float>(m.load_idio));
    float ld[kMaxDimensions];
    for (std::size_t d = 0; d < dims; ++d) ld[d] = static_cast<float>(m.load_dim[d]);
    const float* e = draws + (1 + m.member_count) * cap;
    for (std::uint32_t c = 0; c < m.cell_count; ++c) {
        const std::uint32_t* member = m.cell_member.data() + c * dims;
        for (std::size_t i = 0; i < cap; i += lanes) {
            auto z = hn::Add(hn::Mul(lg, hn::Load(df, draws + i)), hn::Mul(li, hn::Load(df, e + c * cap + i)));
            for (std::size_t d = 0; d < dims; ++d)
                z = hn::Add(z, hn::Mul(hn::Set(df, ld[d]), hn::Load(df, source[d] + member[d] * cap + i)));
            hn::Store(z, df, b.z.get() + c * cap + i);
        }
    }
}

/** A(c, y) of every cell and lane in year index t from this year's Z_c (b.z), in double: with tails,
 *  e = sqrt((nu - 2) / W) Z_c with W the sum of the year's nu squared t-scale normals (k ascending);
 *  with persistence, after the first year, A = phi A(c, y-1) + sqrt(1 - phi^2) e; else A = e. */
HWY_INLINE void ChunkAnnualNoise(const Model& m, ChunkBuffers& b, std::uint64_t first, int t, const ChunkDraws* draws) {
    const hn::ScalableTag<double> d;
    const hn::Rebind<float, decltype(d)> dhalf;
    const std::size_t dl = hn::Lanes(d), cap = b.capacity;
    const auto nu = static_cast<std::uint32_t>(m.annual_tails);
    double* scale = b.tail_scale.get();
    if (nu) {
        if (draws && draws->tails)
            draws->tails(draws->context, t, b.tails.get());
        else
            ChunkNormals(m.seed, nu, first, b.capacity, purpose::annual_tails(m.base_year + t), b.tails.get());
        const float* x = b.tails.get();
        const auto dof = hn::Set(d, static_cast<double>(m.annual_tails - 2));
        for (std::size_t i = 0; i < cap; i += dl) {
            auto w = hn::Zero(d);
            for (std::uint32_t k = 0; k < nu; ++k) {
                const auto v = hn::PromoteTo(d, hn::Load(dhalf, x + k * cap + i));
                w = hn::Add(w, hn::Mul(v, v));
            }
            hn::Store(hn::Sqrt(hn::Div(dof, w)), d, scale + i);
        }
    }
    const bool persist = m.annual_persistence != 0.0 && t > 1;
    const auto phi = hn::Set(d, m.annual_persistence), innovation = hn::Set(d, m.annual_innovation);
    for (std::uint32_t c = 0; c < m.cell_count; ++c) {
        const float* z = b.z.get() + c * cap;
        double* a = b.noise.get() + c * cap;
        for (std::size_t i = 0; i < cap; i += dl) {
            auto e = hn::PromoteTo(d, hn::Load(dhalf, z + i));
            if (nu) e = hn::Mul(hn::Load(d, scale + i), e);
            if (persist) e = hn::Add(hn::Mul(phi, hn::Load(d, a + i)), hn::Mul(innovation, e));
            hn::Store(e, d, a + i);
        }
    }
}

void SimulateChunk(const Model& m, ChunkBuffers& b, std::uint64_t first, std::uint32_t lanes_valid, YearSink sink,
                   void* context, const ChunkDraws* draws) {
    const hn::ScalableTag<double> d;
    const hn::Rebind<float, decltype(d)> dhalf;
    const std::size_t dl = hn::Lanes(d), cap = b.capacity;
    const std::uint32_t cells = m.cell_count, ns = m.series_count(), nd = m.factor_draws();
    const int n = m.years;
    const std::size_t dims = m.dim_size.size();
    // the factor draws of year index t (0: the long-run factors), from the streams or `draws`
    const auto factor_draws = [&](int t) {
        if (draws)
            draws->normals(draws->context, t, b.normals.get());
        else
            ChunkNormals(m.seed, nd, first, b.capacity, t == 0 ? purpose::long_run : purpose::annual(m.base_year + t),
                         b.normals.get());
        ChunkCombine(m, b);
    };

    // persistent deviations D_c
    factor_draws(0);
    for (std::uint32_t c = 0; c < cells; ++c) {
        double* dev = b.deviation.get() + c * cap;
        const float* z = b.z.get() + c * cap;
        if (m.long_run_by_year()) {  // the offset of X_c; D_c follows each year's shift below
            for (std::size_t i = 0; i < cap; ++i) dev[i] = long_run_excess(m, c, static_cast<double>(z[i]));
        } else if (m.three_point) {
            for (std::size_t i = 0; i < cap; ++i) dev[i] = long_run_deviation(m, c, static_cast<double>(z[i]));
        } else {
            const auto sl = hn::Set(d, m.sd_long[c]);
            for (std::size_t i = 0; i < cap; i += dl) hn::Store(hn::Mul(sl, hn::PromoteTo(d, hn::Load(dhalf, z + i))), d, dev + i);
        }
        std::fill(b.log_value.get() + c * cap, b.log_value.get() + (c + 1) * cap, b.log_base[c]);
    }

    // events: active[e][t][lane] for years t = 1..n; a firing in f makes f..f+d-1 active (not past n)
    const std::size_t t_count = static_cast<std::size_t>(n) + 1;
    if (!m.events.empty()) {
        std::fill(b.active.get(), b.active.get() + m.events.size() * t_count * cap, 0.0);
        std::uint8_t* fires = b.fires.get();
        for (std::size_t ev = 0; ev < m.events.size(); ++ev) {
            const EventModel& e = m.events[ev];
            double* act = b.active.get() + ev * t_count * cap;
            if (e.impact_range) {
                if (draws && draws->impacts)
                    draws->impacts(draws->context, ev, b.impact.get() + ev * cap);
                else
                    ChunkImpacts(m.seed, first, b.capacity, e, b.impact.get() + ev * cap);
            }
            if (e.once) {
                if (e.first_fire > e.last_fire) continue;
                std::int32_t* year = b.once.get();
                if (draws && draws->once)
                    draws->once(draws->context, ev, year);
                else
                    ChunkOnce(m.seed, first, b.capacity, e, e.probability, year);
                for (std::size_t i = 0; i < cap; ++i)
                    if (year[i] > 0)
                        for (int t = year[i]; t <= std::min(year[i] + e.duration - 1, n); ++t) act[t * cap + i] = 1.0;
                continue;
            }
            for (int f = e.first_fire; f <= e.last_fire; ++f) {
                if (draws)
                    draws->fires(draws->context, ev, f, fires);
                else
                    ChunkFires(m.seed, first, b.capacity, e.purpose, static_cast<std::uint32_t>(m.base_year + f),
                               b.fire_below[ev], fires);
                const int to = std::min(f + e.duration - 1, n);
                for (std::size_t i = 0; i < cap; ++i)
                    if (fires[i])
                        for (int t = f; t <= to; ++t) act[t * cap + i] = 1.0;
            }
        }
    }

    // the base year: every series exactly as the model states it
    for (std::uint32_t s = 0; s < ns; ++s) std::fill(b.series.get() + s * cap, b.series.get() + (s + 1) * cap, m.base_series[s]);
    sink(context, 0, b.series.get(), lanes_valid);

    for (int t = 1; t <= n; ++t) {
        factor_draws(t);
        const bool noise_state = m.annual_noise_state();
        if (noise_state) ChunkAnnualNoise(m, b, first, t, draws);
        if (!m.events.empty()) {
            std::fill(b.shock.get(), b.shock.get() + cells * cap, 0.0);
            for (std::size_t ev = 0; ev < m.events.size(); ++ev) {
                const EventModel& e = m.events[ev];
                const double* act = b.active.get() + (ev * t_count + t) * cap;
                const auto impact = hn::Set(d, e.impact), half = hn::Set(d, 0.5);
                if (e.impact_range) {  // each path's own impact
                    const double* lane_impact = b.impact.get() + ev * cap;
                    for (std::uint32_t c : e.cells) {
                        double* sh = b.shock.get() + c * cap;
                        for (std::size_t i = 0; i < cap; i += dl)
                            hn::Store(hn::Add(hn::Load(d, sh + i), hn::IfThenElseZero(hn::Gt(hn::Load(d, act + i), half),
                                                                                     hn::Load(d, lane_impact + i))),
                                      d, sh + i);
                    }
                    continue;
                }
                for (std::uint32_t c : e.cells) {
                    double* sh = b.shock.get() + c * cap;
                    for (std::size_t i = 0; i < cap; i += dl)
                        hn::Store(hn::Add(hn::Load(d, sh + i), hn::IfThenElseZero(hn::Gt(hn::Load(d, act + i), half), impact)), d, sh + i);
                }
            }
        }
        for (std::uint32_t c = 0; c < cells; ++c) {
            const auto drift = hn::Set(d, m.drift[static_cast<std::size_t>(c) * n + (t - 1)]);
            const auto sa = hn::Set(d, m.sd_annual[c]);
            const float* z = b.z.get() + c * cap;
            const double* dev = b.deviation.get() + c * cap;
            if (m.long_run_by_year()) {
                double* dy = b.deviation_year.get();
                for (std::size_t i = 0; i < cap; ++i) dy[i] = long_run_deviation_in(m, c, t, dev[i]);
                dev = dy;
            }
            const double* sh = b.shock.get() + c * cap;
            double* lv = b.log_value.get() + c * cap;
            double* val = b.value.get() + c * cap;
            const double* noise = noise_state ? b.noise.get() + c * cap : nullptr;  // A(c, y), else Z_c itself
            for (std::size_t i = 0; i < cap; i += dl) {
                const auto a = noise ? hn::Load(d, noise + i) : hn::PromoteTo(d, hn::Load(dhalf, z + i));
                auto r = hn::Add(hn::Add(drift, hn::Load(d, dev + i)), hn::Mul(sa, a));
                if (!m.events.empty()) r = hn::Add(r, hn::Load(d, sh + i));
                const auto l = hn::Add(hn::Load(d, lv + i), r);
                hn::Store(l, d, lv + i);
                hn::Store(ExpD(d, l), d, val + i);
            }
        }
        // series: total, members, cells; each a sum over cells in cell order
        double* series = b.series.get();
        std::fill(series, series + static_cast<std::size_t>(m.cell_series_begin) * cap, 0.0);
        for (std::uint32_t c = 0; c < cells; ++c) {
            const double* val = b.value.get() + c * cap;
            const std::uint32_t* member = m.cell_member.data() + c * dims;
            double* targets[1 + kMaxDimensions];
            targets[0] = series;
            for (std::size_t k = 0; k < dims; ++k)
                targets[1 + k] = series + (m.member_series_begin + m.dim_offset[k] + member[k]) * cap;
            for (std::size_t i = 0; i < cap; i += dl) {
                const auto v = hn::Load(d, val + i);
                for (std::size_t k = 0; k <= dims; ++k) hn::Store(hn::Add(hn::Load(d, targets[k] + i), v), d, targets[k] + i);
            }
        }
        if (m.cell_series_begin < ns)
            std::copy(b.value.get(), b.value.get() + cells * cap, series + static_cast<std::size_t>(m.cell_series_begin) * cap);
        // output.shares: members' and cells' values over the total (a correctly rounded division)
        for (std::uint32_t k = m.share_member_begin; k < m.cell_series_begin; ++k) {
            const double* from = series + static_cast<std::size_t>(m.member_series_begin + (k - m.share_member_begin)) * cap;
            double* to = series + static_cast<std::size_t>(k) * cap;
            for (std::size_t i = 0; i < cap; i += dl) hn::Store(hn::Div(hn::Load(d, from + i), hn::Load(d, series + i)), d, to + i);
        }
        if (m.share_cell_begin < ns)
            for (std::uint32_t c = 0; c < cells; ++c) {
                const double* from = b.value.get() + static_cast<std::size_t>(c) * cap;
                double* to = series + static_cast<std::size_t>(m.share_cell_begin + c) * cap;
                for (std::size_t i = 0; i < cap; i += dl) hn::Store(hn::Div(hn::Load(d, from + i), hn::Load(d, series + i)), d, to + i);
            }
        sink(context, t, series, lanes_valid);
    }
}

const char* TargetName() { return hwy::TargetName(HWY_TARGET); }

}  // namespace marketsim::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace marketsim::kernels {

HWY_EXPORT(PhiloxWords);
HWY_EXPORT(NormalsFromWords);
HWY_EXPORT(ExpArray);
HWY_EXPORT(ChunkNormals);
HWY_EXPORT(ChunkFires);
HWY_EXPORT(SimulateChunk);
HWY_EXPORT(ChunkOnce);
HWY_EXPORT(ChunkImpacts);
HWY_EXPORT(TargetName);

void philox_words(std::uint64_t seed, std::uint64_t first, std::uint32_t n, std::uint32_t purpose,
                  std::uint32_t index, std::uint32_t* out, std::size_t stride) {
    HWY_DYNAMIC_DISPATCH(PhiloxWords)(seed, first, n, purpose, index, out, stride);
}

void normals_from_words(const std::uint32_t* w, float* z, std::size_t n) {
    HWY_DYNAMIC_DISPATCH(NormalsFromWords)(w, z, n);
}

void exp(const double* x, double* y, std::size_t n) { HWY_DYNAMIC_DISPATCH(ExpArray)(x, y, n); }

void chunk_normals(std::uint64_t seed, std::uint32_t count, std::uint64_t first, std::uint32_t capacity,
                   std::uint32_t purpose, float* out) {
    HWY_DYNAMIC_DISPATCH(ChunkNormals)(seed, count, first, capacity, purpose, out);
}

void chunk_fires(std::uint64_t seed, std::uint64_t first, std::uint32_t capacity, std::uint32_t purpose,
                 std::uint32_t year, std::uint64_t threshold, std::uint8_t* fires) {
    HWY_DYNAMIC_DISPATCH(ChunkFires)(seed, first, capacity, purpose, year, threshold, fires);
}

void simulate_chunk(const Model& model, ChunkBuffers& buffers, std::uint64_t first, std::uint32_t lanes,
                    YearSink sink, void* context, const ChunkDraws* draws) {
    HWY_DYNAMIC_DISPATCH(SimulateChunk)(model, buffers, first, lanes, sink, context, draws);
}

const char* target_name() { return HWY_DYNAMIC_DISPATCH(TargetName)(); }

void chunk_once(std::uint64_t seed, std::uint64_t first, std::uint32_t capacity, const EventModel& event,
                std::int32_t* year, double probability) {
    HWY_DYNAMIC_DISPATCH(ChunkOnce)(seed, first, capacity, event, probability < 0 ? event.probability : probability, year);
}

void chunk_impacts(std::uint64_t seed, std::uint64_t first, std::uint32_t capacity, const EventModel& event,
                   double* impact) {
    HWY_DYNAMIC_DISPATCH(ChunkImpacts)(seed, first, capacity, event, impact);
}

namespace {
/** Per path: the impacts and the once year, when an event has an uncertain impact or fires once. */
std::size_t uncertain_event_bytes(const Model& m) {
    const bool any = std::any_of(m.events.begin(), m.events.end(), [](const EventModel& e) { return e.once || e.impact_range; });
    return any ? 8 * m.events.size() + 4 : 0;
}

std::size_t per_path_bytes(const Model& m) {
    std::size_t bytes = 4 * (m.factor_draws() + m.member_count + m.cell_count) + 8 * 4 * m.cell_count +
                        8 * m.events.size() * (m.years + 1) + 8 * m.series_count();
    if (m.annual_noise_state()) bytes += 8 * std::size_t{m.cell_count};
    if (m.annual_tails) bytes += 4 * static_cast<std::size_t>(m.annual_tails) + 8;
    return bytes + uncertain_event_bytes(m);
}
}  // namespace

std::uint32_t chunk_capacity(const Model& m) {
    const std::size_t per_path = per_path_bytes(m);
    std::uint32_t cap = 64;
    while (cap > 16 && cap * per_path > (1u << 20)) cap /= 2;
    return cap;
}

double chunk_bytes(const Model& m) { return static_cast<double>(chunk_capacity(m)) * per_path_bytes(m); }

ChunkBuffers::ChunkBuffers(const Model& m, std::uint32_t cap)
    : capacity(cap),
      normals(aligned_zeros<float>(std::size_t{m.factor_draws()} * cap)),
      factor(aligned_zeros<float>(std::size_t{m.member_count} * cap)),
      z(aligned_zeros<float>(std::size_t{m.cell_count} * cap)),
      deviation(aligned_zeros<double>(std::size_t{m.cell_count} * cap)),
      log_value(aligned_zeros<double>(std::size_t{m.cell_count} * cap)),
      value(aligned_zeros<double>(std::size_t{m.cell_count} * cap)),
      shock(aligned_zeros<double>(std::size_t{m.cell_count} * cap)),
      active(aligned_zeros<double>(m.events.size() * (m.years + 1) * cap)),
      series(aligned_zeros<double>(std::size_t{m.series_count()} * cap)),
      fires(aligned_zeros<std::uint8_t>(cap)),
      deviation_year(aligned_zeros<double>(cap)),
      noise(aligned_zeros<double>(m.annual_noise_state() ? std::size_t{m.cell_count} * cap : 0)),
      tails(aligned_zeros<float>(static_cast<std::size_t>(m.annual_tails) * cap)),
      tail_scale(aligned_zeros<double>(m.annual_tails ? cap : 0)),
      impact(aligned_zeros<double>(m.events.size() * cap)),
      once(aligned_zeros<std::int32_t>(cap)) {
    for (const auto& r : m.root)
        for (double v : r) root.push_back(static_cast<float>(v));
    for (double v : m.base_value) log_base.push_back(std::log(v));
    for (const EventModel& e : m.events) fire_below.push_back(uniform_threshold(e.probability));
}

}  // namespace marketsim::kernels

#endif  // HWY_ONCE
