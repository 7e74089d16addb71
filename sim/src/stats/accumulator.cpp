#include "stats/accumulator.hpp"

#include "core/bytes.hpp"
#include "stats/sketch_kernels.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace marketsim {

namespace {
std::vector<double> central_t_major(const Model& model) {
    const std::size_t t_count = static_cast<std::size_t>(model.years) + 1, ns = model.series_count();
    std::vector<double> out(t_count * ns);
    for (std::size_t t = 0; t < t_count; ++t)
        for (std::size_t s = 0; s < ns; ++s) out[t * ns + s] = model.central[s * t_count + t];
    return out;
}
}  // namespace

BandAccumulator::BandAccumulator(const Model& model, double relative_accuracy, std::vector<TargetIndex> targets)
    : BandAccumulator(central_t_major(model), model.series_count(), relative_accuracy, std::move(targets)) {}

BandAccumulator::BandAccumulator(std::vector<double> reference, std::uint32_t series_count, double relative_accuracy,
                                 std::vector<TargetIndex> targets)
    : reference_(std::move(reference)),
      targets_(std::move(targets)),
      hits_(targets_.size(), 0),
      series_count_(series_count) {
    const std::size_t n = reference_.size();
    sketch_.assign(n, QuantileSketch(relative_accuracy));
    power_.resize(n * 4);
    partial_.assign(n * 32, 0.0);
}

ValueOverflow::ValueOverflow(std::size_t stat)
    : std::overflow_error("a simulated value overflowed (growth or spread too large for double)"), stat_(stat) {}

void BandAccumulator::begin_block() noexcept {
    std::fill(partial_.begin(), partial_.end(), 0.0);
    block_lane_ = 0;
}

namespace {
/** Adds x's power sums about `ref` into partial[k * 8 + j] (the scalar twin of kernels::chunk_stats). */
inline void add_powers(double* partial, unsigned j, double x, double ref) noexcept {
    const double d = x - ref, d2 = d * d;
    partial[j] += d;
    partial[8 + j] += d2;
    partial[16 + j] += d2 * d;
    partial[24 + j] += d2 * d2;
}
[[noreturn]] void overflow(std::size_t stat) { throw ValueOverflow(stat); }
}  // namespace

void BandAccumulator::add_path(const double* values) {
    const std::size_t n = sketch_.size();
    const unsigned j = block_lane_ % 8;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = values[i];
        if (!std::isfinite(x)) overflow(i);
        sketch_[i].add(x);
        add_powers(&partial_[i * 32], j, x, reference_[i]);
    }
    for (std::size_t k = 0; k < targets_.size(); ++k) {
        const TargetIndex& tg = targets_[k];
        if (values[static_cast<std::size_t>(tg.year) * series_count_ + tg.series] >= tg.value) ++hits_[k];
    }
    ++block_lane_;
    ++paths_;
}

void BandAccumulator::add_values(std::size_t stat, const double* x, std::uint32_t n) {
    assert(block_lane_ % 8 == 0);
    if (index_.size() < n) index_.resize(n);
    double* partial = &partial_[stat * 32];
    kernels::ChunkExtremes extremes;
    if (kernels::chunk_stats(x, n, reference_[stat], sketch_[stat].multiplier(), partial, index_.data(), &extremes)) {
        sketch_[stat].add_positive(index_.data(), n, extremes);
    } else {  // zeros, negative values (differences), or a value that is not finite
        for (std::uint32_t q = 0; q < n; ++q)
            if (!std::isfinite(x[q])) overflow(stat);
        sketch_[stat].add(x, n);
        for (std::uint32_t q = 0; q < n; ++q) add_powers(partial, q % 8, x[q], reference_[stat]);
    }
    for (std::size_t k = 0; k < targets_.size(); ++k) {
        const TargetIndex& tg = targets_[k];
        if (static_cast<std::size_t>(tg.year) * series_count_ + tg.series != stat) continue;
        std::uint64_t hits = 0;
        for (std::uint32_t q = 0; q < n; ++q) hits += x[q] >= tg.value;
        hits_[k] += hits;
    }
}

void BandAccumulator::add_paths(std::uint32_t n) noexcept {
    block_lane_ += n;
    paths_ += n;
}

void BandAccumulator::end_block() noexcept {
    for (std::size_t i = 0; i < sketch_.size(); ++i)
        for (int k = 0; k < 4; ++k)
            for (int j = 0; j < 8; ++j) power_[i * 4 + k].add(partial_[i * 32 + k * 8 + j]);
    std::fill(partial_.begin(), partial_.end(), 0.0);
    block_lane_ = 0;
}

bool BandAccumulator::operator==(const BandAccumulator& o) const {
    return reference_ == o.reference_ && sketch_ == o.sketch_ && power_ == o.power_ && targets_ == o.targets_ &&
           hits_ == o.hits_ && series_count_ == o.series_count_ && paths_ == o.paths_;
}

std::string BandAccumulator::to_bytes() const {
    std::string out;
    bytes::put(out, static_cast<std::uint64_t>(sketch_.size()));
    bytes::put(out, static_cast<std::uint64_t>(hits_.size()));
    for (const QuantileSketch& q : sketch_) q.append_bytes(out);
    for (const ExactSum& e : power_) e.append_bytes(out);
    bytes::put_n(out, hits_.data(), hits_.size());
    bytes::put(out, paths_);
    return out;
}

void BandAccumulator::merge_bytes(std::string_view in) {
    if (bytes::get<std::uint64_t>(in) != sketch_.size() || bytes::get<std::uint64_t>(in) != hits_.size())
        throw std::runtime_error("merging statistics between processes: the accumulators' shapes differ");
    BandAccumulator other = *this;  // the shape; every statistic is replaced below
    for (QuantileSketch& q : other.sketch_) in = q.read_bytes(in);
    for (ExactSum& e : other.power_) in = e.read_bytes(in);
    bytes::get_n(in, other.hits_.data(), other.hits_.size());
    other.paths_ = bytes::get<std::uint64_t>(in);
    if (!in.empty()) throw std::runtime_error("merging statistics between processes: trailing data");
    merge(other);
}

void BandAccumulator::merge(const BandAccumulator& other) {
    for (std::size_t i = 0; i < sketch_.size(); ++i) sketch_[i].merge(other.sketch_[i]);
    for (std::size_t k = 0; k < power_.size(); ++k) power_[k].merge(other.power_[k]);
    for (std::size_t j = 0; j < hits_.size(); ++j) hits_[j] += other.hits_[j];
    paths_ += other.paths_;
}

}  // namespace marketsim
