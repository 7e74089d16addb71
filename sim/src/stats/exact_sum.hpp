#pragma once
/** Sums of doubles without rounding: the power sums behind every mean and sd, so that they do not
 *  depend on how paths are split among threads or processes or in what order they are added. */
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace marketsim {

/** An exact sum of doubles: rounding happens once, in value(). */
class ExactSum {
public:
    void add(double x) noexcept;  ///< a non-finite x makes value() +inf
    void merge(const ExactSum& other) noexcept;
    double value() const noexcept;  ///< the exact sum rounded (faithfully) to double
    bool operator==(const ExactSum& other) const noexcept;
    /** The state as bytes (the nonzero digits), and back: read_bytes replaces this sum with the
     *  one at the front of `in` and returns what follows it. */
    void append_bytes(std::string& out) const;
    std::string_view read_bytes(std::string_view in);

private:
    static constexpr int kLimbs = 70;       ///< 32-bit digits from 2^-1152 up to 2^1088
    static constexpr int kLowestBit = -1152;
    void normalize() noexcept;
    std::array<std::int64_t, kLimbs> limb_{};
    std::uint32_t pending_ = 0;  ///< additions since the last carry propagation
    bool overflow_ = false;
};

}  // namespace marketsim
