#include "sampling/path.hpp"

#include <algorithm>
#include <cmath>

#include "sampling/random.hpp"

namespace marketsim {

PathWorkspace::PathWorkspace(const Model& m)
    : draws_(m.factor_draws()),
      normals_(m.factor_draws()),
      factor_(m.member_count),
      z_(m.cell_count),
      deviation_(m.cell_count),
      log_value_(m.cell_count),
      value_(m.cell_count),
      shock_(static_cast<std::size_t>(m.cell_count) * m.years),
      noise_(m.annual_noise_state() ? m.cell_count : 0),
      tails_(static_cast<std::size_t>(m.annual_tails)) {}

void correlated_normals(const Model& m, const float* draws, float* factor, float* z) noexcept {
    const std::size_t dims = m.dim_size.size();
    const float* xi = draws + 1;
    const float* source[kMaxDimensions];
    for (std::size_t d = 0; d < dims; ++d) {
        const std::uint32_t k = m.dim_size[d], off = m.dim_offset[d];
        if (m.root[d].empty()) {
            source[d] = xi + off;
            continue;
        }
        source[d] = factor + off;
        const double* s = m.root[d].data();
        for (std::uint32_t i = 0; i < k; ++i) {
            float f = 0.0f;
            for (std::uint32_t j = 0; j < k; ++j) f = f + static_cast<float>(s[i * k + j]) * xi[off + j];
            factor[off + i] = f;
        }
    }
    const auto lg = static_cast<float>(m.load_global), li = static_cast<float>(m.load_idio);
    const float* e = draws + 1 + m.member_count;
    for (std::uint32_t c = 0; c < m.cell_count; ++c) {
        float zc = lg * draws[0] + li * e[c];
        const std::uint32_t* member = m.cell_member.data() + c * dims;
        for (std::size_t d = 0; d < dims; ++d) zc = zc + static_cast<float>(m.load_dim[d]) * source[d][member[d]];
        z[c] = zc;
    }
}

void simulate_path(const Model& m, std::uint64_t path, PathWorkspace& ws, double* out) noexcept {
    const std::uint32_t nd = m.factor_draws();
    DrawSource own;
    own.normals = [&](std::uint32_t purpose, float* z) {
        normals(m.seed, path, purpose, ws.draws_.data(), nd);
        std::transform(ws.draws_.begin(), ws.draws_.end(), z, [](double v) { return static_cast<float>(v); });
    };
    own.fires = [&](std::size_t e, std::uint32_t year) {
        return uniform(m.seed, path, m.events[e].purpose, year) < m.events[e].probability;
    };
    own.once_year = [&](std::size_t e) {
        const EventModel& ev = m.events[e];
        if (!(uniform(m.seed, path, ev.purpose, 0) < ev.probability)) return 0;
        const auto w = philox(m.seed, path, ev.purpose, 0);  // uniform 0: words 0 and 1 of block 0
        const std::uint64_t draw = (static_cast<std::uint64_t>(w[0]) << 20) | (w[1] >> 12);
        return m.base_year + ev.first_fire + once_year(draw, ev.last_fire - ev.first_fire + 1, ev.probability);
    };
    own.impact = [&](std::size_t e) { return sampled_impact(m.events[e], uniform(m.seed, path, m.events[e].impact_purpose, 0)); };
    own.tails = [&](std::uint32_t purpose, float* z) {
        double w[kMaxAnnualTails];
        normals(m.seed, path, purpose, w, static_cast<std::uint32_t>(m.annual_tails));
        std::transform(w, w + m.annual_tails, z, [](double v) { return static_cast<float>(v); });
    };
    simulate_path(m, ws, out, own);
}

void simulate_path(const Model& m, PathWorkspace& ws, double* out, const DrawSource& source) {
    const std::uint32_t cells = m.cell_count, ns = m.series_count();
    const int n = m.years;
    const auto draw = [&](std::uint32_t purpose) {
        source.normals(purpose, ws.normals_.data());
        correlated_normals(m, ws.normals_.data(), ws.factor_.data(), ws.z_.data());
    };

    draw(purpose::long_run);
    for (std::uint32_t c = 0; c < cells; ++c) {
        const double z = ws.z_[c];
        ws.deviation_[c] = m.long_run_by_year() ? long_run_excess(m, c, z)
                           : m.three_point      ? long_run_deviation(m, c, z)
                                                : m.sd_long[c] * z;
        ws.log_value_[c] = std::log(m.base_value[c]);
    }

    std::fill(ws.shock_.begin(), ws.shock_.end(), 0.0);
    for (std::size_t ev = 0; ev < m.events.size(); ++ev) {
        const EventModel& e = m.events[ev];
        int active_until = 0;  // last year index covered by a firing so far
        const double impact = e.impact_range ? source.impact(ev) : e.impact;
        const int once_fire = e.once && e.first_fire <= e.last_fire ? source.once_year(ev) : 0;
        for (int f = e.first_fire; f <= e.last_fire; ++f) {
            if (e.once ? m.base_year + f != once_fire : !source.fires(ev, static_cast<std::uint32_t>(m.base_year + f))) continue;
            // active in f..f+d-1 (not past the horizon); overlapping firings do not stack
            const int from = std::max(f, active_until + 1), to = std::min(f + e.duration - 1, n);
            for (int t = from; t <= to; ++t)
                for (std::uint32_t c : e.cells) ws.shock_[static_cast<std::size_t>(t - 1) * cells + c] += impact;
            active_until = std::max(active_until, to);
        }
    }

    std::copy(m.base_series.begin(), m.base_series.end(), out);
    for (int t = 1; t <= n; ++t) {
        draw(purpose::annual(m.base_year + t));
        const bool noise_state = m.annual_noise_state();
        if (noise_state) {
            // A(c, y): the year's t-scale (one per path and year), then the AR(1) step, in double
            double scale = 1.0;
            if (m.annual_tails) {
                source.tails(purpose::annual_tails(m.base_year + t), ws.tails_.data());
                double w = 0.0;
                for (const float x : ws.tails_) w = w + static_cast<double>(x) * static_cast<double>(x);
                scale = std::sqrt(static_cast<double>(m.annual_tails - 2) / w);
            }
            const bool persist = m.annual_persistence != 0.0 && t > 1;
            for (std::uint32_t c = 0; c < cells; ++c) {
                double e = static_cast<double>(ws.z_[c]);
                if (m.annual_tails) e = scale * e;
                if (persist) e = m.annual_persistence * ws.noise_[c] + m.annual_innovation * e;
                ws.noise_[c] = e;
            }
        }
        const double* shock = ws.shock_.data() + static_cast<std::size_t>(t - 1) * cells;
        for (std::uint32_t c = 0; c < cells; ++c) {
            const double dev = m.long_run_by_year() ? long_run_deviation_in(m, c, t, ws.deviation_[c]) : ws.deviation_[c];
            double r = m.drift[static_cast<std::size_t>(c) * n + (t - 1)] + dev;
            r = r + m.sd_annual[c] * (noise_state ? ws.noise_[c] : static_cast<double>(ws.z_[c]));
            if (!m.events.empty()) r = r + shock[c];
            ws.log_value_[c] = ws.log_value_[c] + r;
        }
        for (std::uint32_t c = 0; c < cells; ++c) ws.value_[c] = fast_exp(ws.log_value_[c]);
        series_values(m, ws.value_.data(), out + static_cast<std::size_t>(t) * ns);
    }
}

}  // namespace marketsim
