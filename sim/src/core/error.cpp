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

bool is_separator(char c) { return c == '.' || c == '=' || c == '/' || c == ':'; }

/** A name cut at its separators (. = / :), the separators kept as one-character pieces. */
std::vector<std::string_view> pieces(std::string_view name) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= name.size(); ++i)
        if (i == name.size() || is_separator(name[i])) {
            out.push_back(name.substr(start, i - start));
            if (i < name.size()) out.push_back(name.substr(i, 1));
            start = i + 1;
        }
    return out;
}

/** Whether a piece of a name can stand for a piece of a candidate: a few edits away, or the
 *  start of it ("asia" for "asia_pacific"). */
bool close_piece(std::string_view piece, std::string_view candidate) {
    if (piece.size() >= 3 && candidate.substr(0, piece.size()) == piece) return true;
    return edit_distance(piece, candidate) <= std::max<std::size_t>(2, piece.size() / 3);
}

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
    if (!best.empty()) return best;
    // Piece by piece: "region.asia.shift" for "region.asia_pacific.shift", "region=asia" for
    // "region=asia_pacific": the same separators, every piece equal but one that is close to
    // its counterpart. Only an unambiguous candidate is offered.
    const std::vector<std::string_view> mine = pieces(name);
    std::size_t matches = 0;
    for (const std::string& c : candidates) {
        const std::vector<std::string_view> theirs = pieces(c);
        if (theirs.size() != mine.size()) continue;
        std::size_t differing = 0;
        bool close = true;
        for (std::size_t i = 0; i < mine.size() && close; ++i) {
            if (mine[i] == theirs[i]) continue;
            ++differing;
            close = !is_separator(mine[i].empty() ? ' ' : mine[i][0]) && !is_separator(theirs[i].empty() ? ' ' : theirs[i][0]) &&
                    close_piece(mine[i], theirs[i]);
        }
        if (close && differing == 1) {
            ++matches;
            best = c;
        }
    }
    return matches == 1 ? best : "";
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
