#include "stats/exact_sum.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/bytes.hpp"

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

}  // namespace marketsim
