#include "workbench.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <new>
#include <system_error>

#include <unistd.h>

#include "marketsim/compare.hpp"
#include "marketsim/error.hpp"
#include "marketsim/html.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/quantiles.hpp"

namespace marketsim::serve {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/** A request refused with an HTTP status other than 400. */
struct Refusal : std::runtime_error {
    Refusal(int status, const std::string& message) : std::runtime_error(message), status(status) {}
    int status;
};

/** The reply for whatever `body` throws; `body`'s own reply otherwise. */
template <class F>
Reply guarded(F&& body) {
    try {
        return body();
    } catch (const Refusal& e) {
        return {e.status, {{"error", e.what()}}};
    } catch (const InputError& e) {
        return {400, {{"error", e.what()}}};
    } catch (const Interrupted& e) {
        if (e.signal() == kSuperseded) return {409, {{"error", "superseded by a newer request from the same client"}}};
        return {503, {{"error", "the server is stopping (" + interrupt::name(e.signal()) + ")"}}};
    } catch (const json::exception& e) {
        return {400, {{"error", std::string("malformed request: ") + e.what()}}};
    } catch (const std::bad_alloc&) {
        return {503, {{"error", "out of memory; ask for fewer paths"}}};
    }
}

// ---- reading a request --------------------------------------------------------------------------

const json& object_of(const json& request) {
    if (!request.is_object()) throw InputError("the request must be a JSON object");
    return request;
}

std::string text_field(const json& request, const char* key) {
    const auto it = object_of(request).find(key);
    if (it == request.end()) throw InputError(std::string("\"") + key + "\" is required");
    if (!it->is_string()) throw InputError(std::string("\"") + key + "\": expected a string, got " + it->dump());
    return it->get<std::string>();
}

/** An optional whole number in [lo, hi]. */
std::optional<std::uint64_t> count_field(const json& request, const char* key, std::uint64_t lo, std::uint64_t hi,
                                         const std::string& why_hi = "") {
    const auto it = object_of(request).find(key);
    if (it == request.end() || it->is_null()) return std::nullopt;
    const auto bad = [&] {
        return InputError(std::string("\"") + key + "\": expected a whole number from " + std::to_string(lo) + " to " +
                          std::to_string(hi) + why_hi + ", got " + it->dump());
    };
    if (it->is_number_unsigned()) {
        const auto v = it->get<std::uint64_t>();
        if (v < lo || v > hi) throw bad();
        return v;
    }
    if (it->is_number_integer()) {
        const auto v = it->get<std::int64_t>();
        if (v < 0 || static_cast<std::uint64_t>(v) < lo || static_cast<std::uint64_t>(v) > hi) throw bad();
        return static_cast<std::uint64_t>(v);
    }
    throw bad();
}

bool flag_field(const json& request, const char* key) {
    const auto it = object_of(request).find(key);
    if (it == request.end() || it->is_null()) return false;
    if (!it->is_boolean()) throw InputError(std::string("\"") + key + "\": expected true or false, got " + it->dump());
    return it->get<bool>();
}

/** A TOML basic string. */
std::string toml_text(const std::string& s) {
    std::string out = "\"";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20 || c == 0x7f) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", c);
            out += esc;
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

/** A JSON value written as the TOML value --set reads. */
std::string toml_value(const json& v, const std::string& path) {
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
    if (v.is_number_float()) {
        const double x = v.get<double>();
        if (!std::isfinite(x)) throw InputError("set \"" + path + "\": not a finite number");
        return format_number(x);
    }
    if (v.is_string()) return toml_text(v.get<std::string>());
    if (v.is_array()) {
        std::string out = "[";
        for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + toml_value(v[i], path);
        return out + "]";
    }
    if (v.is_object()) {
        std::string out = "{";
        bool first = true;
        for (const auto& [key, value] : v.items()) {
            if (key.empty() || key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
                                   std::string::npos)
                throw InputError("set \"" + path + "\": the key \"" + key + "\" is not a TOML bare key");
            out += std::string(first ? " " : ", ") + key + " = " + toml_value(value, path);
            first = false;
        }
        return out + " }";
    }
    throw InputError("set \"" + path + "\": a null value sets nothing; leave the path out");
}

// ---- writing a reply ----------------------------------------------------------------------------

json band_row(const Results& r, std::size_t s, int t, const std::vector<std::string>& columns) {
    const Band& b = r.band(s, t);
    json row = {{"series", r.series[s]}, {"year", r.base_year + t}, {"mean", b.mean}, {"sd", b.sd}};
    for (std::size_t k = 0; k < columns.size(); ++k) row[columns[k]] = b.quantile[k];
    return row;
}

json bands_json(const Results& r) {
    std::vector<std::string> columns;
    for (const double q : r.quantiles) columns.push_back(quantile_column(q));
    json rows = json::array();
    for (std::size_t s = 0; s < r.series.size(); ++s)
        for (int t = 0; t <= r.years; ++t) rows.push_back(band_row(r, s, t, columns));
    return rows;
}

json delta_json(const Comparison& c) {
    const Results& d = c.delta.front();
    std::vector<std::string> columns;
    for (const double q : d.quantiles) columns.push_back(quantile_column(q));
    json rows = json::array();
    for (std::size_t s = 0; s < d.series.size(); ++s)
        for (int t = 0; t <= d.years; ++t) {
            json row = band_row(d, s, t, columns);
            row["prob_b_gt_a"] = c.greater.front()[s * static_cast<std::size_t>(d.years + 1) + static_cast<std::size_t>(t)];
            rows.push_back(std::move(row));
        }
    return rows;
}

json targets_json(const Results& r) {
    json out = json::array();
    for (const TargetResult& t : r.targets)
        out.push_back({{"series", t.target.series},
                       {"year", t.target.year},
                       {"value", t.target.value},
                       {"probability", t.probability},
                       {"standard_error", t.se}});
    return out;
}

/** The Monte Carlo error of the total's median at the horizon: what the paths control shows. */
json mc_error_json(const Results& r) {
    const std::size_t k = nearest_quantile(r.quantiles, 0.5);
    const Band& b = r.band(0, r.years);
    return {{"series", r.series[0]}, {"year", r.base_year + r.years}, {"quantile", quantile_column(r.quantiles[k])},
            {"value", b.quantile[k]}, {"lo", b.quantile_lo[k]}, {"hi", b.quantile_hi[k]},
            {"relative_half_width", b.quantile[k] != 0 ? 0.5 * (b.quantile_hi[k] - b.quantile_lo[k]) / std::fabs(b.quantile[k]) : 0.0},
            {"mean_standard_error", b.se_mean}};
}

json scenario_facts(const Scenario& sc) {
    json dims = json::array();
    for (const Dimension& d : sc.dimensions) {
        json members = json::array();
        for (const Member& m : d.members) members.push_back(m.name);
        dims.push_back({{"name", d.name}, {"members", members}});
    }
    return {{"name", sc.name}, {"unit", sc.unit}, {"base_year", sc.base_year}, {"horizon", sc.horizon},
            {"dimensions", dims}, {"series", series_names(sc, false)}};
}

// ---- inputs and their sliders -------------------------------------------------------------------

/** "region asia_pacific; type virtualized": a where filter in words. */
std::string filter_text(const std::vector<std::pair<std::string, std::vector<std::string>>>& where) {
    std::string out;
    for (const auto& [dim, members] : where) {
        out += (out.empty() ? "" : "; ") + dim + " ";
        for (std::size_t i = 0; i < members.size(); ++i) out += (i ? ", " : "") + members[i];
    }
    return out;
}

/** The label of a three-point table's point. */
std::string point_label(const std::string& point) { return point == "mode" ? "most likely" : point; }

/** A slider for a numeric input: its group, label, range and step, by the kind of value it is.
 *  Optional fields: `subgroup` (a heading within the group), `row` (shares rescaled together),
 *  `points` and `point` (a three-point table's low, mode and high, kept in order). */
json input_json(const Scenario& sc, const NumericInput& in) {
    const std::string& p = in.path;
    const double v = in.value;
    const auto ends = [&](const char* name) { return p.size() > std::string(name).size() && p.ends_with(name); };
    std::string group = "growth", label = p, kind = "number", subgroup, points, point;
    double lo = 0, hi = 1, step = 0.01;
    const auto around = [&](double below, double above) {  // a range that holds v
        lo = std::min(v, below);
        hi = std::max(v, above);
    };
    if (p == "scenario.base_value" || p.rfind("target[", 0) == 0) {
        group = p[0] == 's' ? "growth" : "targets";
        label = p[0] == 's' ? "base value" : "target";
        if (p[0] == 't') {
            const std::size_t i = std::stoul(p.substr(7));
            label = "target: " + sc.targets[i].series + " in " + std::to_string(sc.targets[i].year);
        }
        around(0.5 * v, 1.5 * v);
        step = std::pow(10.0, std::floor(std::log10(std::max(std::fabs(v), 1e-9))) - 2);
    } else if (p.rfind("growth.long_run.", 0) == 0) {  // a three-point long-run rate
        kind = "rate";
        subgroup = "long-run growth rate";
        points = "growth.long_run";
        point = p.substr(16);
        label = point_label(point);
        around(-0.05, 0.15);
        step = 0.001;
    } else if (p == "growth.rate" || p.rfind("growth.period[", 0) == 0) {
        kind = "rate";
        label = "growth rate";
        if (p != "growth.rate") {
            const Period& period = sc.periods[std::stoul(p.substr(14))];
            label += " " + std::to_string(period.from) + "-" + std::to_string(period.to);
        }
        around(-0.05, 0.15);
        step = 0.001;
    } else if (p == "growth.long_run_sd" || p == "growth.annual_sd") {
        kind = "rate";
        label = p == "growth.long_run_sd" ? "long-run sd" : "annual sd";
        around(0.0, std::max(0.05, 3 * v));
        step = 0.001;
    } else if (p == "growth.annual_persistence") {
        label = "annual persistence";
        around(0.0, 0.95);
        step = 0.01;
    } else if (p == "growth.annual_tails") {
        label = "annual tails (degrees of freedom)";
        around(kMinAnnualTails, kMaxAnnualTails);
        step = 1;
    } else if (p.rfind("correlation.", 0) == 0) {
        group = "correlation";
        label = p.substr(12) + " weight";
        around(0.0, 1.0);
    } else if (p.rfind("event.", 0) == 0) {  // event.NAME.probability, event.NAME.impact[.low|mode|high]
        group = "events";
        const std::string name = p.substr(6, p.find('.', 6) - 6);
        const auto event = std::find_if(sc.events.begin(), sc.events.end(), [&](const Event& e) { return e.name == name; });
        if (ends(".probability")) {
            kind = "probability";
            label = name + " probability per year";
            if (event != sc.events.end() && event->once) {
                const int from = std::max(event->from, sc.base_year + 1), to = std::min(event->to, sc.horizon);
                label = name + " probability it happens at all in " + std::to_string(from) +
                        (to > from ? "-" + std::to_string(to) : "");
            }
            around(0.0, 1.0);
        } else if (ends(".impact")) {
            label = name + " impact";
            kind = "rate";
            around(-0.3, 0.3);
            step = 0.005;
        } else {  // one point of an uncertain impact
            kind = "rate";
            subgroup = name + " impact";
            points = "event." + name + ".impact";
            point = p.substr(p.rfind('.') + 1);
            label = point_label(point);
            around(-0.3, 0.3);
            step = 0.005;
        }
    } else if (p.rfind("adjust.", 0) == 0) {  // adjust.NAME.shift|sd_scale|share, adjust.NAME.shift.YEAR
        group = "adjustments";
        const std::size_t first = p.find('.'), second = p.find('.', first + 1);
        const std::string name = p.substr(first + 1, second - first - 1), rest = p.substr(second + 1);
        const auto adjust = std::find_if(sc.adjustments.begin(), sc.adjustments.end(),
                                         [&](const Adjustment& a) { return a.name == name; });
        subgroup = name + (adjust == sc.adjustments.end() ? "" : " (" + filter_text(adjust->where) + ")");
        if (rest == "sd_scale") label = "sd scale";
        else if (rest == "share") label = "share multiplier";
        else if (rest.rfind("shift.", 0) == 0) label = "shift " + rest.substr(6);
        else label = rest;
        if (rest == "share" || rest == "sd_scale") {
            around(0.1, 3.0);  // a multiplier: not a row of shares that sums to 1
            step = 0.05;
        } else {
            kind = "rate";
            around(-0.05, 0.05);
            step = 0.001;
        }
    } else if (const std::size_t at = p.find(".shift."); at != std::string::npos) {  // dimension.member.shift.YEAR
        const std::size_t first = p.find('.');
        group = p.substr(0, first);
        label = p.substr(first + 1, at - first - 1) + " shift " + p.substr(at + 7);
        kind = "rate";
        around(-0.05, 0.05);
        step = 0.001;
    } else {  // dimension.member.share|shift|sd_scale
        const std::size_t first = p.find('.'), last = p.rfind('.');
        group = p.substr(0, first);
        const std::string member = p.substr(first + 1, last - first - 1), key = p.substr(last + 1);
        label = member + (key == "sd_scale" ? " sd scale" : " " + key);
        if (key == "share") {
            kind = "share";
            // with a conditional table, the member's own share holds only where the table has no row
            for (const ConditionalShares& c : sc.conditional_shares) {
                if (c.dimension != group) continue;
                std::string others;
                for (const Dimension& g : sc.dimensions)
                    if (g.name == c.given)
                        for (const Member& m : g.members)
                            if (std::none_of(c.rows.begin(), c.rows.end(), [&](const auto& r) { return r.first == m.name; }))
                                others += (others.empty() ? "" : ", ") + m.name;
                label += " (" + (others.empty() ? "unused: every " + c.given + " has a row" : "in " + others) + ")";
            }
            around(0.001, 0.999);
            step = 0.005;
        } else if (key == "shift") {
            kind = "rate";
            around(-0.05, 0.05);
            step = 0.001;
        } else {
            around(0.1, 3.0);
            step = 0.05;
        }
    }
    json out = {{"path", p}, {"value", v}, {"label", label}, {"group", group}, {"kind", kind},
                {"min", lo}, {"max", hi}, {"step", step}};
    if (!subgroup.empty()) out["subgroup"] = subgroup;
    if (kind == "share") out["row"] = group;  // a share row moves as a whole: the page rescales the siblings
    if (!points.empty()) {
        out["points"] = points;
        out["point"] = point;
    }
    return out;
}

/** The sliders of the conditional share rows: one per entry, `shares.D.G.M[i]`, in a row of its own
 *  that is set whole (`set_path` with the row's array, `index` its place in it). */
json conditional_share_inputs(const Scenario& sc) {
    json out = json::array();
    for (const ConditionalShares& c : sc.conditional_shares) {
        const Dimension* d = nullptr;
        for (const Dimension& x : sc.dimensions)
            if (x.name == c.dimension) d = &x;
        if (!d) continue;
        for (const auto& [given, row] : c.rows) {
            const std::string path = "shares." + c.dimension + "." + c.given + "." + given;
            for (std::size_t i = 0; i < row.size() && i < d->members.size(); ++i)
                out.push_back({{"path", path + "[" + std::to_string(i) + "]"}, {"value", row[i]},
                               {"label", d->members[i].name}, {"group", c.dimension + " by " + c.given},
                               {"subgroup", given}, {"kind", "share"}, {"row", path}, {"set_path", path},
                               {"index", i}, {"min", std::min(row[i], 0.001)}, {"max", std::max(row[i], 0.999)},
                               {"step", 0.005}});
        }
    }
    return out;
}

/** The points of a three-point table share one range, the union of theirs. */
void common_ranges(json& list) {
    std::map<std::string, std::pair<double, double>> range;
    for (const json& in : list)
        if (in.contains("points")) {
            auto& [lo, hi] = range.try_emplace(in["points"].get<std::string>(), in["min"], in["max"]).first->second;
            lo = std::min(lo, in["min"].get<double>());
            hi = std::max(hi, in["max"].get<double>());
        }
    for (json& in : list)
        if (in.contains("points")) {
            const auto& [lo, hi] = range.at(in["points"].get<std::string>());
            in["min"] = lo;
            in["max"] = hi;
        }
}

/** What a request's "charts" asks for: a dimension's members, as values or as shares. */
struct ChartSpec {
    std::string dimension;
    bool shares = false;
};

/** The request's "charts" (`{}`, `{"dimension": D, "shares": B}`), checked against the scenario before
 *  anything runs; nullopt when it asks for none. */
std::optional<ChartSpec> chart_spec(const json& request, const Scenario& sc) {
    const auto it = request.find("charts");
    if (it == request.end() || it->is_null() || *it == false) return std::nullopt;
    ChartSpec spec;
    spec.dimension = sc.dimensions.empty() ? "" : sc.dimensions.front().name;
    if (it->is_object() && it->contains("dimension")) {
        spec.dimension = it->at("dimension").get<std::string>();
        if (std::none_of(sc.dimensions.begin(), sc.dimensions.end(), [&](const Dimension& d) { return d.name == spec.dimension; })) {
            std::vector<std::string> names;
            for (const Dimension& d : sc.dimensions) names.push_back(d.name);
            throw InputError("charts.dimension: unknown dimension '" + spec.dimension + "'" + did_you_mean(spec.dimension, names));
        }
    }
    if (it->is_object() && it->contains("shares")) {
        if (!it->at("shares").is_boolean())
            throw InputError("charts.shares: expected true or false, got " + it->at("shares").dump());
        spec.shares = it->at("shares").get<bool>();
        if (spec.shares && !sc.share_series)
            throw InputError("charts.shares: scenario '" + sc.name + "' has no share series (output.shares = true adds them)");
    }
    return spec;
}

/** The SVG charts a page shows for a run: the total's fan (the unchanged scenario underneath and
 *  sample paths on top when given), a dimension's members (with `shares`: their share series, in
 *  percent), the delta fan. */
json charts_json(const ChartSpec& spec, const Scenario& sc, const Results& r, const Comparison* cmp,
                 const SamplePaths* sample) {
    const std::string& dimension = spec.dimension;
    const bool shares = spec.shares;
    FanChart total;
    total.title = "total";
    total.legend = true;
    for (const TargetResult& t : r.targets)
        if (t.target.series == "total")
            total.markers.push_back({t.target.year, t.target.value, "target " + format_number(t.target.value)});
    if (cmp) total.underneath = &cmp->bands.front();
    if (sample && !sample->series.empty() && sample->series.front() == "total") total.paths = sample->values.front();
    json out = {{"total", fan_chart_svg(r, 0, total)}, {"dimension", dimension}, {"shares", shares},
                {"members", json::array()}};
    for (const Dimension& d : sc.dimensions) {
        if (d.name != dimension) continue;
        for (const Member& m : d.members) {
            FanChart small;
            small.title = (shares ? "share:" : "") + d.name + "=" + m.name;
            small.width = 300;
            small.height = 200;
            small.percent = shares;
            const std::size_t s = r.series_index(small.title);
            // the unchanged scenario underneath when it has the series at the same place (a `set` may
            // have turned output.shares on for the what-if alone)
            if (cmp && s < cmp->bands.front().series.size() && cmp->bands.front().series[s] == small.title)
                small.underneath = &cmp->bands.front();
            out["members"].push_back(fan_chart_svg(r, s, small));
        }
    }
    if (cmp) {
        FanChart delta;
        delta.title = "total: what-if minus unchanged";
        delta.width = 520;
        delta.height = 260;
        out["delta"] = fan_chart_svg(cmp->delta.front(), 0, delta);
    }
    return out;
}

}  // namespace

std::vector<std::string> set_arguments(const json& set) {
    std::vector<std::string> out;
    if (set.is_null()) return out;
    if (!set.is_object()) throw InputError("\"set\": expected an object of --set paths and values, got " + set.dump());
    for (const auto& [path, value] : set.items()) out.push_back(path + "=" + toml_value(value, path));
    return out;
}

Workbench::Workbench(Options options) : options_(std::move(options)) {
    std::error_code ec;
    if (!fs::is_directory(options_.dir, ec)) throw InputError(options_.dir.string() + ": not a folder of scenario files");
    root_ = fs::canonical(options_.dir);
    if (options_.save_dir.empty()) options_.save_dir = options_.dir;
    if (!fs::is_directory(options_.save_dir, ec)) throw InputError("--save-dir " + options_.save_dir.string() + ": not a folder");
}

fs::path Workbench::resolve(const std::string& file) const {
    const fs::path given(file);
    if (file.empty() || given.is_absolute() || file.find('\0') != std::string::npos)
        throw Refusal(400, "file \"" + file + "\": name a scenario file of the served folder by its relative path");
    for (const fs::path& part : given)
        if (part == "..") throw Refusal(403, "file \"" + file + "\": leaves the served folder");
    std::error_code ec;
    const fs::path path = fs::weakly_canonical(root_ / given, ec);
    if (ec || !fs::is_regular_file(path, ec)) throw Refusal(404, "file \"" + file + "\": no such scenario file");
    const auto [end, _] = std::mismatch(root_.begin(), root_.end(), path.begin(), path.end());
    if (end != root_.end()) throw Refusal(403, "file \"" + file + "\": leaves the served folder");
    return path;
}

Scenario Workbench::load(const json& request) const {
    const std::string file = text_field(request, "file");
    const fs::path path = resolve(file);
    const auto set = object_of(request).find("set");
    // messages name the file as the request does, as the command line names it as typed
    const std::string shown = (options_.dir / file).lexically_normal().string();
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Scenario sc = parse_scenario(text, shown, set == request.end() ? std::vector<std::string>{} : set_arguments(*set));
    for (const auto& [input, hash] : sc.files) {  // an extends chain must stay in the folder too
        std::error_code ec;
        const fs::path p = fs::weakly_canonical(input, ec);
        const auto [end, _] = std::mismatch(root_.begin(), root_.end(), p.begin(), p.end());
        if (ec || end != root_.end()) throw Refusal(403, "file \"" + file + "\": extends " + input + ", outside the served folder");
    }
    return sc;
}

Reply Workbench::scenarios() const {
    return guarded([&] {
        std::vector<fs::path> files;
        for (const fs::directory_entry& e : fs::directory_iterator(root_))
            if (e.is_regular_file() && e.path().extension() == ".toml") files.push_back(e.path().filename());
        std::sort(files.begin(), files.end());
        json list = json::array();
        for (const fs::path& f : files) {
            json item = {{"file", f.string()}};
            try {
                item.update(scenario_facts(load({{"file", f.string()}})));
            } catch (const std::exception& e) {
                item["error"] = e.what();
            }
            list.push_back(std::move(item));
        }
        return Reply{200, {{"scenarios", list}}};
    });
}

Reply Workbench::inputs(const std::string& file) const {
    return guarded([&] {
        const Scenario sc = load({{"file", file}});
        json list = json::array();
        for (const NumericInput& in : numeric_inputs(sc)) {
            if (in.path == "correlation.global")  // the conditional share rows after the dimensions
                for (json& row : conditional_share_inputs(sc)) list.push_back(std::move(row));
            list.push_back(input_json(sc, in));
        }
        common_ranges(list);
        // growth rate first, then the order of the file
        std::stable_partition(list.begin(), list.end(), [](const json& x) { return x["path"] == "growth.rate"; });
        return Reply{200, {{"file", file}, {"scenario", scenario_facts(sc)}, {"inputs", list}}};
    });
}

Reply Workbench::run(const json& request, const StopCheck& stop) const {
    return guarded([&] {
        const auto started = std::chrono::steady_clock::now();
        const Scenario what_if = load(request);
        RunOptions options;
        options.paths = count_field(request, "paths", 1, options_.max_paths, " (the server's --max-paths)").value_or(100000);
        options.seed = count_field(request, "seed", 0, (std::uint64_t{1} << 63) - 1);
        options.threads = options_.threads;
        options.stop = stop;
        const bool compared = flag_field(request, "compare");
        const std::optional<ChartSpec> charts = chart_spec(request, what_if);
        const std::uint64_t sampled = count_field(request, "sample_paths", 0, 50).value_or(0);
        std::vector<std::string> series = {"total"};
        if (const auto it = request.find("series"); it != request.end()) series = it->get<std::vector<std::string>>();

        Results r;
        std::optional<Comparison> cmp;
        if (compared) {
            Scenario unchanged = load({{"file", request.at("file")}});
            unchanged.name += "_unchanged";  // compare pairs scenarios by distinct names
            cmp = compare({unchanged, what_if}, options);
            r = cmp->bands.back();
        } else {
            r = marketsim::run(what_if, options);
        }
        if (r.partial()) throw Interrupted(r.interrupted_by);
        json reply = {{"scenario", what_if.name}, {"unit", what_if.unit}, {"paths", r.paths}, {"seed", r.seed},
                      {"threads", r.threads}, {"simd", r.simd}, {"bands", bands_json(r)},
                      {"targets", targets_json(r)}, {"warnings", r.warnings}, {"mc_error", mc_error_json(r)}};
        std::vector<std::string> columns;
        for (const double q : r.quantiles) columns.push_back(quantile_column(q));
        reply["quantiles"] = columns;
        if (cmp) {
            reply["delta"] = delta_json(*cmp);
            // values and shares (fractions) ranked apart: a change in money and one in share points
            // are not comparable
            json moved = json::array(), moved_shares = json::array();
            for (const Moved& m : what_moved(*cmp, 1, std::numeric_limits<std::size_t>::max())) {
                json& list = m.share ? moved_shares : moved;
                if (list.size() < 10)
                    list.push_back({{"series", m.series}, {"unchanged_p50", m.a_p50}, {"p50", m.b_p50}, {"change", m.change},
                                    {"change_pct", m.change_pct}, {"prob_b_gt_a", m.prob_b_gt_a}});
            }
            reply["moved"] = moved;
            reply["moved_shares"] = moved_shares;
            reply["unchanged_targets"] = targets_json(cmp->bands.front());
        }
        std::optional<SamplePaths> sample;
        if (sampled > 0) {
            sample = sample_paths(what_if, series, sampled, options.seed);
            reply["sample_paths"] = {{"series", sample->series}, {"base_year", sample->base_year}, {"values", sample->values}};
        }
        if (charts) reply["charts"] = charts_json(*charts, what_if, r, cmp ? &*cmp : nullptr, sample ? &*sample : nullptr);
        reply["elapsed_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        return Reply{200, reply};
    });
}

std::string Workbench::what_if_text(const json& request) const {
    const std::string file = text_field(request, "file");
    const fs::path path = resolve(file);
    const fs::path base = fs::relative(path, fs::weakly_canonical(options_.save_dir));
    const auto set = object_of(request).find("set");
    std::string text = "# What-if saved by marketsim serve: " + file + " with the values below.\n"
                       "extends = " + toml_text(base.generic_string()) + "\n\n[set]\n";
    if (set != request.end())
        for (const std::string& argument : set_arguments(*set)) {
            const std::size_t eq = argument.find('=');
            text += toml_text(argument.substr(0, eq)) + " = " + argument.substr(eq + 1) + "\n";
        }
    return text;
}

Reply Workbench::toml(const json& request) const {
    return guarded([&] {
        const std::string text = what_if_text(request);
        (void)parse_scenario(text, options_.save_dir / "what_if.toml");  // it must load
        return Reply{200, {{"toml", text}}};
    });
}

Reply Workbench::save(const json& request) const {
    return guarded([&] {
        const std::string name = text_field(request, "name");
        if (name.empty() || name.size() > 64 || name[0] < 'a' || name[0] > 'z' ||
            name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
            throw InputError("name \"" + name + "\": a scenario name starts with a lowercase letter and uses only a-z, 0-9 "
                             "and _ (at most 64 characters)");
        const std::string text = what_if_text(request);
        const fs::path target = options_.save_dir / (name + ".toml");
        (void)parse_scenario(text, target);  // what is saved loads
        // written whole under a temporary name, then linked to its name, which fails if it exists
        const fs::path temp = options_.save_dir / ("." + name + ".toml.tmp-" + std::to_string(::getpid()));
        {
            std::ofstream out(temp, std::ios::binary);
            out << text;
            out.close();
            if (!out) {
                std::error_code ec;
                fs::remove(temp, ec);
                throw Refusal(507, "cannot write " + target.string());
            }
        }
        const int linked = ::link(temp.c_str(), target.c_str());
        const int error = errno;
        std::error_code ec;
        fs::remove(temp, ec);
        if (linked != 0 && error == EEXIST)
            throw Refusal(409, target.filename().string() + " exists already; choose another name");
        if (linked != 0) throw Refusal(507, "cannot write " + target.string());
        return Reply{201, {{"file", target.filename().string()}, {"path", target.string()}, {"toml", text}}};
    });
}

}  // namespace marketsim::serve
