#pragma once
/** One growth path as a pure function of (model, seed, path index) (MODEL.md sections 2-5).
 *
 *  The persistent deviation D_c = sL(c) Z_c uses the long-run factor draws; year y's noise uses
 *  the annual factor draws of calendar year y; each event's firing in year y uses uniform y of
 *  the event's own stream. Nothing else is read, so a path is the same on any thread.
 */
#include <cstdint>
#include <vector>

#include "marketsim/model.hpp"

namespace marketsim {

/** Scratch space for simulate_path, reused from path to path by one thread. */
class PathWorkspace {
public:
    explicit PathWorkspace(const Model& model);

private:
    friend void simulate_path(const Model&, std::uint64_t, PathWorkspace&, double*) noexcept;
    std::vector<double> draws_;   ///< factor_draws() normals of one purpose
    std::vector<double> factor_;  ///< F_d[m] for every member, all dimensions
    std::vector<double> z_;       ///< Z_c per cell
    std::vector<double> deviation_;  ///< D_c per cell
    std::vector<double> log_value_;
    std::vector<double> value_;
    std::vector<double> shock_;      ///< event impacts per (year, cell): t-major
};

/** Correlated standard normals Z_c (MODEL.md section 3) from the factor draws of one purpose. */
void correlated_normals(const Model& model, const double* draws, double* factor, double* z) noexcept;

/** Simulates path `path`; writes every series value into out[t * series_count + s], t = 0..years. */
void simulate_path(const Model& model, std::uint64_t path, PathWorkspace& ws, double* out) noexcept;

}  // namespace marketsim
