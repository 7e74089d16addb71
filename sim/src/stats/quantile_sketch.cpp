#include "stats/quantile_sketch.hpp"

#include "core/bytes.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace marketsim {

// ---- Store ---------------------------------------------------------------------------------------

void QuantileSketch::Store::add(std::int64_t index) {
    auto j = static_cast<std::uint64_t>(index - offset);
    if (j >= counts.size()) [[unlikely]] {
        cover(index, index);
        j = static_cast<std::uint64_t>(index - offset);
    }
    ++counts[j];
}

std::pair<std::size_t, std::size_t> QuantileSketch::Store::used() const noexcept {
    std::size_t first = 0, last = counts.size();
    while (first < last && counts[first] == 0) ++first;
    if (first == last) return {1, 0};  // empty: first > last
    while (counts[last - 1] == 0) --last;
    return {first, last - 1};
}

void QuantileSketch::Store::cover(std::int64_t lo, std::int64_t hi) {
    const auto size = static_cast<std::int64_t>(counts.size());
    if (lo >= offset && hi < offset + size) return;
    const auto [first, last] = used();
    const bool empty = first > last;
    const std::int64_t old_lo = offset + static_cast<std::int64_t>(first);
    const std::int64_t old_hi = offset + static_cast<std::int64_t>(last);
    const std::int64_t new_lo = empty ? lo : std::min(lo, old_lo);
    const std::int64_t new_hi = empty ? hi : std::max(hi, old_hi);
    // Spare room proportional to the span, on the side(s) that grew: growth is amortised O(1)
    // per bucket and memory stays below 1.5 span + 8.
    const std::int64_t span = new_hi - new_lo + 1, spare = span / 2 + 8;
    const bool down = empty || lo < old_lo, up = empty || hi > old_hi;
    const std::int64_t below = down ? (up ? spare / 2 : spare) : 0;
    const std::int64_t above = up ? spare - below : 0;

    std::vector<std::uint64_t> grown(static_cast<std::size_t>(span + below + above), 0);
    const std::int64_t new_offset = new_lo - below;
    if (!empty)
        std::copy(counts.begin() + static_cast<std::ptrdiff_t>(first),
                  counts.begin() + static_cast<std::ptrdiff_t>(last) + 1,
                  grown.begin() + (old_lo - new_offset));
    counts.swap(grown);
    offset = new_offset;
}

void QuantileSketch::Store::merge(const Store& other) {
    const auto [first, last] = other.used();
    if (first > last) return;
    cover(other.offset + static_cast<std::int64_t>(first), other.offset + static_cast<std::int64_t>(last));
    const std::int64_t shift = other.offset - offset;
    for (std::size_t k = first; k <= last; ++k)
        counts[static_cast<std::size_t>(static_cast<std::int64_t>(k) + shift)] += other.counts[k];
}

bool QuantileSketch::Store::operator==(const Store& other) const noexcept {
    const auto [a0, a1] = used();
    const auto [b0, b1] = other.used();
    if (a0 > a1 || b0 > b1) return a0 > a1 && b0 > b1;
    return offset + static_cast<std::int64_t>(a0) == other.offset + static_cast<std::int64_t>(b0) &&
           a1 - a0 == b1 - b0 &&
           std::equal(counts.begin() + static_cast<std::ptrdiff_t>(a0),
                      counts.begin() + static_cast<std::ptrdiff_t>(a1) + 1,
                      other.counts.begin() + static_cast<std::ptrdiff_t>(b0));
}

// ---- QuantileSketch ------------------------------------------------------------------------------

QuantileSketch::QuantileSketch(double relative_accuracy)
    : alpha_(relative_accuracy),
      min_(std::numeric_limits<double>::infinity()),
      max_(-std::numeric_limits<double>::infinity()) {
    // The lower limit keeps every bucket index of a finite double well inside int64.
    if (!(relative_accuracy >= 1e-12 && relative_accuracy < 0.5)) {
        std::ostringstream msg;
        msg << "relative_accuracy (" << relative_accuracy << ") must be in [1e-12, 0.5)";
        throw std::invalid_argument(msg.str());
    }
    multiplier_ = 7.0 / (10.0 * std::log1p(2 * alpha_ / (1 - alpha_)));
}

std::int64_t QuantileSketch::index_of(double magnitude) const noexcept {
    std::int64_t index = 0;
    kernels::bucket_indices(&magnitude, 1, multiplier_, &index);
    return index;
}

namespace {
/** x with f(x) = y as (1 + s, e): x = (1 + s) 2^e, e = floor(y), P(s) = y - e, by Newton's
 *  method (P' >= 26/35 > 0). */
std::pair<double, int> inverse_mapping(double y) {
    const double e = std::floor(y), frac = y - e;
    double s = frac;
    for (int i = 0; i < 8; ++i) {
        const double p = ((kSketchCubicA * s + kSketchCubicB) * s + kSketchCubicC) * s;
        const double dp = (3 * kSketchCubicA * s + 2 * kSketchCubicB) * s + kSketchCubicC;
        s = std::clamp(s - (p - frac) / dp, 0.0, 1.0);
    }
    return {1 + s, static_cast<int>(e)};
}
}  // namespace

double QuantileSketch::value_of(std::int64_t index) const noexcept {
    // bucket i holds (lo, hi] = (f^-1((i-1)/m), f^-1(i/m)]; 2 lo hi / (lo + hi) is within a of
    // both ends. Computed relative to lo's power of two, so that hi = 2^1024 cannot overflow it.
    const auto [lo, e_lo] = inverse_mapping(static_cast<double>(index - 1) / multiplier_);
    const auto [hi_m, e_hi] = inverse_mapping(static_cast<double>(index) / multiplier_);
    const double hi = std::ldexp(hi_m, e_hi - e_lo);
    return std::ldexp(2 * lo * (hi / (lo + hi)), e_lo);
}

void QuantileSketch::add_positive(const std::int64_t* index, std::size_t n, const kernels::ChunkExtremes& extremes) {
    if (n == 0) return;
    // the mapping is monotone: the extremes' buckets bound every index, so one range check serves all
    positive_.cover(extremes.min_index, extremes.max_index);
    const double min = extremes.min, max = extremes.max;
    std::uint64_t* counts = positive_.counts.data();
    const std::int64_t offset = positive_.offset;
    // the counts of a series-year span tens of kilobytes: ask for all the lines first
    for (std::size_t i = 0; i < n; ++i) __builtin_prefetch(counts + (index[i] - offset), 1);
    for (std::size_t i = 0; i < n; ++i) ++counts[index[i] - offset];
    count_ += n;
    if (min < min_) min_ = min;
    if (max > max_) max_ = max;
}

double QuantileSketch::estimate(std::uint64_t k, double v) const noexcept {
    if (k == 0) return min_;
    if (k == count_ - 1) return max_;
    return std::clamp(v, min_, max_);
}

void QuantileSketch::add(double x) {
    assert(std::isfinite(x) && "QuantileSketch::add: value must be finite");
    if (x > 0) {
        positive_.add(index_of(x));
    } else if (x < 0) {
        negative_.add(index_of(-x));
    } else {
        ++zeros_;
        x = 0.0;  // -0.0 and 0.0 give the same min and max
    }
    ++count_;
    if (x < min_) min_ = x;
    if (x > max_) max_ = x;
}

void QuantileSketch::add(const double* x, std::size_t n) {
    constexpr std::size_t kPiece = 64;
    double magnitude[kPiece];
    std::int64_t index[kPiece];
    for (std::size_t at = 0; at < n; at += kPiece) {
        const std::size_t m = std::min(kPiece, n - at);
        for (std::size_t i = 0; i < m; ++i) {
            assert(std::isfinite(x[at + i]) && "QuantileSketch::add: value must be finite");
            magnitude[i] = x[at + i] == 0.0 ? 1.0 : std::fabs(x[at + i]);  // a zero's bucket is not used
        }
        kernels::bucket_indices(magnitude, m, multiplier_, index);
        for (std::size_t i = 0; i < m; ++i) {
            double v = x[at + i];
            if (v > 0) {
                positive_.add(index[i]);
            } else if (v < 0) {
                negative_.add(index[i]);
            } else {
                ++zeros_;
                v = 0.0;  // -0.0 and 0.0 give the same min and max
            }
            if (v < min_) min_ = v;
            if (v > max_) max_ = v;
        }
    }
    count_ += n;
}

void QuantileSketch::merge(const QuantileSketch& other) {
    assert(alpha_ == other.alpha_ && "QuantileSketch::merge: relative accuracies differ");
    positive_.merge(other.positive_);
    negative_.merge(other.negative_);
    zeros_ += other.zeros_;
    count_ += other.count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
}

void QuantileSketch::append_bytes(std::string& out) const {
    bytes::put(out, alpha_);
    for (const Store* s : {&positive_, &negative_}) {
        const auto [first, last] = s->used();
        const std::uint64_t n = first > last ? 0 : last - first + 1;
        bytes::put(out, s->offset + static_cast<std::int64_t>(first));
        bytes::put(out, n);
        bytes::put_n(out, s->counts.data() + first, n);
    }
    bytes::put(out, zeros_);
    bytes::put(out, count_);
    bytes::put(out, min_);
    bytes::put(out, max_);
}

std::string_view QuantileSketch::read_bytes(std::string_view in) {
    if (bytes::get<double>(in) != alpha_)
        throw std::runtime_error("merging statistics between processes: the quantile summaries' accuracies differ");
    for (Store* s : {&positive_, &negative_}) {
        s->offset = bytes::get<std::int64_t>(in);
        const auto n = bytes::get<std::uint64_t>(in);
        if (n > in.size() / sizeof(std::uint64_t)) throw std::runtime_error("merging statistics between processes: truncated data");
        s->counts.assign(n, 0);
        bytes::get_n(in, s->counts.data(), n);
    }
    zeros_ = bytes::get<std::uint64_t>(in);
    count_ = bytes::get<std::uint64_t>(in);
    min_ = bytes::get<double>(in);
    max_ = bytes::get<double>(in);
    return in;
}

std::uint64_t QuantileSketch::count() const noexcept { return count_; }
double QuantileSketch::min() const noexcept { return min_; }
double QuantileSketch::max() const noexcept { return max_; }
double QuantileSketch::relative_accuracy() const noexcept { return alpha_; }

std::size_t QuantileSketch::bucket_count() const noexcept {
    std::size_t n = zeros_ > 0 ? 1 : 0;
    for (const Store* s : {&positive_, &negative_}) {
        const auto [first, last] = s->used();
        if (first <= last) n += last - first + 1;
    }
    return n;
}

std::pair<double, double> QuantileSketch::walk(std::uint64_t r0, std::uint64_t r1, bool from_top) const {
    assert(r0 <= r1 && r1 < count_);
    // Values in walking order: `near` store from its largest magnitude down, zeros, `far` store
    // from its smallest magnitude up. Upward walk: negatives then positives; downward: the reverse.
    const Store& near = from_top ? positive_ : negative_;
    const Store& far = from_top ? negative_ : positive_;
    const double near_sign = from_top ? 1.0 : -1.0;
    std::uint64_t seen = 0;
    double v0 = 0.0;
    bool have0 = false;
    // value(): the bucket's representative, computed only for the buckets holding r0 and r1
    const auto visit = [&](std::uint64_t c, const auto& value, double& v1) {
        seen += c;
        if (!have0 && seen > r0) {
            v0 = value();
            have0 = true;
        }
        if (seen <= r1) return false;
        v1 = value();
        return true;
    };
    double v1 = 0.0;
    for (std::size_t j = near.counts.size(); j-- > 0;)
        if (const std::uint64_t c = near.counts[j])
            if (visit(c, [&] { return near_sign * value_of(near.offset + static_cast<std::int64_t>(j)); }, v1))
                return {v0, v1};
    if (zeros_ > 0 && visit(zeros_, [] { return 0.0; }, v1)) return {v0, v1};
    for (std::size_t j = 0; j < far.counts.size(); ++j)
        if (const std::uint64_t c = far.counts[j])
            if (visit(c, [&] { return -near_sign * value_of(far.offset + static_cast<std::int64_t>(j)); }, v1))
                return {v0, v1};
    assert(false && "QuantileSketch::walk: rank beyond count");
    return {v0, v1};
}

double QuantileSketch::value_at_rank(std::uint64_t k) const {
    assert(k < count_);
    if (k == 0 || k == count_ - 1) return estimate(k, 0.0);
    if (k >= count_ / 2) {
        const std::uint64_t r = count_ - 1 - k;
        return estimate(k, walk(r, r, true).first);
    }
    return estimate(k, walk(k, k, false).first);
}

double QuantileSketch::quantile(double q) const {
    assert(q >= 0.0 && q <= 1.0);
    if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
    const double h = q * static_cast<double>(count_ - 1);
    const auto lo = std::min(static_cast<std::uint64_t>(std::floor(h)), count_ - 1);
    const auto hi = std::min(static_cast<std::uint64_t>(std::ceil(h)), count_ - 1);
    double v_lo, v_hi;
    if (lo >= count_ / 2) {
        const auto [a, b] = walk(count_ - 1 - hi, count_ - 1 - lo, true);
        v_hi = estimate(hi, a);
        v_lo = estimate(lo, b);
    } else {
        const auto [a, b] = walk(lo, hi, false);
        v_lo = estimate(lo, a);
        v_hi = estimate(hi, b);
    }
    const double f = h - static_cast<double>(lo);
    if (f == 0.0 || v_lo == v_hi) return v_lo;
    const double d = v_hi - v_lo;
    const double v = std::isfinite(d) ? v_lo + f * d : (1 - f) * v_lo + f * v_hi;
    return std::clamp(v, v_lo, v_hi);
}

}  // namespace marketsim
