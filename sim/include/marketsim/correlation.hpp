#pragma once
/** Repairing a member correlation matrix that is not positive semi-definite.
 *
 *  Higham, N. J. (2002) Computing the nearest correlation matrix - a problem from finance.
 *  IMA Journal of Numerical Analysis 22, 329-343: alternating projections (with Dykstra's
 *  correction) onto the positive semi-definite matrices and the unit-diagonal matrices converge
 *  to the correlation matrix nearest in the Frobenius norm.
 */
#include <vector>

namespace marketsim {

struct CorrelationRepair {
    std::vector<std::vector<double>> matrix;  ///< symmetric, unit diagonal, positive semi-definite
    double largest_change = 0.0;              ///< max |repaired - given| over the entries
    int iterations = 0;
};

/** The nearest correlation matrix to the symmetric, unit-diagonal matrix `c`.
 *  Converges to 1e-12 in the entries (at most 10,000 iterations); the result's smallest
 *  eigenvalue is at least -1e-12. */
CorrelationRepair nearest_correlation_matrix(const std::vector<std::vector<double>>& c);

}  // namespace marketsim
