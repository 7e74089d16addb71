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

}  // namespace

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
