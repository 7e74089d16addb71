#pragma once
/** Member correlation matrices (a scenario's correlation.matrix.<dimension>): validity, the square
 *  root the sampler draws with, and the repair of a matrix that is not positive semi-definite.
 *
 *  Matrices are square, row-major vectors of rows. Eigen does the linear algebra.
 */
#include <optional>
#include <vector>

namespace marketsim {

using Matrix = std::vector<std::vector<double>>;

/** Below this smallest eigenvalue a symmetric matrix is not positive semi-definite (rounding of a
 *  valid singular matrix stays above it). */
inline constexpr double kPsdTolerance = 1e-10;

/** The smallest eigenvalue of the symmetric matrix `c`, or nullopt when the eigenvalue
 *  computation does not converge. */
std::optional<double> smallest_eigenvalue(const Matrix& c);

/** Row-major S (n x n) with S S^T = C, from the symmetric eigen-decomposition:
 *  S = Q sqrt(max(Lambda, 0)), so singular matrices have a root too. Precondition: `c` is
 *  symmetric with smallest eigenvalue >= -kPsdTolerance (returns nullopt when the decomposition
 *  does not converge). */
std::optional<std::vector<double>> correlation_root(const Matrix& c);

struct CorrelationRepair {
    Matrix matrix;                ///< symmetric, unit diagonal, positive semi-definite
    double largest_change = 0.0;  ///< max |repaired - given| over the entries
    int iterations = 0;
};

/** The correlation matrix nearest to the symmetric, unit-diagonal matrix `c` in the Frobenius
 *  norm: Higham, N. J. (2002) Computing the nearest correlation matrix - a problem from finance.
 *  IMA Journal of Numerical Analysis 22, 329-343 (alternating projections with Dykstra's
 *  correction onto the positive semi-definite and the unit-diagonal matrices). Converges to 1e-12
 *  in the entries (at most 10,000 iterations); the result's smallest eigenvalue is at least -1e-12. */
CorrelationRepair nearest_correlation_matrix(const Matrix& c);

}  // namespace marketsim
