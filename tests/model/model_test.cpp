// Compiling a scenario: cells, base values, drifts, spreads, loadings and square roots (exact).
#include <cmath>

#include <catch2/catch.hpp>

#include "marketsim/error.hpp"
#include "model/model.hpp"
#include "test_support.hpp"

using namespace marketsim;

namespace {
const char* kTwoDims = R"(
[scenario]
base_year = 2022
horizon = 2026
base_value = 100
[growth]
rate = 0.05
long_run_sd = 0.01
annual_sd = 0.02
period = [ { from = 2024, to = 2025, rate = 0.08 } ]
[[dimension]]
name = "region"
members = [ { name = "a", share = 0.25, shift = 0.01, sd_scale = 2 }, { name = "b", share = 0.75, shift = -0.02 } ]
[[dimension]]
name = "type"
members = [ { name = "x", share = 0.4 }, { name = "y", share = 0.2, sd_scale = 1.5 }, { name = "z", share = 0.4 } ]
[correlation]
global = 0.36
region = 0.25
matrix.type = [[1, 1, 0], [1, 1, 0], [0, 0, 1]]
type = 0.16
)";
}  // namespace

TEST_CASE("cells are the product of the dimensions - last dimension fastest", "[model]") {
    const Model m = compile(test::scenario_from(kTwoDims), 1);
    REQUIRE(m.cell_count == 6);
    REQUIRE(m.member_count == 5);
    CHECK(m.years == 4);
    // cell 4 = (region b, type y)
    CHECK(m.cell_member[4 * 2] == 1);
    CHECK(m.cell_member[4 * 2 + 1] == 1);
    CHECK(m.base_value[4] == Approx(100 * 0.75 * 0.2).epsilon(1e-15));
    double sum = 0;
    for (double v : m.base_value) sum += v;
    CHECK(sum == Approx(100).epsilon(1e-14));
    CHECK(m.sd_long[0] == Approx(0.01 * 2));        // a/x
    CHECK(m.sd_annual[1] == Approx(0.02 * 2 * 1.5));  // a/y
    CHECK(m.sd_annual[4] == Approx(0.02 * 1.5));      // b/y
    // drift: ln(1 + rate(y) + shifts); 2024 and 2025 in the period
    CHECK(m.drift[4 * 4 + 0] == Approx(std::log1p(0.05 - 0.02)).epsilon(1e-15));
    CHECK(m.drift[4 * 4 + 1] == Approx(std::log1p(0.08 - 0.02)).epsilon(1e-15));
    CHECK(m.drift[0 * 4 + 2] == Approx(std::log1p(0.08 + 0.01)).epsilon(1e-15));
    CHECK(m.drift[0 * 4 + 3] == Approx(std::log1p(0.05 + 0.01)).epsilon(1e-15));
    CHECK(m.series == std::vector<std::string>{"total", "region=a", "region=b", "type=x", "type=y", "type=z"});
}

TEST_CASE("factor loadings are the square roots of the weights", "[model]") {
    const Model m = compile(test::scenario_from(kTwoDims), 1);
    CHECK(m.load_global == Approx(0.6));
    CHECK(m.load_dim[0] == Approx(0.5));
    CHECK(m.load_dim[1] == Approx(0.4));
    CHECK(m.load_idio == Approx(std::sqrt(1 - 0.36 - 0.25 - 0.16)));
    CHECK(m.root[0].empty());
    // S S^T reproduces a singular member matrix
    const std::vector<double>& s = m.root[1];
    REQUIRE(s.size() == 9);
    const double c[3][3] = {{1, 1, 0}, {1, 1, 0}, {0, 0, 1}};
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
            double v = 0;
            for (int k = 0; k < 3; ++k) v += s[i * 3 + k] * s[j * 3 + k];
            INFO("C[" << i << "][" << j << "]: calculated " << v << " expected " << c[i][j]);
            CHECK(std::fabs(v - c[i][j]) < 1e-12);
        }
}

TEST_CASE("the central path compounds the drifts", "[model]") {
    const Model m = compile(test::scenario_from(kTwoDims), 1);
    // region=a (series 1) in 2026: 25 x (1.06)(1.09)(1.09)(1.06)
    CHECK(m.central[1 * 5 + 4] == Approx(25 * 1.06 * 1.09 * 1.09 * 1.06).epsilon(1e-13));
    CHECK(m.central[0 * 5 + 0] == Approx(100).epsilon(1e-15));
}

TEST_CASE("event filters select the matching cells", "[model]") {
    const std::string text = std::string(kTwoDims) + R"(
[[event]]
name = "e"
probability = 0.5
from = 2020
to = 2024
impact = -0.1
where = { region = ["b"], type = ["x", "z"] }
)";
    const Model m = compile(test::scenario_from(text), 1);
    REQUIRE(m.events.size() == 1);
    CHECK(m.events[0].cells == std::vector<std::uint32_t>{3, 5});
    CHECK(m.events[0].first_fire == 1);  // clipped to base_year + 1
    CHECK(m.events[0].last_fire == 2);
}

TEST_CASE("three-point quantile functions match their closed forms", "[model][three_point]") {
    const std::string head = "[scenario]\nbase_year = 2022\nhorizon = 2030\nbase_value = 10\n[growth]\n";
    const auto model_with = [&](const std::string& long_run) {
        return compile(test::scenario_from(head + "long_run = " + long_run + "\n"), 1);
    };
    // PERT with mode at the midpoint: Beta(3, 3), CDF 10x^3 - 15x^4 + 6x^5 on [0, 1]
    const Model sym = model_with("{ dist = \"pert\", low = 0.0, mode = 0.5, high = 1.0 }");
    REQUIRE(sym.three_point);
    CHECK(sym.three_point->alpha == 3.0);
    CHECK(sym.three_point->beta == 3.0);
    for (double u : {0.01, 0.1, 0.3, 0.5, 0.77, 0.99}) {
        const double x = sym.three_point->quantile(u);
        const double cdf = 10 * std::pow(x, 3) - 15 * std::pow(x, 4) + 6 * std::pow(x, 5);
        INFO("u = " << u << ": CDF(Q(u)) calculated " << cdf << " expected " << u);
        CHECK(std::fabs(cdf - u) < 1e-12);
    }
    // PERT with mode at low: Beta(1, 5) on [0.02, 0.08], Q(u) = low + (high - low)(1 - (1 - u)^(1/5))
    const Model skew = model_with("{ dist = \"pert\", low = 0.02, mode = 0.02, high = 0.08 }");
    for (double u : {0.05, 0.5, 0.95}) {
        const double expected = 0.02 + 0.06 * (1 - std::pow(1 - u, 0.2));
        INFO("u = " << u << ": calculated " << skew.three_point->quantile(u) << " expected " << expected);
        CHECK(std::fabs(skew.three_point->quantile(u) - expected) < 1e-14);
    }
    // triangular: Q(u) = low + sqrt(u (high - low)(mode - low)) below the mode, mirrored above
    const Model tri = model_with("{ dist = \"triangular\", low = 0.01, mode = 0.05, high = 0.11 }");
    for (double u : {0.1, 0.4, 0.6, 0.9}) {
        const double fm = 0.4;  // (mode - low) / (high - low)
        const double expected = u < fm ? 0.01 + std::sqrt(u * 0.10 * 0.04) : 0.11 - std::sqrt((1 - u) * 0.10 * 0.06);
        INFO("u = " << u << ": calculated " << tri.three_point->quantile(u) << " expected " << expected);
        CHECK(std::fabs(tri.three_point->quantile(u) - expected) < 1e-14);
    }
    const Model uni = model_with("{ dist = \"uniform\", low = 0.0, high = 0.1 }");
    CHECK(uni.three_point->quantile(0.25) == Approx(0.025).epsilon(1e-15));
    CHECK(uni.three_point->mode == Approx(0.05).epsilon(1e-15));
}

TEST_CASE("the tabulated three-point quantile stays within 1e-7 of the exact one", "[model][three_point]") {
    const std::string head = "[scenario]\nbase_year = 2022\nhorizon = 2030\nbase_value = 10\n[growth]\nlong_run = ";
    for (const char* lr : {"{ dist = \"pert\", low = 0.03, mode = 0.052, high = 0.08 }",
                           "{ dist = \"pert\", low = -0.05, mode = -0.05, high = 0.2 }",
                           "{ dist = \"triangular\", low = 0.0, mode = 0.09, high = 0.1 }",
                           "{ dist = \"uniform\", low = -0.02, high = 0.3 }"}) {
        const Model m = compile(test::scenario_from(head + lr + "\n"), 1);
        double worst = 0, worst_z = 0;
        for (int i = 0; i <= 200000; ++i) {
            const double z = -8.2 + 16.4 * i / 200000.0 + 1e-7;
            const double exact = z <= 0 ? m.three_point->quantile(test::normal_cdf(z))
                                        : m.three_point->upper_quantile(test::normal_cdf(-z));
            const double err = std::fabs(m.three_point->quantile_of_normal(z) - exact);
            if (err > worst) worst = err, worst_z = z;
        }
        INFO(lr << ": largest error " << worst << " at z = " << worst_z << ", tolerance 1e-7");
        CHECK(worst < 1e-7);
    }
}
