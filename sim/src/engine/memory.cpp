#include <algorithm>
#include <cmath>

#include "engine/engine.hpp"
#include "sampling/kernels.hpp"

namespace marketsim {

double estimate_memory_bytes(const Model& m, double relative_accuracy, int threads) {
    // buckets per unit of ln x: m / ln 2 = 7 / (10 ln 2 ln gamma) (quantile_sketch.hpp)
    const double log_gamma = std::log((1 + relative_accuracy) / (1 - relative_accuracy)) * (10 * std::log(2.0) / 7);
    double impacts = 0.0;
    for (const EventModel& e : m.events) impacts += std::fabs(e.impact);
    double buckets = 1.0;  // the base year
    for (int t = 1; t <= m.years; ++t) {
        double spread = 0.0;
        for (std::uint32_t c = 0; c < m.cell_count; ++c)
            spread = std::max(spread, std::sqrt(double(t) * t * m.sd_long[c] * m.sd_long[c] +
                                                t * m.sd_annual[c] * m.sd_annual[c]));
        buckets += (12.0 * spread + impacts * t) / log_gamma + 2.0;
    }
    const double per_accumulator = 8.0 * 1.5 * buckets * m.series_count()    // counts with growth slack
                                   + 4 * 2 * 8.0 * 70 * m.series_count() * (m.years + 1);  // exact sums
    const double path_buffers = kernels::chunk_bytes(m) + 8.0 * 32 * m.series_count() * (m.years + 1);
    return per_accumulator * (threads + 1) + path_buffers * threads + 8.0 * m.drift.size();
}

}  // namespace marketsim
