#include "output/assumptions.hpp"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "marketsim/numbers.hpp"

namespace marketsim {
namespace {

std::string percent(double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g%%", 100 * x);
    return buf;
}

AssumptionCell text(std::string s) { return {std::move(s), std::nullopt}; }
AssumptionCell number(double x) { return {format_number(x), x}; }

/** A shift: its number, or its year table as "2023: 0.02, 2030: 0". */
AssumptionCell shift_cell(double shift, const YearTable& table) {
    if (table.empty()) return number(shift);
    std::string out;
    for (const auto& [year, value] : table) out += (out.empty() ? "" : ", ") + std::to_string(year) + ": " + format_number(value);
    return text(out);
}

std::string where_text(const std::vector<std::pair<std::string, std::vector<std::string>>>& where) {
    std::string out;
    for (const auto& [dim, members] : where) {
        out += (out.empty() ? "" : "; ") + dim + ": ";
        for (std::size_t k = 0; k < members.size(); ++k) out += (k ? ", " : "") + members[k];
    }
    return out.empty() ? "everywhere" : out;
}

const Dimension* find_dimension(const Scenario& sc, const std::string& name) {
    for (const Dimension& d : sc.dimensions)
        if (d.name == name) return &d;
    return nullptr;
}

AssumptionTable inputs(const Scenario& sc) {
    AssumptionTable t{{"input", "value"}, {}};
    const auto row = [&](const std::string& k, AssumptionCell v) { t.rows.push_back({text(k), std::move(v)}); };
    row("base value", text(format_number(sc.base_value) + (sc.unit.empty() ? "" : " " + sc.unit) + " in " + std::to_string(sc.base_year)));
    row("horizon", text(std::to_string(sc.horizon)));
    row("growth rate", text(percent(sc.rate) + " a year"));
    for (const Period& p : sc.periods) row("period " + std::to_string(p.from) + "-" + std::to_string(p.to), text(percent(p.rate) + " a year"));
    if (sc.long_run)
        row("long-run growth", text(sc.long_run->dist + " low " + format_number(sc.long_run->low) + ", mode " +
                                    format_number(sc.long_run->mode) + ", high " + format_number(sc.long_run->high)));
    else
        row("long-run sd", number(sc.long_run_sd));
    row("annual sd", number(sc.annual_sd));
    if (sc.annual_persistence != 0.0) row("annual persistence", text(format_number(sc.annual_persistence) + " (AR(1) noise)"));
    if (sc.annual_tails) row("annual tails", text("Student-t years, " + std::to_string(*sc.annual_tails) + " degrees of freedom"));
    row("correlation: global weight", number(sc.corr_global));
    for (const auto& [dim, w] : sc.corr_weight)
        row("correlation: " + dim + " weight", text(format_number(w) + (sc.corr_matrix.count(dim) ? " (member matrix given)" : "")));
    if (sc.share_series)
        row("share series", text("each member's share of the total" + std::string(sc.cells ? ", and each cell's" : "") +
                                 " (series share:...)"));
    return t;
}

AssumptionTable members(const Dimension& d) {
    AssumptionTable t{{d.name, "share", "shift", "sd scale"}, {}};
    for (const Member& m : d.members) t.rows.push_back({text(m.name), number(m.share), shift_cell(m.shift, m.shift_table), number(m.sd_scale)});
    return t;
}

AssumptionTable events(const Scenario& sc) {
    AssumptionTable t{{"event", "probability", "fires", "years", "impact", "impact low", "impact high", "impact distribution", "duration", "where"},
                      {}};
    for (const Event& e : sc.events) {
        std::vector<AssumptionCell> row{text(e.name), number(e.probability),
                                        text(e.once ? "at most once in its years" : "each year, independently"),
                                        text(std::to_string(e.from) + "-" + std::to_string(e.to))};
        if (e.impact_range) {
            const LongRun& r = *e.impact_range;
            row.push_back(number(r.mode));
            row.push_back(number(r.low));
            row.push_back(number(r.high));
            row.push_back(text(r.dist + (r.dist == "uniform" ? " (impact: the midpoint)" : " (impact: the mode)")));
        } else {
            row.push_back(number(e.impact));
            row.push_back(text(""));
            row.push_back(text(""));
            row.push_back(text("fixed"));
        }
        row.push_back(number(e.duration));
        row.push_back(text(where_text(e.where)));
        t.rows.push_back(std::move(row));
    }
    return t;
}

AssumptionTable conditional_shares(const Scenario& sc, const ConditionalShares& c) {
    AssumptionTable t{{c.dimension + " shares within " + c.given}, {}};
    if (const Dimension* d = find_dimension(sc, c.dimension))
        for (const Member& m : d->members) t.header.push_back(m.name);
    for (const auto& [member, shares] : c.rows) {
        std::vector<AssumptionCell> row{text(member)};
        for (const double x : shares) row.push_back(number(x));
        t.rows.push_back(std::move(row));
    }
    return t;
}

AssumptionTable adjustments(const Scenario& sc) {
    AssumptionTable t{{"adjustment", "where", "shift", "sd scale", "share"}, {}};
    for (const Adjustment& a : sc.adjustments)
        t.rows.push_back({text(a.name), text(where_text(a.where)), shift_cell(a.shift, a.shift_table), number(a.sd_scale), number(a.share)});
    return t;
}

}  // namespace

std::vector<AssumptionTable> assumption_tables(const Scenario& sc) {
    std::vector<AssumptionTable> out{inputs(sc)};
    for (const Dimension& d : sc.dimensions) out.push_back(members(d));
    if (!sc.events.empty()) out.push_back(events(sc));
    for (const ConditionalShares& c : sc.conditional_shares) out.push_back(conditional_shares(sc, c));
    if (!sc.adjustments.empty()) out.push_back(adjustments(sc));
    return out;
}

}  // namespace marketsim
