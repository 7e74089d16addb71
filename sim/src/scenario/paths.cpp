#include "scenario/paths.hpp"

#include <charconv>

#include "scenario/reading.hpp"

namespace marketsim::detail {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = path.find('.', start);
        out.emplace_back(path.substr(start, dot == std::string_view::npos ? path.npos : dot - start));
        if (dot == std::string_view::npos) return out;
        start = dot + 1;
    }
}

/** i when `segment` is "name[i]". */
std::optional<std::size_t> indexed(std::string_view segment, std::string_view name) {
    if (segment.size() < name.size() + 3 || segment.substr(0, name.size()) != name ||
        segment[name.size()] != '[' || segment.back() != ']')
        return std::nullopt;
    const std::string_view digits = segment.substr(name.size() + 1, segment.size() - name.size() - 2);
    std::size_t i = 0;
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), i);
    if (r.ec != std::errc{} || r.ptr != digits.data() + digits.size()) return std::nullopt;
    return i;
}

std::string indexed_name(std::string_view name, std::size_t i) {
    return std::string(name) + "[" + std::to_string(i) + "]";
}

Dimension* find_dimension(Scenario& s, std::string_view name) {
    for (Dimension& d : s.dimensions)
        if (d.name == name) return &d;
    return nullptr;
}

const Dimension* find_dimension(const Scenario& s, std::string_view name) {
    return find_dimension(const_cast<Scenario&>(s), name);
}

Event* find_event(Scenario& s, std::string_view name) {
    for (Event& e : s.events)
        if (e.name == name) return &e;
    return nullptr;
}

Adjustment* find_adjustment(Scenario& s, std::string_view name) {
    for (Adjustment& a : s.adjustments)
        if (a.name == name) return &a;
    return nullptr;
}

std::vector<std::string> dimension_names(const Scenario& s) {
    std::vector<std::string> out;
    for (const Dimension& d : s.dimensions) out.push_back(d.name);
    return out;
}

std::vector<std::string> valid_paths(const Scenario& s) {
    std::vector<std::string> out;
    for (const auto& k : scenario_keys) out.push_back("scenario." + k);
    for (const auto& k : growth_keys) out.push_back("growth." + k);
    if (s.long_run) {
        out.push_back("growth.long_run.low");
        if (s.long_run->dist != "uniform") out.push_back("growth.long_run.mode");
        out.push_back("growth.long_run.high");
    }
    for (std::size_t i = 0; i < s.periods.size(); ++i) out.push_back("growth." + indexed_name("period", i) + ".rate");
    for (const Dimension& d : s.dimensions)
        for (const Member& m : d.members) {
            for (const auto& k : member_values) out.push_back(d.name + "." + m.name + "." + k);
            for (const auto& [year, value] : m.shift_table)
                out.push_back(d.name + "." + m.name + ".shift." + std::to_string(year));
        }
    out.push_back("correlation.global");
    out.push_back("correlation.repair");
    for (const Dimension& d : s.dimensions) out.push_back("correlation." + d.name);
    for (const Dimension& d : s.dimensions) out.push_back("correlation.matrix." + d.name);
    for (const Event& e : s.events) {
        for (const auto& k : event_keys)
            if (k != "name") out.push_back("event." + e.name + "." + k);
        for (const Dimension& d : s.dimensions) out.push_back("event." + e.name + ".where." + d.name);
        if (e.impact_range) {
            out.push_back("event." + e.name + ".impact.low");
            if (e.impact_range->dist != "uniform") out.push_back("event." + e.name + ".impact.mode");
            out.push_back("event." + e.name + ".impact.high");
        }
    }
    for (std::size_t i = 0; i < s.targets.size(); ++i) out.push_back(indexed_name("target", i) + ".value");
    for (const auto& k : output_keys) out.push_back("output." + k);
    for (const ConditionalShares& c : s.conditional_shares)
        for (const Member& m : find_dimension(s, c.given)->members)
            out.push_back("shares." + c.dimension + "." + c.given + "." + m.name);
    for (const Adjustment& a : s.adjustments) {
        for (const auto& k : adjust_keys)
            if (k != "name") out.push_back("adjust." + a.name + "." + k);
        for (const auto& [year, value] : a.shift_table) out.push_back("adjust." + a.name + ".shift." + std::to_string(year));
        for (const Dimension& d : s.dimensions) out.push_back("adjust." + a.name + ".where." + d.name);
    }
    return out;
}


}  // namespace marketsim::detail

namespace marketsim {

std::vector<NumericInput> numeric_inputs(const Scenario& s) {
    using detail::indexed_name;
    std::vector<NumericInput> out{{"scenario.base_value", s.base_value}, {"growth.rate", s.rate}};
    if (s.long_run) {
        out.push_back({"growth.long_run.low", s.long_run->low});
        if (s.long_run->dist != "uniform") out.push_back({"growth.long_run.mode", s.long_run->mode});
        out.push_back({"growth.long_run.high", s.long_run->high});
    } else {
        out.push_back({"growth.long_run_sd", s.long_run_sd});
    }
    out.push_back({"growth.annual_sd", s.annual_sd});
    out.push_back({"growth.annual_persistence", s.annual_persistence});
    if (s.annual_tails) out.push_back({"growth.annual_tails", static_cast<double>(*s.annual_tails)});
    for (std::size_t i = 0; i < s.periods.size(); ++i)
        out.push_back({"growth." + indexed_name("period", i) + ".rate", s.periods[i].rate});
    for (const Dimension& d : s.dimensions)
        for (const Member& m : d.members) {
            const std::string prefix = d.name + "." + m.name + ".";
            out.push_back({prefix + "share", m.share});
            if (m.shift_table.empty()) out.push_back({prefix + "shift", m.shift});
            for (const auto& [year, value] : m.shift_table) out.push_back({prefix + "shift." + std::to_string(year), value});
            out.push_back({prefix + "sd_scale", m.sd_scale});
        }
    out.push_back({"correlation.global", s.corr_global});
    for (const Dimension& d : s.dimensions) {
        const auto w = s.corr_weight.find(d.name);
        out.push_back({"correlation." + d.name, w == s.corr_weight.end() ? 0.0 : w->second});
    }
    for (const Event& e : s.events) {
        out.push_back({"event." + e.name + ".probability", e.probability});
        if (e.impact_range) {
            out.push_back({"event." + e.name + ".impact.low", e.impact_range->low});
            if (e.impact_range->dist != "uniform") out.push_back({"event." + e.name + ".impact.mode", e.impact_range->mode});
            out.push_back({"event." + e.name + ".impact.high", e.impact_range->high});
        } else {
            out.push_back({"event." + e.name + ".impact", e.impact});
        }
    }
    for (std::size_t i = 0; i < s.targets.size(); ++i) out.push_back({indexed_name("target", i) + ".value", s.targets[i].value});
    for (const Adjustment& a : s.adjustments) {
        const std::string prefix = "adjust." + a.name + ".";
        if (a.shift_table.empty()) out.push_back({prefix + "shift", a.shift});
        for (const auto& [year, value] : a.shift_table) out.push_back({prefix + "shift." + std::to_string(year), value});
        out.push_back({prefix + "sd_scale", a.sd_scale});
        out.push_back({prefix + "share", a.share});
    }
    return out;
}

std::optional<double> numeric_value(const Scenario& s, std::string_view path) {
    for (const NumericInput& in : numeric_inputs(s))
        if (in.path == path) return in.value;
    return std::nullopt;
}

}  // namespace marketsim
