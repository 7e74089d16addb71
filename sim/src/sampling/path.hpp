#pragma once
/** The scalar reference of the path generator: one path at a time, with the same arithmetic as
 *  ChunkSampler (sampler.hpp) but no SIMD kernel (random.hpp's scalar normal transform and e^x).
 *  The vectorized sampler is tested against it path by path; it also serves tests that need
 *  whole paths with chosen draws. */
#include <cstdint>
#include <functional>
#include <vector>

#include "model/model.hpp"

namespace marketsim {

/** Where simulate_path takes a path's draws from (sensitivity analysis swaps and pins them). */
struct DrawSource {
    /// the factor draws' normals (factor_draws() of them) of `purpose`, in float
    std::function<void(std::uint32_t purpose, float* normals)> normals;
    /// whether event e (index into Model::events) fires in calendar year `year`
    std::function<bool(std::size_t e, std::uint32_t year)> fires;
    /// the calendar year in which `once` event e fires, 0 when it does not (asked for once events only)
    std::function<int(std::size_t e)> once_year;
    /// the impact of event e on this path (asked for events with an uncertain impact only)
    std::function<double(std::size_t e)> impact;
    /// the t-scale normals (Model::annual_tails of them) of `purpose` (purpose::annual_tails(year)), in
    /// float; asked for only when the model has tails
    std::function<void(std::uint32_t purpose, float* normals)> tails;
};

/** Scratch space for simulate_path, reused from path to path by one thread. */
class PathWorkspace {
public:
    explicit PathWorkspace(const Model& model);

private:
    friend void simulate_path(const Model&, std::uint64_t, PathWorkspace&, double*) noexcept;
    friend void simulate_path(const Model&, PathWorkspace&, double*, const DrawSource&);
    std::vector<double> draws_;   ///< factor_draws() normals of one purpose
    std::vector<float> normals_;  ///< the same in float
    std::vector<float> factor_;   ///< F_d[m] for every member, all dimensions
    std::vector<float> z_;        ///< Z_c per cell
    std::vector<double> deviation_;  ///< D_c per cell
    std::vector<double> log_value_;
    std::vector<double> value_;
    std::vector<double> shock_;      ///< event impacts per (year, cell): t-major
    std::vector<double> noise_;      ///< A(c, y) per cell, with persistence or tails
    std::vector<float> tails_;       ///< the year's t-scale normals
};

/** Correlated standard normals Z_c (docs/model.md, "Correlation between cells") from the factor draws of one purpose,
 *  in float: F_d = S_d xi_d, then Z_c = lg G + li E_c + sum_d ld F_d[c_d] in that order. */
void correlated_normals(const Model& model, const float* draws, float* factor, float* z) noexcept;

/** Simulates path `path`, writing every series value into out[t * series_count + s], t = 0..years. */
void simulate_path(const Model& model, std::uint64_t path, PathWorkspace& ws, double* out) noexcept;

/** The same with the draws from `source` instead of the path's own streams. */
void simulate_path(const Model& model, PathWorkspace& ws, double* out, const DrawSource& source);

}  // namespace marketsim
