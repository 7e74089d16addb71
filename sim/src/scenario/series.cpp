#include "scenario/series.hpp"

#include <algorithm>

#include "marketsim/error.hpp"

namespace marketsim {
namespace detail {

std::string cell_name(const Scenario& s, const std::vector<std::size_t>& index) {
    std::string out;
    for (std::size_t d = 0; d < s.dimensions.size(); ++d)
        out += (d ? "/" : "") + s.dimensions[d].name + "=" + s.dimensions[d].members[index[d]].name;
    return out.empty() ? "total" : out;
}

bool is_cell_name(const Scenario& s, const std::string& series) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t slash; (slash = series.find('/', start)) != std::string::npos; start = slash + 1)
        parts.push_back(series.substr(start, slash - start));
    parts.push_back(series.substr(start));
    if (s.dimensions.empty() || parts.size() != s.dimensions.size()) return false;
    for (std::size_t d = 0; d < parts.size(); ++d) {
        const Dimension& dim = s.dimensions[d];
        if (!std::any_of(dim.members.begin(), dim.members.end(),
                         [&](const Member& m) { return parts[d] == dim.name + "=" + m.name; }))
            return false;
    }
    return true;
}

std::size_t find_series(const std::vector<std::string>& series, const std::string& name) {
    const auto it = std::find(series.begin(), series.end(), name);
    if (it != series.end()) return static_cast<std::size_t>(it - series.begin());
    throw InputError("series '" + name + "' does not exist" + did_you_mean(name, series));
}

std::string size_problem(const std::vector<std::size_t>& member_counts) {
    if (member_counts.size() > kMaxDimensions)
        return std::to_string(member_counts.size()) + " dimensions; at most " + std::to_string(kMaxDimensions) +
               " are supported";
    double cells = 1;  // exact below 2^53, far above the limit
    std::string product;
    for (const std::size_t n : member_counts) {
        cells *= static_cast<double>(n);
        product += (product.empty() ? "" : " x ") + std::to_string(n);
    }
    if (cells <= static_cast<double>(kMaxCells)) return "";
    const std::string count = cells < 1e18 ? std::to_string(static_cast<std::uint64_t>(cells)) : "more than 1e18";
    return product + " = " + count + " cells; at most " + std::to_string(kMaxCells) + " are supported";
}

}  // namespace detail

std::vector<std::string> series_names(const Scenario& s, bool cells) {
    std::vector<std::string> out{"total"};
    for (const Dimension& d : s.dimensions)
        for (const Member& m : d.members) out.push_back(d.name + "=" + m.name);
    if (s.share_series)
        for (const Dimension& d : s.dimensions)
            for (const Member& m : d.members) out.push_back("share:" + d.name + "=" + m.name);
    if (cells && !s.dimensions.empty())
        detail::for_each_cell(s, [&](const auto& index) { out.push_back(detail::cell_name(s, index)); });
    if (cells && !s.dimensions.empty() && s.share_series)
        detail::for_each_cell(s, [&](const auto& index) { out.push_back("share:" + detail::cell_name(s, index)); });
    return out;
}

}  // namespace marketsim
