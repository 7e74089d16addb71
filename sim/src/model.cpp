#include "marketsim/model.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Eigenvalues>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/triangular.hpp>

#include "marketsim/error.hpp"
#include "marketsim/random.hpp"

namespace marketsim {
namespace {

std::uint32_t index_of(const Dimension& dim, const std::string& member) {
    for (std::uint32_t m = 0; m < dim.members.size(); ++m)
        if (dim.members[m].name == member) return m;
    return static_cast<std::uint32_t>(dim.members.size());
}

/** Row-major S with S S^T = C from the eigen-decomposition, which also serves singular C. */
std::vector<double> square_root(const std::string& dim, const std::vector<std::vector<double>>& c) {
    const auto n = static_cast<Eigen::Index>(c.size());
    Eigen::MatrixXd m(n, n);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) m(i, j) = c[i][j];
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(m);
    if (eig.info() != Eigen::Success)
        throw InputError("correlation.matrix." + dim + ": the eigen-decomposition did not converge");
    const double smallest = eig.eigenvalues().minCoeff();
    if (smallest < -1e-10)
        throw InputError("correlation.matrix." + dim +
                         " is not positive semi-definite (smallest eigenvalue " + std::to_string(smallest) + ")");
    const Eigen::VectorXd sqrt_lambda = eig.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    const Eigen::MatrixXd s = eig.eigenvectors() * sqrt_lambda.asDiagonal();
    std::vector<double> out(static_cast<std::size_t>(n * n));
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) out[static_cast<std::size_t>(i * n + j)] = s(i, j);
    return out;
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

    if (sc.dimensions.size() > kMaxDimensions)
        throw InputError(std::to_string(sc.dimensions.size()) + " dimensions; at most " +
                         std::to_string(kMaxDimensions) + " are supported");
    std::uint64_t cell_total = 1;
    std::string product;
    for (const Dimension& d : sc.dimensions) {
        cell_total *= d.members.size();
        product += (product.empty() ? "" : " x ") + std::to_string(d.members.size());
        if (cell_total > kMaxCells)
            throw InputError("too many cells: the dimensions' member counts (" + product + ") multiply past " +
                             std::to_string(kMaxCells) + ", the most supported");
    }
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
        m.root.push_back(c == sc.corr_matrix.end() ? std::vector<double>{} : square_root(d.name, c->second));
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

    m.series.push_back("total");
    m.member_series_begin = 1;
    for (const Dimension& d : sc.dimensions)
        for (const Member& mem : d.members) m.series.push_back(d.name + "=" + mem.name);
    m.cell_series_begin = static_cast<std::uint32_t>(m.series.size());
    if (sc.cells) {
        for (std::uint32_t c = 0; c < cells; ++c) {
            std::string name;
            for (std::size_t d = 0; d < dims; ++d) {
                if (d) name += '/';
                name += sc.dimensions[d].name + "=" + sc.dimensions[d].members[m.cell_member[c * dims + d]].name;
            }
            m.series.push_back(name.empty() ? "cell" : name);
        }
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

double ThreePoint::quantile(double u) const {
    switch (kind) {
        case Kind::pert:
            return low + (high - low) * boost::math::quantile(boost::math::beta_distribution<>(alpha, beta), u);
        case Kind::triangular:
            return boost::math::quantile(boost::math::triangular_distribution<>(low, mode, high), u);
        case Kind::uniform:
            break;
    }
    return low + (high - low) * u;
}

void ThreePoint::tabulate() {
    table.resize(kTablePoints);
    const double h = 2 * kTableZ / (kTablePoints - 1);
    for (int i = 0; i < kTablePoints; ++i) {
        const double z = -kTableZ + i * h;
        // above the median take the upper tail's probability, which keeps its precision
        table[i] = z <= 0 ? quantile(0.5 * std::erfc(-z * M_SQRT1_2)) : upper_quantile(0.5 * std::erfc(z * M_SQRT1_2));
    }
}

double ThreePoint::upper_quantile(double v) const {
    switch (kind) {
        case Kind::pert:
            return low + (high - low) * boost::math::quantile(
                                            boost::math::complement(boost::math::beta_distribution<>(alpha, beta), v));
        case Kind::triangular:
            return boost::math::quantile(
                boost::math::complement(boost::math::triangular_distribution<>(low, mode, high), v));
        case Kind::uniform:
            break;
    }
    return high - (high - low) * v;
}

double ThreePoint::quantile_of_normal(double z) const noexcept {
    const double pos = (std::clamp(z, -kTableZ, kTableZ) + kTableZ) * ((kTablePoints - 1) / (2 * kTableZ));
    const int i = std::min(static_cast<int>(pos), kTablePoints - 2);
    const double f = pos - i;
    return table[i] + f * (table[i + 1] - table[i]);
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
