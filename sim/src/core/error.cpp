#include "marketsim/error.hpp"

#include <algorithm>
#include <cstddef>

namespace marketsim {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

constexpr std::size_t max_listed = 8;

}  // namespace

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
    const std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
    std::string best;
    std::size_t best_distance = limit + 1;
    for (const std::string& c : candidates) {
        const std::size_t d = edit_distance(name, c);
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    return best;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
    if (std::string best = closest_name(name, candidates); !best.empty())
        return "; did you mean '" + best + "'?";
    if (candidates.empty() || candidates.size() > max_listed) return "";
    std::string list = "; valid names: ";
    for (std::size_t i = 0; i < candidates.size(); ++i)
        list += (i ? ", '" : "'") + candidates[i] + "'";
    return list;
}

}  // namespace marketsim
