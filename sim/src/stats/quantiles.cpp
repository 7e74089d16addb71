#include "stats/quantiles.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>

namespace marketsim {

std::string quantile_column(double q) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", q * 100.0);
    std::string pct = buf;
    if (pct.size() == 1) pct = "0" + pct;
    return "p" + pct;
}

std::optional<std::size_t> find_quantile(const std::vector<double>& quantiles, double q) {
    for (std::size_t k = 0; k < quantiles.size(); ++k)
        if (std::fabs(quantiles[k] - q) < 1e-12) return k;
    return std::nullopt;
}

std::size_t nearest_quantile(const std::vector<double>& quantiles, double q) {
    assert(!quantiles.empty());
    std::size_t best = 0;
    for (std::size_t k = 1; k < quantiles.size(); ++k)
        if (std::fabs(quantiles[k] - q) < std::fabs(quantiles[best] - q)) best = k;
    return best;
}

double sorted_quantile(const std::vector<double>& v, double q) {
    assert(!v.empty());
    const double h = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    return lo + 1 < v.size() ? v[lo] + (h - static_cast<double>(lo)) * (v[lo + 1] - v[lo]) : v[lo];
}

std::pair<std::uint64_t, std::uint64_t> order_statistic_interval(std::uint64_t count, double q) {
    const double n = static_cast<double>(count);
    const double half = kZ95 * std::sqrt(n * q * (1 - q));
    const auto rank = [&](double k) { return static_cast<std::uint64_t>(std::clamp(k - 1, 0.0, n - 1)); };
    return {rank(std::floor(n * q - half)), rank(std::ceil(n * q + half))};
}

}  // namespace marketsim
