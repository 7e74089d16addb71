#pragma once
/** Three-point estimates of the long-run growth rate (growth.long_run: PERT, triangular, uniform),
 *  their quantile functions and the table the sampler reads them from. */
#include <vector>

namespace marketsim {

/** growth.long_run compiled: the long-run growth rate X of a cell through the Gaussian copula,
 *  X_c = base_c + scale_c (Q(Phi(Z_c)) - mode) with base_c = mode + shift_c (docs/model.md). */
struct ThreePoint {
    enum class Kind { pert, triangular, uniform } kind = Kind::pert;
    double low = 0.0, mode = 0.0, high = 0.0;
    double alpha = 1.0, beta = 1.0;  ///< PERT: Beta(alpha, beta) on [low, high]
    /** Q(u): the quantile function of X (before shifts and sd_scale), 0 < u < 1; exact
     *  (Boost.Math), about 25 microseconds a call for PERT. */
    double quantile(double u) const;
    /** Q(1 - v), computed from the upper tail's probability v. */
    double upper_quantile(double v) const;

    /** Q(Phi(z)) from a table: linear interpolation over kTablePoints values of z evenly spaced
     *  on [-kTableZ, kTableZ] (clamped outside, where no 52-bit uniform reaches). Absolute error
     *  below 1e-7 in X for the distributions tested (tests/model_test.cpp measures it). */
    double quantile_of_normal(double z) const noexcept;
    void tabulate();  ///< fills the table; call once the parameters are set

    static constexpr int kTablePoints = 8193;
    static constexpr double kTableZ = 8.5;
    std::vector<double> table;
};

}  // namespace marketsim
