#include "output/axis.hpp"

#include <cmath>

namespace marketsim {

double tick_step(double lo, double hi, int count) {
    if (!(hi > lo)) hi = lo + (lo == 0 ? 1 : std::fabs(lo) * 0.1);
    const double raw = (hi - lo) / count, mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0})
        if (raw <= m * mag) return m * mag;
    return 10 * mag;
}

std::vector<double> nice_ticks(double lo, double hi, int count) {
    if (!(hi > lo)) hi = lo + 1;
    const double step = tick_step(lo, hi, count);
    std::vector<double> out;
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push_back(std::fabs(v) < 1e-12 * step ? 0.0 : v);
    return out;
}

AxisRange axis_range(double lo, double hi, int count) {
    const double step = tick_step(lo, hi, count);
    if (!(hi > lo)) hi = lo;
    // a tick within a billionth of a step of the data counts as reached: no empty band for rounding
    double min = std::floor(lo / step + 1e-9) * step, max = std::ceil(hi / step - 1e-9) * step;
    if (!(max > min)) max = min + step;
    return {std::fabs(min) < 1e-12 * step ? 0.0 : min, max, step};
}

}  // namespace marketsim
