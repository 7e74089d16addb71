#include "analysis/inputs.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "marketsim/numbers.hpp"

namespace marketsim {
namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/** A three-point point (low, mode, high) stays between its neighbours; low < high strictly. */
Bounds three_point_bounds(const LongRun& r, const std::string& point) {
    Bounds b;
    const bool uniform = r.dist == "uniform";
    if (point == "low") {
        b.hi = uniform ? r.high : r.mode;
        b.hi_open = uniform || r.mode == r.high;
    } else if (point == "mode") {
        b.lo = r.low;
        b.hi = r.high;
    } else {
        b.lo = uniform ? r.low : r.mode;
        b.lo_open = uniform || r.mode == r.low;
    }
    return b;
}

/** The conditional share row `shares.D.G.M` and the entry [i] a path names, if it names one. */
struct RowEntry {
    const std::vector<double>* row = nullptr;
    std::string row_path;
    std::size_t index = 0;
};
std::optional<RowEntry> row_entry(const Scenario& sc, const std::string& path) {
    if (path.rfind("shares.", 0) != 0 || path.empty() || path.back() != ']') return std::nullopt;
    const std::size_t open = path.rfind('[');
    if (open == std::string::npos || open + 2 > path.size() - 1) return std::nullopt;
    const std::string digits = path.substr(open + 1, path.size() - open - 2);
    if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 6) return std::nullopt;
    const std::size_t index = std::stoul(digits);
    const std::string row_path = path.substr(0, open);
    for (const ConditionalShares& c : sc.conditional_shares)
        for (const auto& [given, row] : c.rows)
            if ("shares." + c.dimension + "." + c.given + "." + given == row_path && index < row.size())
                return RowEntry{&row, row_path, index};
    return std::nullopt;
}

}  // namespace

std::vector<NumericInput> conditional_share_inputs(const Scenario& sc) {
    std::vector<NumericInput> out;
    for (const ConditionalShares& c : sc.conditional_shares)
        for (const auto& [given, row] : c.rows)
            if (row.size() >= 2)
                for (std::size_t i = 0; i < row.size(); ++i)
                    out.push_back({"shares." + c.dimension + "." + c.given + "." + given + "[" + std::to_string(i) + "]", row[i]});
    return out;
}

std::optional<double> input_value(const Scenario& sc, const std::string& path) {
    if (const std::optional<RowEntry> e = row_entry(sc, path)) return (*e->row)[e->index];
    return numeric_value(sc, path);
}

bool Bounds::contains(double x) const {
    return (lo_open ? x > lo : x >= lo) && (hi_open ? x < hi : x <= hi) && (!whole || x == std::floor(x));
}

std::string Bounds::text() const {
    const auto end = [](double x) { return std::isinf(x) ? std::string(x < 0 ? "-inf" : "inf") : format_number(x); };
    return std::string(lo_open || std::isinf(lo) ? "(" : "[") + end(lo) + ", " + end(hi) +
           (hi_open || std::isinf(hi) ? ")" : "]") + (whole ? ", whole numbers" : "");
}

InputKind input_kind(const Scenario& sc, const std::string& path, double value) {
    InputKind k;
    if (const std::optional<RowEntry> e = row_entry(sc, path)) {  // an entry of a conditional share row
        k.bounds.lo = 0, k.bounds.hi = 1, k.bounds.lo_open = k.bounds.hi_open = true;
        k.conditional_row = e->row;
        k.row_path = e->row_path;
        k.row_index = e->index;
        return k;
    }
    const std::size_t dot = path.find('.');
    const std::string head = path.substr(0, dot), rest = path.substr(dot + 1);
    for (const Dimension& d : sc.dimensions) {
        if (d.name != head) continue;
        // dimension.member.share | shift | shift.YEAR | sd_scale
        const std::string key = rest.substr(rest.find('.') + 1);
        if (key == "share") {
            k.bounds.lo = 0, k.bounds.hi = 1, k.bounds.lo_open = k.bounds.hi_open = true;
            k.share_row = &d;
        } else if (key == "sd_scale") {
            k.bounds.lo = 0, k.bounds.lo_open = true;
        } else {
            k.rate = true;  // a shift or a point of its year table
        }
        return k;
    }
    if (path == "scenario.base_value") {
        k.bounds.lo = 0, k.bounds.lo_open = true;
    } else if (path == "growth.rate" || path.rfind("growth.period[", 0) == 0) {
        k.rate = true;
        k.bounds.lo = -1, k.bounds.lo_open = true;
    } else if (path == "growth.long_run_sd" || path == "growth.annual_sd") {
        k.bounds.lo = 0;
    } else if (path == "growth.annual_persistence") {
        k.bounds.lo = 0, k.bounds.hi = 1, k.bounds.hi_open = true;
    } else if (path == "growth.annual_tails") {
        k.bounds.lo = kMinAnnualTails, k.bounds.hi = kMaxAnnualTails, k.bounds.whole = true;
    } else if (path.rfind("growth.long_run.", 0) == 0) {
        k.rate = true;
        k.bounds = three_point_bounds(*sc.long_run, path.substr(16));
    } else if (path.rfind("correlation.", 0) == 0) {
        // a weight in [0, 1] with the weights' sum at most 1
        double others = sc.corr_global - value;
        for (const auto& [dim, w] : sc.corr_weight) others += w;
        k.bounds.lo = 0, k.bounds.hi = std::clamp(1 - others, 0.0, 1.0);
    } else if (path.rfind("event.", 0) == 0) {
        if (ends_with(path, ".probability")) {
            k.bounds.lo = 0, k.bounds.hi = 1;
        } else if (const std::size_t at = path.find(".impact."); at != std::string::npos) {
            const std::string name = path.substr(6, at - 6);
            for (const Event& e : sc.events)
                if (e.name == name && e.impact_range) k.bounds = three_point_bounds(*e.impact_range, path.substr(at + 8));
        }
    } else if (path.rfind("adjust.", 0) == 0) {
        if (ends_with(path, ".sd_scale") || ends_with(path, ".share"))
            k.bounds.lo = 0, k.bounds.lo_open = true;  // multipliers
        else
            k.rate = true;  // a shift or a point of its year table
    }
    return k;
}

std::vector<std::string> input_sets(const std::string& path, double x, const InputKind& kind) {
    if (kind.conditional_row) {  // the whole row, the other entries rescaled in proportion
        const std::vector<double>& row = *kind.conditional_row;
        double rest = 0;
        for (std::size_t i = 0; i < row.size(); ++i)
            if (i != kind.row_index) rest += row[i];
        std::string set = kind.row_path + "=[";
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i > 0) set += ',';
            set += format_number(i == kind.row_index ? x : row[i] * (1 - x) / rest);
        }
        set += ']';
        return {set};
    }
    if (!kind.share_row) return {path + "=" + format_number(x)};
    const Dimension& d = *kind.share_row;
    const std::string prefix = d.name + ".";
    double rest = 0;
    for (const Member& m : d.members)
        if (prefix + m.name + ".share" != path) rest += m.share;
    std::vector<std::string> out;
    for (const Member& m : d.members) {
        const std::string p = prefix + m.name + ".share";
        out.push_back(p + "=" + format_number(p == path ? x : m.share * (1 - x) / rest));
    }
    return out;
}

}  // namespace marketsim
