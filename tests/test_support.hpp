#pragma once
// Helpers shared by the tests: scenarios from text, closed forms.
#include <cmath>
#include <string>

#include "marketsim/scenario.hpp"

namespace marketsim::test {

/** A scenario from TOML text, as if read from `name` in the current folder. */
inline Scenario scenario_from(const std::string& toml, const std::string& name = "test.toml",
                              const std::vector<std::string>& sets = {}) {
    return parse_scenario(toml, name, sets);
}

inline double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
inline double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI); }

/** z with normal_cdf(z) = p, by bisection on erfc (independent of the library's AS 241). */
inline double normal_quantile_ref(double p) {
    double lo = -40, hi = 40;
    for (int i = 0; i < 200; ++i) {
        const double mid = 0.5 * (lo + hi);
        (normal_cdf(mid) < p ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

inline std::string source_dir() { return MARKETSIM_SOURCE_DIR; }

}  // namespace marketsim::test
