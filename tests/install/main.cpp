// Prints values consumer_test.cmake checks: a compiled library function (hex64), a header one
// (fnv1a64) and a QuantileSketch round trip.
#include <marketsim/hash.hpp>
#include <marketsim/quantile_sketch.hpp>

#include <cstdio>

int main() {
    marketsim::QuantileSketch sketch;  // relative accuracy 1e-4: the median prints exactly
    for (int i = 1; i <= 1001; ++i) sketch.add(i);
    std::printf("hash=%s count=%llu min=%.0f max=%.0f median=%.0f\n",
                marketsim::hex64(marketsim::fnv1a64("marketsim")).c_str(),
                static_cast<unsigned long long>(sketch.count()), sketch.min(), sketch.max(),
                sketch.quantile(0.5));
    return 0;
}
