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

std::size_t Scenario::cell_count() const {
    std::size_t n = 1;
    for (const Dimension& d : dimensions) n *= d.members.size();
    return n;
}

}  // namespace marketsim
