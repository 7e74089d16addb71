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
    for (std::uint32_t c = 0; c < cells; ++c) {
        std::uint32_t rest = c;
        double value = sc.base_value, shift = 0.0, scale = 1.0;
        for (std::size_t d = dims; d-- > 0;) {
            const std::uint32_t k = rest % m.dim_size[d];
            rest /= m.dim_size[d];
            m.cell_member[c * dims + d] = k;
            const Member& mem = sc.dimensions[d].members[k];
            value *= mem.share;
            shift += mem.shift;
            scale *= mem.sd_scale;
        }
        m.base_value[c] = value;
        m.sd_long[c] = m.three_point ? 0.0 : sc.long_run_sd * scale;
        if (m.three_point) {
            m.long_run_base.push_back(m.three_point->mode + shift);
            m.long_run_scale.push_back(scale);
        }
        m.sd_annual[c] = sc.annual_sd * scale;
        for (int t = 1; t <= n; ++t)
            m.drift[static_cast<std::size_t>(c) * n + (t - 1)] = std::log1p(sc.rate_in(sc.base_year + t) + shift);
    }

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
        for (const EventModel& other : m.events)
            if (other.purpose == em.purpose)
                throw InputError("events '" + other.name + "' and '" + em.name +
                                 "' share a random stream (their name hashes collide); rename one");
        m.events.push_back(std::move(em));
    }

    m.series = series_names(sc, sc.cells);
    m.member_series_begin = 1;
    m.cell_series_begin = static_cast<std::uint32_t>(1 + m.member_count);

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
            if (t > 0) log_v[c] += m.drift[static_cast<std::size_t>(c) * n + (t - 1)] + central_deviation[c];
            v[c] = t == 0 ? m.base_value[c] : std::exp(log_v[c]);
        }
        if (t == 0) {
            // the base year is known exactly: base_value, base_value x share, the cells' products
            out[0] = sc.base_value;
            for (std::size_t d = 0; d < dims; ++d)
                for (std::uint32_t k = 0; k < m.dim_size[d]; ++k)
                    out[m.member_series_begin + m.dim_offset[d] + k] = sc.base_value * sc.dimensions[d].members[k].share;
            if (m.cell_series_begin < ns) std::copy(v.begin(), v.end(), out.begin() + m.cell_series_begin);
            m.base_series = out;
        } else {
            series_values(m, v.data(), out.data());
        }
        for (std::uint32_t s = 0; s < ns; ++s) m.central[static_cast<std::size_t>(s) * (n + 1) + t] = out[s];
    }
    return m;
}

double long_run_deviation(const Model& m, std::uint32_t c, double z) {
    if (!m.three_point) return m.sd_long[c] * z;
    const double x = m.long_run_base[c] + m.long_run_scale[c] * (m.three_point->quantile_of_normal(z) - m.three_point->mode);
    return std::log1p(x) - std::log1p(m.long_run_base[c]);
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
}

}  // namespace marketsim
