#include "model/model.hpp"

#include <algorithm>
#include <cmath>

#include "marketsim/error.hpp"
#include "math/correlation.hpp"
#include "model/streams.hpp"
#include "scenario/series.hpp"

namespace marketsim {
namespace {

std::uint32_t index_of(const Dimension& dim, const std::string& member) {
    for (std::uint32_t m = 0; m < dim.members.size(); ++m)
        if (dim.members[m].name == member) return m;
    return static_cast<std::uint32_t>(dim.members.size());
}

/** Whether cell c matches a filter (dimension -> members): each listed dimension's member is listed. */
bool filter_matches(const Scenario& sc, const Model& m,
                    const std::vector<std::pair<std::string, std::vector<std::string>>>& where, std::uint32_t c) {
    const std::size_t dims = sc.dimensions.size();
    for (const auto& clause : where) {
        std::size_t d = 0;
        while (sc.dimensions[d].name != clause.first) ++d;
        const std::string& member = sc.dimensions[d].members[m.cell_member[c * dims + d]].name;
        if (std::find(clause.second.begin(), clause.second.end(), member) == clause.second.end()) return false;
    }
    return true;
}

}  // namespace

Model compile(const Scenario& sc, std::uint64_t seed) {
    Model m;
    if (sc.long_run) {
        ThreePoint tp;
        tp.low = sc.long_run->low;
        tp.mode = sc.long_run->mode;
        tp.high = sc.long_run->high;
        if (sc.long_run->dist == "pert") {
            tp.kind = ThreePoint::Kind::pert;
            tp.alpha = 1 + 4 * (tp.mode - tp.low) / (tp.high - tp.low);
            tp.beta = 1 + 4 * (tp.high - tp.mode) / (tp.high - tp.low);
        } else if (sc.long_run->dist == "triangular") {
            tp.kind = ThreePoint::Kind::triangular;
        } else {
            tp.kind = ThreePoint::Kind::uniform;
        }
        tp.tabulate();
        m.three_point = std::move(tp);
    }
    m.seed = seed;
    m.base_year = sc.base_year;
    m.years = sc.horizon - sc.base_year;
    const std::size_t dims = sc.dimensions.size();

    std::vector<std::size_t> counts;
    for (const Dimension& d : sc.dimensions) counts.push_back(d.members.size());
    if (const std::string problem = detail::size_problem(counts); !problem.empty())
        throw InputError("the scenario is too large: " + problem);
    for (const Dimension& d : sc.dimensions) {
        m.dim_offset.push_back(m.member_count);
        m.dim_size.push_back(static_cast<std::uint32_t>(d.members.size()));
        m.member_count += static_cast<std::uint32_t>(d.members.size());
        m.cell_count *= static_cast<std::uint32_t>(d.members.size());
    }
    const std::uint32_t cells = m.cell_count;
    const int n = m.years;

    m.cell_member.resize(static_cast<std::size_t>(cells) * dims);
    m.base_value.resize(cells);
    m.sd_long.resize(cells);
    m.sd_annual.resize(cells);
    if (!(sc.annual_persistence >= 0 && sc.annual_persistence < 1))
        throw InputError("growth.annual_persistence = " + std::to_string(sc.annual_persistence) + ": must be in [0, 1)");
    if (sc.annual_tails && (*sc.annual_tails < kMinAnnualTails || *sc.annual_tails > kMaxAnnualTails))
        throw InputError("growth.annual_tails = " + std::to_string(*sc.annual_tails) + ": must be an integer from " +
                         std::to_string(kMinAnnualTails) + " to " + std::to_string(kMaxAnnualTails));
    m.annual_persistence = sc.annual_persistence;
    m.annual_innovation = std::sqrt(1.0 - sc.annual_persistence * sc.annual_persistence);
    m.annual_tails = sc.annual_tails.value_or(0);
    m.drift.resize(static_cast<std::size_t>(cells) * n);
    std::vector<double> year_base;  // with a three-point long run: mode + shift(c, y), cell-major
    bool any_varies = false;
    // share adjustments: w_c = prod_d share_d * prod_a share_a, then V(c, B) = base_value w_c / sum w
    bool reweighted = false;
    for (const Adjustment& a : sc.adjustments) reweighted = reweighted || a.share != 1.0;
    std::vector<double> weight(reweighted ? cells : 0);
    // conditional shares: per dimension, its given dimension and, per member of that, the row or nullptr
    std::vector<std::size_t> given(dims, dims);
    std::vector<std::vector<const std::vector<double>*>> rows(dims);
    for (const ConditionalShares& table : sc.conditional_shares) {
        std::size_t d = 0, g = 0;
        while (sc.dimensions[d].name != table.dimension) ++d;
        while (sc.dimensions[g].name != table.given) ++g;
        given[d] = g;
        rows[d].assign(sc.dimensions[g].members.size(), nullptr);
        for (const auto& [member, row] : table.rows) rows[d][index_of(sc.dimensions[g], member)] = &row;
    }
    // the share of cell c's member of dimension d: within its given member's row when there is one
    const auto share_of = [&](std::uint32_t c, std::size_t d) {
        const std::uint32_t k = m.cell_member[c * dims + d];
        if (given[d] < dims)
            if (const std::vector<double>* row = rows[d][m.cell_member[c * dims + given[d]]]) return (*row)[k];
        return sc.dimensions[d].members[k].share;
    };
    for (std::uint32_t c = 0; c < cells; ++c) {
        std::uint32_t rest = c;
        double value = sc.base_value, shift = 0.0, scale = 1.0;
        for (std::size_t d = dims; d-- > 0;) {  // cell_member of every dimension first: a share may depend on another
            m.cell_member[c * dims + d] = rest % m.dim_size[d];
            rest /= m.dim_size[d];
        }
        rest = c;
        for (std::size_t d = dims; d-- > 0;) {
            const std::uint32_t k = rest % m.dim_size[d];
            rest /= m.dim_size[d];
            m.cell_member[c * dims + d] = k;
            const Member& mem = sc.dimensions[d].members[k];
            value *= sc.conditional_shares.empty() ? mem.share : share_of(c, d);
            shift += mem.shift;
            scale *= mem.sd_scale;
        }
        // adjustments of this cell, in file order: shifts add, sd_scale and share multiply
        std::vector<const Adjustment*> adjusts;
        for (const Adjustment& a : sc.adjustments)
            if (filter_matches(sc, m, a.where, c)) adjusts.push_back(&a);
        if (reweighted) {
            double w = 1.0;
            for (std::size_t d = dims; d-- > 0;) w *= share_of(c, d);
            for (const Adjustment* a : adjusts) w *= a->share;
            weight[c] = w;
        }
        for (const Adjustment* a : adjusts) {
            shift += a->shift;
            scale *= a->sd_scale;
        }
        m.base_value[c] = value;
        m.sd_long[c] = m.three_point ? 0.0 : sc.long_run_sd * scale;
        if (m.three_point) {
            m.long_run_base.push_back(m.three_point->mode + shift);
            m.long_run_scale.push_back(scale);
        }
        m.sd_annual[c] = sc.annual_sd * scale;
        // the cell's total shift in each year: the members' shifts (year tables interpolated),
        // summed in the same order as the constant `shift` above, so constant shifts give its bits
        bool varies = false;
        for (std::size_t d = 0; d < dims; ++d) varies = varies || !sc.dimensions[d].members[m.cell_member[c * dims + d]].shift_table.empty();
        for (const Adjustment* a : adjusts) varies = varies || !a->shift_table.empty();
        for (int t = 1; t <= n; ++t) {
            double shift_y = shift;
            if (varies) {
                shift_y = 0.0;
                for (std::size_t d = dims; d-- > 0;)
                    shift_y += sc.dimensions[d].members[m.cell_member[c * dims + d]].shift_at(sc.base_year + t);
                for (const Adjustment* a : adjusts) shift_y += a->shift_at(sc.base_year + t);
            }
            m.drift[static_cast<std::size_t>(c) * n + (t - 1)] = std::log1p(sc.rate_in(sc.base_year + t) + shift_y);
            if (m.three_point) year_base.push_back(m.three_point->mode + shift_y);
            any_varies = any_varies || shift_y != shift;
        }
    }
    // a three-point long run follows the shift year by year only when some shift changes over time
    if (m.three_point && any_varies) m.long_run_base_year = std::move(year_base);
    if (reweighted) {
        double sum = 0.0;
        for (std::uint32_t c = 0; c < cells; ++c) sum += weight[c];
        for (std::uint32_t c = 0; c < cells; ++c) m.base_value[c] = sc.base_value * (weight[c] / sum);
    }
    m.base_from_cells = reweighted || !sc.conditional_shares.empty();

    double used = sc.corr_global;
    m.load_global = std::sqrt(sc.corr_global);
    for (const Dimension& d : sc.dimensions) {
        const auto w = sc.corr_weight.find(d.name);
        const double weight = w == sc.corr_weight.end() ? 0.0 : w->second;
        used += weight;
        m.load_dim.push_back(std::sqrt(weight));
        const auto c = sc.corr_matrix.find(d.name);
        if (c == sc.corr_matrix.end()) {
            m.root.emplace_back();
            continue;
        }
        std::optional<std::vector<double>> root = correlation_root(c->second);
        if (!root) throw InputError("correlation.matrix." + d.name + ": the eigen-decomposition did not converge");
        m.root.push_back(std::move(*root));
    }
    m.load_idio = std::sqrt(std::max(0.0, 1.0 - used));

    for (const Event& e : sc.events) {
        EventModel em;
        em.name = e.name;
        em.purpose = purpose::event(e.name);
        em.probability = e.probability;
        em.first_fire = std::max(e.from, sc.base_year + 1) - sc.base_year;
        em.last_fire = std::min(e.to, sc.horizon) - sc.base_year;
        em.duration = e.duration;
        em.impact = e.impact;
        for (std::uint32_t c = 0; c < cells; ++c) {
            bool match = true;
            for (const auto& clause : e.where) {
                // not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda
                const std::string& dim_name = clause.first;
                const std::vector<std::string>& members = clause.second;
                const auto d = static_cast<std::size_t>(
                    std::find_if(sc.dimensions.begin(), sc.dimensions.end(),
                                 [&](const Dimension& x) { return x.name == dim_name; }) -
                    sc.dimensions.begin());
                const std::uint32_t k = m.cell_member[c * dims + d];
                match = match && std::any_of(members.begin(), members.end(), [&](const std::string& name) {
                            return index_of(sc.dimensions[d], name) == k;
                        });
            }
            if (match) em.cells.push_back(c);
        }
        em.once = e.once;
        em.impact_purpose = purpose::event_impact(e.name);
        if (e.impact_range) em.impact_range = compile_three_point(*e.impact_range);
        for (const EventModel& other : m.events)
            if (other.impact_range && em.impact_range && other.impact_purpose == em.impact_purpose)
                throw InputError("events '" + other.name + "' and '" + em.name +
                                 "' share a random stream for their impacts (their name hashes collide); rename one");
        for (const EventModel& other : m.events)
            if (other.purpose == em.purpose)
                throw InputError("events '" + other.name + "' and '" + em.name +
                                 "' share a random stream (their name hashes collide); rename one");
        m.events.push_back(std::move(em));
    }

    m.series = series_names(sc, sc.cells);
    m.member_series_begin = 1;
    m.cell_series_begin = static_cast<std::uint32_t>(1 + m.member_count);
    m.share_member_begin = m.cell_series_begin;
    m.share_cell_begin = static_cast<std::uint32_t>(m.series.size());
    if (sc.share_series) {  // share:dimension=member after the members; share:cell after the cells
        m.cell_series_begin += m.member_count;
        if (m.cell_series_begin < m.series.size()) m.share_cell_begin = m.cell_series_begin + cells;
    }

    double rates_log_growth = 0.0;
    for (int t = 1; t <= n; ++t) rates_log_growth += std::log1p(sc.rate_in(sc.base_year + t));
    if (m.three_point)
        rates_log_growth += n * (std::log1p(m.three_point->quantile_of_normal(0.0)) - std::log1p(m.three_point->mode));
    m.rates_cagr = std::expm1(rates_log_growth / n);

    const std::uint32_t ns = m.series_count();
    m.central.assign(static_cast<std::size_t>(ns) * (n + 1), 0.0);
    std::vector<double> log_v(cells), v(cells), out(ns);
    std::vector<double> central_deviation(cells);
    for (std::uint32_t c = 0; c < cells; ++c) {
        log_v[c] = std::log(m.base_value[c]);
        central_deviation[c] = long_run_deviation(m, c, 0.0);
    }
    for (int t = 0; t <= n; ++t) {
        for (std::uint32_t c = 0; c < cells; ++c) {
            if (t > 0 && m.long_run_by_year())
                central_deviation[c] = long_run_deviation_in(m, c, t, long_run_excess(m, c, 0.0));
            if (t > 0) log_v[c] += m.drift[static_cast<std::size_t>(c) * n + (t - 1)] + central_deviation[c];
            v[c] = t == 0 ? m.base_value[c] : std::exp(log_v[c]);
        }
        if (t == 0) {
            // the base year is known exactly: base_value, base_value x share, the cells' products
            out[0] = sc.base_value;
            for (std::size_t d = 0; d < dims; ++d)
                for (std::uint32_t k = 0; k < m.dim_size[d]; ++k)
                    out[m.member_series_begin + m.dim_offset[d] + k] = sc.base_value * sc.dimensions[d].members[k].share;
            if (m.base_from_cells) {  // the members' base values are the sums of their cells', in cell order
                for (std::uint32_t k = 0; k < m.member_count; ++k) out[m.member_series_begin + k] = 0.0;
                for (std::uint32_t c = 0; c < cells; ++c)
                    for (std::size_t d = 0; d < dims; ++d)
                        out[m.member_series_begin + m.dim_offset[d] + m.cell_member[c * dims + d]] += m.base_value[c];
            }
            if (m.cell_series_begin < ns) std::copy(v.begin(), v.end(), out.begin() + m.cell_series_begin);
            // shares of the total in the base year: the exact values over base_value
            for (std::uint32_t k = m.share_member_begin; k < m.cell_series_begin; ++k)
                out[k] = out[m.member_series_begin + (k - m.share_member_begin)] / sc.base_value;
            for (std::uint32_t c = 0; m.share_cell_begin < ns && c < cells; ++c) out[m.share_cell_begin + c] = v[c] / sc.base_value;
            m.base_series = out;
        } else {
            series_values(m, v.data(), out.data());
        }
        for (std::uint32_t s = 0; s < ns; ++s) m.central[static_cast<std::size_t>(s) * (n + 1) + t] = out[s];
    }

    // the reported central path: events of probability 1 at their central impact
    std::vector<double> shock(static_cast<std::size_t>(cells) * (n + 1), 0.0);
    for (const EventModel& e : m.events) {
        if (!(e.probability >= 1.0) || e.first_fire > e.last_fire) continue;
        // a yearly event fires every year it may; a once event in the year u = 0.5 gives:
        // first + min(k - 1, floor(0.5 k / 1)) of its k years
        const int k = e.last_fire - e.first_fire + 1;
        const int from = e.once ? e.first_fire + std::min(k - 1, k / 2) : e.first_fire;
        const int to = std::min((e.once ? from : e.last_fire) + e.duration - 1, n);
        for (int t = from; t <= to; ++t)
            for (std::uint32_t c : e.cells) shock[static_cast<std::size_t>(t) * cells + c] += e.impact;
        m.central_events.push_back(e.name);
    }
    if (m.central_events.empty()) {
        m.central_path = m.central;
        return m;
    }
    m.central_path.assign(m.central.size(), 0.0);
    for (std::uint32_t c = 0; c < cells; ++c) log_v[c] = std::log(m.base_value[c]);
    for (int t = 0; t <= n; ++t) {
        if (t == 0) {
            out = m.base_series;
        } else {
            for (std::uint32_t c = 0; c < cells; ++c) {
                log_v[c] += m.drift[static_cast<std::size_t>(c) * n + (t - 1)] + central_deviation[c] +
                            shock[static_cast<std::size_t>(t) * cells + c];
                v[c] = std::exp(log_v[c]);
            }
            series_values(m, v.data(), out.data());
        }
        for (std::uint32_t s = 0; s < ns; ++s) m.central_path[static_cast<std::size_t>(s) * (n + 1) + t] = out[s];
    }
    return m;
}

ThreePoint compile_three_point(const LongRun& estimate) {
    ThreePoint tp;
    tp.low = estimate.low;
    tp.mode = estimate.mode;
    tp.high = estimate.high;
    if (estimate.dist == "pert") {
        tp.kind = ThreePoint::Kind::pert;
        tp.alpha = 1 + 4 * (tp.mode - tp.low) / (tp.high - tp.low);
        tp.beta = 1 + 4 * (tp.high - tp.mode) / (tp.high - tp.low);
    } else if (estimate.dist == "triangular") {
        tp.kind = ThreePoint::Kind::triangular;
    } else {
        tp.kind = ThreePoint::Kind::uniform;
    }
    tp.tabulate();
    return tp;
}

double long_run_deviation(const Model& m, std::uint32_t c, double z) {
    if (!m.three_point) return m.sd_long[c] * z;
    const double x = m.long_run_base[c] + m.long_run_scale[c] * (m.three_point->quantile_of_normal(z) - m.three_point->mode);
    return std::log1p(x) - std::log1p(m.long_run_base[c]);
}

double long_run_excess(const Model& m, std::uint32_t c, double z) {
    return m.long_run_scale[c] * (m.three_point->quantile_of_normal(z) - m.three_point->mode);
}

double long_run_deviation_in(const Model& m, std::uint32_t c, int t, double excess) {
    const double base = m.long_run_base_year[static_cast<std::size_t>(c) * m.years + (t - 1)];
    return std::log1p(base + excess) - std::log1p(base);
}

void series_values(const Model& m, const double* cells, double* out) noexcept {
    const std::size_t dims = m.dim_size.size();
    const std::uint32_t ns = m.series_count();
    std::fill(out, out + ns, 0.0);
    double total = 0.0;
    for (std::uint32_t c = 0; c < m.cell_count; ++c) {
        const double v = cells[c];
        total += v;
        for (std::size_t d = 0; d < dims; ++d)
            out[m.member_series_begin + m.dim_offset[d] + m.cell_member[c * dims + d]] += v;
    }
    out[0] = total;
    if (m.cell_series_begin < ns)
        std::copy(cells, cells + m.cell_count, out + m.cell_series_begin);
    for (std::uint32_t k = m.share_member_begin; k < m.cell_series_begin; ++k)
        out[k] = out[m.member_series_begin + (k - m.share_member_begin)] / total;
    if (m.share_cell_begin < ns)
        for (std::uint32_t c = 0; c < m.cell_count; ++c) out[m.share_cell_begin + c] = cells[c] / total;
}

}  // namespace marketsim
