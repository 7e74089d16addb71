// Micro-benchmarks of the per-path kernels.
#include <marketsim/quantile_sketch.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

// Counting one value into the sketch: the accumulator's per-path cost.
void BM_QuantileSketchAdd(benchmark::State& state) {
    std::vector<double> values(4096);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = 100.0 * (1.0 + 0.01 * static_cast<double>(i % 97)) - 50.0;
    marketsim::QuantileSketch sketch;
    for (auto _ : state) {
        for (double v : values) sketch.add(v);
        benchmark::DoNotOptimize(sketch);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values.size()));
}
BENCHMARK(BM_QuantileSketchAdd);

}  // namespace
