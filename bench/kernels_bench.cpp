// Micro-benchmarks of the per-path kernels, on the shipped baseline (40 cells, 11 years, 52 factor
// draws per purpose; MARKETSIM_BENCH_SCENARIO in the environment picks another scenario).
// Every benchmark reports items/s; the item is named in its comment and in its label.
//   ./build/release/bench/marketsim_bench_kernels --benchmark_min_time=0.2
#include <marketsim/accumulator.hpp>
#include <marketsim/engine.hpp>
#include <marketsim/model.hpp>
#include <marketsim/quantile_sketch.hpp>
#include <marketsim/random.hpp>
#include <marketsim/sampler.hpp>
#include <marketsim/scenario_file.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

#include "naive_model.hpp"

#ifndef MARKETSIM_BENCH_SCENARIO
#define MARKETSIM_BENCH_SCENARIO "scenarios/baseline.toml"
#endif

namespace {

using marketsim::Model;

const marketsim::Scenario& scenario() {
    static const marketsim::Scenario s = [] {
        const char* env = std::getenv("MARKETSIM_BENCH_SCENARIO");
        return marketsim::load_scenario(env && *env ? env : MARKETSIM_BENCH_SCENARIO);
    }();
    return s;
}

const Model& model() {
    static const Model m = marketsim::compile_for_run(scenario(), marketsim::RunOptions{});
    return m;
}

std::int64_t cell_years(std::int64_t paths) {
    return paths * model().cell_count * model().years;
}

/** Lognormal values around the base value with a 15% spread, as a series-year sees them. */
std::vector<double> sample_values(std::size_t n, std::uint64_t path = 0) {
    std::vector<double> v(n);
    marketsim::normals(model().seed, path, marketsim::purpose::long_run, v.data(), static_cast<std::uint32_t>(n));
    for (double& x : v) x = scenario().base_value * std::exp(0.15 * x);
    return v;
}

// Philox4x32-10 calls (4 words each).
void BM_Philox(benchmark::State& state) {
    std::uint64_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(marketsim::philox(model().seed, i >> 10, 0, static_cast<std::uint32_t>(i & 1023)));
        ++i;
    }
    state.SetItemsProcessed(state.iterations());
    state.SetLabel("Philox calls");
}
BENCHMARK(BM_Philox);

// Counter-based uniforms: marketsim::uniform, one call per uniform.
void BM_Uniform(benchmark::State& state) {
    std::uint64_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            marketsim::uniform(model().seed, i >> 10, marketsim::purpose::long_run, static_cast<std::uint32_t>(i & 1023)));
        ++i;
    }
    state.SetItemsProcessed(state.iterations());
    state.SetLabel("uniforms");
}
BENCHMARK(BM_Uniform);

// Uniform to normal: marketsim::normal_quantile (AS 241) over 4096 precomputed uniforms.
void BM_NormalQuantile(benchmark::State& state) {
    std::vector<double> u(4096);
    for (std::size_t k = 0; k < u.size(); ++k)
        u[k] = marketsim::uniform(model().seed, 0, marketsim::purpose::long_run, static_cast<std::uint32_t>(k));
    for (auto _ : state) {
        for (double x : u) benchmark::DoNotOptimize(marketsim::normal_quantile(x));
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(u.size()));
    state.SetLabel("normals");
}
BENCHMARK(BM_NormalQuantile);

// Counter-based normals in batches: marketsim::normals of Arg normals per call (0: the model's
// factor draws, the engine's batch: one purpose of one path).
void BM_Normals(benchmark::State& state) {
    const auto n = static_cast<std::uint32_t>(state.range(0) > 0 ? state.range(0) : model().factor_draws());
    std::vector<double> out(n);
    std::uint64_t path = 0;
    for (auto _ : state) {
        marketsim::normals(model().seed, path++, marketsim::purpose::annual(model().base_year + 1), out.data(), n);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
    state.SetLabel("normals, " + std::to_string(n) + " per call");
}
BENCHMARK(BM_Normals)->Arg(0)->Arg(1024);

// The naive baseline's normals: std::normal_distribution on one std::mt19937_64 stream.
void BM_NaiveNormal(benchmark::State& state) {
    std::mt19937_64 rng(model().seed);
    std::normal_distribution<double> normal;
    for (auto _ : state) benchmark::DoNotOptimize(normal(rng));
    state.SetItemsProcessed(state.iterations());
    state.SetLabel("normals (mt19937_64, std::normal_distribution)");
}
BENCHMARK(BM_NaiveNormal);

// The factor combination of one year: correlated_normals (draws -> member factors -> Z per cell).
void BM_CorrelatedNormals(benchmark::State& state) {
    const Model& m = model();
    std::vector<double> normals(m.factor_draws());
    marketsim::normals(m.seed, 0, marketsim::purpose::long_run, normals.data(), m.factor_draws());
    std::vector<float> draws(normals.begin(), normals.end()), factor(m.member_count), z(m.cell_count);
    for (auto _ : state) {
        marketsim::correlated_normals(m, draws.data(), factor.data(), z.data());
        benchmark::DoNotOptimize(z.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(m.cell_count));
    state.SetLabel("cell normals (one year: " + std::to_string(m.cell_count) + ")");
}
BENCHMARK(BM_CorrelatedNormals);

// One path: simulate_path alone (draws, factors, events, growth, series sums).
void BM_SimulatePath(benchmark::State& state) {
    const Model& m = model();
    marketsim::PathWorkspace ws(m);
    std::vector<double> out(static_cast<std::size_t>(m.years + 1) * m.series_count());
    std::uint64_t path = 0;
    for (auto _ : state) {
        marketsim::simulate_path(m, path++, ws, out.data());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(cell_years(state.iterations()));
    state.SetLabel("cell-years");
}
BENCHMARK(BM_SimulatePath);

// One path block end to end: kBlockPaths paths through simulate_path and BandAccumulator::add_path.
void BM_PathBlock(benchmark::State& state) {
    const Model& m = model();
    marketsim::PathWorkspace ws(m);
    std::vector<double> out(static_cast<std::size_t>(m.years + 1) * m.series_count());
    marketsim::BandAccumulator acc(m, scenario().relative_accuracy, {});
    std::uint64_t block = 0;
    for (auto _ : state) {
        acc.begin_block();
        for (std::uint64_t p = block * marketsim::kBlockPaths; p < (block + 1) * marketsim::kBlockPaths; ++p) {
            marketsim::simulate_path(m, p, ws, out.data());
            acc.add_path(out.data());
        }
        acc.end_block();
        ++block;
    }
    benchmark::DoNotOptimize(acc.paths());
    state.SetItemsProcessed(cell_years(state.iterations() * static_cast<std::int64_t>(marketsim::kBlockPaths)));
    state.counters["paths/s"] = benchmark::Counter(static_cast<double>(state.iterations() * marketsim::kBlockPaths),
                                                   benchmark::Counter::kIsRate);
    state.SetLabel("cell-years");
}
BENCHMARK(BM_PathBlock);

// The naive baseline's path block: the same model with mt19937_64, std::normal_distribution, a
// vector per path, every value kept (naive_model.hpp). Its end-of-run nth_element is not in here:
// see marketsim_bench_naive for the end-to-end comparison.
void BM_NaivePathBlock(benchmark::State& state) {
    const Model& m = model();
    marketsim::bench::NaiveSimulator sim(m, m.seed);
    marketsim::bench::NaiveStats stats(m, scenario().quantiles);
    for (auto _ : state)
        for (std::uint64_t p = 0; p < marketsim::kBlockPaths; ++p) stats.add(sim.next_path());
    benchmark::DoNotOptimize(stats.paths());
    state.SetItemsProcessed(cell_years(state.iterations() * static_cast<std::int64_t>(marketsim::kBlockPaths)));
    state.counters["paths/s"] = benchmark::Counter(static_cast<double>(state.iterations() * marketsim::kBlockPaths),
                                                   benchmark::Counter::kIsRate);
    state.SetLabel("cell-years");
}
BENCHMARK(BM_NaivePathBlock);

// Summary insert: QuantileSketch::add of one value at the scenario's relative accuracy.
void BM_QuantileSketchAdd(benchmark::State& state) {
    const std::vector<double> values = sample_values(4096);
    marketsim::QuantileSketch sketch(scenario().relative_accuracy);
    for (auto _ : state) {
        for (double v : values) sketch.add(v);
        benchmark::DoNotOptimize(sketch);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values.size()));
    state.SetLabel("inserts");
}
BENCHMARK(BM_QuantileSketchAdd);

// Summary merge: QuantileSketch::merge of a sketch holding 65536 lognormal values (one
// series-year of a thread) into another.
void BM_QuantileSketchMerge(benchmark::State& state) {
    marketsim::QuantileSketch a(scenario().relative_accuracy), b(scenario().relative_accuracy);
    for (double v : sample_values(65536, 1)) a.add(v);
    for (double v : sample_values(65536, 2)) b.add(v);
    for (auto _ : state) {
        marketsim::QuantileSketch into = a;
        into.merge(b);
        benchmark::DoNotOptimize(into);
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["buckets"] = static_cast<double>(b.bucket_count());
    state.SetLabel("merges (incl. a copy)");
}
BENCHMARK(BM_QuantileSketchMerge);

// The end of a run: BandAccumulator::merge of one thread's accumulator (every series-year's
// sketch and exact sums, after kBlockPaths paths) into the total.
void BM_AccumulatorMerge(benchmark::State& state) {
    const Model& m = model();
    marketsim::PathWorkspace ws(m);
    std::vector<double> out(static_cast<std::size_t>(m.years + 1) * m.series_count());
    marketsim::BandAccumulator part(m, scenario().relative_accuracy, {});
    part.begin_block();
    for (std::uint64_t p = 0; p < marketsim::kBlockPaths; ++p) {
        marketsim::simulate_path(m, p, ws, out.data());
        part.add_path(out.data());
    }
    part.end_block();
    for (auto _ : state) {
        marketsim::BandAccumulator total(m, scenario().relative_accuracy, {});
        total.merge(part);
        benchmark::DoNotOptimize(total.paths());
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["series-years"] = static_cast<double>(part.stats());
    state.SetLabel("merges (incl. constructing the total)");
}
BENCHMARK(BM_AccumulatorMerge);

}  // namespace
