#include "marketsim/calibrate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

#include <boost/math/tools/toms748_solve.hpp>
#include <tbb/enumerable_thread_specific.h>

#include "core/memory.hpp"
#include "engine/block_loop.hpp"
#include "engine/engine.hpp"
#include "marketsim/cluster.hpp"
#include "marketsim/error.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/simd.hpp"
#include "scenario/series.hpp"
#include "stats/quantiles.hpp"

namespace marketsim {
namespace {

/** The worker of one evaluation: the value of one series-year of every path it samples, written
 *  into `values` at the path's index (one writer per element). */
struct SeriesYearWorker {
    SeriesYearWorker(const Model& model, std::uint32_t series, int t, std::vector<double>& values)
        : sampler(model), series(series), t(t), values(&values) {}
    ChunkSampler sampler;
    std::uint32_t series;
    int t;
    std::vector<double>* values;

    std::uint32_t capacity() const noexcept { return sampler.capacity(); }
    void begin_block(std::uint64_t) noexcept {}
    void end_block(std::uint64_t) noexcept {}
    void chunk(std::uint64_t first, std::uint32_t lanes) {
        const std::uint32_t cap = sampler.capacity();
        sampler.simulate(first, lanes, [&](int year, const double* s, std::uint32_t n) {
            if (year != t) return;
            const double* x = s + static_cast<std::size_t>(series) * cap;
            for (std::uint32_t i = 0; i < n; ++i)
                if (!std::isfinite(x[i])) throw_overflow(sampler.model(), series, t);
            std::copy(x, x + n, values->begin() + static_cast<std::ptrdiff_t>(first));
        });
    }
};

/** One evaluation: the scenario at value x, the exact values of one series-year on every path. */
struct Evaluator {
    const Scenario& base;
    const CalibrationTarget& target;
    const CalibrateOptions& options;
    RunOptions run_options;  ///< with the seed fixed
    int evaluations = 0;
    std::map<double, double> seen;  ///< x -> statistic

    struct Result {
        double statistic = 0.0;
        double half_width = 0.0;  ///< 95% Monte Carlo
    };

    Result operator()(double x) {
        const Scenario sc = with_sets(base, {options.path + "=" + format_number(x)});
        const Model model = compile_for_run(sc, run_options.seed);
        const auto series = static_cast<std::uint32_t>(detail::find_series(model.series, target.series));
        if (target.year < sc.base_year || target.year > sc.horizon)
            throw InputError("year " + std::to_string(target.year) + " is outside the scenario's years " +
                             std::to_string(sc.base_year) + "-" + std::to_string(sc.horizon));
        const std::uint64_t n = run_options.paths;
        // each path's value is kept (exact order statistics); plus a sorted copy
        require_memory(2.0 * 8.0 * static_cast<double>(n), "use fewer --paths");
        std::vector<double> values(n);
        tbb::enumerable_thread_specific<SeriesYearWorker> workers(
            [&] { return SeriesYearWorker(model, series, target.year - sc.base_year, values); });
        BlockPlan plan;
        plan.paths = n;
        plan.threads = run_options.threads;
        plan.stop = run_options.stop;
        require_whole(sample_blocks(plan, workers));
        cluster::sum(values);  // each path's value came from one process (MPI), the others hold zeros
        ++evaluations;
        Result r;
        if (options.statistic == Statistic::mean) {
            double sum = 0.0, sum2 = 0.0;
            for (double v : values) sum += v;  // in path order: the same on any thread count
            const double mean = sum / static_cast<double>(n);
            for (double v : values) sum2 += (v - mean) * (v - mean);
            r.statistic = mean;
            r.half_width = n > 1 ? kZ95 * std::sqrt(sum2 / static_cast<double>(n - 1) / static_cast<double>(n)) : 0.0;
        } else {
            std::sort(values.begin(), values.end());
            r.statistic = sorted_quantile(values, 0.5);
            const auto [lo, hi] = order_statistic_interval(n, 0.5);
            r.half_width = 0.5 * (values[hi] - values[lo]);
        }
        seen[x] = r.statistic;
        return r;
    }
};

}  // namespace

const char* statistic_name(Statistic s) { return s == Statistic::p50 ? "p50" : "mean"; }

Statistic parse_statistic(std::string_view text) {
    if (text == "p50") return Statistic::p50;
    if (text == "mean") return Statistic::mean;
    throw InputError("--stat " + std::string(text) + ": choose p50 or mean");
}

CalibrationTarget parse_calibration_target(std::string_view text) {
    const std::string where = "--target " + std::string(text) + ": ";
    const std::size_t eq = text.rfind('='), colon = text.rfind(':', eq);
    if (eq == std::string_view::npos || colon == std::string_view::npos || colon == 0)
        throw InputError(where + "expected SERIES:YEAR=VALUE, e.g. total:2030=53.8");
    CalibrationTarget t;
    t.series = std::string(text.substr(0, colon));
    const auto year = parse_number(text.substr(colon + 1, eq - colon - 1));
    const auto value = parse_number(text.substr(eq + 1));
    if (!year || *year != std::floor(*year)) throw InputError(where + "the year must be a whole number");
    if (!value) throw InputError(where + "the value must be a number");
    t.year = static_cast<int>(*year);
    t.value = *value;
    return t;
}

Calibration calibrate(const Scenario& base, const CalibrationTarget& target, const CalibrateOptions& options,
                      const RunOptions& run_options) {
    if (run_options.paths < 2) throw InputError("calibrate needs at least 2 paths");
    apply_simd(run_options);
    const auto started = std::chrono::steady_clock::now();
    Calibration c;
    c.scenario = base.name;
    c.target = target;
    c.stat = options.statistic;
    c.tolerance = options.tolerance;
    c.path = options.path;
    c.warnings = base.warnings;
    c.seed = run_options.seed.value_or(base.seed);
    c.paths = run_options.paths;
    c.threads = thread_count(run_options.threads);
    c.processes = cluster::size();
    c.simd = simd::target();
    const std::optional<double> start = numeric_value(base, options.path);
    if (!start && !options.bracket)
        throw InputError("calibrate cannot read '" + options.path + "' from the scenario to place the search: give --bracket LO:HI");
    if (start) c.start = *start;
    if (options.bracket) {
        c.lo = options.bracket->first;
        c.hi = options.bracket->second;
        if (!(c.lo < c.hi)) throw InputError("--bracket: the low end must be below the high end");
    } else {
        const double d = std::max(0.05, std::fabs(*start));
        c.lo = *start - d;
        c.hi = *start + d;
    }

    Evaluator eval{base, target, options, run_options, 0, {}};
    eval.run_options.seed = c.seed;  // common random numbers at every evaluation
    const double f_lo = eval(c.lo).statistic - target.value, f_hi = eval(c.hi).statistic - target.value;
    if (f_lo == 0.0 || f_hi == 0.0) {
        c.value = f_lo == 0.0 ? c.lo : c.hi;
    } else {
        if ((f_lo > 0) == (f_hi > 0)) {
            std::ostringstream msg;
            msg << "no value of " << options.path << " in [" << format_number(c.lo) << ", " << format_number(c.hi)
                << "] reaches " << format_number(target.value) << ": the " << statistic_name(options.statistic) << " of "
                << target.series << " in " << target.year << " spans " << format_number(f_lo + target.value) << " to "
                << format_number(f_hi + target.value) << " there (widen it with --bracket LO:HI)";
            throw InputError(msg.str());
        }
        std::uintmax_t max_iter = 100;
        const double tol = options.tolerance;
        const auto [a, b] = boost::math::tools::toms748_solve(
            [&](double x) { return eval(x).statistic - target.value; }, c.lo, c.hi, f_lo, f_hi,
            [tol](double u, double v) { return std::fabs(v - u) <= tol; }, max_iter);
        c.value = 0.5 * (a + b);
    }
    // the statistic at the solution, and the slope from the nearest evaluations on either side
    const Evaluator::Result at = eval(c.value);
    c.statistic = at.statistic;
    c.statistic_half_width = at.half_width;
    double below = c.lo, above = c.hi;
    for (const auto& [x, s] : eval.seen) {
        if (x < c.value && x > below) below = x;
        if (x > c.value && x < above) above = x;
    }
    c.slope = (eval.seen[above] - eval.seen[below]) / (above - below);
    c.value_half_width = c.slope != 0.0 ? at.half_width / std::fabs(c.slope) : std::numeric_limits<double>::infinity();
    c.evaluations = eval.evaluations;
    c.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return c;
}

std::string calibrated_scenario_toml(const Scenario& scenario, const std::string& out_file, const Calibration& c) {
    namespace fs = std::filesystem;
    const fs::path from = fs::absolute(fs::path(out_file)).parent_path();
    const fs::path base = fs::relative(fs::absolute(fs::path(scenario.source.file)), from);
    const char* stat = statistic_name(c.stat);
    std::ostringstream out;
    out << "# Calibrated by marketsim calibrate: " << c.path << " so that the " << stat << " of " << c.target.series
        << " in " << c.target.year << " is " << format_number(c.target.value) << ".\n"
        << "# " << c.paths << " paths, seed " << c.seed << "; at the solution the " << stat << " is "
        << format_number(c.statistic) << " +/- " << format_number(c.statistic_half_width)
        << " (95% Monte Carlo), so the solution is good to +/- " << format_number(c.value_half_width) << ".\n"
        << "extends = \"" << base.generic_string() << "\"\n\n[set]\n";
    for (const std::string& s : scenario.source.sets) {
        const std::size_t eq = s.find('=');
        out << '"' << s.substr(0, eq) << "\" = " << s.substr(eq + 1) << '\n';
    }
    out << '"' << c.path << "\" = " << format_number(c.value) << '\n';
    return out.str();
}

}  // namespace marketsim
