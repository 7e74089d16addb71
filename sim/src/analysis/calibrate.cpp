#include "marketsim/calibrate.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include <boost/math/tools/toms748_solve.hpp>
#include <tbb/enumerable_thread_specific.h>

#include "core/memory.hpp"
#include "analysis/inputs.hpp"
#include "engine/block_loop.hpp"
#include "engine/engine.hpp"
#include "marketsim/cluster.hpp"
#include "marketsim/error.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/quantiles.hpp"
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

/** Evaluations of the scenario at value x: the exact values of one series-year on every path. */
struct Evaluator {
    const Scenario& base;
    const CalibrationTarget& target;
    const CalibrateOptions& options;
    InputKind kind;          ///< of options.path: a share moves with its row
    RunOptions run_options;  ///< with the seed fixed
    int evaluations = 0;
    std::map<double, double> seen;  ///< x -> statistic (or the share of paths meeting the target)

    struct Result {
        double statistic = 0.0;
        double half_width = 0.0;  ///< 95% Monte Carlo
    };

    std::vector<double> values(double x) {
        const Scenario sc = with_sets(base, input_sets(options.path, x, kind));
        const Model model = compile_for_run(sc, run_options.seed);
        const auto series = static_cast<std::uint32_t>(detail::find_series(model.series, target.series));
        if (target.year < sc.base_year || target.year > sc.horizon)
            throw InputError("year " + std::to_string(target.year) + " is outside the scenario's years " +
                             std::to_string(sc.base_year) + "-" + std::to_string(sc.horizon));
        const std::uint64_t n = run_options.paths;
        // each path's value is kept (exact order statistics); plus a sorted copy
        require_memory(2.0 * 8.0 * static_cast<double>(n), "use fewer --paths");
        std::vector<double> v(n);
        tbb::enumerable_thread_specific<SeriesYearWorker> workers(
            [&] { return SeriesYearWorker(model, series, target.year - sc.base_year, v); });
        BlockPlan plan;
        plan.paths = n;
        plan.threads = run_options.threads;
        plan.stop = run_options.stop;
        require_whole(sample_blocks(plan, workers));
        cluster::sum(v);  // each path's value came from one process (MPI), the others hold zeros
        ++evaluations;
        return v;
    }

    /** The statistic at x. */
    Result operator()(double x) {
        std::vector<double> v = values(x);
        const std::uint64_t n = v.size();
        Result r;
        if (options.statistic.mean) {
            double sum = 0.0, sum2 = 0.0;
            for (double y : v) sum += y;  // in path order: the same on any thread count
            const double mean = sum / static_cast<double>(n);
            for (double y : v) sum2 += (y - mean) * (y - mean);
            r.statistic = mean;
            r.half_width = n > 1 ? kZ95 * std::sqrt(sum2 / static_cast<double>(n - 1) / static_cast<double>(n)) : 0.0;
        } else {
            const double q = options.statistic.quantile;
            std::sort(v.begin(), v.end());
            r.statistic = sorted_quantile(v, q);
            const auto [lo, hi] = order_statistic_interval(n, q);
            r.half_width = 0.5 * (v[hi] - v[lo]);
        }
        seen[x] = r.statistic;
        return r;
    }

    std::map<double, std::uint64_t> counts;  ///< x -> paths at or above the target

    /** The paths at or above target.value at x (exact, over every path). */
    std::uint64_t count(double x) {
        if (const auto it = counts.find(x); it != counts.end()) return it->second;
        const std::vector<double> v = values(x);
        const auto c = static_cast<std::uint64_t>(
            std::count_if(v.begin(), v.end(), [&](double y) { return y >= target.value; }));
        counts[x] = c;
        return c;
    }
};

/** 100 p with 10 significant digits: 80 for 0.8, 7 for 0.07. */
std::string percent_text(double p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", 100 * p);
    return buf;
}

/** The least count m with m / n >= p (as doubles compare), within 1 .. n. */
std::uint64_t least_count(double p, std::uint64_t n) {
    const auto share = [n](std::uint64_t m) { return static_cast<double>(m) / static_cast<double>(n); };
    auto m = static_cast<std::uint64_t>(std::clamp(std::ceil(p * static_cast<double>(n)), 1.0, static_cast<double>(n)));
    while (m > 1 && share(m - 1) >= p) --m;
    while (m < n && share(m) < p) ++m;
    return m;
}

/** Bisection on the count: from a value `out` where fewer than m paths meet the target and a
 *  value `in` where at least m do, halves the interval until it is within `tolerance`; returns
 *  the last `in`. */
double bisect_count(Evaluator& eval, std::uint64_t m, double out, double in, double tolerance) {
    while (std::fabs(in - out) > tolerance) {
        const double mid = 0.5 * (out + in);
        if (mid == out || mid == in) break;  // no double between them
        (eval.count(mid) >= m ? in : out) = mid;
    }
    return in;
}

/** The interval, among the values evaluated so far, where the count crosses m: adjacent values
 *  (out, in) with fewer than m paths meeting the target at `out` and at least m at `in`, `in`
 *  above `out` when the count rises with the value (below it otherwise); of several such (a count
 *  that is not monotone), the one nearest `near`. nullopt when m is not crossed there. */
std::optional<std::pair<double, double>> crossing(const Evaluator& eval, std::uint64_t m, bool rising, double near) {
    std::optional<std::pair<double, double>> best;
    for (auto it = eval.counts.begin(); it != eval.counts.end() && std::next(it) != eval.counts.end(); ++it) {
        const auto next = std::next(it);
        const bool met0 = it->second >= m, met1 = next->second >= m;
        if (met0 == met1 || met1 != rising) continue;
        const std::pair<double, double> pair = rising ? std::pair{it->first, next->first} : std::pair{next->first, it->first};
        const auto distance = [near](const std::pair<double, double>& x) { return std::fabs(0.5 * (x.first + x.second) - near); };
        if (!best || distance(pair) < distance(*best)) best = pair;
    }
    return best;
}

void solve_probability(Calibration& c, Evaluator& eval, double p) {
    const std::uint64_t n = c.paths;
    const auto share = [n](std::uint64_t k) { return static_cast<double>(k) / static_cast<double>(n); };
    c.required = least_count(p, n);
    const std::uint64_t at_lo = eval.count(c.lo), at_hi = eval.count(c.hi);
    const bool met_lo = at_lo >= c.required, met_hi = at_hi >= c.required;
    if (met_lo == met_hi) {
        std::ostringstream msg;
        msg << "no value of " << c.path << " in [" << format_number(c.lo) << ", " << format_number(c.hi) << "] puts "
            << c.target.series << " in " << c.target.year << " at or above " << format_number(c.target.value) << " in "
            << percent_text(p) << "% of paths: it is there in " << percent_text(share(at_lo)) << "% to "
            << percent_text(share(at_hi)) << "% of them (widen the range with --bracket LO:HI)";
        throw InputError(msg.str());
    }
    const bool rising = met_hi;  // the count rises with the value
    c.value = rising ? bisect_count(eval, c.required, c.lo, c.hi, c.tolerance)
                     : bisect_count(eval, c.required, c.hi, c.lo, c.tolerance);
    c.count = eval.count(c.value);
    c.statistic = share(c.count);
    c.statistic_half_width = kZ95 * std::sqrt(c.statistic * (1 - c.statistic) / static_cast<double>(n));
    // the Monte Carlo half-width: where the share met crosses p -/+ its 95% binomial error
    const double e = kZ95 * std::sqrt(p * (1 - p) / static_cast<double>(n));
    double ends[2];
    double shares[2];
    for (int k = 0; k < 2; ++k) {
        const double q = k == 0 ? p - e : p + e;
        const std::uint64_t m = least_count(std::clamp(q, 0.0, 1.0), n);
        if (const auto pair = crossing(eval, m, rising, c.value)) {
            ends[k] = bisect_count(eval, m, pair->first, pair->second, c.tolerance);
        } else {
            // m is met at both ends of the bracket, or at neither: the end of the bracket bounds it
            ends[k] = (eval.count(c.lo) >= m) == rising ? c.lo : c.hi;
            c.warnings.push_back("the solution's 95% Monte Carlo interval reaches the end of the bracket (" +
                                 format_number(ends[k]) + "): widen it with --bracket LO:HI for the full half-width");
        }
        shares[k] = share(eval.count(ends[k]));
    }
    c.value_low = std::min(ends[0], ends[1]);
    c.value_high = std::max(ends[0], ends[1]);
    c.value_half_width = 0.5 * (c.value_high - c.value_low);
    c.slope = ends[1] != ends[0] ? (shares[1] - shares[0]) / (ends[1] - ends[0]) : 0.0;
}

}  // namespace

std::string statistic_name(const Statistic& s) { return s.mean ? "mean" : quantile_column(s.quantile); }

Statistic parse_statistic(std::string_view text) {
    Statistic s;
    if (text == "mean") {
        s.mean = true;
        return s;
    }
    const std::optional<double> percent =
        text.size() > 1 && text[0] == 'p' && std::isdigit(static_cast<unsigned char>(text[1])) ? parse_number(text.substr(1))
                                                                                                 : std::nullopt;
    if (!percent || !(*percent > 0.0 && *percent < 100.0))
        throw InputError("--stat " + std::string(text) +
                         ": choose mean or a quantile pNN, NN a percent above 0 and below 100 (p50, p20, p2.5)");
    s.quantile = *percent / 100.0;
    return s;
}

CalibrationTarget parse_calibration_target(std::string_view text) {
    const std::string where = "--target " + std::string(text) + ": ";
    const std::size_t eq = text.rfind('=');
    const bool at_least = eq != std::string_view::npos && eq > 0 && text[eq - 1] == '>';
    const std::size_t op = at_least ? eq - 1 : eq;
    const std::size_t colon = op == std::string_view::npos ? std::string_view::npos : text.rfind(':', op);
    if (eq == std::string_view::npos || colon == std::string_view::npos || colon == 0)
        throw InputError(where + "expected SERIES:YEAR=VALUE or SERIES:YEAR>=VALUE, e.g. total:2030=53.8" +
                         (eq == std::string_view::npos && text.find(':') != std::string_view::npos
                              ? " (in a shell, quote a target with >=: 'total:2030>=53.8', or > redirects the output)"
                              : ""));
    CalibrationTarget t;
    t.series = std::string(text.substr(0, colon));
    t.at_least = at_least;
    const auto year = parse_number(text.substr(colon + 1, op - colon - 1));
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
    if (options.probability) {
        const double p = *options.probability;
        if (!(p > 0.0 && p < 1.0))
            throw InputError("--probability " + format_number(p) + ": the share of paths must be above 0 and below 1");
        if (!target.at_least)
            throw InputError("--probability " + format_number(p) + " needs a level to reach, --target SERIES:YEAR>=VALUE (e.g. " +
                             target.series + ":" + std::to_string(target.year) + ">=" + format_number(target.value) + ")");
    } else if (target.at_least) {
        throw InputError("--target " + target.series + ":" + std::to_string(target.year) + ">=" + format_number(target.value) +
                         ": a level to reach needs --probability P, the share of paths that reach it (e.g. 0.8)");
    }
    apply_simd(run_options);
    const auto started = std::chrono::steady_clock::now();
    Calibration c;
    c.scenario = base.name;
    c.target = target;
    c.stat = options.statistic;
    c.probability = options.probability;
    c.tolerance = options.tolerance;
    c.path = options.path;
    c.warnings = base.warnings;
    c.seed = run_options.seed.value_or(base.seed);
    c.paths = run_options.paths;
    c.threads = thread_count(run_options.threads);
    c.processes = cluster::size();
    c.simd = simd::target();
    const std::optional<double> start = input_value(base, options.path);
    if (!start && !options.bracket)
        throw InputError("calibrate cannot read '" + options.path + "' from the scenario to place the search: give --bracket LO:HI");
    if (start) c.start = *start;
    const InputKind kind = input_kind(base, options.path, c.start);
    const Bounds& b = kind.bounds;
    if (options.bracket) {
        c.lo = options.bracket->first;
        c.hi = options.bracket->second;
        const std::string where = "--bracket " + format_number(c.lo) + ":" + format_number(c.hi) + ": ";
        if (!(c.lo < c.hi)) throw InputError(where + "the low end must be below the high end");
        for (const double x : {c.lo, c.hi})
            if (!b.contains(x))
                throw InputError(where + format_number(x) + " is outside the valid range of " + options.path + ", " + b.text());
    } else {
        // v -/+ max(0.05, |v|), inside the valid range: at a closed bound, or a hundredth of the
        // way from an open one (a share stays above 0, persistence below 1)
        const double v = *start, d = std::max(0.05, std::fabs(v));
        c.lo = v - d;
        c.hi = v + d;
        if (c.lo < b.lo || (b.lo_open && c.lo <= b.lo)) c.lo = b.lo_open ? b.lo + 0.01 * (v - b.lo) : b.lo;
        if (c.hi > b.hi || (b.hi_open && c.hi >= b.hi)) c.hi = b.hi_open ? b.hi - 0.01 * (b.hi - v) : b.hi;
    }

    Evaluator eval{base, target, options, kind, run_options, 0, {}, {}};
    eval.run_options.seed = c.seed;  // common random numbers at every evaluation
    if (options.probability) {
        solve_probability(c, eval, *options.probability);
        c.evaluations = eval.evaluations;
        c.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return c;
    }
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
    const std::string stat = statistic_name(c.stat);
    std::ostringstream out;
    if (c.probability)
        out << "# Calibrated by marketsim calibrate: " << c.path << " so that " << c.target.series << " in " << c.target.year
            << " is at or above " << format_number(c.target.value) << " in " << percent_text(*c.probability)
            << "% of paths.\n"
            << "# " << c.paths << " paths, seed " << c.seed << "; at the solution " << c.count
            << " paths meet it, so the solution is good to +/- " << format_number(c.value_half_width)
            << " (95% Monte Carlo).\n";
    else
        out << "# Calibrated by marketsim calibrate: " << c.path << " so that the " << stat << " of " << c.target.series
            << " in " << c.target.year << " is " << format_number(c.target.value) << ".\n"
            << "# " << c.paths << " paths, seed " << c.seed << "; at the solution the " << stat << " is "
            << format_number(c.statistic) << " +/- " << format_number(c.statistic_half_width)
            << " (95% Monte Carlo), so the solution is good to +/- " << format_number(c.value_half_width) << ".\n";
    out << "extends = \"" << base.generic_string() << "\"\n\n[set]\n";
    // the solved value (for a share, its whole row) replaces what --set gave the same paths
    const std::vector<std::string> solved = input_sets(c.path, c.value, input_kind(scenario, c.path, c.start));
    const auto path_of = [](const std::string& s) { return s.substr(0, s.find('=')); };
    for (const std::string& s : scenario.source.sets) {
        if (std::any_of(solved.begin(), solved.end(), [&](const std::string& x) { return path_of(x) == path_of(s); }))
            continue;
        out << '"' << path_of(s) << "\" = " << s.substr(s.find('=') + 1) << '\n';
    }
    for (const std::string& s : solved) out << '"' << path_of(s) << "\" = " << s.substr(s.find('=') + 1) << '\n';
    return out.str();
}

}  // namespace marketsim
