#include "math/correlation.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Eigenvalues>

namespace marketsim {
namespace {

Eigen::MatrixXd to_eigen(const Matrix& c) {
    const auto n = static_cast<Eigen::Index>(c.size());
    Eigen::MatrixXd m(n, n);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) m(i, j) = c[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
    return m;
}

Eigen::MatrixXd psd_projection(const Eigen::MatrixXd& r) {
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(r);
    const Eigen::VectorXd lambda = eig.eigenvalues().cwiseMax(0.0);
    return eig.eigenvectors() * lambda.asDiagonal() * eig.eigenvectors().transpose();
}

}  // namespace

std::optional<double> smallest_eigenvalue(const Matrix& c) {
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(to_eigen(c), Eigen::EigenvaluesOnly);
    if (eig.info() != Eigen::Success) return std::nullopt;
    return eig.eigenvalues().minCoeff();
}

std::optional<std::vector<double>> correlation_root(const Matrix& c) {
    const auto n = static_cast<Eigen::Index>(c.size());
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(to_eigen(c));
    if (eig.info() != Eigen::Success) return std::nullopt;
    const Eigen::VectorXd sqrt_lambda = eig.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    const Eigen::MatrixXd s = eig.eigenvectors() * sqrt_lambda.asDiagonal();
    std::vector<double> out(static_cast<std::size_t>(n * n));
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) out[static_cast<std::size_t>(i * n + j)] = s(i, j);
    return out;
}

CorrelationRepair nearest_correlation_matrix(const Matrix& c) {
    const auto n = static_cast<Eigen::Index>(c.size());
    const Eigen::MatrixXd a = to_eigen(c);

    CorrelationRepair out;
    Eigen::MatrixXd y = a, correction = Eigen::MatrixXd::Zero(n, n);
    for (out.iterations = 1; out.iterations <= 10000; ++out.iterations) {
        const Eigen::MatrixXd r = y - correction;
        const Eigen::MatrixXd x = psd_projection(r);
        correction = x - r;
        Eigen::MatrixXd next = x;
        next.diagonal().setOnes();
        const double step = (next - y).cwiseAbs().maxCoeff();
        y = next;
        if (step < 1e-12) break;
    }
    // the unit-diagonal projection can leave an eigenvalue a rounding error below zero: one last
    // PSD projection, rescaled to a unit diagonal (a congruence, so it stays PSD)
    Eigen::MatrixXd z = psd_projection(y);
    const Eigen::VectorXd d = z.diagonal().cwiseSqrt().cwiseInverse();
    z = d.asDiagonal() * z * d.asDiagonal();
    z = (0.5 * (z + z.transpose())).eval();  // eval: z.transpose() aliases z
    z.diagonal().setOnes();

    out.matrix.assign(c.size(), std::vector<double>(c.size()));
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) {
            out.matrix[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = z(i, j);
            out.largest_change = std::max(out.largest_change, std::fabs(z(i, j) - a(i, j)));
        }
    return out;
}

}  // namespace marketsim
