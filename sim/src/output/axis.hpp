#pragma once
// The value axis of a chart, shared by the HTML report and the workbook so that both choose the
// same ticks: steps of 1, 2 or 5 x 10^k.
//
//     tick_step(41.3, 78.9, 5) == 10;   axis_range(41.3, 78.9, 5) == {40, 80, 10}

#include <vector>

namespace marketsim {

/** The step, 1, 2 or 5 x 10^k, that splits [lo, hi] into about `count` intervals (at least one). */
double tick_step(double lo, double hi, int count);

/** The ticks `tick_step` apart that lie within [lo, hi]. */
std::vector<double> nice_ticks(double lo, double hi, int count);

/** A value axis fitted to the data [lo, hi]: from the tick at or below lo to the tick at or above
 *  hi, `step` apart. */
struct AxisRange {
    double min;
    double max;
    double step;
};
AxisRange axis_range(double lo, double hi, int count);

}  // namespace marketsim
