#include "naive_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace marketsim::bench {

NaiveSimulator::NaiveSimulator(const Model& model, std::uint64_t seed)
    : model_(model), rng_(seed), series_cells_(model.series_count()) {
    if (model.three_point)
        throw std::invalid_argument("the naive baseline models growth.long_run_sd only, not growth.long_run");
    const std::size_t dims = model.dim_size.size();
    for (std::uint32_t c = 0; c < model.cell_count; ++c) {
        series_cells_[0].push_back(c);
        for (std::size_t d = 0; d < dims; ++d)
            series_cells_[model.member_series_begin + model.dim_offset[d] + model.cell_member[c * dims + d]].push_back(c);
        if (model.cell_series_begin < model.series_count()) series_cells_[model.cell_series_begin + c].push_back(c);
    }
}

std::vector<double> NaiveSimulator::correlated(std::vector<double> draws) const {
    const Model& m = model_;
    const std::size_t dims = m.dim_size.size();
    std::vector<double> factor(m.member_count);
    for (std::size_t d = 0; d < dims; ++d) {
        const std::uint32_t k = m.dim_size[d], off = m.dim_offset[d];
        for (std::uint32_t i = 0; i < k; ++i) {
            if (m.root[d].empty()) {
                factor[off + i] = draws[1 + off + i];
                continue;
            }
            for (std::uint32_t j = 0; j < k; ++j) factor[off + i] += m.root[d][i * k + j] * draws[1 + off + j];
        }
    }
    std::vector<double> z(m.cell_count);
    for (std::uint32_t c = 0; c < m.cell_count; ++c) {
        z[c] = m.load_global * draws[0] + m.load_idio * draws[1 + m.member_count + c];
        for (std::size_t d = 0; d < dims; ++d)
            z[c] += m.load_dim[d] * factor[m.dim_offset[d] + m.cell_member[c * dims + d]];
    }
    return z;
}

std::vector<double> NaiveSimulator::next_path() {
    const Model& m = model_;
    const std::uint32_t cells = m.cell_count, ns = m.series_count();
    const int n = m.years;
    const auto draw = [&] {
        std::vector<double> d(m.factor_draws());
        for (double& x : d) x = normal_(rng_);
        return d;
    };

    const std::vector<double> z_long = correlated(draw());
    std::vector<double> deviation(cells), log_value(cells);
    for (std::uint32_t c = 0; c < cells; ++c) {
        deviation[c] = m.sd_long[c] * z_long[c];
        log_value[c] = std::log(m.base_value[c]);
    }

    std::vector<std::vector<double>> shock(static_cast<std::size_t>(n), std::vector<double>(cells, 0.0));
    for (const EventModel& e : m.events) {
        int active_until = 0;
        for (int f = e.first_fire; f <= e.last_fire; ++f) {
            if (!(uniform_(rng_) < e.probability)) continue;
            const int from = std::max(f, active_until + 1), to = std::min(f + e.duration - 1, n);
            for (int t = from; t <= to; ++t)
                for (std::uint32_t c : e.cells) shock[static_cast<std::size_t>(t - 1)][c] += e.impact;
            active_until = std::max(active_until, to);
        }
    }

    std::vector<double> out(static_cast<std::size_t>(n + 1) * ns, 0.0);
    std::copy(m.base_series.begin(), m.base_series.end(), out.begin());
    std::vector<double> value(cells);
    for (int t = 1; t <= n; ++t) {
        const std::vector<double> z = correlated(draw());
        for (std::uint32_t c = 0; c < cells; ++c) {
            log_value[c] += m.drift[static_cast<std::size_t>(c) * n + (t - 1)] + deviation[c] + m.sd_annual[c] * z[c] +
                            shock[static_cast<std::size_t>(t - 1)][c];
            value[c] = std::exp(log_value[c]);
        }
        for (std::uint32_t s = 0; s < ns; ++s) {
            double sum = 0.0;
            for (std::uint32_t c : series_cells_[s]) sum += value[c];
            out[static_cast<std::size_t>(t) * ns + s] = sum;
        }
    }
    return out;
}

NaiveStats::NaiveStats(const Model& model, std::vector<double> quantiles)
    : quantiles_(std::move(quantiles)) {
    const std::size_t stats = static_cast<std::size_t>(model.years + 1) * model.series_count();
    sum_.assign(stats, 0.0);
    sum2_.assign(stats, 0.0);
    values_.resize(stats);
}

void NaiveStats::add(const std::vector<double>& path) {
    for (std::size_t i = 0; i < path.size(); ++i) {
        sum_[i] += path[i];
        sum2_[i] += path[i] * path[i];
        values_[i].push_back(path[i]);
    }
    ++paths_;
}

void NaiveStats::finish() {
    const double n = static_cast<double>(paths_);
    mean_.assign(sum_.size(), 0.0);
    sd_.assign(sum_.size(), 0.0);
    quantile_.assign(sum_.size() * quantiles_.size(), 0.0);
    for (std::size_t i = 0; i < sum_.size(); ++i) {
        mean_[i] = sum_[i] / n;
        sd_[i] = paths_ > 1 ? std::sqrt(std::max(0.0, (sum2_[i] - n * mean_[i] * mean_[i]) / (n - 1))) : 0.0;
        std::vector<double>& v = values_[i];
        for (std::size_t k = 0; k < quantiles_.size(); ++k) {
            // type 7: linear between the order statistics at h = q (n - 1)
            const double h = quantiles_[k] * (n - 1);
            const auto lo = static_cast<std::size_t>(std::floor(h));
            std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
            const double x_lo = v[lo];
            const double x_hi = lo + 1 < v.size() ? *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end()) : x_lo;
            quantile_[i * quantiles_.size() + k] = x_lo + (h - static_cast<double>(lo)) * (x_hi - x_lo);
        }
    }
}

}  // namespace marketsim::bench
