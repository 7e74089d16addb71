#include "marketsim/json.hpp"

#include <cmath>

#include "core/hash.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/quantiles.hpp"
#include "marketsim/version.hpp"
#include "stats/quantiles.hpp"

namespace marketsim {
namespace {

/** The run's facts every summary records. */
void put_facts(nlohmann::json& j, const RunFacts& f) {
    j["marketsim_version"] = std::string(version());
    j["seed"] = f.seed;
    j["paths"] = f.paths;
    j["threads"] = f.threads;
    j["processes"] = f.processes;
    j["simd"] = f.simd;
    j["elapsed_seconds"] = f.elapsed_seconds;
}

}  // namespace

nlohmann::json summary_json(const Scenario& sc, const Results& r) {
    using nlohmann::json;
    json j;
    put_facts(j, r);
    const json scenario = to_json(sc);
    j["scenario_hash"] = hex64(fnv1a64(scenario.dump()));
    json files = json::array();
    for (const auto& [path, hash] : sc.files) files.push_back({{"path", path}, {"hash", hash}});
    j["input_files"] = files;
    j["hash_algorithm"] = "FNV-1a 64-bit";
    j["scenario"] = scenario;
    // an interrupted run: the bands are those of the first `paths` (whole blocks) of `paths_planned`
    j["partial"] = r.partial();
    if (r.partial()) {
        j["paths_planned"] = r.paths_planned;
        j["interrupted_by"] = interrupt::name(r.interrupted_by);
    }
    if (r.precision)
        j["precision"] = {{"target", r.precision->target},
                          {"reached", r.precision->reached},
                          {"met", r.precision->met},
                          {"widest_band", r.precision->worst},
                          {"checkpoints", r.precision->checks},
                          {"paths", r.paths},
                          {"definition", "largest 95% interval half-width over every band (mean, quantiles) "
                                         "of every series and year, relative to the band's value"}};
    j["throughput"] = {{"cell_year_samples_per_second", r.throughput()},
                       {"cells", r.cells},
                       {"years", r.years},
                       {"definition", "paths x cells x (horizon - base_year) / elapsed seconds of sampling"}};
    j["relative_accuracy"] = r.relative_accuracy;

    json cagr_j = json::object();
    for (std::size_t s = 0; s < r.series.size(); ++s) {
        json c = json::object();
        for (std::size_t k = 0; k < r.quantiles.size(); ++k) c[quantile_column(r.quantiles[k])] = r.cagr[s][k];
        if (!is_share_series(r.series[s])) cagr_j[r.series[s]] = c;  // a share has no growth rate
    }
    j["cagr"] = {{"from", r.base_year}, {"to", r.base_year + r.years}, {"series", cagr_j}};

    if (r.central_events.empty()) {
        j["central_path"] = {{"total_cagr", r.central_cagr},
                             {"rates_cagr", r.rates_cagr},
                             {"total_base", r.central[0]},
                             {"total_horizon", r.central[static_cast<std::size_t>(r.years)]},
                             {"definition", "every random draw at zero and no event fired"}};
    } else {
        const std::vector<double>& path = r.central_path.empty() ? r.central : r.central_path;
        j["central_path"] = {{"total_cagr", r.central_cagr},
                             {"rates_cagr", r.rates_cagr},
                             {"total_base", path[0]},
                             {"total_horizon", path[static_cast<std::size_t>(r.years)]},
                             {"events", r.central_events},
                             {"total_cagr_without_events", r.central_cagr_without_events},
                             {"definition",
                              "every random draw at zero; the events of probability 1 applied (a yearly one in every year "
                              "it may fire, a once one in the middle of its years), an uncertain impact at its mode"}};
    }

    json targets = json::array();
    for (const TargetResult& t : r.targets) {
        json exceedance = json::array();
        for (const auto& [x, p] : t.exceedance) exceedance.push_back({x, p});
        targets.push_back({{"series", t.target.series},
                           {"year", t.target.year},
                           {"value", t.target.value},
                           {"probability_met", t.probability},
                           {"standard_error", t.se},
                           {"paths_met", t.hits},
                           {"exceedance", exceedance}});
    }
    j["targets"] = targets;

        json mc = json::array();
    for (std::size_t s = 0; s < r.series.size(); ++s) {
        json years = json::array();
        for (int t = 0; t <= r.years; ++t) {
            const Band& b = r.band(s, t);
            json q = json::object();
            for (std::size_t k = 0; k < r.quantiles.size(); ++k)
                q[quantile_column(r.quantiles[k])] = {b.quantile_lo[k], b.quantile_hi[k]};
            years.push_back({{"year", r.base_year + t},
                             {"mean_standard_error", b.se_mean},
                             {"mean_ci95", {b.mean - kZ95 * b.se_mean, b.mean + kZ95 * b.se_mean}},
                             {"sd_standard_error", b.se_sd},
                             {"quantile_ci95", q},
                             {"min", b.min},
                             {"max", b.max}});
        }
        mc.push_back({{"series", r.series[s]}, {"years", years}});
    }
    j["monte_carlo_error"] = {
        {"quantile_summary_relative_accuracy", r.relative_accuracy},
        {"quantile_ci", "distribution-free 95% interval between order statistics at n q -/+ 1.96 sqrt(n q (1-q))"},
        {"series", mc}};
    j["correlation_repair"] = sc.corr_repaired;
    j["warnings"] = r.warnings;
    return j;
}

nlohmann::json summary_json(const Comparison& c) {
    nlohmann::json j;
    put_facts(j, c);
    j["scenarios"] = c.scenarios;
    j["warnings"] = c.warnings;
    return j;
}

nlohmann::json summary_json(const Sweep& s, const std::vector<SweepAxis>& axes, const std::vector<std::string>& fixed) {
    nlohmann::json j;
    put_facts(j, s);
    j["scenario"] = s.scenario;
    j["axes"] = nlohmann::json::array();
    for (const SweepAxis& ax : axes)
        j["axes"].push_back({{"path", ax.path}, {"low", ax.lo}, {"high", ax.hi}, {"step", ax.step}, {"points", ax.values.size()}});
    j["fixed"] = fixed;
    // one series in one year as before; several as lists
    if (s.series.size() == 1) j["series"] = s.series.front();
    else j["series"] = s.series;
    if (s.years.size() == 1) j["year"] = s.years.front();
    else j["years"] = s.years;
    j["points"] = s.points.size();
    j["warnings"] = s.warnings;
    return j;
}

nlohmann::json summary_json(const Sensitivity& s) {
    nlohmann::json j;
    put_facts(j, s);
    j["scenario"] = s.scenario;
    j["series"] = s.series;
    j["year"] = s.year;
    j["p50"] = s.p50;
    j["p05"] = s.p05;
    j["p95"] = s.p95;
    j["seed_sample_b"] = s.seed_b;
    j["model_evaluations_per_path"] = s.evaluations;
    j["estimators"] = "first order: Saltelli (2010); total: Jansen (1999); grouped draws, pick-freeze over counter-based streams";
    j["tornado"] = "the median over the tenth of sample A's paths with the input's mean standardized draw lowest and highest";
    j["warnings"] = s.warnings;
    return j;
}

nlohmann::json summary_json(const SettingsSensitivity& s) {
    using nlohmann::json;
    const auto point = [&](const SettingPoint& p) {
        json j = {{"value", p.value}, {"p50", p.p50}, {"mean", p.mean}};
        j["target_probability"] = p.target_probability;
        return j;
    };
    json j;
    put_facts(j, s);
    j["scenario"] = s.scenario;
    j["unit"] = s.unit;
    j["series"] = s.series;
    j["year"] = s.year;
    j["p50"] = s.base.p50;
    j["mean"] = s.base.mean;
    j["targets"] = json::array();
    for (std::size_t k = 0; k < s.targets.size(); ++k)
        j["targets"].push_back({{"series", s.targets[k].series}, {"year", s.targets[k].year}, {"value", s.targets[k].value},
                                {"probability", s.base.target_probability[k]}});
    j["evaluations"] = s.evaluations;
    j["inputs"] = json::array();
    for (const SettingRow& row : s.rows) {
        json spider = json::array();
        for (const SettingPoint& p : row.spider) spider.push_back({{"value", p.value}, {"p50", p.p50}});
        j["inputs"].push_back({{"path", row.path}, {"value", row.value}, {"range", row.range}, {"clamped", row.clamped},
                               {"swing", row.swing()}, {"low", point(row.low)}, {"high", point(row.high)}, {"spider", spider}});
    }
    j["method"] = "one at a time on common random numbers: each input at its low and high end (default -/+20% of its "
                  "value, or -/+0.01 for a rate or a value of 0, within its valid range), every other input at its value; "
                  "medians are the exact type-7 quantiles of the paths";
    j["warnings"] = s.warnings;
    return j;
}

nlohmann::json calibration_json(const Calibration& c) {
    nlohmann::json j;
    put_facts(j, c);
    j["scenario"] = c.scenario;
    if (c.probability) {
        j["target"] = {{"series", c.target.series}, {"year", c.target.year}, {"at_least", c.target.value},
                       {"probability", *c.probability}};
        j["paths_required"] = c.required;
        j["paths_meeting_target"] = c.count;
        j["value_95_interval"] = {c.value_low, c.value_high};
        j["method"] = "bisection on the exact count of paths at or above the level, to the tolerance; the 95% interval "
                      "is where the share of paths meeting it crosses the probability -/+ 1.96 sqrt(p (1 - p) / paths)";
    } else {
        j["target"] = {{"series", c.target.series}, {"year", c.target.year}, {"value", c.target.value},
                       {"statistic", statistic_name(c.stat)}};
    }
    j["path"] = c.path;
    j["value"] = c.value;
    j["value_95_half_width"] = c.value_half_width;
    j["statistic_at_value"] = c.statistic;
    j["statistic_95_half_width"] = c.statistic_half_width;
    j["slope"] = c.slope;
    j["start"] = c.start;
    j["bracket"] = {c.lo, c.hi};
    j["tolerance"] = c.tolerance;
    j["evaluations"] = c.evaluations;
    j["warnings"] = c.warnings;
    return j;
}

nlohmann::json bench_json(const BenchReport& r) {
    using nlohmann::json;
    json rows = json::array();
    for (const BenchRow& row : r.rows) {
        rows.push_back({{"processes", row.processes},
                        {"threads", row.threads},
                        {"samples_per_s", {{"median", row.median}, {"min", row.min}, {"max", row.max}}},
                        {"median_seconds", row.median_seconds},
                        {"efficiency", std::isfinite(row.efficiency) ? json(row.efficiency) : json(nullptr)},
                        {"peak_rss_bytes", row.peak_rss_bytes}});
    }
    return {
        {"marketsim", std::string(version())},
        {"scenario", r.scenario},
        {"paths", r.paths},
        {"repeat", r.repeat},
        {"cells", r.cells},
        {"years", r.years},
        {"series", r.series},
        {"seed", r.seed},
        {"samples_per_run", r.samples_per_run},
        {"timed", "marketsim::accumulate: first draw to merged accumulators with finished quantile summaries; "
                  "compile, summarize and output are outside"},
        {"unit", "cell-year samples/s = paths x cells x years / wall seconds"},
        {"machine", {{"cpu", r.cpu}, {"logical_cpus", r.logical_cpus}, {"simd", r.simd}}},
        {"peak_rss_reset", r.peak_rss_reset},
        {"rows", rows},
        {"kernels",
         {{"count", r.kernels.count},
          {"uniforms_per_s", r.kernels.uniforms},
          {"normals_per_s", r.kernels.normals},
          {"inserts_per_s", r.kernels.inserts}}},
    };
}

}  // namespace marketsim
