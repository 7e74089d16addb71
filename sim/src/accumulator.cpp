#include "marketsim/accumulator.hpp"

#include "bytes.hpp"
#include "kernels.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace marketsim {

void ExactSum::add(double x) noexcept {
    if (x == 0.0) return;
    if (!std::isfinite(x)) {
        overflow_ = true;
        return;
    }
    int e = 0;
    const double mant = std::frexp(x, &e);  // x = mant 2^e, 0.5 <= |mant| < 1
    const auto m = static_cast<std::int64_t>(std::ldexp(mant, 53));  // exact: |m| < 2^53
    const int pos = e - 53 - kLowestBit;
    const int i = pos / 32, shift = pos % 32;
    const std::uint64_t mag = static_cast<std::uint64_t>(m < 0 ? -m : m);
    const std::uint64_t lo = (mag & 0xffffffffu) << shift, hi = (mag >> 32) << shift;
    const std::int64_t sign = m < 0 ? -1 : 1;
    limb_[i] += sign * static_cast<std::int64_t>(lo & 0xffffffffu);
    limb_[i + 1] += sign * static_cast<std::int64_t>((lo >> 32) + (hi & 0xffffffffu));
    limb_[i + 2] += sign * static_cast<std::int64_t>(hi >> 32);
    if (++pending_ == (1u << 28)) normalize();
}

void ExactSum::normalize() noexcept {
    for (int i = 0; i + 1 < kLimbs; ++i) {
        const std::int64_t carry = limb_[i] >> 32;  // floor division by 2^32
        limb_[i] -= carry * (std::int64_t{1} << 32);
        limb_[i + 1] += carry;
    }
    pending_ = 0;
}

void ExactSum::merge(const ExactSum& other) noexcept {
    ExactSum o = other;
    o.normalize();
    normalize();
    for (int i = 0; i < kLimbs; ++i) limb_[i] += o.limb_[i];
    overflow_ = overflow_ || o.overflow_;
    normalize();
}

void ExactSum::append_bytes(std::string& out) const {
    ExactSum n = *this;
    n.normalize();
    int first = 0, last = kLimbs;
    while (first < last && n.limb_[first] == 0) ++first;
    while (last > first && n.limb_[last - 1] == 0) --last;
    bytes::put(out, static_cast<std::uint8_t>(n.overflow_));
    bytes::put(out, static_cast<std::uint8_t>(first));
    bytes::put(out, static_cast<std::uint8_t>(last - first));
    bytes::put_n(out, n.limb_.data() + first, static_cast<std::size_t>(last - first));
}

std::string_view ExactSum::read_bytes(std::string_view in) {
    overflow_ = bytes::get<std::uint8_t>(in) != 0;
    const int first = bytes::get<std::uint8_t>(in), n = bytes::get<std::uint8_t>(in);
    if (first + n > kLimbs) throw std::runtime_error("merging statistics between processes: a sum out of range");
    limb_.fill(0);
    bytes::get_n(in, limb_.data() + first, static_cast<std::size_t>(n));
    pending_ = 0;
    return in;
}

double ExactSum::value() const noexcept {
    if (overflow_) return std::numeric_limits<double>::infinity();
    ExactSum n = *this;
    n.normalize();
    // canonical form: digits in [0, 2^32) below a signed top limb, which is -1 for a negative sum
    const bool negative = n.limb_[kLimbs - 1] < 0;
    if (negative) {
        for (std::int64_t& l : n.limb_) l = -l;
        n.normalize();
    }
    double v = 0.0;
    for (int i = kLimbs; i-- > 0;)
        if (n.limb_[i] != 0) v += std::ldexp(static_cast<double>(n.limb_[i]), 32 * i + kLowestBit);
    return negative ? -v : v;
}

bool ExactSum::operator==(const ExactSum& other) const noexcept {
    ExactSum a = *this, b = other;
    a.normalize();
    b.normalize();
    return a.limb_ == b.limb_ && overflow_ == other.overflow_;
}

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
    double lo = 0.0, hi = 0.0;
    if (kernels::chunk_stats(x, n, reference_[stat], sketch_[stat].multiplier(), partial, index_.data(), &lo, &hi)) {
        sketch_[stat].add_positive(index_.data(), n, lo, hi);
    } else {
        for (std::uint32_t q = 0; q < n; ++q) {
            if (!std::isfinite(x[q])) overflow(stat);
            sketch_[stat].add(x[q]);
            add_powers(partial, q % 8, x[q], reference_[stat]);
        }
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
