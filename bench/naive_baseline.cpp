// The end-to-end speed-up over a naive implementation of the same model, on this machine:
//   marketsim_bench_naive [SCENARIO] [PATHS]      (default: the shipped baseline, 200000 paths)
// Both sides run one thread and are timed from the first draw to finished quantiles
// (naive: every value kept, std::nth_element; marketsim: marketsim::run's timed accumulate).
// Loading and compiling the scenario is outside both timings.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

#include <marketsim/run.hpp>
#include <marketsim/scenario.hpp>

#include "engine/engine.hpp"  // internal: sim/src

#include "naive_model.hpp"

#ifndef MARKETSIM_BENCH_SCENARIO
#define MARKETSIM_BENCH_SCENARIO "scenarios/baseline.toml"
#endif

int main(int argc, char** argv) {
    try {
        const std::string file = argc > 1 ? argv[1] : MARKETSIM_BENCH_SCENARIO;
        const std::uint64_t paths = argc > 2 ? std::stoull(argv[2]) : 200000;
        if (argc > 3 || paths == 0) {
            std::fprintf(stderr, "usage: marketsim_bench_naive [SCENARIO] [PATHS >= 1]\n");
            return 2;
        }
        const marketsim::Scenario scenario = marketsim::load_scenario(file);
        marketsim::RunOptions options;
        options.paths = paths;
        options.threads = 1;
        const marketsim::Model model = marketsim::compile_for_run(scenario, options.seed);
        const double samples = static_cast<double>(paths) * model.cell_count * model.years;

        const auto start = std::chrono::steady_clock::now();
        marketsim::bench::NaiveSimulator sim(model, model.seed);
        marketsim::bench::NaiveStats stats(model, scenario.quantiles);
        for (std::uint64_t p = 0; p < paths; ++p) stats.add(sim.next_path());
        stats.finish();
        const double naive_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

        const marketsim::Results r = marketsim::run(scenario, options);

        // the total in the horizon year: mean and the quantile nearest the median
        std::size_t k50 = 0;
        for (std::size_t k = 0; k < scenario.quantiles.size(); ++k)
            if (std::abs(scenario.quantiles[k] - 0.5) < std::abs(scenario.quantiles[k50] - 0.5)) k50 = k;
        const std::size_t last = static_cast<std::size_t>(model.years) * model.series_count();  // total, t = n
        const marketsim::Band& band = r.band(0, model.years);

        std::printf("scenario %s: %llu paths x %u cells x %d years = %.4g cell-year samples, one thread\n",
                    scenario.name.c_str(), static_cast<unsigned long long>(paths), model.cell_count, model.years,
                    samples);
        std::printf("timed: first draw to finished quantiles; loading and compiling the scenario are outside\n\n");
        std::printf("%-44s %9s %16s %12s %12s\n", "", "seconds", "samples/s", "total mean", "total q");
        std::printf("%-44s %9.3f %16.4g %12.6g %12.6g\n", "naive (mt19937_64, vectors, nth_element)", naive_seconds,
                    samples / naive_seconds, stats.mean(last), stats.quantile(last, k50));
        std::printf("%-44s %9.3f %16.4g %12.6g %12.6g\n", "marketsim (accumulate, 1 thread)", r.elapsed_seconds,
                    r.throughput(), band.mean, band.quantile[k50]);
        std::printf("\nspeed-up of marketsim over naive, one thread: %.2fx\n", naive_seconds / r.elapsed_seconds);
        std::printf("(total = %s in %d; q = quantile %g; the two use different random numbers, so they agree "
                    "only statistically: mean se about %.3g)\n",
                    model.series[0].c_str(), model.base_year + model.years, scenario.quantiles[k50], band.se_mean);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "marketsim_bench_naive: %s\n", e.what());
        return 1;
    }
}
