#include "marketsim/settings.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include <tbb/enumerable_thread_specific.h>

#include "core/memory.hpp"
#include "engine/block_loop.hpp"
#include "engine/engine.hpp"
#include "marketsim/cluster.hpp"
#include "marketsim/error.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/simd.hpp"
#include "analysis/inputs.hpp"
#include "scenario/series.hpp"
#include "stats/quantiles.hpp"

namespace marketsim {
namespace {

constexpr double kRelative = 0.2;   ///< the default ends: -/+20% of |value|
constexpr double kAbsolute = 0.01;  ///< ... or -/+0.01 for a rate or a value of 0

/** x to 12 significant digits: 35.2 x 0.8 is 28.16, not 28.160000000000004. */
double tidy(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.12g", x);
    return std::strtod(buf, nullptr);
}

/** One evaluation's worker: each probe's series-year value of every path, written into
 *  values[probe * paths + path] (one writer per element). */
struct ProbeWorker {
    ProbeWorker(const Model& model, const std::vector<TargetIndex>& probes, std::vector<double>& values)
        : sampler(model), probes(&probes), values(&values), paths(values.size() / probes.size()) {}
    ChunkSampler sampler;
    const std::vector<TargetIndex>* probes;
    std::vector<double>* values;
    std::uint64_t paths;

    std::uint32_t capacity() const noexcept { return sampler.capacity(); }
    void begin_block(std::uint64_t) noexcept {}
    void end_block(std::uint64_t) noexcept {}
    void chunk(std::uint64_t first, std::uint32_t lanes) {
        const std::uint32_t cap = sampler.capacity();
        sampler.simulate(first, lanes, [&](int t, const double* s, std::uint32_t n) {
            for (std::size_t k = 0; k < probes->size(); ++k) {
                const TargetIndex& p = (*probes)[k];
                if (p.year != t) continue;
                const double* x = s + static_cast<std::size_t>(p.series) * cap;
                for (std::uint32_t i = 0; i < n; ++i)
                    if (!std::isfinite(x[i])) throw_overflow(sampler.model(), p.series, t);
                std::copy(x, x + n, values->begin() + static_cast<std::ptrdiff_t>(k * paths + first));
            }
        });
    }
};

/** The scenario's inputs: every numeric input but the targets' values and the share of a
 *  one-member dimension (always 1), then each entry of the conditional share rows. */
std::vector<NumericInput> settings_inputs(const Scenario& sc) {
    std::vector<NumericInput> out;
    for (const NumericInput& in : numeric_inputs(sc)) {
        if (in.path.rfind("target[", 0) == 0) continue;
        const InputKind k = input_kind(sc, in.path, in.value);
        if (k.share_row && k.share_row->members.size() < 2) continue;
        out.push_back(in);
    }
    for (const NumericInput& in : conditional_share_inputs(sc)) out.push_back(in);
    return out;
}

}  // namespace

SettingRange parse_setting_range(std::string_view text) {
    const std::string where = "--range " + std::string(text) + ": ";
    const std::size_t eq = text.find('=');
    const std::size_t colon = eq == std::string_view::npos ? eq : text.find(':', eq);
    if (eq == std::string_view::npos || eq == 0 || colon == std::string_view::npos)
        throw InputError(where + "expected PATH=LO:HI, e.g. growth.rate=0.04:0.06");
    const std::string_view lo_text = text.substr(eq + 1, colon - eq - 1), hi_text = text.substr(colon + 1);
    const auto lo = parse_number(lo_text), hi = parse_number(hi_text);
    if (!lo) throw InputError(where + "the low end '" + std::string(lo_text) + "' is not a number");
    if (!hi) throw InputError(where + "the high end '" + std::string(hi_text) + "' is not a number");
    if (*lo > *hi)
        throw InputError(where + "the low end " + std::string(lo_text) + " is above the high end " + std::string(hi_text));
    return {std::string(text.substr(0, eq)), *lo, *hi};
}

double SettingRow::swing() const { return std::fabs(high.p50 - low.p50); }

SettingsSensitivity settings_sensitivity(const Scenario& scenario, const std::vector<SettingRange>& ranges,
                                         const RunOptions& options, const std::string& series, int year) {
    if (options.paths < 1) throw InputError("sensitivity --settings needs at least 1 path");
    apply_simd(options);
    const std::uint64_t seed = options.seed.value_or(scenario.seed);
    const Model base_model = compile_for_run(scenario, seed);
    detail::find_series(base_model.series, series);  // an unknown series stops here, naming the closest
    if (year == 0) year = scenario.horizon;
    if (year <= scenario.base_year || year > scenario.horizon)
        throw InputError("--year " + std::to_string(year) + " is outside " + std::to_string(scenario.base_year + 1) + "-" +
                         std::to_string(scenario.horizon));

    const std::vector<NumericInput> inputs = settings_inputs(scenario);
    std::vector<std::string> paths;
    for (const NumericInput& in : inputs) paths.push_back(in.path);
    std::map<std::string, const SettingRange*> given;
    for (const SettingRange& r : ranges) {
        const std::string where = "--range " + r.path + "=" + format_number(r.lo) + ":" + format_number(r.hi) + ": ";
        if (std::find(paths.begin(), paths.end(), r.path) == paths.end())
            throw InputError(where + "'" + r.path + "' is not a numeric input of the scenario" + did_you_mean(r.path, paths));
        if (!given.emplace(r.path, &r).second) throw InputError(where + "a range for " + r.path + " is given twice");
    }

    // Every point's scenario first, so that a bad range or end stops the analysis before it samples.
    struct Plan {
        SettingRow row;
        std::array<std::optional<Scenario>, 5> scenarios;  ///< empty: the scenario itself
    };
    std::vector<Plan> plans;
    int evaluations = 1;
    for (const NumericInput& in : inputs) {
        const double v = in.value;
        const InputKind kind = input_kind(scenario, in.path, v);
        const Bounds& b = kind.bounds;
        Plan plan;
        SettingRow& row = plan.row;
        row.path = in.path;
        row.value = v;
        double lo = 0, hi = 0;
        const auto g = given.find(in.path);
        if (g != given.end()) {
            const SettingRange& r = *g->second;
            const std::string where = "--range " + r.path + "=" + format_number(r.lo) + ":" + format_number(r.hi) + ": ";
            for (const double x : {r.lo, r.hi})
                if (!b.contains(x))
                    throw InputError(where + format_number(x) + " is outside the valid range of " + r.path + ", " + b.text());
            row.range = "given";
            lo = r.lo;
            hi = r.hi;
        } else {
            const bool absolute = kind.rate || v == 0;
            row.range = absolute ? "absolute" : "relative";
            const double d = absolute ? kAbsolute : kRelative * std::fabs(v);
            lo = tidy(v - d);
            hi = tidy(v + d);
            if (b.whole) lo = std::round(lo), hi = std::round(hi);
            // into the valid range: a closed bound itself, halfway to an open one
            const auto clamp = [&](double x) {
                if (x < b.lo || (b.lo_open && x <= b.lo)) return b.lo_open ? tidy(0.5 * (v + b.lo)) : b.lo;
                if (x > b.hi || (b.hi_open && x >= b.hi)) return b.hi_open ? tidy(0.5 * (v + b.hi)) : b.hi;
                return x;
            };
            const double lo_in = clamp(lo), hi_in = clamp(hi);
            row.clamped = lo_in != lo || hi_in != hi;
            lo = lo_in;
            hi = hi_in;
        }
        std::array<double, 5> at = {lo, tidy(0.5 * (lo + v)), v, tidy(0.5 * (v + hi)), hi};
        if (b.whole) at[1] = std::round(at[1]), at[3] = std::round(at[3]);
        for (std::size_t k = 0; k < 5; ++k) {
            row.spider[k].value = at[k];
            if (at[k] == v) continue;  // the scenario itself
            try {
                plan.scenarios[k] = with_sets(scenario, input_sets(in.path, at[k], kind));
            } catch (const InputError& e) {
                const char* names[] = {"low end", "point halfway to the low end", "value", "point halfway to the high end",
                                       "high end"};
                const bool chosen = g != given.end();
                const std::string where = chosen ? "--range " + in.path + "=" + format_number(lo) + ":" + format_number(hi) + ": "
                                                 : std::string("sensitivity --settings: ");
                throw InputError(where + in.path + " at " + format_number(at[k]) + " (the " + names[k] + "): " + e.what() +
                                 (chosen ? "" : "; choose its ends with --range " + in.path + "=LO:HI"));
            }
            ++evaluations;
        }
        plans.push_back(std::move(plan));
    }

    SettingsSensitivity out;
    out.scenario = scenario.name;
    out.unit = scenario.unit;
    out.series = series;
    out.base_year = scenario.base_year;
    out.year = year;
    out.seed = seed;
    out.paths = options.paths;
    out.threads = thread_count(options.threads);
    out.processes = cluster::size();
    out.simd = simd::target();
    out.targets = scenario.targets;
    out.warnings = scenario.warnings;
    out.evaluations = evaluations;

    const std::uint64_t n = options.paths;
    // per evaluation, each probe's value on every path, and a sorted copy of the chosen one
    require_memory(8.0 * static_cast<double>(n) * (2.0 + static_cast<double>(scenario.targets.size())),
                   "use fewer --paths");
    ProgressThrottle progress(options.progress, n * static_cast<std::uint64_t>(evaluations));
    const auto evaluate = [&](const Scenario& sc) {
        const Model model = compile_for_run(sc, seed);
        std::vector<TargetIndex> probes{{static_cast<std::uint32_t>(detail::find_series(model.series, series)),
                                         year - sc.base_year, 0.0}};
        for (const TargetIndex& t : target_indices(model, sc)) probes.push_back(t);
        std::vector<double> values(probes.size() * n);
        tbb::enumerable_thread_specific<ProbeWorker> workers([&] { return ProbeWorker(model, probes, values); });
        BlockPlan plan;
        plan.paths = n;
        plan.threads = options.threads;
        plan.stop = options.stop;
        plan.progress = &progress;
        require_whole(sample_blocks(plan, workers));
        cluster::sum(values);  // each path's value came from one process (MPI), the others hold zeros
        SettingPoint p;
        double sum = 0;
        for (std::uint64_t i = 0; i < n; ++i) sum += values[i];  // in path order: the same on any thread count
        p.mean = sum / static_cast<double>(n);
        std::vector<double> sorted(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(n));
        std::sort(sorted.begin(), sorted.end());
        p.p50 = sorted_quantile(sorted, 0.5);
        for (std::size_t k = 1; k < probes.size(); ++k) {
            std::uint64_t hits = 0;
            for (std::uint64_t i = 0; i < n; ++i) hits += values[k * n + i] >= probes[k].value;
            p.target_probability.push_back(static_cast<double>(hits) / static_cast<double>(n));
        }
        return p;
    };

    const auto start = std::chrono::steady_clock::now();
    out.base = evaluate(scenario);
    out.base.value = 0.0;
    for (Plan& plan : plans) {
        for (std::size_t k = 0; k < 5; ++k) {
            const double value = plan.row.spider[k].value;
            plan.row.spider[k] = plan.scenarios[k] ? evaluate(*plan.scenarios[k]) : out.base;
            plan.row.spider[k].value = value;
        }
        plan.row.low = plan.row.spider[0];
        plan.row.high = plan.row.spider[4];
        out.rows.push_back(std::move(plan.row));
    }
    std::stable_sort(out.rows.begin(), out.rows.end(), [](const SettingRow& a, const SettingRow& b) { return a.swing() > b.swing(); });
    out.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace marketsim
