#include "marketsim/calibrate.hpp"

#include "marketsim/cluster.hpp"
#include "marketsim/interrupt.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

#include <boost/math/tools/toms748_solve.hpp>
#include <tbb/enumerable_thread_specific.h>

#include "marketsim/error.hpp"
#include "marketsim/quantile_sketch.hpp"
#include "marketsim/report.hpp"
#include "marketsim/sampler.hpp"
#include "marketsim/scenario_file.hpp"

namespace marketsim {
namespace {

/** The scenario's value at a numeric --set path, or nullopt for paths it cannot read. */
std::optional<double> value_at(const Scenario& sc, const std::string& path) {
    if (path == "scenario.base_value") return sc.base_value;
    if (path == "growth.rate") return sc.rate;
    if (path == "growth.long_run_sd") return sc.long_run_sd;
    if (path == "growth.annual_sd") return sc.annual_sd;
    if (path == "correlation.global") return sc.corr_global;
    if (sc.long_run) {
        if (path == "growth.long_run.low") return sc.long_run->low;
        if (path == "growth.long_run.mode") return sc.long_run->mode;
        if (path == "growth.long_run.high") return sc.long_run->high;
    }
    for (std::size_t i = 0; i < sc.periods.size(); ++i)
        if (path == "growth.period[" + std::to_string(i) + "].rate") return sc.periods[i].rate;
    for (std::size_t i = 0; i < sc.targets.size(); ++i)
        if (path == "target[" + std::to_string(i) + "].value") return sc.targets[i].value;
    for (const Dimension& d : sc.dimensions) {
        if (path == "correlation." + d.name) {
            const auto w = sc.corr_weight.find(d.name);
            return w == sc.corr_weight.end() ? 0.0 : w->second;
        }
        for (const Member& m : d.members) {
            const std::string prefix = d.name + "." + m.name + ".";
            if (path == prefix + "share") return m.share;
            if (path == prefix + "shift") return m.shift;
            if (path == prefix + "sd_scale") return m.sd_scale;
        }
    }
    for (const Event& e : sc.events) {
        if (path == "event." + e.name + ".probability") return e.probability;
        if (path == "event." + e.name + ".impact") return e.impact;
    }
    return std::nullopt;
}

const char* statistic_name(Statistic s) { return s == Statistic::p50 ? "p50" : "mean"; }

/** One evaluation: the scenario at value x, the exact values of one series-year on every path. */
struct Evaluator {
    const std::string& file;
    const std::vector<std::string>& sets;
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
        std::vector<std::string> s = sets;
        s.push_back(options.path + "=" + format_number(x));
        const Scenario sc = load_scenario(file, s);
        const Model model = compile_for_run(sc, run_options);
        const std::uint32_t series = series_index(model, target.series);
        if (target.year < sc.base_year || target.year > sc.horizon)
            throw InputError("year " + std::to_string(target.year) + " is outside the scenario's years " +
                             std::to_string(sc.base_year) + "-" + std::to_string(sc.horizon));
        const int t = target.year - sc.base_year;
        const std::uint64_t n = run_options.paths;
        // each path's value is kept (exact order statistics); plus a sorted copy
        require_memory(2.0 * 8.0 * static_cast<double>(n), "use fewer --paths");
        std::vector<double> values(n);
        tbb::enumerable_thread_specific<std::unique_ptr<ChunkSampler>> samplers;
        for_each_block(n, run_options.threads, [&](std::uint64_t first, std::uint64_t end) {
            std::unique_ptr<ChunkSampler>& sampler = samplers.local();
            if (!sampler) sampler = std::make_unique<ChunkSampler>(model);
            const std::uint32_t cap = sampler->capacity();
            for (std::uint64_t p = first; p < end; p += cap) {
                if (interrupt::requested()) return;  // the evaluation is abandoned below
                const auto lanes = static_cast<std::uint32_t>(std::min<std::uint64_t>(cap, end - p));
                sampler->simulate(p, lanes, [&](int year, const double* s, std::uint32_t k) {
                    if (year == t) std::copy(s + static_cast<std::size_t>(series) * cap, s + series * cap + k, values.begin() + p);
                });
            }
        });
        interrupt::check();
        cluster::sum(values);  // each path's value came from one process (MPI), the others hold zeros
        ++evaluations;
        Result r;
        constexpr double z95 = 1.959963984540054;
        if (options.statistic == Statistic::mean) {
            double sum = 0.0, sum2 = 0.0;
            for (double v : values) sum += v;  // in path order: the same on any thread count
            const double mean = sum / static_cast<double>(n);
            for (double v : values) sum2 += (v - mean) * (v - mean);
            r.statistic = mean;
            r.half_width = n > 1 ? z95 * std::sqrt(sum2 / static_cast<double>(n - 1) / static_cast<double>(n)) : 0.0;
        } else {
            std::sort(values.begin(), values.end());
            r.statistic = sorted_quantile(values, 0.5);
            const double half = z95 * std::sqrt(static_cast<double>(n) * 0.25);
            const auto rank = [&](double k) {
                return static_cast<std::size_t>(std::clamp(k - 1, 0.0, static_cast<double>(n - 1)));
            };
            r.half_width = 0.5 * (values[rank(std::ceil(0.5 * n + half))] - values[rank(std::floor(0.5 * n - half))]);
        }
        seen[x] = r.statistic;
        return r;
    }
};

}  // namespace

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

Calibration calibrate(const std::string& file, const std::vector<std::string>& sets, const CalibrationTarget& target,
                      const CalibrateOptions& options, const RunOptions& run_options) {
    if (run_options.paths < 2) throw InputError("calibrate needs at least 2 paths");
    const Scenario base = load_scenario(file, sets);
    Calibration c;
    c.path = options.path;
    c.warnings = base.warnings;
    c.seed = run_options.seed.value_or(base.seed);
    c.paths = run_options.paths;
    const std::optional<double> start = value_at(base, options.path);
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

    Evaluator eval{file, sets, target, options, run_options, 0, {}};
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
    return c;
}

std::string calibrated_scenario_toml(const std::string& scenario_file, const std::string& out_file,
                                     const std::vector<std::string>& sets, const CalibrationTarget& target,
                                     const Calibration& c, Statistic statistic) {
    namespace fs = std::filesystem;
    const fs::path from = fs::absolute(fs::path(out_file)).parent_path();
    const fs::path base = fs::relative(fs::absolute(fs::path(scenario_file)), from);
    std::ostringstream out;
    out << "# Calibrated by marketsim calibrate: " << c.path << " so that the " << statistic_name(statistic) << " of "
        << target.series << " in " << target.year << " is " << format_number(target.value) << ".\n"
        << "# " << c.paths << " paths, seed " << c.seed << "; at the solution the " << statistic_name(statistic) << " is "
        << format_number(c.statistic) << " +/- " << format_number(c.statistic_half_width)
        << " (95% Monte Carlo), so the solution is good to +/- " << format_number(c.value_half_width) << ".\n"
        << "extends = \"" << base.generic_string() << "\"\n\n[set]\n";
    for (const std::string& s : sets) {
        const std::size_t eq = s.find('=');
        out << '"' << s.substr(0, eq) << "\" = " << s.substr(eq + 1) << '\n';
    }
    out << '"' << c.path << "\" = " << format_number(c.value) << '\n';
    return out.str();
}

}  // namespace marketsim
