#include "marketsim/report.hpp"

#include "marketsim/cluster.hpp"
#include "marketsim/interrupt.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>
#include <unistd.h>

#include "marketsim/error.hpp"
#include "marketsim/hash.hpp"
#include "marketsim/scenario_file.hpp"
#include "marketsim/simd.hpp"
#include "marketsim/version.hpp"

namespace marketsim {

std::string format_number(double x) {
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, res.ptr);
}

std::string quantile_column(double q) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", q * 100.0);
    std::string pct = buf;
    if (pct.size() == 1) pct = "0" + pct;
    return "p" + pct;
}

std::string bands_csv(const Results& r, bool ci) {
    std::ostringstream out;
    const auto column = [&](const std::string& name) {
        out << ',' << name;
        if (ci) out << ',' << name << "_lo," << name << "_hi";
    };
    out << "series,year";
    column("mean");
    column("sd");
    for (double q : r.quantiles) column(quantile_column(q));
    out << '\n';
    constexpr double z95 = 1.959963984540054;
    const auto value = [&](double x, double lo, double hi) {
        out << ',' << format_number(x);
        if (ci) out << ',' << format_number(lo) << ',' << format_number(hi);
    };
    for (std::size_t s = 0; s < r.series.size(); ++s) {
        for (int t = 0; t <= r.years; ++t) {
            const Band& b = r.band(s, t);
            out << r.series[s] << ',' << r.base_year + t;
            value(b.mean, b.mean - z95 * b.se_mean, b.mean + z95 * b.se_mean);
            value(b.sd, std::max(0.0, b.sd - z95 * b.se_sd), b.sd + z95 * b.se_sd);
            for (std::size_t k = 0; k < r.quantiles.size(); ++k) value(b.quantile[k], b.quantile_lo[k], b.quantile_hi[k]);
            out << '\n';
        }
    }
    return out.str();
}

std::optional<double> parse_number(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    double v = 0.0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

double cagr(const Results& r, std::size_t s, std::size_t k) {
    const double base = r.central[s * static_cast<std::size_t>(r.years + 1)];
    return std::pow(r.band(s, r.years).quantile[k] / base, 1.0 / r.years) - 1.0;
}

std::pair<double, double> central_cagr(const Results& r) {
    const double total = std::pow(r.central[static_cast<std::size_t>(r.years)] / r.central[0], 1.0 / r.years) - 1.0;
    return {total, r.rates_cagr};
}

std::vector<std::string> run_warnings(const Scenario& sc, const Results& r) {
    std::vector<std::string> w = sc.warnings;
    const auto [total, rates] = central_cagr(r);
    if (std::fabs(total - rates) > 0.001) {
        char buf[256];
        std::snprintf(buf, sizeof buf,
                      "shifts move the total's central-path CAGR to %.3f%%, %.3f points from the %.3f%% "
                      "the growth rates alone give",
                      100 * total, 100 * (total - rates), 100 * rates);
        w.emplace_back(buf);
    }
    if (r.precision && !r.precision->met) {
        char buf[320];
        std::snprintf(buf, sizeof buf,
                      "the precision target %g was not met within %llu paths (--max-paths): the widest 95%% "
                      "interval is %.3g of its value (%s)",
                      r.precision->target, static_cast<unsigned long long>(r.paths), r.precision->reached,
                      r.precision->worst.c_str());
        w.emplace_back(buf);
    }
    return w;
}

nlohmann::json summary_json(const Scenario& sc, const Results& r) {
    using nlohmann::json;
    json j;
    j["marketsim_version"] = std::string(version());
    const json scenario = to_json(sc);
    j["scenario_hash"] = hex64(fnv1a64(scenario.dump()));
    json files = json::array();
    for (const auto& [path, hash] : sc.files) files.push_back({{"path", path}, {"hash", hash}});
    j["input_files"] = files;
    j["hash_algorithm"] = "FNV-1a 64-bit";
    j["scenario"] = scenario;
    j["seed"] = r.seed;
    j["paths"] = r.paths;
    // an interrupted run: the bands are those of the first `paths` (whole blocks) of `paths_planned`
    j["partial"] = r.partial();
    if (r.partial()) {
        j["paths_planned"] = r.paths_planned;
        j["interrupted_by"] = interrupt::name(r.interrupted_by);
    }
    j["threads"] = r.threads;
    j["processes"] = r.processes;
    j["simd"] = simd::target();
    j["elapsed_seconds"] = r.elapsed_seconds;
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
        for (std::size_t k = 0; k < r.quantiles.size(); ++k) c[quantile_column(r.quantiles[k])] = cagr(r, s, k);
        cagr_j[r.series[s]] = c;
    }
    j["cagr"] = {{"from", r.base_year}, {"to", r.base_year + r.years}, {"series", cagr_j}};

    const auto [total, rates] = central_cagr(r);
    j["central_path"] = {{"total_cagr", total},
                         {"rates_cagr", rates},
                         {"total_base", r.central[0]},
                         {"total_horizon", r.central[static_cast<std::size_t>(r.years)]},
                         {"definition", "every random draw at zero and no event fired"}};

    json targets = json::array();
    for (const TargetResult& t : r.targets)
        targets.push_back({{"series", t.target.series},
                           {"year", t.target.year},
                           {"value", t.target.value},
                           {"probability_met", t.probability},
                           {"standard_error", t.se},
                           {"paths_met", t.hits}});
    j["targets"] = targets;

    constexpr double z95 = 1.959963984540054;
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
                             {"mean_ci95", {b.mean - z95 * b.se_mean, b.mean + z95 * b.se_mean}},
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
    j["warnings"] = run_warnings(sc, r);
    return j;
}

std::string run_summary_text(const Scenario& sc, const Results& r) {
    std::ostringstream out;
    char buf[256];
    const std::string threads = std::to_string(r.threads) + (r.threads == 1 ? " thread" : " threads");
    const std::string workers = r.processes > 1 ? std::to_string(r.processes) + " processes x " + threads : threads;
    std::snprintf(buf, sizeof buf, "%s: %llu paths, seed %llu, %s, %.2f s, %.3g cell-year samples/s\n",
                  sc.name.c_str(), static_cast<unsigned long long>(r.paths), static_cast<unsigned long long>(r.seed),
                  workers.c_str(), r.elapsed_seconds, r.throughput());
    out << buf;
    if (r.partial()) {
        std::snprintf(buf, sizeof buf,
                      "PARTIAL: interrupted by %s after %llu of %llu paths; the bands are those of the first %llu paths "
                      "(whole blocks), reproducible with --paths %llu\n",
                      interrupt::name(r.interrupted_by).c_str(), static_cast<unsigned long long>(r.paths),
                      static_cast<unsigned long long>(r.paths_planned), static_cast<unsigned long long>(r.paths),
                      static_cast<unsigned long long>(r.paths));
        out << buf;
    }
    if (r.precision) {
        std::snprintf(buf, sizeof buf, "precision: every band's 95%% interval within %.3g of its value (target %g%s), widest %s\n",
                      r.precision->reached, r.precision->target, r.precision->met ? ", met" : ", NOT met",
                      r.precision->worst.c_str());
        out << buf;
    }
    std::size_t k5 = 0, k50 = 0, k95 = 0;
    for (std::size_t k = 0; k < r.quantiles.size(); ++k) {
        if (std::fabs(r.quantiles[k] - 0.05) < std::fabs(r.quantiles[k5] - 0.05)) k5 = k;
        if (std::fabs(r.quantiles[k] - 0.50) < std::fabs(r.quantiles[k50] - 0.50)) k50 = k;
        if (std::fabs(r.quantiles[k] - 0.95) < std::fabs(r.quantiles[k95] - 0.95)) k95 = k;
    }
    const std::string c5 = quantile_column(r.quantiles[k5]), c50 = quantile_column(r.quantiles[k50]),
                      c95 = quantile_column(r.quantiles[k95]);
    std::snprintf(buf, sizeof buf, "\ntotal%s%s  %10s %10s %10s %10s\n", sc.unit.empty() ? "" : " in ",
                  sc.unit.c_str(), c5.c_str(), c50.c_str(), c95.c_str(), "mean");
    out << buf;
    std::vector<int> shown;
    for (int i = 0; i <= 4; ++i) shown.push_back(r.years * i / 4);
    for (const TargetResult& t : r.targets)
        if (t.target.series == "total") shown.push_back(t.target.year - r.base_year);
    std::sort(shown.begin(), shown.end());
    shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
    for (int t : shown) {
        const Band& b = r.band(0, t);
        std::snprintf(buf, sizeof buf, "  %d %*s %10.4g %10.4g %10.4g %10.4g\n", r.base_year + t,
                      static_cast<int>(sc.unit.size() + (sc.unit.empty() ? 0 : 4)), "", b.quantile[k5],
                      b.quantile[k50], b.quantile[k95], b.mean);
        out << buf;
    }
    const auto [total, rates] = central_cagr(r);
    std::snprintf(buf, sizeof buf, "\nCAGR %d-%d of the total: %s %.2f%%  %s %.2f%%  %s %.2f%%  (central path %.2f%%)\n",
                  r.base_year, r.base_year + r.years, c5.c_str(), 100 * cagr(r, 0, k5), c50.c_str(),
                  100 * cagr(r, 0, k50), c95.c_str(), 100 * cagr(r, 0, k95), 100 * total);
    out << buf;
    (void)rates;
    for (const TargetResult& t : r.targets) {
        std::snprintf(buf, sizeof buf, "target %s %d >= %s: met in %.1f%% of paths (+/- %.1f)\n",
                      t.target.series.c_str(), t.target.year, format_number(t.target.value).c_str(),
                      100 * t.probability, 100 * 1.96 * t.se);
        out << buf;
    }
    return out.str();
}

void write_files(const std::filesystem::path& dir, const std::vector<std::pair<std::string, std::string>>& files) {
    namespace fs = std::filesystem;
    if (!cluster::root()) return;  // under MPI, process 0 alone writes
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw InputError("--out " + dir.string() + ": exists and is not a folder");
    fs::create_directories(dir, ec);
    if (ec) throw InputError("--out " + dir.string() + ": cannot create the folder: " + ec.message());
    std::vector<fs::path> temps;
    const auto clean = [&] {
        for (const fs::path& t : temps) fs::remove(t, ec);
    };
    for (const auto& [name, contents] : files) {
        const fs::path tmp = dir / ("." + name + ".tmp-" + std::to_string(::getpid()));
        temps.push_back(tmp);
        std::ofstream f(tmp, std::ios::binary);
        f << contents;
        f.close();
        if (!f) {
            clean();
            throw InputError("cannot write " + (dir / name).string() + " (disk full or folder not writable?)");
        }
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        fs::rename(temps[i], dir / files[i].first, ec);
        if (ec) {
            clean();
            throw InputError("cannot write " + (dir / files[i].first).string() + ": " + ec.message());
        }
    }
}

}  // namespace marketsim
