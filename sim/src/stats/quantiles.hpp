#pragma once
/** Quantiles of exact values and their Monte Carlo intervals: the "type 7" quantile, the
 *  distribution-free interval between order statistics, and the normal quantiles these use. */
#include <cstdint>
#include <utility>
#include <vector>

#include "marketsim/quantiles.hpp"

namespace marketsim {

/** Phi^-1(0.975) and Phi^-1(0.9): the half-width of a 95% interval in standard errors, and the
 *  standard normal's 90th percentile. */
inline constexpr double kZ95 = 1.959963984540054;
inline constexpr double kZ90 = 1.2815515655446004;

/** The "type 7" quantile q of values sorted ascending (R's and numpy's default, what
 *  QuantileSketch::quantile estimates): linear interpolation between the order statistics at
 *  h = q (n - 1). Precondition: not empty. */
double sorted_quantile(const std::vector<double>& sorted, double q);

/** The 0-based ranks of the order statistics that bound a distribution-free 95% interval for
 *  quantile q of n values: ranks n q -/+ 1.96 sqrt(n q (1 - q)) (floored and ceiled, 1-based),
 *  clamped to 0 .. n - 1. Precondition: n >= 1. */
std::pair<std::uint64_t, std::uint64_t> order_statistic_interval(std::uint64_t n, double q);

}  // namespace marketsim
