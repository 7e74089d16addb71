// Nearest correlation matrix: Higham's published examples (known answers) and the properties
// of every repair (exact checks with stated tolerances).
#include <cmath>

#include <Eigen/Eigenvalues>
#include <catch2/catch.hpp>

#include "math/correlation.hpp"
#include "test_support.hpp"

using namespace marketsim;
using Matrix = std::vector<std::vector<double>>;

namespace {

double lowest_eigenvalue_by_eigen(const Matrix& c) {
    const auto n = static_cast<Eigen::Index>(c.size());
    Eigen::MatrixXd m(n, n);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) m(i, j) = c[i][j];
    return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(m, Eigen::EigenvaluesOnly).eigenvalues().minCoeff();
}

void check_close(const Matrix& got, const Matrix& expected, double tol) {
    for (std::size_t i = 0; i < got.size(); ++i)
        for (std::size_t j = 0; j < got.size(); ++j) {
            INFO("entry [" << i << "][" << j << "]: calculated " << got[i][j] << " expected " << expected[i][j]
                           << " error " << got[i][j] - expected[i][j] << " tolerance " << tol);
            CHECK(std::fabs(got[i][j] - expected[i][j]) <= tol);
        }
}

void check_valid(const Matrix& c) {
    for (std::size_t i = 0; i < c.size(); ++i) {
        CHECK(c[i][i] == 1.0);
        for (std::size_t j = 0; j < c.size(); ++j) CHECK(c[i][j] == c[j][i]);
    }
    INFO("smallest eigenvalue " << lowest_eigenvalue_by_eigen(c));
    CHECK(lowest_eigenvalue_by_eigen(c) >= -1e-12);
}

}  // namespace

TEST_CASE("nearest correlation matrix reproduces Higham's examples", "[correlation]") {
    // Higham (2002), section 4: published to four decimals
    const CorrelationRepair a = nearest_correlation_matrix({{1, 1, 0}, {1, 1, 1}, {0, 1, 1}});
    check_close(a.matrix, {{1, 0.7607, 0.1573}, {0.7607, 1, 0.7607}, {0.1573, 0.7607, 1}}, 5e-5);
    check_valid(a.matrix);
    CHECK(a.largest_change == Approx(1 - 0.7607).epsilon(1e-3));

    const CorrelationRepair b =
        nearest_correlation_matrix({{2, -1, 0, 0}, {-1, 2, -1, 0}, {0, -1, 2, -1}, {0, 0, -1, 2}});
    check_close(b.matrix,
                {{1, -0.8084, 0.1916, 0.1068},
                 {-0.8084, 1, -0.6562, 0.1916},
                 {0.1916, -0.6562, 1, -0.8084},
                 {0.1068, 0.1916, -0.8084, 1}},
                5e-5);
    check_valid(b.matrix);
}

TEST_CASE("a repaired matrix is a valid correlation matrix near the original", "[correlation]") {
    const Matrix bad = {{1, 0.9, 0.9, 0.1}, {0.9, 1, -0.9, 0.2}, {0.9, -0.9, 1, 0.3}, {0.1, 0.2, 0.3, 1}};
    REQUIRE(lowest_eigenvalue_by_eigen(bad) < -0.5);
    const CorrelationRepair r = nearest_correlation_matrix(bad);
    check_valid(r.matrix);
    double largest = 0;
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 4; ++j) largest = std::max(largest, std::fabs(r.matrix[i][j] - bad[i][j]));
    CHECK(r.largest_change == largest);
    CHECK(r.largest_change > 0.1);
    CHECK(r.largest_change < 1.0);
    // a valid matrix is already nearest to itself
    const CorrelationRepair same = nearest_correlation_matrix({{1, 0.5}, {0.5, 1}});
    check_close(same.matrix, {{1, 0.5}, {0.5, 1}}, 1e-12);
    CHECK(same.largest_change < 1e-12);
}

TEST_CASE("correlation.repair replaces an invalid member matrix and says so", "[correlation][scenario_file]") {
    const std::string text = R"(
[scenario]
base_year = 2022
horizon = 2025
base_value = 1
[growth]
rate = 0.05
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.3 }, { name = "b", share = 0.3 }, { name = "c", share = 0.4 } ]
[correlation]
region = 0.5
matrix.region = [[1, 1, 0], [1, 1, 1], [0, 1, 1]]
)";
    CHECK_THROWS_WITH(test::scenario_from(text), Catch::Contains("not positive semi-definite") &&
                                                     Catch::Contains("correlation.repair = true"));
    const Scenario sc = test::scenario_from(text + "repair = true\n");
    REQUIRE(sc.corr_repaired.count("region") == 1);
    CHECK(sc.corr_repaired.at("region") == Approx(1 - 0.7607).epsilon(1e-3));
    REQUIRE(sc.warnings.size() == 1);
    CHECK_THAT(sc.warnings[0], Catch::Contains("correlation.matrix.region") && Catch::Contains("nearest valid"));
    check_valid(sc.corr_matrix.at("region"));
}
