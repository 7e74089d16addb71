#include "model/three_point.hpp"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/triangular.hpp>

namespace marketsim {

double ThreePoint::quantile(double u) const {
    switch (kind) {
        case Kind::pert:
            return low + (high - low) * boost::math::quantile(boost::math::beta_distribution<>(alpha, beta), u);
        case Kind::triangular:
            return boost::math::quantile(boost::math::triangular_distribution<>(low, mode, high), u);
        case Kind::uniform:
            break;
    }
    return low + (high - low) * u;
}

void ThreePoint::tabulate() {
    table.resize(kTablePoints);
    const double h = 2 * kTableZ / (kTablePoints - 1);
    for (int i = 0; i < kTablePoints; ++i) {
        const double z = -kTableZ + i * h;
        // above the median take the upper tail's probability, which keeps its precision
        table[i] = z <= 0 ? quantile(0.5 * std::erfc(-z * M_SQRT1_2)) : upper_quantile(0.5 * std::erfc(z * M_SQRT1_2));
    }
}

double ThreePoint::upper_quantile(double v) const {
    switch (kind) {
        case Kind::pert:
            return low + (high - low) * boost::math::quantile(
                                            boost::math::complement(boost::math::beta_distribution<>(alpha, beta), v));
        case Kind::triangular:
            return boost::math::quantile(
                boost::math::complement(boost::math::triangular_distribution<>(low, mode, high), v));
        case Kind::uniform:
            break;
    }
    return high - (high - low) * v;
}

double ThreePoint::quantile_of_normal(double z) const noexcept {
    const double pos = (std::clamp(z, -kTableZ, kTableZ) + kTableZ) * ((kTablePoints - 1) / (2 * kTableZ));
    const int i = std::min(static_cast<int>(pos), kTablePoints - 2);
    const double f = pos - i;
    return table[i] + f * (table[i + 1] - table[i]);
}

}  // namespace marketsim
