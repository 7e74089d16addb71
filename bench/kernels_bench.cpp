// Micro-benchmarks of the per-path kernels, on the shipped baseline (40 cells, 11 years, 52 factor
// draws per purpose; MARKETSIM_BENCH_SCENARIO in the environment picks another scenario).
// Every benchmark reports items/s; the item is named in its comment and in its label.
// MARKETSIM_SIMD=scalar|sse4|avx2|... in the environment pins the SIMD target of the vectorized
// kernels (marketsim::simd::pin_from_environment); the target in use is printed in the context.
//   ./build/release/bench/marketsim_bench_kernels --benchmark_min_time=0.2
#include <marketsim/scenario.hpp>
#include <marketsim/simd.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <random>
#include <string>
#include <vector>

#include "engine/engine.hpp"  // internal: sim/src
#include "naive_model.hpp"
#include "sampling/kernels.hpp"
#include "sampling/path.hpp"
#include "sampling/random.hpp"
#include "stats/quantile_sketch.hpp"

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
    static const Model m = marketsim::compile_for_run(scenario(), std::nullopt);
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
    state.SetLabel("Philox calls (4 words each)");
}
BENCHMARK(BM_Philox);

// Counter-based words in lanes: kernels::philox_words for 64 paths per call (4 words per path),
// one 32-bit word per item.
void BM_PhiloxLanes(benchmark::State& state) {
    constexpr std::uint32_t kPaths = 64;
    std::vector<std::uint32_t> out(4 * kPaths);
    std::uint64_t first = 0;
    std::uint32_t index = 0;
    for (auto _ : state) {
        marketsim::kernels::philox_words(model().seed, first, kPaths, marketsim::purpose::long_run, index, out.data(),
                                         kPaths);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
        if (++index == 1024) {
            index = 0;
            first += kPaths;
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(out.size()));
    state.SetLabel("32-bit words (64 paths x 4 per call)");
}
BENCHMARK(BM_PhiloxLanes);

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

// Uniform to normal, the double-precision reference: marketsim::normal_quantile (AS 241) over
// 4096 precomputed uniforms, one normal per item.
void BM_NormalQuantile(benchmark::State& state) {
    std::vector<double> u(4096);
    for (std::size_t k = 0; k < u.size(); ++k)
        u[k] = marketsim::uniform(model().seed, 0, marketsim::purpose::long_run, static_cast<std::uint32_t>(k));
    for (auto _ : state) {
        for (double x : u) benchmark::DoNotOptimize(marketsim::normal_quantile(x));
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(u.size()));
    state.SetLabel("normals (AS 241 inverse CDF, double)");
}
BENCHMARK(BM_NormalQuantile);

// Words to normals, the sampler's transform: kernels::normals_from_words (Box-Muller in single
// precision, SIMD; the scalar API's interleaved pairs) over 4096 precomputed Philox words, one
// normal per item. AS 241 above is the double-precision alternative it replaced.
void BM_NormalPair(benchmark::State& state) {
    std::vector<std::uint32_t> w(4096);
    for (std::uint32_t k = 0; k < w.size(); k += 4) {
        const auto r = marketsim::philox(model().seed, 0, marketsim::purpose::long_run, k / 4);
        for (std::uint32_t j = 0; j < 4; ++j) w[k + j] = r[j];
    }
    std::vector<float> z(w.size());
    for (auto _ : state) {
        marketsim::kernels::normals_from_words(w.data(), z.data(), w.size());
        benchmark::DoNotOptimize(z.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(w.size()));
    state.SetLabel("normals (Box-Muller pairs, float)");
}
BENCHMARK(BM_NormalPair);

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

/** 4096 doubles spread over [2, 5): log market values as the growth step exponentiates them. */
std::vector<double> exp_arguments() {
    std::vector<double> x(4096);
    for (std::size_t k = 0; k < x.size(); ++k)
        x[k] = 2.0 + 3.0 * marketsim::uniform(model().seed, 0, marketsim::purpose::long_run, static_cast<std::uint32_t>(k));
    return x;
}

// The sampler's exponential: kernels::exp (SIMD, relative error < 1e-15) over 4096 doubles, one
// e^x per item.
void BM_Exp(benchmark::State& state) {
    const std::vector<double> x = exp_arguments();
    std::vector<double> y(x.size());
    for (auto _ : state) {
        marketsim::kernels::exp(x.data(), y.data(), x.size());
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
    state.SetLabel("e^x (kernels::exp)");
}
BENCHMARK(BM_Exp);

// For comparison: std::exp (libm) over the same 4096 doubles, one e^x per item.
void BM_LibmExp(benchmark::State& state) {
    const std::vector<double> x = exp_arguments();
    std::vector<double> y(x.size());
    for (auto _ : state) {
        for (std::size_t k = 0; k < x.size(); ++k) y[k] = std::exp(x[k]);
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
    state.SetLabel("e^x (std::exp)");
}
BENCHMARK(BM_LibmExp);

// The factor combination of one year, scalar: correlated_normals (draws -> member factors -> Z per
// cell), one cell normal per item.
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

// One chunk of the vectorized sampler: ChunkSampler::simulate of capacity() paths, every year
// (draws, factor combination, events, growth, series sums; the year's factor combination and
// growth are not exported separately), into a sink that does nothing. One cell-year per item.
void BM_ChunkYear(benchmark::State& state) {
    const Model& m = model();
    marketsim::ChunkSampler sampler(m);
    const std::uint32_t cap = sampler.capacity();
    std::uint64_t first = 0;
    for (auto _ : state) {
        sampler.simulate(first, cap, [](int, const double* series, std::uint32_t) { benchmark::DoNotOptimize(series); });
        first += cap;
    }
    state.SetItemsProcessed(cell_years(state.iterations() * static_cast<std::int64_t>(cap)));
    state.SetLabel("cell-years (chunks of " + std::to_string(cap) + " paths)");
}
BENCHMARK(BM_ChunkYear);

// One path, the scalar reference: simulate_path alone (draws, factors, events, growth, series
// sums), one cell-year per item.
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

/** Paths [first, first + kBlockPaths) through a run's worker, as the block loop hands them over. */
void block_of(marketsim::BandWorker& w, std::uint64_t first) {
    w.begin_block(first);
    for (std::uint64_t p = first; p < first + marketsim::kBlockPaths; p += w.capacity())
        w.chunk(p, static_cast<std::uint32_t>(std::min<std::uint64_t>(w.capacity(), first + marketsim::kBlockPaths - p)));
    w.end_block(first);
}

// One path block end to end: kBlockPaths paths through a run's worker (the vectorized sampler
// and BandAccumulator::add_values) between begin_block and end_block, one cell-year per item.
void BM_PathBlock(benchmark::State& state) {
    const Model& m = model();
    marketsim::BandWorker worker(m, scenario().relative_accuracy, {});
    std::uint64_t block = 0;
    for (auto _ : state) block_of(worker, block++ * marketsim::kBlockPaths);
    benchmark::DoNotOptimize(worker.acc.paths());
    state.SetItemsProcessed(cell_years(state.iterations() * static_cast<std::int64_t>(marketsim::kBlockPaths)));
    state.counters["paths/s"] = benchmark::Counter(static_cast<double>(state.iterations() * marketsim::kBlockPaths),
                                                   benchmark::Counter::kIsRate);
    state.SetLabel("cell-years");
}
BENCHMARK(BM_PathBlock);

// The same block one path at a time: kBlockPaths paths through simulate_path and
// BandAccumulator::add_path, one cell-year per item.
void BM_PathBlockScalar(benchmark::State& state) {
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
    state.SetLabel("cell-years (simulate_path + add_path)");
}
BENCHMARK(BM_PathBlockScalar);

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

// Summary insert, the sampler's way: kernels::chunk_stats (power sums, bucket indices, min, max)
// and QuantileSketch::add_positive of 64 lognormal values (one series-year of a chunk) per call,
// no BandAccumulator; one value inserted per item.
void BM_SummaryInsert(benchmark::State& state) {
    constexpr std::uint32_t kLanes = 64;
    const std::vector<double> values = sample_values(4096);
    marketsim::QuantileSketch sketch(scenario().relative_accuracy);
    std::vector<double> partial(32, 0.0);
    std::vector<std::int64_t> index(kLanes);
    std::size_t at = 0;
    for (auto _ : state) {
        marketsim::kernels::ChunkExtremes ends;
        if (!marketsim::kernels::chunk_stats(values.data() + at, kLanes, scenario().base_value, sketch.multiplier(),
                                             partial.data(), index.data(), &ends)) {
            state.SkipWithError("chunk_stats refused the values");
            break;
        }
        sketch.add_positive(index.data(), kLanes, ends);
        at = (at + kLanes) % values.size();
    }
    benchmark::DoNotOptimize(partial.data());
    benchmark::DoNotOptimize(sketch);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kLanes));
    state.SetLabel("inserts (chunk_stats + add_positive, 64 per call)");
}
BENCHMARK(BM_SummaryInsert);

// Summary insert, one value at a time: QuantileSketch::add at the scenario's relative accuracy.
void BM_QuantileSketchAdd(benchmark::State& state) {
    const std::vector<double> values = sample_values(4096);
    marketsim::QuantileSketch sketch(scenario().relative_accuracy);
    for (auto _ : state) {
        for (double v : values) sketch.add(v);
        benchmark::DoNotOptimize(sketch);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values.size()));
    state.SetLabel("inserts (QuantileSketch::add)");
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
// sketch and exact sums, after a block of kBlockPaths paths) into the total.
void BM_AccumulatorMerge(benchmark::State& state) {
    const Model& m = model();
    marketsim::BandWorker worker(m, scenario().relative_accuracy, {});
    block_of(worker, 0);
    const marketsim::BandAccumulator& part = worker.acc;
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

// benchmark_main plus the SIMD target: MARKETSIM_SIMD pins it before anything runs.
int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    try {
        if (const char* env = std::getenv("MARKETSIM_SIMD"); env && *env) marketsim::simd::pin_from_environment();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "marketsim_bench_kernels: MARKETSIM_SIMD: %s\n", e.what());
        return 1;
    }
    benchmark::AddCustomContext("simd", marketsim::simd::target());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
