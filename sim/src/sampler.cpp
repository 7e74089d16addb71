#include "marketsim/sampler.hpp"

#include <algorithm>
#include <cmath>

#include "marketsim/random.hpp"

namespace marketsim {

PathWorkspace::PathWorkspace(const Model& m)
    : draws_(m.factor_draws()),
      factor_(m.member_count),
      z_(m.cell_count),
      deviation_(m.cell_count),
      log_value_(m.cell_count),
      value_(m.cell_count),
      shock_(static_cast<std::size_t>(m.cell_count) * m.years) {}

void correlated_normals(const Model& m, const double* draws, double* factor, double* z) noexcept {
    const std::size_t dims = m.dim_size.size();
    const double* xi = draws + 1;
    for (std::size_t d = 0; d < dims; ++d) {
        const std::uint32_t k = m.dim_size[d], off = m.dim_offset[d];
        if (m.root[d].empty()) {
            std::copy(xi + off, xi + off + k, factor + off);
            continue;
        }
        const double* s = m.root[d].data();
        for (std::uint32_t i = 0; i < k; ++i) {
            double f = 0.0;
            for (std::uint32_t j = 0; j < k; ++j) f += s[i * k + j] * xi[off + j];
            factor[off + i] = f;
        }
    }
    const double g = m.load_global * draws[0];
    const double* e = draws + 1 + m.member_count;
    for (std::uint32_t c = 0; c < m.cell_count; ++c) {
        double zc = g + m.load_idio * e[c];
        const std::uint32_t* member = m.cell_member.data() + c * dims;
        for (std::size_t d = 0; d < dims; ++d) zc += m.load_dim[d] * factor[m.dim_offset[d] + member[d]];
        z[c] = zc;
    }
}

void simulate_path(const Model& m, std::uint64_t path, PathWorkspace& ws, double* out) noexcept {
    const std::uint32_t cells = m.cell_count, ns = m.series_count(), nd = m.factor_draws();
    const int n = m.years;

    normals(m.seed, path, purpose::long_run, ws.draws_.data(), nd);
    correlated_normals(m, ws.draws_.data(), ws.factor_.data(), ws.z_.data());
    for (std::uint32_t c = 0; c < cells; ++c) {
        ws.deviation_[c] = long_run_deviation(m, c, ws.z_[c]);
        ws.log_value_[c] = std::log(m.base_value[c]);
    }

    std::fill(ws.shock_.begin(), ws.shock_.end(), 0.0);
    for (const EventModel& e : m.events) {
        int active_until = 0;  // last year index covered by a firing so far
        for (int f = e.first_fire; f <= e.last_fire; ++f) {
            const auto year = static_cast<std::uint32_t>(m.base_year + f);
            if (!(uniform(m.seed, path, e.purpose, year) < e.probability)) continue;
            // active in f..f+d-1 (not past the horizon); overlapping firings do not stack
            const int from = std::max(f, active_until + 1), to = std::min(f + e.duration - 1, n);
            for (int t = from; t <= to; ++t)
                for (std::uint32_t c : e.cells) ws.shock_[static_cast<std::size_t>(t - 1) * cells + c] += e.impact;
            active_until = std::max(active_until, to);
        }
    }

    std::copy(m.base_series.begin(), m.base_series.end(), out);
    for (int t = 1; t <= n; ++t) {
        normals(m.seed, path, purpose::annual(m.base_year + t), ws.draws_.data(), nd);
        correlated_normals(m, ws.draws_.data(), ws.factor_.data(), ws.z_.data());
        const double* shock = ws.shock_.data() + static_cast<std::size_t>(t - 1) * cells;
        for (std::uint32_t c = 0; c < cells; ++c) {
            ws.log_value_[c] += m.drift[static_cast<std::size_t>(c) * n + (t - 1)] + ws.deviation_[c] +
                                m.sd_annual[c] * ws.z_[c] + shock[c];
            ws.value_[c] = std::exp(ws.log_value_[c]);
        }
        series_values(m, ws.value_.data(), out + static_cast<std::size_t>(t) * ns);
    }
}

}  // namespace marketsim
