#pragma once
/** Statistics of every series-year over paths: exact moments, a quantile summary, target hits.
 *
 *  Merging is exact and order-independent: power sums are kept in ExactSum (a superaccumulator
 *  that adds doubles without rounding), quantile summaries and hit counts are integer counts.
 *  Paths are added a block at a time; within a block, the k-th path (k = 0, 1, ...) feeds partial
 *  power sums k mod 8 in double, in path order, and at the block's end the eight partial sums
 *  are added exactly. Results therefore depend only on how paths are cut into blocks (a fixed
 *  size), never on which thread ran which block, in what order, or on the SIMD width.
 */
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.hpp"
#include "stats/exact_sum.hpp"
#include "stats/quantile_sketch.hpp"

namespace marketsim {

/** A simulated value that is not finite (a growth or spread too large for double), found while
 *  adding statistic `stat()` (t * series_count + s). */
class ValueOverflow : public std::overflow_error {
public:
    explicit ValueOverflow(std::size_t stat);
    std::size_t stat() const noexcept { return stat_; }

private:
    std::size_t stat_;
};

/** A target resolved to a series index and year index. */
struct TargetIndex {
    std::uint32_t series = 0;
    int year = 0;  ///< t = year - base_year
    double value = 0.0;
    bool operator==(const TargetIndex&) const = default;
};

class BandAccumulator {
public:
    /** Statistics of `model`'s series, power sums taken about its central path. */
    BandAccumulator(const Model& model, double relative_accuracy, std::vector<TargetIndex> targets);
    /** Statistics of series_count series over reference.size() / series_count years, power sums
     *  taken about `reference` (t-major: reference[t * series_count + s]). */
    BandAccumulator(std::vector<double> reference, std::uint32_t series_count, double relative_accuracy,
                    std::vector<TargetIndex> targets = {});

    void begin_block() noexcept;
    /** One path's values, laid out as simulate_path writes them (t-major). */
    void add_path(const double* values);
    /** Statistic `stat` (t * series_count + s) of the next n paths, x[0..n) (structure of arrays,
     *  as the vectorized sampler produces them). Call it for every statistic, then add_paths(n).
     *  Precondition: the paths added to this block so far are a multiple of 8. */
    void add_values(std::size_t stat, const double* x, std::uint32_t n);
    /** Counts the n paths whose statistics add_values took. */
    void add_paths(std::uint32_t n) noexcept;
    /** Adds the block's partial sums exactly. */
    void end_block() noexcept;
    void merge(const BandAccumulator& other);

    std::uint64_t paths() const noexcept { return paths_; }
    std::size_t stats() const noexcept { return sketch_.size(); }  ///< series x (years + 1)
    /** Statistic i = t * series_count + s. */
    const QuantileSketch& sketch(std::size_t i) const { return sketch_[i]; }
    double reference(std::size_t i) const { return reference_[i]; }
    /** Exact sum over paths of (x - reference)^k, k = 1..4. */
    double power_sum(std::size_t i, int k) const { return power_[(i * 4) + (k - 1)].value(); }
    const std::vector<TargetIndex>& targets() const noexcept { return targets_; }
    std::uint64_t target_hits(std::size_t j) const { return hits_[j]; }
    /** The statistics (sketches, exact sums, hits, paths) as bytes, for another process with
     *  the same shape of accumulator to merge (cluster.hpp). Call between blocks. */
    std::string to_bytes() const;
    /** Merges statistics that to_bytes() of an accumulator of this shape wrote. Throws
     *  std::runtime_error when the bytes do not fit this shape. */
    void merge_bytes(std::string_view bytes);
    /** Equal statistics (sketches, exact sums, hits, paths, references, targets). */
    bool operator==(const BandAccumulator& other) const;

private:
    std::vector<double> reference_;   ///< the central path: power sums are taken about it
    std::vector<QuantileSketch> sketch_;
    std::vector<ExactSum> power_;     ///< stats x 4
    std::vector<double> partial_;     ///< stats x 4 powers x 8 interleaved in-block sums
    std::vector<std::int64_t> index_; ///< bucket indices of one add_values call
    std::uint32_t block_lane_ = 0;    ///< paths added to the current block
    std::vector<TargetIndex> targets_;
    std::vector<std::uint64_t> hits_;
    std::uint32_t series_count_ = 0;
    std::uint64_t paths_ = 0;
};

}  // namespace marketsim
