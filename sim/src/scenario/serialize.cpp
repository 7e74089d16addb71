#include <sstream>

#include <nlohmann/json.hpp>

#include "marketsim/scenario.hpp"
#include "scenario/reading.hpp"

namespace marketsim {

using detail::toml_number;
using detail::toml_string;

namespace {

/** A shift: its number, or its year table as { "2023": 0.02, ... }. */
nlohmann::json shift_json(double constant, const YearTable& table) {
    if (table.empty()) return constant;
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [year, value] : table) out[std::to_string(year)] = value;
    return out;
}

/** A shift as TOML: its number, or its year table as { 2023 = 0.02, ... }. */
std::string shift_toml(double constant, const YearTable& table) {
    if (table.empty()) return toml_number(constant);
    std::string out = "{ ";
    for (std::size_t i = 0; i < table.size(); ++i)
        out += (i ? ", " : "") + std::to_string(table[i].first) + " = " + toml_number(table[i].second);
    return out + " }";
}

}  // namespace

nlohmann::json to_json(const Scenario& s) {
    using nlohmann::json;
    json growth{{"rate", s.rate}, {"long_run_sd", s.long_run_sd}, {"annual_sd", s.annual_sd}};
    if (s.long_run) {
        growth["long_run"] = {{"dist", s.long_run->dist},
                              {"low", s.long_run->low},
                              {"mode", s.long_run->mode},
                              {"high", s.long_run->high}};
    }
    if (s.annual_persistence != 0.0) growth["annual_persistence"] = s.annual_persistence;
    if (s.annual_tails) growth["annual_tails"] = *s.annual_tails;
    growth["period"] = json::array();
    for (const Period& p : s.periods) growth["period"].push_back({{"from", p.from}, {"to", p.to}, {"rate", p.rate}});

    json dimensions = json::array();
    for (const Dimension& d : s.dimensions) {
        json members = json::array();
        for (const Member& m : d.members)
            members.push_back({{"name", m.name}, {"share", m.share}, {"shift", shift_json(m.shift, m.shift_table)}, {"sd_scale", m.sd_scale}});
        dimensions.push_back({{"name", d.name}, {"members", members}});
    }

    json weights = json::object();
    for (const Dimension& d : s.dimensions) {
        auto it = s.corr_weight.find(d.name);
        weights[d.name] = it == s.corr_weight.end() ? 0.0 : it->second;
    }
    json matrices = json::object();
    for (const auto& [dim, m] : s.corr_matrix) matrices[dim] = m;
    json correlation{{"global", s.corr_global}, {"weights", weights}, {"matrix", matrices}, {"repair", s.corr_repair}};

    json events = json::array();
    for (const Event& e : s.events) {
        json where = json::object();
        for (const auto& [dim, members] : e.where) where[dim] = members;
        events.push_back({{"name", e.name},
                          {"probability", e.probability},
                          {"from", e.from},
                          {"to", e.to},
                          {"impact", e.impact},
                          {"duration", e.duration},
                          {"where", where}});
        if (e.impact_range)
            events.back()["impact"] = {{"dist", e.impact_range->dist},
                                       {"low", e.impact_range->low},
                                       {"mode", e.impact_range->mode},
                                       {"high", e.impact_range->high}};
        if (e.once) events.back()["once"] = true;
    }
    json targets = json::array();
    for (const Target& t : s.targets) targets.push_back({{"series", t.series}, {"year", t.year}, {"value", t.value}});
    json adjust = json::array();
    for (const Adjustment& a : s.adjustments) {
        json where = json::object();
        for (const auto& [dim, members] : a.where) where[dim] = members;
        adjust.push_back({{"name", a.name},
                          {"where", where},
                          {"shift", shift_json(a.shift, a.shift_table)},
                          {"sd_scale", a.sd_scale},
                          {"share", a.share}});
    }

    json out{{"name", s.name},
                {"unit", s.unit},
                {"base_year", s.base_year},
                {"horizon", s.horizon},
                {"base_value", s.base_value},
                {"seed", s.seed},
                {"growth", growth},
                {"dimension", dimensions},
                {"correlation", correlation},
                {"event", events},
                {"target", targets},
                {"output", {{"quantiles", s.quantiles}, {"relative_accuracy", s.relative_accuracy}, {"cells", s.cells}}}};
    if (!s.adjustments.empty()) out["adjust"] = adjust;
    if (s.share_series) out["output"]["shares"] = true;
    if (!s.conditional_shares.empty()) {
        json shares = json::object();
        for (const ConditionalShares& c : s.conditional_shares) {
            json rows = json::object();
            for (const auto& [member, row] : c.rows) rows[member] = row;
            shares[c.dimension][c.given] = rows;
        }
        out["shares"] = shares;
    }
    return out;
}

std::string to_toml(const Scenario& s) {
    std::ostringstream out;
    auto numbers = [](const std::vector<double>& xs) {
        std::string text = "[";
        for (std::size_t i = 0; i < xs.size(); ++i) text += (i ? ", " : "") + toml_number(xs[i]);
        return text + "]";
    };
    out << "# Resolved scenario written by marketsim\n\n[scenario]\n"
        << "name = " << toml_string(s.name) << "\nunit = " << toml_string(s.unit) << "\nbase_year = " << s.base_year
        << "\nbase_value = " << toml_number(s.base_value) << "\nhorizon = " << s.horizon << "\nseed = " << s.seed
        << "\n\n[growth]\nrate = " << toml_number(s.rate) << "\n";
    if (s.long_run) {
        out << "long_run = { dist = " << toml_string(s.long_run->dist) << ", low = " << toml_number(s.long_run->low);
        if (s.long_run->dist != "uniform") out << ", mode = " << toml_number(s.long_run->mode);
        out << ", high = " << toml_number(s.long_run->high) << " }\n";
    } else {
        out << "long_run_sd = " << toml_number(s.long_run_sd) << "\n";
    }
    out << "annual_sd = " << toml_number(s.annual_sd) << "\nperiod = [";
    for (std::size_t i = 0; i < s.periods.size(); ++i)
        out << (i ? ", " : "") << "{ from = " << s.periods[i].from << ", to = " << s.periods[i].to
            << ", rate = " << toml_number(s.periods[i].rate) << " }";
    out << "]\n";
    if (s.annual_persistence != 0.0) out << "annual_persistence = " << toml_number(s.annual_persistence) << "\n";
    if (s.annual_tails) out << "annual_tails = " << *s.annual_tails << "\n";

    for (const Dimension& d : s.dimensions) {
        out << "\n[[dimension]]\nname = " << toml_string(d.name) << "\nmembers = [\n";
        for (const Member& m : d.members)
            out << "  { name = " << toml_string(m.name) << ", share = " << toml_number(m.share)
                << ", shift = " << shift_toml(m.shift, m.shift_table) << ", sd_scale = " << toml_number(m.sd_scale) << " },\n";
        out << "]\n";
    }

    out << "\n[correlation]\nglobal = " << toml_number(s.corr_global) << "\nrepair = " << (s.corr_repair ? "true" : "false")
        << "\n";
    for (const auto& [dim, w] : s.corr_weight) out << dim << " = " << toml_number(w) << "\n";
    for (const auto& [dim, m] : s.corr_matrix) {
        out << "matrix." << dim << " = [";
        for (std::size_t i = 0; i < m.size(); ++i) out << (i ? ", " : "") << numbers(m[i]);
        out << "]\n";
    }

    for (const Event& e : s.events) {
        out << "\n[[event]]\nname = " << toml_string(e.name) << "\nprobability = " << toml_number(e.probability) << "\n";
        if (e.from == e.to) out << "at = " << e.from << "\n";
        else out << "from = " << e.from << "\nto = " << e.to << "\n";
        if (e.impact_range) {
            const LongRun& r = *e.impact_range;
            out << "impact = { dist = " << toml_string(r.dist) << ", low = " << toml_number(r.low);
            if (r.dist != "uniform") out << ", mode = " << toml_number(r.mode);
            out << ", high = " << toml_number(r.high) << " }\nduration = " << e.duration << "\n";
        } else {
            out << "impact = " << toml_number(e.impact) << "\nduration = " << e.duration << "\n";
        }
        if (e.once) out << "once = true\n";
        if (!e.where.empty()) {
            out << "where = { ";
            for (std::size_t i = 0; i < e.where.size(); ++i) {
                out << (i ? ", " : "") << e.where[i].first << " = [";
                for (std::size_t j = 0; j < e.where[i].second.size(); ++j)
                    out << (j ? ", " : "") << toml_string(e.where[i].second[j]);
                out << "]";
            }
            out << " }\n";
        }
    }
    for (const Target& t : s.targets)
        out << "\n[[target]]\nseries = " << toml_string(t.series) << "\nyear = " << t.year << "\nvalue = " << toml_number(t.value)
            << "\n";

    for (const Adjustment& a : s.adjustments) {
        out << "\n[[adjust]]\nname = " << toml_string(a.name) << "\nwhere = { ";
        for (std::size_t i = 0; i < a.where.size(); ++i) {
            out << (i ? ", " : "") << a.where[i].first << " = [";
            for (std::size_t j = 0; j < a.where[i].second.size(); ++j) out << (j ? ", " : "") << toml_string(a.where[i].second[j]);
            out << "]";
        }
        out << " }\nshift = " << shift_toml(a.shift, a.shift_table) << "\nsd_scale = " << toml_number(a.sd_scale)
            << "\nshare = " << toml_number(a.share) << "\n";
    }

    out << "\n[output]\nquantiles = " << numbers(s.quantiles) << "\nrelative_accuracy = " << toml_number(s.relative_accuracy)
        << "\ncells = " << (s.cells ? "true" : "false") << "\n";
    if (s.share_series) out << "shares = true\n";
    for (const ConditionalShares& c : s.conditional_shares) {
        out << "\n[shares." << c.dimension << "." << c.given << "]\n";
        for (const auto& [member, row] : c.rows) out << member << " = " << numbers(row) << "\n";
    }
    return out.str();
}

}  // namespace marketsim
