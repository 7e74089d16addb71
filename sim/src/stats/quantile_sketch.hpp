#pragma once
/** A mergeable quantile summary with a relative-error bound (DDSketch-style log buckets).
 *
 *  Values are counted in buckets of a logarithm computed without a logarithm: for x = 2^e (1 + s),
 *  0 <= s < 1, f(x) = e + P(s) with the cubic P(s) = A s^3 + B s^2 + C s (A = 6/35, B = -3/5,
 *  C = 10/7; P(0) = 0, P(1) = 1, increasing), and x goes to bucket ceil(m f(x)). Since
 *  df/dlog2(x) = P'(s)(1 + s) ln 2 >= (10/7) ln 2, the multiplier m = 7 / (10 ln gamma), with
 *  gamma = (1+a)/(1-a), makes every bucket span at most a factor gamma, and its representative
 *  value 2 lo hi / (lo + hi) is within a of everything in it. The index needs the double's
 *  exponent and mantissa bits and a cubic, no libm log (the vectorized sampler computes it in
 *  SIMD); it costs 1% more buckets than gamma^i buckets (the DDSketch paper's cubic mapping).
 *  Negative values mirror the positive ones and zero has its own count. Counts are integers, so merging in any
 *  order gives equal sketches and bit-identical estimates. Memory grows with the spread of the
 *  values (log(max/min)/log gamma buckets), never with their number. Exact minimum and maximum
 *  are kept.
 *
 *      QuantileSketch s(1e-4);
 *      for (double x : values) s.add(x);
 *      double median = s.quantile(0.5);  // within 1e-4 relative of the exact median
 */
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stats/sketch_kernels.hpp"

namespace marketsim {

class QuantileSketch {
public:
    /** relative_accuracy a in [1e-12, 0.5): every estimate is within a * |x| of an order statistic x.
     *  Throws std::invalid_argument otherwise. */
    explicit QuantileSketch(double relative_accuracy = 1e-4);

    /** Count one value. Precondition (asserted): finite. -0.0 counts as 0.0. */
    void add(double x);
    /** Count x[0..n), as add() of each, with the bucket indices computed together. */
    void add(const double* x, std::size_t n);
    /** Add another sketch's counts. Precondition (asserted): same relative accuracy. */
    void merge(const QuantileSketch& other);

    std::uint64_t count() const noexcept;
    double min() const noexcept;  ///< exact; +inf when empty
    double max() const noexcept;  ///< exact; -inf when empty
    double relative_accuracy() const noexcept;
    /** The bucket mapping's multiplier m (see above). */
    double multiplier() const noexcept { return multiplier_; }
    /** The bucket of a positive finite magnitude: ceil(m (e + P(s))) (sketch_kernels.hpp). */
    std::int64_t index_of(double magnitude) const noexcept;
    /** Count n positive values whose buckets were computed already (index_of of each), with their
     *  extremes and the extremes' buckets (kernels::chunk_stats). The vectorized sampler's insert. */
    void add_positive(const std::int64_t* index, std::size_t n, const kernels::ChunkExtremes& extremes);
    /** Buckets spanned: lowest to highest non-empty bucket of each sign, plus one if a zero was
     *  seen. Memory is at most about 1.5 times this (spare room for amortised growth). */
    std::size_t bucket_count() const noexcept;

    /** Estimate of the k-th smallest value (0-based), clamped to [min, max]; exact for the first
     *  and last rank. Precondition: k < count. */
    double value_at_rank(std::uint64_t k) const;
    /** Quantile q in [0, 1] by linear interpolation between order statistics at h = q (n - 1)
     *  (the "type 7" definition of R and numpy), each estimated by value_at_rank. NaN when empty. */
    double quantile(double q) const;

    /** The counts, min and max as bytes (the used buckets only), and back: read_bytes replaces
     *  this sketch's state with the one at the front of `in` (written by a sketch of the same
     *  accuracy) and returns what follows it. */
    void append_bytes(std::string& out) const;
    std::string_view read_bytes(std::string_view in);

    /** Equal counts in every bucket, count, min, max and accuracy (spare capacity is not compared). */
    bool operator==(const QuantileSketch&) const = default;

private:
    struct Store {
        std::int64_t offset = 0;            ///< bucket index of counts[0]
        std::vector<std::uint64_t> counts;  ///< dense counts from offset upward, spare zeros at the ends
        void add(std::int64_t index);
        void merge(const Store& other);
        void cover(std::int64_t lo, std::int64_t hi);  ///< make buckets [lo, hi] addressable
        std::pair<std::size_t, std::size_t> used() const noexcept;  ///< non-empty positions [first, last]
        bool operator==(const Store& other) const noexcept;         ///< same count in every bucket
    };
    double value_of(std::int64_t index) const noexcept;
    /** Unclamped values at ranks r0 <= r1 < count, counted from the low end or from the high end. */
    std::pair<double, double> walk(std::uint64_t r0, std::uint64_t r1, bool from_top) const;
    /** Walked value v of rank k clamped to [min, max]; the exact min and max at the end ranks. */
    double estimate(std::uint64_t k, double v) const noexcept;

    double alpha_;
    double multiplier_;  ///< m = 7 / (10 ln gamma)
    Store positive_;
    Store negative_;  ///< by magnitude
    std::uint64_t zeros_ = 0;
    std::uint64_t count_ = 0;
    double min_;
    double max_;
};

}  // namespace marketsim
