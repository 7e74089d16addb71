#include "marketsim/scenario.hpp"

namespace marketsim {

std::string Origin::str() const {
    if (line == 0) return text.empty() ? file : file + ": " + text;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

double Scenario::rate_in(int year) const {
    for (const Period& p : periods)
        if (p.from <= year && year <= p.to) return p.rate;
    return rate;
}

double shift_in(double constant, const YearTable& table, int year) {
    if (table.empty()) return constant;
    if (year <= table.front().first) return table.front().second;
    if (year >= table.back().first) return table.back().second;
    std::size_t i = 1;
    while (table[i].first < year) ++i;
    const auto [y0, v0] = table[i - 1];
    const auto [y1, v1] = table[i];
    return v0 + (v1 - v0) * static_cast<double>(year - y0) / static_cast<double>(y1 - y0);
}

std::size_t Scenario::cell_count() const {
    std::size_t n = 1;
    for (const Dimension& d : dimensions) n *= d.members.size();
    return n;
}

}  // namespace marketsim
