#include "marketsim/scenario_file.hpp"

#include "marketsim/model.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <utility>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "marketsim/correlation.hpp"
#include "marketsim/error.hpp"
#include "marketsim/hash.hpp"

namespace marketsim {

namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------
// Formatting

/** Shortest text that reads back to the same double; always a TOML float ("1.0", "1e-05"). */
std::string toml_number(double x) {
    char buf[40];
    const auto r = std::to_chars(buf, buf + sizeof buf, x);
    std::string s(buf, r.ptr);
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
}

/** A TOML basic string literal. */
std::string toml_string(std::string_view text) {
    std::string out = "\"";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (ch) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char esc[8];
                    std::snprintf(esc, sizeof esc, "\\u%04x", c);
                    out += esc;
                } else {
                    out += ch;
                }
        }
    }
    return out + "\"";
}

/** A TOML value as the user wrote it, for "got ..." in messages. */
std::string describe(const toml::node& v) {
    if (const auto* s = v.as_string()) return toml_string(s->get());
    if (const auto* i = v.as_integer()) return std::to_string(i->get());
    if (const auto* f = v.as_floating_point()) return toml_number(f->get());
    if (const auto* b = v.as_boolean()) return b->get() ? "true" : "false";
    if (v.is_array()) return "an array";
    if (v.is_table()) return "a table";
    return "a date/time";
}

std::string list_text(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
    return out;
}

// ---------------------------------------------------------------------------------------------
// Origins and errors

[[noreturn]] void fail(const Origin& o, const std::string& message) {
    throw InputError(o.str() + ": " + message);
}

Origin at(const std::string& file, const toml::source_region& r) {
    return Origin{file, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column), ""};
}

/** Where element `n` of a value given at `o` sits: its own position in a file, else `o`. */
Origin inside(const Origin& o, const toml::node& n) {
    if (o.line == 0) return o;
    return at(o.file, n.source());
}

/** Forget the origins of `prefix` and everything below it ("a.b", "a.b.c", "a.b[0]"). */
void erase_origins(std::map<std::string, Origin>& origins, const std::string& prefix) {
    for (auto it = origins.lower_bound(prefix); it != origins.end();) {
        const std::string& k = it->first;
        if (k.compare(0, prefix.size(), prefix) != 0) break;
        if (k.size() == prefix.size() || k[prefix.size()] == '.' || k[prefix.size()] == '[')
            it = origins.erase(it);
        else
            ++it;
    }
}

/** The origin of `path`, else of its closest recorded parent, else the scenario file itself. */
Origin origin_of(const Scenario& s, std::string path, const std::string& top_file) {
    while (!path.empty()) {
        if (auto it = s.origins.find(path); it != s.origins.end()) return it->second;
        const std::size_t cut = path.find_last_of(".[");
        if (cut == std::string::npos) break;
        path.resize(cut);
    }
    return Origin{top_file, 0, 0, ""};
}

// ---------------------------------------------------------------------------------------------
// Typed reads: the type is checked as a value is read; `path` names it in messages.

[[noreturn]] void type_error(const toml::node& v, const std::string& path, const Origin& o,
                             std::string_view expected) {
    fail(o, path + ": expected " + std::string(expected) + ", got " + describe(v));
}

double get_number(const toml::node& v, const std::string& path, const Origin& o) {
    if (const auto* i = v.as_integer()) return static_cast<double>(i->get());
    const auto* f = v.as_floating_point();
    if (!f) type_error(v, path, o, "a number");
    if (!std::isfinite(f->get())) fail(o, path + " = " + describe(v) + ": must be a finite number");
    return f->get();
}

std::int64_t get_int64(const toml::node& v, const std::string& path, const Origin& o) {
    const auto* i = v.as_integer();
    if (!i) type_error(v, path, o, "an integer");
    return i->get();
}

int get_int(const toml::node& v, const std::string& path, const Origin& o) {
    const std::int64_t x = get_int64(v, path, o);
    if (x < std::numeric_limits<int>::min() || x > std::numeric_limits<int>::max())
        fail(o, path + " = " + std::to_string(x) + ": out of range");
    return static_cast<int>(x);
}

std::uint64_t get_seed(const toml::node& v, const std::string& path, const Origin& o) {
    const std::int64_t x = get_int64(v, path, o);
    if (x < 0) fail(o, path + " = " + std::to_string(x) + ": a seed must be in 0..9223372036854775807");
    return static_cast<std::uint64_t>(x);
}

bool get_bool(const toml::node& v, const std::string& path, const Origin& o) {
    const auto* b = v.as_boolean();
    if (!b) type_error(v, path, o, "true or false");
    return b->get();
}

std::string get_string(const toml::node& v, const std::string& path, const Origin& o) {
    const auto* s = v.as_string();
    if (!s) type_error(v, path, o, "a string");
    return s->get();
}

const toml::table& get_table(const toml::node& v, const std::string& path, const Origin& o) {
    const auto* t = v.as_table();
    if (!t) type_error(v, path, o, "a table");
    return *t;
}

const toml::array& get_array(const toml::node& v, const std::string& path, const Origin& o) {
    const auto* a = v.as_array();
    if (!a) type_error(v, path, o, "an array");
    return *a;
}

/** An array of tables ([[name]] or [{...}, ...]). */
const toml::array& get_table_array(const toml::node& v, const std::string& path, const Origin& o) {
    const auto* a = v.as_array();
    if (!a || !(a->empty() || a->is_array_of_tables())) type_error(v, path, o, "an array of tables ([[" + path + "]])");
    return *a;
}

bool valid_name(std::string_view name) {
    if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

void check_name(const std::string& name, const std::string& path, const Origin& o) {
    if (!valid_name(name))
        fail(o, path + " = " + toml_string(name) +
                    ": names must start with a lowercase letter and use only a-z, 0-9 and _");
}

/** Where key `k` of a table given at `o` sits (`o` itself on the command line). */
Origin key_at(const Origin& o, const toml::key& k) {
    if (o.line == 0) return o;
    return at(o.file, k.source());
}

/** Every key of `t` (a table given at `o`) is in `known`; `where` names the table in messages. */
void check_keys(const toml::table& t, const std::vector<std::string>& known, const Origin& o,
                const std::string& where) {
    for (auto&& [k, v] : t) {
        if (std::find(known.begin(), known.end(), k.str()) == known.end())
            fail(key_at(o, k), "unknown key '" + std::string(k.str()) + "' in " + where + did_you_mean(k.str(), known));
    }
}

/** `t[key]` with the key's position, or nulls. */
std::pair<const toml::node*, Origin> entry(const toml::table& t, std::string_view key, const std::string& file) {
    auto it = t.find(key);
    if (it == t.end()) return {nullptr, Origin{}};
    return {&it->second, at(file, it->first.source())};
}

// ---------------------------------------------------------------------------------------------
// Paths: "growth.period[0].rate" -> {"growth", "period[0]", "rate"}

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = path.find('.', start);
        out.emplace_back(path.substr(start, dot == std::string_view::npos ? path.npos : dot - start));
        if (dot == std::string_view::npos) return out;
        start = dot + 1;
    }
}

/** i when `segment` is "name[i]". */
std::optional<std::size_t> indexed(std::string_view segment, std::string_view name) {
    if (segment.size() < name.size() + 3 || segment.substr(0, name.size()) != name ||
        segment[name.size()] != '[' || segment.back() != ']')
        return std::nullopt;
    const std::string_view digits = segment.substr(name.size() + 1, segment.size() - name.size() - 2);
    std::size_t i = 0;
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), i);
    if (r.ec != std::errc{} || r.ptr != digits.data() + digits.size()) return std::nullopt;
    return i;
}

std::string indexed_name(std::string_view name, std::size_t i) {
    return std::string(name) + "[" + std::to_string(i) + "]";
}

// ---------------------------------------------------------------------------------------------
// The scenario being built, file by file

const std::vector<std::string> top_keys{"extends", "scenario", "growth", "dimension", "correlation",
                                        "event",   "target",   "output", "set"};
const std::vector<std::string> scenario_keys{"name", "unit", "base_year", "base_value", "horizon", "seed"};
const std::vector<std::string> growth_keys{"rate", "long_run_sd", "annual_sd", "long_run", "period"};
const std::vector<std::string> long_run_keys{"dist", "low", "mode", "high"};
const std::vector<std::string> long_run_dists{"pert", "triangular", "uniform"};
const std::vector<std::string> period_keys{"from", "to", "rate"};
const std::vector<std::string> dimension_keys{"name", "members"};
const std::vector<std::string> member_keys{"name", "share", "shift", "sd_scale"};
const std::vector<std::string> member_values{"share", "shift", "sd_scale"};
const std::vector<std::string> event_keys{"name",   "probability", "from",    "to",
                                          "at",     "impact",      "duration", "where"};
const std::vector<std::string> target_keys{"series", "year", "value"};
const std::vector<std::string> output_keys{"quantiles", "relative_accuracy", "cells"};
const std::vector<std::string> reserved_dimension_names{"global", "matrix", "repair", "scenario", "growth",
                                                        "correlation", "event", "target", "output", "set"};

struct Layer {
    Scenario s;
    bool rate_follows_mode = false;  ///< growth.rate is growth.long_run's mode (nobody set it)
    bool rate_set_here = false;      ///< the current file set growth.rate
    bool long_run_set_here = false;  ///< the current file set growth.long_run
};

Dimension* find_dimension(Scenario& s, std::string_view name) {
    for (Dimension& d : s.dimensions)
        if (d.name == name) return &d;
    return nullptr;
}

Event* find_event(Scenario& s, std::string_view name) {
    for (Event& e : s.events)
        if (e.name == name) return &e;
    return nullptr;
}

std::vector<std::string> dimension_names(const Scenario& s) {
    std::vector<std::string> out;
    for (const Dimension& d : s.dimensions) out.push_back(d.name);
    return out;
}

/** Every path [set] and --set accept for this scenario (for "did you mean"). */
std::vector<std::string> valid_paths(const Scenario& s) {
    std::vector<std::string> out;
    for (const auto& k : scenario_keys) out.push_back("scenario." + k);
    for (const auto& k : growth_keys) out.push_back("growth." + k);
    if (s.long_run) {
        out.push_back("growth.long_run.low");
        if (s.long_run->dist != "uniform") out.push_back("growth.long_run.mode");
        out.push_back("growth.long_run.high");
    }
    for (std::size_t i = 0; i < s.periods.size(); ++i) out.push_back("growth." + indexed_name("period", i) + ".rate");
    for (const Dimension& d : s.dimensions)
        for (const Member& m : d.members)
            for (const auto& k : member_values) out.push_back(d.name + "." + m.name + "." + k);
    out.push_back("correlation.global");
    out.push_back("correlation.repair");
    for (const Dimension& d : s.dimensions) out.push_back("correlation." + d.name);
    for (const Dimension& d : s.dimensions) out.push_back("correlation.matrix." + d.name);
    for (const Event& e : s.events) {
        for (const auto& k : event_keys)
            if (k != "name") out.push_back("event." + e.name + "." + k);
        for (const Dimension& d : s.dimensions) out.push_back("event." + e.name + ".where." + d.name);
    }
    for (std::size_t i = 0; i < s.targets.size(); ++i) out.push_back(indexed_name("target", i) + ".value");
    for (const auto& k : output_keys) out.push_back("output." + k);
    return out;
}

/** When growth.rate follows growth.long_run's mode, give it that value for good. */
void materialize_rate(Layer& L) {
    Scenario& s = L.s;
    if (!L.rate_follows_mode || !s.long_run) return;
    LongRun& lr = *s.long_run;
    if (lr.dist == "uniform") lr.mode = 0.5 * (lr.low + lr.high);
    s.rate = lr.mode;
    auto it = s.origins.find("growth.long_run.mode");
    if (it == s.origins.end()) it = s.origins.find("growth.long_run");
    if (it != s.origins.end()) s.origins["growth.rate"] = it->second;
    L.rate_follows_mode = false;
}

void read_long_run(Layer& L, const toml::node& v, const Origin& o) {
    Scenario& s = L.s;
    const std::string path = "growth.long_run";
    const toml::table& t = get_table(v, path, o);
    check_keys(t, long_run_keys, o, "growth.long_run");
    auto field = [&](std::string_view key) -> std::pair<const toml::node*, Origin> {
        auto it = t.find(key);
        if (it == t.end()) return {nullptr, o};
        return {&it->second, key_at(o, it->first)};
    };

    LongRun lr;
    std::map<std::string, Origin> origins;
    auto [dist_node, dist_origin] = field("dist");
    if (!dist_node) fail(o, path + ": dist is required (\"pert\", \"triangular\" or \"uniform\")");
    lr.dist = get_string(*dist_node, path + ".dist", dist_origin);
    if (std::find(long_run_dists.begin(), long_run_dists.end(), lr.dist) == long_run_dists.end())
        fail(dist_origin, path + ".dist = " + toml_string(lr.dist) + ": expected \"pert\", \"triangular\" or \"uniform\"" +
                              did_you_mean(lr.dist, long_run_dists));
    for (const std::string key : {"low", "mode", "high"}) {
        auto [node, origin] = field(key);
        const bool uniform = lr.dist == "uniform";
        if (key == "mode" && uniform) {
            if (node) fail(origin, path + ".mode: a uniform distribution has no mode (drop it)");
            continue;
        }
        if (!node) fail(o, path + ": " + key + " is required for dist = " + toml_string(lr.dist));
        const double x = get_number(*node, path + "." + key, origin);
        (key == "low" ? lr.low : key == "mode" ? lr.mode : lr.high) = x;
        origins[path + "." + key] = origin;
    }
    if (lr.dist == "uniform") lr.mode = 0.5 * (lr.low + lr.high);

    erase_origins(s.origins, path);
    erase_origins(s.origins, "growth.long_run_sd");
    s.origins[path] = o;
    s.origins.insert(origins.begin(), origins.end());
    s.long_run = lr;
    s.long_run_sd = 0.0;
    L.rate_follows_mode = true;
    L.long_run_set_here = true;
}

void read_periods(Scenario& s, const toml::node& v, const Origin& o) {
    const std::string path = "growth.period";
    const toml::array& a = get_array(v, path, o);
    struct Read {
        Period p;
        Origin at, from, to, rate;
    };
    std::vector<Read> read;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string item = indexed_name(path, i);
        const Origin io = inside(o, a[i]);
        const toml::table& t = get_table(a[i], item, io);
        Read r{Period{}, io, io, io, io};
        for (auto&& [k, val] : t) {
            const Origin ko = key_at(o, k);
            const std::string key(k.str());
            if (key == "from") r.p.from = get_int(val, item + ".from", r.from = ko);
            else if (key == "to") r.p.to = get_int(val, item + ".to", r.to = ko);
            else if (key == "rate") r.p.rate = get_number(val, item + ".rate", r.rate = ko);
            else fail(ko, "unknown key '" + key + "' in " + item + did_you_mean(key, period_keys));
        }
        for (const std::string key : {"from", "to", "rate"})
            if (!t.contains(key)) fail(io, item + ": " + key + " is required (periods are { from, to, rate })");
        read.push_back(r);
    }
    std::stable_sort(read.begin(), read.end(), [](const Read& x, const Read& y) { return x.p.from < y.p.from; });
    erase_origins(s.origins, path);
    s.origins[path] = o;
    s.periods.clear();
    for (std::size_t i = 0; i < read.size(); ++i) {
        const std::string item = indexed_name(path, i);
        s.periods.push_back(read[i].p);
        s.origins[item] = read[i].at;
        s.origins[item + ".from"] = read[i].from;
        s.origins[item + ".to"] = read[i].to;
        s.origins[item + ".rate"] = read[i].rate;
    }
}

std::vector<double> read_numbers(Scenario& s, const toml::node& v, const std::string& path, const Origin& o) {
    const toml::array& a = get_array(v, path, o);
    std::vector<double> out;
    erase_origins(s.origins, path);
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string item = indexed_name(path, i);
        const Origin io = inside(o, a[i]);
        out.push_back(get_number(a[i], item, io));
        s.origins[item] = io;
    }
    return out;
}

std::vector<std::vector<double>> read_matrix(Scenario& s, const toml::node& v, const std::string& path,
                                             const Origin& o) {
    const toml::array& a = get_array(v, path, o);
    std::vector<std::vector<double>> out;
    erase_origins(s.origins, path);
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string row = indexed_name(path, i);
        const Origin ro = inside(o, a[i]);
        const toml::array& r = get_array(a[i], row, ro);
        out.emplace_back();
        for (std::size_t j = 0; j < r.size(); ++j) {
            const std::string item = indexed_name(row, j);
            const Origin io = inside(o, r[j]);
            out.back().push_back(get_number(r[j], item, io));
            s.origins[item] = io;
        }
    }
    return out;
}

std::vector<std::string> read_member_list(Scenario& s, const toml::node& v, const std::string& path,
                                          const Origin& o) {
    const toml::array& a = get_array(v, path, o);
    if (a.empty()) fail(o, path + ": list at least one member (an empty list matches no cell)");
    std::vector<std::string> out;
    erase_origins(s.origins, path);
    s.origins[path] = o;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string item = indexed_name(path, i);
        const Origin io = inside(o, a[i]);
        out.push_back(get_string(a[i], item, io));
        s.origins[item] = io;
    }
    return out;
}

void read_where(Scenario& s, Event& e, const toml::node& v, const std::string& path, const Origin& o) {
    const toml::table& t = get_table(v, path, o);
    erase_origins(s.origins, path);
    e.where.clear();
    for (auto&& [k, val] : t) {
        const Origin ko = key_at(o, k);
        const std::string dim(k.str());
        e.where.emplace_back(dim, read_member_list(s, val, path + "." + dim, ko));
    }
    s.origins[path] = o;
}

/** Set the value at a dotted `path` (MODEL.md section 7) from a TOML value given at `o`.
 *  Types are checked here; cross-field rules wait for validate(). false: no such path. */
bool assign(Layer& L, const std::string& path, const toml::node& v, const Origin& o) {
    Scenario& s = L.s;
    const std::vector<std::string> seg = split_path(path);
    const std::size_t n = seg.size();
    auto done = [&] {
        s.origins[path] = o;
        return true;
    };

    if (seg[0] == "scenario" && n == 2) {
        const std::string& k = seg[1];
        if (k == "name") s.name = get_string(v, path, o);
        else if (k == "unit") s.unit = get_string(v, path, o);
        else if (k == "base_year") s.base_year = get_int(v, path, o);
        else if (k == "horizon") s.horizon = get_int(v, path, o);
        else if (k == "base_value") s.base_value = get_number(v, path, o);
        else if (k == "seed") s.seed = get_seed(v, path, o);
        else return false;
        return done();
    }

    if (seg[0] == "growth" && n == 2) {
        const std::string& k = seg[1];
        if (k == "rate") {
            s.rate = get_number(v, path, o);
            L.rate_follows_mode = false;
            L.rate_set_here = true;
        } else if (k == "annual_sd") {
            s.annual_sd = get_number(v, path, o);
        } else if (k == "long_run_sd") {
            s.long_run_sd = get_number(v, path, o);
            materialize_rate(L);
            s.long_run.reset();
            erase_origins(s.origins, "growth.long_run");
        } else if (k == "long_run") {
            read_long_run(L, v, o);
            return true;
        } else if (k == "period") {
            read_periods(s, v, o);
            return true;
        } else {
            return false;
        }
        return done();
    }
    if (seg[0] == "growth" && n == 3 && seg[1] == "long_run") {
        const std::string& k = seg[2];
        if (k != "low" && k != "mode" && k != "high") return false;
        if (!s.long_run) fail(o, path + ": the scenario has no growth.long_run (it uses growth.long_run_sd)");
        if (k == "mode" && s.long_run->dist == "uniform")
            fail(o, path + ": a uniform long_run has no mode (it is the midpoint of low and high)");
        (k == "low" ? s.long_run->low : k == "mode" ? s.long_run->mode : s.long_run->high) = get_number(v, path, o);
        return done();
    }
    if (seg[0] == "growth" && n == 3 && seg[2] == "rate") {
        const auto i = indexed(seg[1], "period");
        if (!i || *i >= s.periods.size()) return false;
        s.periods[*i].rate = get_number(v, path, o);
        return done();
    }

    if (seg[0] == "correlation") {
        if (n == 2 && seg[1] == "global") {
            s.corr_global = get_number(v, path, o);
            return done();
        }
        if (n == 2 && seg[1] == "repair") {
            s.corr_repair = get_bool(v, path, o);
            return done();
        }
        if (n == 2 && find_dimension(s, seg[1])) {
            s.corr_weight[seg[1]] = get_number(v, path, o);
            return done();
        }
        if (n == 3 && seg[1] == "matrix" && find_dimension(s, seg[2])) {
            s.corr_matrix[seg[2]] = read_matrix(s, v, path, o);
            return done();
        }
        return false;
    }

    if (seg[0] == "event" && (n == 3 || n == 4)) {
        Event* e = find_event(s, seg[1]);
        if (!e) return false;
        const std::string& k = seg[2];
        if (n == 4) {
            if (k != "where") return false;
            auto it = std::find_if(e->where.begin(), e->where.end(), [&](const auto& w) { return w.first == seg[3]; });
            std::vector<std::string> members = read_member_list(s, v, path, o);
            if (it != e->where.end()) it->second = std::move(members);
            else e->where.emplace_back(seg[3], std::move(members));
            return true;
        }
        if (k == "probability") e->probability = get_number(v, path, o);
        else if (k == "impact") e->impact = get_number(v, path, o);
        else if (k == "from") e->from = get_int(v, path, o);
        else if (k == "to") e->to = get_int(v, path, o);
        else if (k == "duration") e->duration = get_int(v, path, o);
        else if (k == "at") {
            e->from = e->to = get_int(v, path, o);
            s.origins["event." + e->name + ".from"] = o;
            s.origins["event." + e->name + ".to"] = o;
        } else if (k == "where") {
            read_where(s, *e, v, path, o);
            return true;
        } else {
            return false;
        }
        return done();
    }

    if (const auto i = indexed(seg[0], "target"); i && n == 2 && seg[1] == "value") {
        if (*i >= s.targets.size()) return false;
        s.targets[*i].value = get_number(v, path, o);
        return done();
    }

    if (seg[0] == "output" && n == 2) {
        const std::string& k = seg[1];
        if (k == "quantiles") s.quantiles = read_numbers(s, v, path, o);
        else if (k == "relative_accuracy") s.relative_accuracy = get_number(v, path, o);
        else if (k == "cells") s.cells = get_bool(v, path, o);
        else return false;
        return done();
    }

    if (n == 3) {
        Dimension* d = find_dimension(s, seg[0]);
        if (!d) return false;
        auto m = std::find_if(d->members.begin(), d->members.end(), [&](const Member& x) { return x.name == seg[1]; });
        if (m == d->members.end()) return false;
        const std::string& k = seg[2];
        if (k == "share") m->share = get_number(v, path, o);
        else if (k == "shift") m->shift = get_number(v, path, o);
        else if (k == "sd_scale") m->sd_scale = get_number(v, path, o);
        else return false;
        return done();
    }
    return false;
}

/** One [set] entry or --set argument. */
void apply_set(Layer& L, const std::string& path, const toml::node& v, const Origin& o, bool in_file) {
    if (assign(L, path, v, o)) return;
    fail(o, "unknown path '" + path + "'" + (in_file ? " in [set]" : "") + did_you_mean(path, valid_paths(L.s)));
}

/** [set] entries as (dotted path, value, origin): nested (non-inline) tables are flattened. */
void flatten_set(const toml::table& t, const std::string& prefix, const std::string& file,
                 std::vector<std::tuple<std::string, const toml::node*, Origin>>& out) {
    for (auto&& [k, v] : t) {
        const std::string path = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
        if (const auto* sub = v.as_table(); sub && !sub->is_inline())
            flatten_set(*sub, path, file, out);
        else
            out.emplace_back(path, &v, at(file, k.source()));
    }
}

// ---------------------------------------------------------------------------------------------
// Files

/** The scenario name a file gives by default: its stem, lowercased, other characters as '_'. */
std::string stem_name(const fs::path& file) {
    std::string name = file.stem().string();
    for (char& c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) c = '_';
    }
    if (name.empty() || name[0] < 'a' || name[0] > 'z') name = "scenario_" + name;
    return name;
}

/** The file's bytes; `what` prefixes the message when it cannot be read. */
std::string read_bytes(const fs::path& file, const std::string& what) {
    std::error_code ec;
    std::string reason;
    if (!fs::exists(file, ec)) reason = "no such file";
    else if (fs::is_directory(file, ec)) reason = "it is a folder";
    if (reason.empty()) {
        // read in pieces up to a cap: a pipe works, a device such as /dev/zero is refused, not read forever
        constexpr std::size_t kMaxBytes = std::size_t{16} << 20;
        std::ifstream in(file, std::ios::binary);
        if (in) {
            std::string text;
            char buf[65536];
            while (in.read(buf, sizeof buf) || in.gcount() > 0) {
                text.append(buf, static_cast<std::size_t>(in.gcount()));
                if (text.size() > kMaxBytes)
                    throw InputError(what + "scenario file '" + file.string() +
                                     "' is larger than 16 MiB; a scenario is a small text file");
            }
            if (in.eof()) return text;
        }
        reason = "cannot open it";
    }
    throw InputError(what + "cannot read scenario file '" + file.string() + "': " + reason);
}

fs::path identity(const fs::path& file) {
    std::error_code ec;
    const fs::path absolute = fs::absolute(file, ec);
    if (ec) return file.lexically_normal();
    fs::path p = fs::weakly_canonical(absolute, ec);
    return ec ? absolute.lexically_normal() : p;
}

struct Chain {
    std::vector<fs::path> ids;            ///< files being resolved, outermost first
    std::vector<std::string> names;       ///< as displayed
    std::vector<std::pair<std::string, std::string>> files;  ///< every file read, with its hash
};

void read_dimensions(Layer& L, const toml::node& v, const Origin& o, const std::string& file,
                     const std::string& base_name) {
    Scenario& s = L.s;
    if (!s.dimensions.empty())
        fail(o, "[[dimension]] cannot be redefined: the base '" + base_name +
                    "' already has dimensions; change members through [set], e.g. \"" + s.dimensions[0].name + "." +
                    s.dimensions[0].members[0].name + ".share\" = 0.3");
    const toml::array& a = get_table_array(v, "dimension", o);
    for (std::size_t i = 0; i < a.size(); ++i) {
        const toml::table& t = *a[i].as_table();
        const std::string item = indexed_name("dimension", i);
        const Origin to = at(file, t.source());
        check_keys(t, dimension_keys, to, "[[dimension]]");
        auto [name_node, name_origin] = entry(t, "name", file);
        if (!name_node) fail(to, item + ": name is required");
        Dimension d;
        d.name = get_string(*name_node, item + ".name", name_origin);
        check_name(d.name, item + ".name", name_origin);
        if (std::find(reserved_dimension_names.begin(), reserved_dimension_names.end(), d.name) !=
            reserved_dimension_names.end())
            fail(name_origin, item + ".name = " + toml_string(d.name) + ": reserved word; reserved: " +
                                  list_text(reserved_dimension_names));
        if (find_dimension(s, d.name))
            fail(name_origin, item + ".name = " + toml_string(d.name) + ": dimension '" + d.name + "' is already defined (" +
                                  s.origins[d.name].str() + ")");
        auto [members_node, members_origin] = entry(t, "members", file);
        if (!members_node) fail(to, d.name + ": members is required");
        const toml::array& members = get_array(*members_node, d.name + ".members", members_origin);
        if (members.empty()) fail(members_origin, d.name + ".members: give at least one member");
        if (s.dimensions.size() >= kMaxDimensions)
            fail(name_origin, item + ".name = " + toml_string(d.name) + ": a dimension beyond the " +
                                  std::to_string(kMaxDimensions) + " supported (" + list_text(dimension_names(s)) + ")");
        std::uint64_t cells = members.size();
        std::string product = std::to_string(members.size());
        for (auto it = s.dimensions.rbegin(); it != s.dimensions.rend(); ++it) {
            cells *= it->members.size();
            product = std::to_string(it->members.size()) + " x " + product;
        }
        if (cells > kMaxCells)
            fail(members_origin, d.name + ".members: " + std::to_string(members.size()) + " members make " + product +
                                     " = " + std::to_string(cells) + " cells; at most " + std::to_string(kMaxCells) +
                                     " are supported");
        s.origins[d.name] = name_origin;
        s.dimensions.push_back(d);
        for (std::size_t j = 0; j < members.size(); ++j) {
            const std::string mitem = d.name + "." + indexed_name("members", j);
            const Origin mo = at(file, members[j].source());
            const toml::table& mt = get_table(members[j], mitem, mo);
            check_keys(mt, member_keys, mo, "the members of dimension '" + d.name + "'");
            auto [mname_node, mname_origin] = entry(mt, "name", file);
            if (!mname_node) fail(mo, mitem + ": name is required");
            Member m;
            m.name = get_string(*mname_node, mitem + ".name", mname_origin);
            check_name(m.name, mitem + ".name", mname_origin);
            Dimension& dim = s.dimensions.back();
            for (const Member& other : dim.members)
                if (other.name == m.name)
                    fail(mname_origin, mitem + ".name = " + toml_string(m.name) + ": member '" + m.name +
                                           "' is already in dimension '" + d.name + "'");
            if (!mt.contains("share")) fail(mo, d.name + "." + m.name + ": share is required");
            dim.members.push_back(m);
            s.origins[d.name + "." + m.name] = mname_origin;
            for (const auto& key : member_values)
                if (auto [node, origin] = entry(mt, key, file); node)
                    assign(L, d.name + "." + m.name + "." + key, *node, origin);
        }
    }
}

void read_correlation(Layer& L, const toml::node& v, const Origin& o, const std::string& file) {
    const toml::table& t = get_table(v, "correlation", o);
    std::vector<std::string> known{"global", "repair", "matrix"};
    for (const std::string& d : dimension_names(L.s)) known.push_back(d);
    for (auto&& [k, val] : t) {
        const Origin ko = at(file, k.source());
        const std::string key(k.str());
        if (key == "matrix") {
            const toml::table& m = get_table(val, "correlation.matrix", ko);
            check_keys(m, dimension_names(L.s), ko, "correlation.matrix (expected dimension names)");
            for (auto&& [dk, dv] : m) assign(L, "correlation.matrix." + std::string(dk.str()), dv, at(file, dk.source()));
        } else if (std::find(known.begin(), known.end(), key) != known.end()) {
            assign(L, "correlation." + key, val, ko);
        } else {
            fail(ko, "unknown key '" + key + "' in [correlation] (expected global, repair, matrix or a dimension name)" +
                         did_you_mean(key, known));
        }
    }
}

void read_events(Layer& L, const toml::node& v, const Origin& o, const std::string& file) {
    Scenario& s = L.s;
    const toml::array& a = get_table_array(v, "event", o);
    for (std::size_t i = 0; i < a.size(); ++i) {
        const toml::table& t = *a[i].as_table();
        const Origin to = at(file, t.source());
        const std::string item = indexed_name("event", i);
        check_keys(t, event_keys, to, "[[event]]");
        auto [name_node, name_origin] = entry(t, "name", file);
        if (!name_node) fail(to, item + ": name is required");
        Event e;
        e.name = get_string(*name_node, item + ".name", name_origin);
        check_name(e.name, item + ".name", name_origin);
        const std::string path = "event." + e.name;
        if (find_event(s, e.name))
            fail(name_origin, "event '" + e.name + "' is already defined (" + s.origins[path].str() +
                                  "); event names must be unique");
        const bool has_at = t.contains("at"), has_from = t.contains("from"), has_to = t.contains("to");
        if (has_at && (has_from || has_to))
            fail(to, path + ": give either at or from/to, not both");
        if (!has_at && !(has_from && has_to))
            fail(to, path + ": give the years it may fire: at = YEAR, or from = YEAR and to = YEAR");
        for (const std::string key : {"probability", "impact"})
            if (!t.contains(key)) fail(to, path + ": " + key + " is required");
        s.events.push_back(e);
        s.origins[path] = name_origin;
        for (auto&& [k, val] : t)
            if (k.str() != "name") assign(L, path + "." + std::string(k.str()), val, at(file, k.source()));
    }
}

void read_targets(Layer& L, const toml::node& v, const Origin& o, const std::string& file) {
    Scenario& s = L.s;
    const toml::array& a = get_table_array(v, "target", o);
    for (std::size_t i = 0; i < a.size(); ++i) {
        const toml::table& t = *a[i].as_table();
        const Origin to = at(file, t.source());
        const std::string path = indexed_name("target", s.targets.size());
        check_keys(t, target_keys, to, "[[target]]");
        for (const auto& key : target_keys)
            if (!t.contains(key)) fail(to, path + ": " + key + " is required (targets are series, year, value)");
        Target target;
        auto [series_node, series_origin] = entry(t, "series", file);
        target.series = get_string(*series_node, path + ".series", series_origin);
        auto [year_node, year_origin] = entry(t, "year", file);
        target.year = get_int(*year_node, path + ".year", year_origin);
        s.targets.push_back(target);
        s.origins[path] = to;
        s.origins[path + ".series"] = series_origin;
        s.origins[path + ".year"] = year_origin;
        auto [value_node, value_origin] = entry(t, "value", file);
        assign(L, path + ".value", *value_node, value_origin);
    }
}

/** The length of the well-formed UTF-8 sequence of two or more bytes at text[i], else 0 (an
 *  ASCII byte, or bytes that are not UTF-8). */
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t n = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 && lead < 0xF0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 0;
    if (n == 0 || i + n > text.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
    return n;
}

/** Refuses non-ASCII characters where TOML allows only whitespace or ASCII syntax (outside
 *  strings and comments, and right after a multi-line string's line-ending backslash), before
 *  toml++ sees them. Such text is invalid TOML anyway; the check exists because toml++ 3.3 (the
 *  version Debian ships) reaches __builtin_unreachable() when it asks whether some of these
 *  characters are whitespace (its issues 190 and 295, fixed upstream after 3.4), which is
 *  undefined behaviour. Columns count characters, as toml++'s do. */
void check_non_ascii(std::string_view text, const std::string& file, const std::string& command_line = {}) {
    enum class State { normal, comment, basic, literal, multi_basic, multi_literal } state = State::normal;
    const auto refuse = [&](std::size_t at, const std::string& problem) {
        int line = 1, column = 1;
        for (std::size_t k = 0; k < at; ++k) {
            if (text[k] == '\n') line += 1, column = 1;
            else if ((static_cast<unsigned char>(text[k]) & 0xC0) != 0x80) column += 1;  // not a UTF-8 continuation
        }
        const Origin o = command_line.empty() ? Origin{file, line, column, ""} : Origin{"command line", 0, 0, command_line};
        throw InputError(o.str() + ": " + problem);
    };
    const auto starts = [&](std::size_t i, std::string_view s) { return text.substr(i, s.size()) == s; };
    const auto blank = [&](std::size_t i) { return text[i] == ' ' || text[i] == '\t' || text[i] == '\r'; };
    const std::string bad_escape = "a backslash before a non-ASCII character, which is no escape; write \\\\ for a "
                                   "backslash, or \\uXXXX for the character";
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        switch (state) {
            case State::normal:
                if (c == '#') state = State::comment;
                else if (starts(i, "\"\"\"")) state = State::multi_basic, i += 2;
                else if (c == '"') state = State::basic;
                else if (starts(i, "'''")) state = State::multi_literal, i += 2;
                else if (c == '\'') state = State::literal;
                else if (c >= 0x80 && utf8_length(text, i) == 0) refuse(i, "bytes that are not UTF-8 text (is it a scenario file?)");
                else if (c >= 0x80) refuse(i, "a non-ASCII character outside a string or comment (text needs quotes)");
                break;
            case State::comment:
                if (c == '\n') state = State::normal;
                break;
            case State::basic:
                if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {  // an escape
                    if (static_cast<unsigned char>(text[i + 1]) >= 0x80) refuse(i + 1, bad_escape);
                    ++i;
                } else if (c == '"' || c == '\n') {
                    state = State::normal;
                }
                break;
            case State::literal:
                if (c == '\'' || c == '\n') state = State::normal;
                break;
            case State::multi_basic:
                if (c == '\\') {
                    std::size_t j = i + 1;
                    while (j < text.size() && blank(j)) ++j;
                    if (j < text.size() && text[j] == '\n') {  // a line-ending backslash: whitespace is skipped
                        while (j < text.size() && (blank(j) || text[j] == '\n')) ++j;
                        if (j < text.size() && static_cast<unsigned char>(text[j]) >= 0x80)
                            refuse(j, "a non-ASCII character right after a line-ending backslash in a multi-line string; "
                                      "write it as \\uXXXX or keep it on the backslash's line");
                        i = j - 1;
                    } else {
                        // an escape; toml++ tests what follows a backslash (and its blanks) for whitespace
                        if (j < text.size() && static_cast<unsigned char>(text[j]) >= 0x80) refuse(j, bad_escape);
                        ++i;
                    }
                } else if (starts(i, "\"\"\"")) {
                    state = State::normal, i += 2;
                }
                break;
            case State::multi_literal:
                if (starts(i, "'''")) state = State::normal, i += 2;
                break;
        }
    }
}

/** `text` with every well-formed non-ASCII UTF-8 sequence replaced by one '?': the same lines
 *  and columns (toml++ counts characters), no character toml++ 3.3 could misjudge. */
std::string ascii_twin(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (const std::size_t n = utf8_length(text, i)) {
            out += '?';
            i += n;
        } else {
            out += text[i++];  // ASCII, or a byte toml++'s UTF-8 reader refuses by itself
        }
    }
    return out;
}

/** TOML text parsed by toml++, after two guards against its 3.3 release's undefined behaviour on
 *  some non-ASCII characters (check_non_ascii): the common mistakes get their own message, and
 *  the text is first parsed with every non-ASCII character replaced by '?'. Only a document whose
 *  structure is valid that way, so that its non-ASCII text lies inside strings and comments where
 *  toml++ takes it as it is, reaches toml++ as written. */
toml::table parse_toml(std::string_view text, const std::string& file) {
    check_non_ascii(text, file);
    try {
        (void)toml::parse(ascii_twin(text), std::string_view(file));
        return toml::parse(text, std::string_view(file));
    } catch (const toml::parse_error& e) {
        throw InputError(at(file, e.source()).str() + ": " + std::string(e.description()));
    }
}

/** Resolve one file: its base first, then its own tables in the order of MODEL.md section 7,
 *  except that the file's [set] comes last, so it also reaches the file's own events and targets. */
Layer resolve(std::string_view text, const fs::path& file, Chain& chain) {
    const std::string name = file.string();
    chain.files.emplace_back(name, hex64(fnv1a64(text)));
    const toml::table root = parse_toml(text, name);
    check_keys(root, top_keys, Origin{name, 1, 1, ""}, "the top level");

    Layer L;
    std::string base_name;
    if (auto [ext, ext_origin] = entry(root, "extends", name); ext) {
        const std::string rel = get_string(*ext, "extends", ext_origin);
        if (rel.empty()) fail(ext_origin, "extends = \"\": name the scenario file this one extends");
        const fs::path base = (file.parent_path() / rel).lexically_normal();
        base_name = base.string();
        const fs::path id = identity(base);
        if (auto it = std::find(chain.ids.begin(), chain.ids.end(), id); it != chain.ids.end()) {
            std::vector<std::string> cycle(chain.names.begin() + (it - chain.ids.begin()), chain.names.end());
            cycle.push_back(base_name);
            std::string text_cycle;
            for (std::size_t i = 0; i < cycle.size(); ++i) text_cycle += (i ? " -> " : "") + cycle[i];
            fail(ext_origin, "extends cycle: " + text_cycle);
        }
        const std::string base_text = read_bytes(base, ext_origin.str() + ": extends = " + toml_string(rel) + ": ");
        chain.ids.push_back(id);
        chain.names.push_back(base_name);
        L = resolve(base_text, base, chain);
        chain.ids.pop_back();
        chain.names.pop_back();
    }

    L.s.name = stem_name(file);
    L.s.origins.erase("scenario.name");
    L.rate_set_here = L.long_run_set_here = false;

    if (auto [v, o] = entry(root, "scenario", name); v) {
        const toml::table& t = get_table(*v, "scenario", o);
        check_keys(t, scenario_keys, o, "[scenario]");
        for (auto&& [k, val] : t) assign(L, "scenario." + std::string(k.str()), val, at(name, k.source()));
    }
    if (auto [v, o] = entry(root, "growth", name); v) {
        const toml::table& t = get_table(*v, "growth", o);
        check_keys(t, growth_keys, o, "[growth]");
        if (t.contains("long_run") && t.contains("long_run_sd"))
            fail(at(name, t.find("long_run_sd")->first.source()),
                 "growth.long_run_sd: give either long_run_sd or long_run, not both");
        for (auto&& [k, val] : t) assign(L, "growth." + std::string(k.str()), val, at(name, k.source()));
    }
    if (auto [v, o] = entry(root, "dimension", name); v) read_dimensions(L, *v, o, name, base_name);
    if (auto [v, o] = entry(root, "correlation", name); v) read_correlation(L, *v, o, name);
    if (auto [v, o] = entry(root, "output", name); v) {
        const toml::table& t = get_table(*v, "output", o);
        check_keys(t, output_keys, o, "[output]");
        for (auto&& [k, val] : t) assign(L, "output." + std::string(k.str()), val, at(name, k.source()));
    }
    if (auto [v, o] = entry(root, "event", name); v) read_events(L, *v, o, name);
    if (auto [v, o] = entry(root, "target", name); v) read_targets(L, *v, o, name);
    if (auto [v, o] = entry(root, "set", name); v) {
        std::vector<std::tuple<std::string, const toml::node*, Origin>> entries;
        flatten_set(get_table(*v, "set", o), "", name, entries);
        for (const auto& [path, node, origin] : entries) apply_set(L, path, *node, origin, true);
    }

    if (L.rate_set_here && L.long_run_set_here) L.rate_follows_mode = false;
    return L;
}

void apply_command_line(Layer& L, const std::string& argument) {
    const Origin o{"command line", 0, 0, "--set " + argument};
    const std::size_t eq = argument.find('=');
    if (eq == std::string::npos) fail(o, "expected PATH=VALUE, e.g. --set growth.rate=0.05");
    auto trim = [](std::string_view x) {
        const std::size_t b = x.find_first_not_of(" \t");
        if (b == std::string_view::npos) return std::string();
        return std::string(x.substr(b, x.find_last_not_of(" \t") - b + 1));
    };
    const std::string path = trim(std::string_view(argument).substr(0, eq));
    const std::string value = trim(std::string_view(argument).substr(eq + 1));
    if (path.empty()) fail(o, "expected PATH=VALUE: the path is empty");
    toml::table parsed;
    check_non_ascii(value, "", "--set " + argument);
    try {
        (void)toml::parse("v = " + ascii_twin(value), std::string_view("command line"));  // see parse_toml
        parsed = toml::parse("v = " + value, std::string_view("command line"));
    } catch (const toml::parse_error& e) {
        fail(o, "cannot read '" + value + "' as a TOML value (" + std::string(e.description()) +
                    "); text needs quotes, e.g. --set 'scenario.unit=\"USD bn\"'");
    }
    if (parsed.size() != 1 || !parsed.contains("v")) fail(o, "cannot read '" + value + "' as one TOML value");
    apply_set(L, path, *parsed.get("v"), o, false);
}

// ---------------------------------------------------------------------------------------------
// Validation of the final scenario (after --set)

std::string cell_name(const Scenario& s, const std::vector<std::size_t>& index) {
    std::string out;
    for (std::size_t d = 0; d < s.dimensions.size(); ++d)
        out += (d ? "/" : "") + s.dimensions[d].name + "=" + s.dimensions[d].members[index[d]].name;
    return out.empty() ? "total" : out;
}

/** Every member-index tuple in series order (the last dimension varies fastest). */
template <class F>
void for_each_cell(const Scenario& s, F&& f) {
    std::vector<std::size_t> index(s.dimensions.size(), 0);
    while (true) {
        f(index);
        std::size_t d = s.dimensions.size();
        while (d > 0) {
            --d;
            if (++index[d] < s.dimensions[d].members.size()) break;
            index[d] = 0;
            if (d == 0) return;
        }
        if (s.dimensions.empty()) return;
    }
}

std::vector<std::string> series_names(const Scenario& s, bool with_cells) {
    std::vector<std::string> out{"total"};
    for (const Dimension& d : s.dimensions)
        for (const Member& m : d.members) out.push_back(d.name + "=" + m.name);
    if (with_cells && !s.dimensions.empty()) for_each_cell(s, [&](const auto& index) { out.push_back(cell_name(s, index)); });
    return out;
}

class Validator {
public:
    Validator(Layer& layer, std::string top) : L(layer), s(layer.s), top_file(std::move(top)) {}

    void run() {
        required();
        scenario_values();
        growth_values();
        dimensions();
        growth_floor();
        correlation();
        events();
        targets();
        output();
    }

private:
    Layer& L;
    Scenario& s;
    std::string top_file;

    Origin where(const std::string& path) const { return origin_of(s, path, top_file); }
    [[noreturn]] void bad(const std::string& path, const std::string& value, const std::string& problem) const {
        fail(where(path), path + " = " + value + ": " + problem);
    }
    [[noreturn]] void bad(const std::string& path, double value, const std::string& problem) const {
        bad(path, toml_number(value), problem);
    }

    void required() {
        for (const std::string key : {"base_year", "horizon", "base_value"})
            if (!s.origins.count("scenario." + key))
                fail(Origin{top_file, 0, 0, ""}, "scenario." + key + " is required");
        materialize_rate(L);
        if (!s.origins.count("growth.rate"))
            fail(Origin{top_file, 0, 0, ""}, "growth.rate is required (or give growth.long_run)");
    }

    void scenario_values() {
        if (!valid_name(s.name))
            bad("scenario.name", toml_string(s.name), "names must start with a lowercase letter and use only a-z, 0-9 and _");
        if (s.horizon <= s.base_year)
            bad("scenario.horizon", std::to_string(s.horizon),
                "must be after scenario.base_year (" + std::to_string(s.base_year) + ")");
        if (s.horizon - s.base_year > 200)
            bad("scenario.horizon", std::to_string(s.horizon),
                "at most 200 years after scenario.base_year (" + std::to_string(s.base_year) + ")");
        if (!(s.base_value > 0)) bad("scenario.base_value", s.base_value, "must be > 0");
    }

    void growth_values() {
        if (s.long_run_sd < 0) bad("growth.long_run_sd", s.long_run_sd, "must be >= 0");
        if (s.annual_sd < 0) bad("growth.annual_sd", s.annual_sd, "must be >= 0");
        if (s.long_run) {
            const LongRun& lr = *s.long_run;
            if (!(lr.low < lr.high))
                bad("growth.long_run.low", lr.low, "must be < high (" + toml_number(lr.high) + ")");
            if (lr.mode < lr.low || lr.mode > lr.high)
                bad("growth.long_run.mode", lr.mode,
                    "must lie in [low, high] = [" + toml_number(lr.low) + ", " + toml_number(lr.high) + "]");
        }
        const int first = s.base_year + 1;
        for (std::size_t i = 0; i < s.periods.size(); ++i) {
            const Period& p = s.periods[i];
            const std::string path = "growth." + indexed_name("period", i);
            const std::string years = std::to_string(p.from) + ".." + std::to_string(p.to);
            if (p.from > p.to) bad(path, years, "from must be <= to");
            if (p.from < first || p.to > s.horizon)
                bad(path, years,
                    "periods must lie within " + std::to_string(first) + ".." + std::to_string(s.horizon) +
                        " (base_year + 1 .. horizon)");
            if (i > 0 && p.from <= s.periods[i - 1].to)
                bad(path, years,
                    "overlaps growth.period = " + std::to_string(s.periods[i - 1].from) + ".." +
                        std::to_string(s.periods[i - 1].to) + " (" + where("growth." + indexed_name("period", i - 1)).str() +
                        ")");
        }
    }

    void dimensions() {
        for (Dimension& d : s.dimensions) {
            double sum = 0;
            for (const Member& m : d.members) {
                const std::string path = d.name + "." + m.name;
                if (!(m.share > 0)) bad(path + ".share", m.share, "share must be > 0");
                if (!(m.sd_scale > 0)) bad(path + ".sd_scale", m.sd_scale, "sd_scale must be > 0");
                sum += m.share;
            }
            if (std::abs(sum - 1) > 1e-6)
                fail(where(d.name), "dimension '" + d.name + "': shares sum to " + toml_number(sum) +
                                        "; they must sum to 1 (within 1e-6)");
            if (std::abs(sum - 1) > 1e-12)
                for (Member& m : d.members) m.share /= sum;
        }
    }

    /** mu(c, y) > -1 everywhere, and with a long-run distribution its low end stays > -1 too. */
    void growth_floor() {
        double lowest_shift = 0;
        std::vector<std::size_t> worst(s.dimensions.size(), 0);
        for (std::size_t d = 0; d < s.dimensions.size(); ++d) {
            const auto& ms = s.dimensions[d].members;
            for (std::size_t m = 1; m < ms.size(); ++m)
                if (ms[m].shift < ms[worst[d]].shift) worst[d] = m;
            lowest_shift += ms[worst[d]].shift;
        }
        for (int y = s.base_year + 1; y <= s.horizon; ++y) {
            const double rate = s.rate_in(y);
            if (rate + lowest_shift > -1) continue;
            std::string path = "growth.rate";
            for (std::size_t i = 0; i < s.periods.size(); ++i)
                if (s.periods[i].from <= y && y <= s.periods[i].to)
                    path = "growth." + indexed_name("period", i) + ".rate";
            std::vector<std::string> shifts;
            for (std::size_t d = 0; d < s.dimensions.size(); ++d) {
                const Member& m = s.dimensions[d].members[worst[d]];
                if (m.shift != 0) shifts.push_back(s.dimensions[d].name + "." + m.name + ".shift = " + toml_number(m.shift));
            }
            bad(path, rate,
                (shifts.empty() ? std::string("the growth rate") : "with " + list_text(shifts) + " the growth rate of cell " + cell_name(s, worst)) +
                    " is " + toml_number(rate + lowest_shift) + " in " + std::to_string(y) + "; it must stay > -1");
        }
        if (!s.long_run) return;
        const LongRun& lr = *s.long_run;
        if (s.cell_count() > 2'000'000) return;  // far beyond any real scenario; the engine still asserts
        for_each_cell(s, [&](const std::vector<std::size_t>& index) {
            double shift = 0, scale = 1;
            for (std::size_t d = 0; d < index.size(); ++d) {
                shift += s.dimensions[d].members[index[d]].shift;
                scale *= s.dimensions[d].members[index[d]].sd_scale;
            }
            const double floor = lr.mode + shift + scale * (lr.low - lr.mode);
            if (floor <= -1)
                bad("growth.long_run.low", lr.low,
                    "for cell " + cell_name(s, index) + " (shift " + toml_number(shift) + ", sd_scale " +
                        toml_number(scale) + ") mode + shift + sd_scale * (low - mode) = " + toml_number(floor) +
                        "; it must stay > -1");
        });
    }

    void correlation() {
        double sum = s.corr_global;
        if (s.corr_global < 0 || s.corr_global > 1) bad("correlation.global", s.corr_global, "weights must be in [0, 1]");
        for (const auto& [dim, w] : s.corr_weight) {
            if (w < 0 || w > 1) bad("correlation." + dim, w, "weights must be in [0, 1]");
            sum += w;
        }
        if (sum > 1 + 1e-12) {
            std::vector<std::string> parts{"global " + toml_number(s.corr_global)};
            for (const auto& [dim, w] : s.corr_weight) parts.push_back(dim + " " + toml_number(w));
            const std::string first = s.origins.count("correlation.global") ? "correlation.global"
                                      : s.corr_weight.empty()              ? "correlation"
                                                                           : "correlation." + s.corr_weight.begin()->first;
            fail(where(first), "correlation weights sum to " + toml_number(sum) + " (" + list_text(parts) +
                                   "); the sum must be at most 1");
        }
        for (auto& [dim, c] : s.corr_matrix) {
            const std::string path = "correlation.matrix." + dim;
            const std::size_t n = find_dimension(s, dim)->members.size();
            bool square = c.size() == n;
            for (const auto& row : c) square = square && row.size() == n;
            if (!square) {
                const std::string shape =
                    std::to_string(c.size()) + "x" + (c.empty() ? "0" : std::to_string(c[0].size()));
                fail(where(path), path + " is " + shape + " but dimension '" + dim + "' has " + std::to_string(n) +
                                      " members; it must be " + std::to_string(n) + "x" + std::to_string(n));
            }
            auto item = [&](std::size_t i, std::size_t j) { return path + "[" + std::to_string(i) + "][" + std::to_string(j) + "]"; };
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = 0; j < n; ++j) {
                    const double x = c[i][j];
                    if (x < -1 || x > 1) bad(item(i, j), x, "entries must be in [-1, 1]");
                    if (i == j && std::abs(x - 1) > 1e-12) bad(item(i, j), x, "diagonal entries must be 1");
                    if (std::abs(x - c[j][i]) > 1e-12)
                        bad(item(i, j), x,
                            "the matrix must be symmetric, but " + item(j, i).substr(path.size()) + " = " + toml_number(c[j][i]));
                }
            Eigen::MatrixXd m(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = 0; j < n; ++j) m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = c[i][j];
            const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(m, Eigen::EigenvaluesOnly);
            if (eig.info() != Eigen::Success) fail(where(path), path + ": the eigenvalue computation failed");
            const double smallest = eig.eigenvalues().minCoeff();
            if (smallest < -1e-10 && s.corr_repair) {
                const CorrelationRepair fixed = nearest_correlation_matrix(c);
                c = fixed.matrix;
                s.corr_repaired[dim] = fixed.largest_change;
                s.warnings.push_back(path + " is not positive semi-definite (smallest eigenvalue " +
                                     toml_number(smallest) + "); correlation.repair replaced it by the nearest "
                                     "valid correlation matrix, changing no entry by more than " +
                                     toml_number(fixed.largest_change));
            } else if (smallest < -1e-10) {
                fail(where(path), path + " is not positive semi-definite (smallest eigenvalue " + toml_number(smallest) +
                                      "); it is not a valid correlation matrix (set correlation.repair = true to use "
                                      "the nearest valid one)");
            }
        }
    }

    void events() {
        const int first = s.base_year + 1;
        for (Event& e : s.events) {
            const std::string path = "event." + e.name;
            if (e.probability < 0 || e.probability > 1) bad(path + ".probability", e.probability, "must be in [0, 1]");
            if (e.from > e.to)
                bad(path, std::to_string(e.from) + ".." + std::to_string(e.to), "from must be <= to");
            if (e.duration < 1) bad(path + ".duration", std::to_string(e.duration), "must be at least 1 (years)");
            for (const auto& [dim, members] : e.where) {
                const std::string wpath = path + ".where." + dim;
                const Dimension* d = find_dimension(s, dim);
                if (!d)
                    fail(where(wpath), path + ".where: unknown dimension '" + dim + "'" + did_you_mean(dim, dimension_names(s)));
                std::vector<std::string> names;
                for (const Member& m : d->members) names.push_back(m.name);
                for (std::size_t i = 0; i < members.size(); ++i) {
                    const std::string ipath = indexed_name(wpath, i);
                    if (std::find(names.begin(), names.end(), members[i]) == names.end())
                        fail(where(ipath), wpath + ": unknown member '" + members[i] + "' of dimension '" + dim + "'" +
                                               did_you_mean(members[i], names));
                    if (std::find(members.begin(), members.begin() + static_cast<std::ptrdiff_t>(i), members[i]) !=
                        members.begin() + static_cast<std::ptrdiff_t>(i))
                        fail(where(ipath), wpath + ": member '" + members[i] + "' is listed twice");
                }
            }
            const std::vector<std::string> order = dimension_names(s);
            auto rank = [&](const std::string& dim) { return std::find(order.begin(), order.end(), dim) - order.begin(); };
            std::stable_sort(e.where.begin(), e.where.end(),
                             [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
            if (e.to < first || e.from > s.horizon)
                s.warnings.push_back(where(path).str() + ": event '" + e.name + "' never fires: its years " +
                                     std::to_string(e.from) + ".." + std::to_string(e.to) + " lie outside " +
                                     std::to_string(first) + ".." + std::to_string(s.horizon));
        }
    }

    void targets() {
        const bool few_cells = s.cell_count() <= 1000;
        for (std::size_t i = 0; i < s.targets.size(); ++i) {
            const Target& t = s.targets[i];
            const std::string path = indexed_name("target", i);
            const std::vector<std::string> names = series_names(s, few_cells);
            bool known = std::find(names.begin(), names.end(), t.series) != names.end();
            if (!known && !few_cells) known = is_cell(t.series);
            if (!known)
                fail(where(path + ".series"), path + ".series = " + toml_string(t.series) +
                                                  ": no such series (\"total\", \"dimension=member\" or a cell)" +
                                                  did_you_mean(t.series, names));
            if (t.year < s.base_year || t.year > s.horizon)
                bad(path + ".year", std::to_string(t.year),
                    "must be within " + std::to_string(s.base_year) + ".." + std::to_string(s.horizon));
        }
    }

    bool is_cell(const std::string& series) const {
        const std::vector<std::string> parts = [&] {
            std::vector<std::string> out;
            std::size_t start = 0;
            for (std::size_t slash; (slash = series.find('/', start)) != std::string::npos; start = slash + 1)
                out.push_back(series.substr(start, slash - start));
            out.push_back(series.substr(start));
            return out;
        }();
        if (parts.size() != s.dimensions.size()) return false;
        for (std::size_t d = 0; d < parts.size(); ++d) {
            const Dimension& dim = s.dimensions[d];
            if (!std::any_of(dim.members.begin(), dim.members.end(),
                             [&](const Member& m) { return parts[d] == dim.name + "=" + m.name; }))
                return false;
        }
        return true;
    }

    void output() {
        if (s.quantiles.empty()) fail(where("output.quantiles"), "output.quantiles: give at least one quantile");
        for (std::size_t i = 0; i < s.quantiles.size(); ++i) {
            const std::string path = indexed_name("output.quantiles", i);
            const double q = s.quantiles[i];
            if (!(q > 0 && q < 1)) bad(path, q, "quantiles must be in (0, 1)");
            if (i > 0 && !(q > s.quantiles[i - 1]))
                bad(path, q, "follows " + toml_number(s.quantiles[i - 1]) + "; quantiles must be sorted ascending, without duplicates");
        }
        if (!(s.relative_accuracy >= 1e-6 && s.relative_accuracy <= 0.1))
            bad("output.relative_accuracy", s.relative_accuracy, "must be in [1e-06, 0.1]");
    }
};

}  // namespace

// ---------------------------------------------------------------------------------------------

Scenario parse_scenario(std::string_view toml_text, const fs::path& file_name, const std::vector<std::string>& sets) {
    Chain chain;
    chain.ids.push_back(identity(file_name));
    chain.names.push_back(file_name.string());
    Layer L = resolve(toml_text, file_name, chain);
    for (const std::string& argument : sets) apply_command_line(L, argument);
    Validator(L, file_name.string()).run();
    L.s.files = std::move(chain.files);
    return std::move(L.s);
}

Scenario load_scenario(const fs::path& file, const std::vector<std::string>& sets) {
    return parse_scenario(read_bytes(file, ""), file, sets);
}

nlohmann::json to_json(const Scenario& s) {
    using nlohmann::json;
    json growth{{"rate", s.rate}, {"long_run_sd", s.long_run_sd}, {"annual_sd", s.annual_sd}};
    if (s.long_run) {
        growth["long_run"] = {{"dist", s.long_run->dist},
                              {"low", s.long_run->low},
                              {"mode", s.long_run->mode},
                              {"high", s.long_run->high}};
    }
    growth["period"] = json::array();
    for (const Period& p : s.periods) growth["period"].push_back({{"from", p.from}, {"to", p.to}, {"rate", p.rate}});

    json dimensions = json::array();
    for (const Dimension& d : s.dimensions) {
        json members = json::array();
        for (const Member& m : d.members)
            members.push_back({{"name", m.name}, {"share", m.share}, {"shift", m.shift}, {"sd_scale", m.sd_scale}});
        dimensions.push_back({{"name", d.name}, {"members", members}});
    }

    json weights = json::object();
    for (const Dimension& d : s.dimensions) {
        auto it = s.corr_weight.find(d.name);
        weights[d.name] = it == s.corr_weight.end() ? 0.0 : it->second;
    }
    json matrices = json::object();
    for (const auto& [dim, m] : s.corr_matrix) matrices[dim] = m;
    json correlation{{"global", s.corr_global}, {"weights", weights}, {"matrix", matrices}, {"repair", s.corr_repair}};

    json events = json::array();
    for (const Event& e : s.events) {
        json where = json::object();
        for (const auto& [dim, members] : e.where) where[dim] = members;
        events.push_back({{"name", e.name},
                          {"probability", e.probability},
                          {"from", e.from},
                          {"to", e.to},
                          {"impact", e.impact},
                          {"duration", e.duration},
                          {"where", where}});
    }
    json targets = json::array();
    for (const Target& t : s.targets) targets.push_back({{"series", t.series}, {"year", t.year}, {"value", t.value}});

    return json{{"name", s.name},
                {"unit", s.unit},
                {"base_year", s.base_year},
                {"horizon", s.horizon},
                {"base_value", s.base_value},
                {"seed", s.seed},
                {"growth", growth},
                {"dimension", dimensions},
                {"correlation", correlation},
                {"event", events},
                {"target", targets},
                {"output", {{"quantiles", s.quantiles}, {"relative_accuracy", s.relative_accuracy}, {"cells", s.cells}}}};
}

std::string to_toml(const Scenario& s) {
    std::ostringstream out;
    auto numbers = [](const std::vector<double>& xs) {
        std::string text = "[";
        for (std::size_t i = 0; i < xs.size(); ++i) text += (i ? ", " : "") + toml_number(xs[i]);
        return text + "]";
    };
    out << "# Resolved scenario written by marketsim\n\n[scenario]\n"
        << "name = " << toml_string(s.name) << "\nunit = " << toml_string(s.unit) << "\nbase_year = " << s.base_year
        << "\nbase_value = " << toml_number(s.base_value) << "\nhorizon = " << s.horizon << "\nseed = " << s.seed
        << "\n\n[growth]\nrate = " << toml_number(s.rate) << "\n";
    if (s.long_run) {
        out << "long_run = { dist = " << toml_string(s.long_run->dist) << ", low = " << toml_number(s.long_run->low);
        if (s.long_run->dist != "uniform") out << ", mode = " << toml_number(s.long_run->mode);
        out << ", high = " << toml_number(s.long_run->high) << " }\n";
    } else {
        out << "long_run_sd = " << toml_number(s.long_run_sd) << "\n";
    }
    out << "annual_sd = " << toml_number(s.annual_sd) << "\nperiod = [";
    for (std::size_t i = 0; i < s.periods.size(); ++i)
        out << (i ? ", " : "") << "{ from = " << s.periods[i].from << ", to = " << s.periods[i].to
            << ", rate = " << toml_number(s.periods[i].rate) << " }";
    out << "]\n";

    for (const Dimension& d : s.dimensions) {
        out << "\n[[dimension]]\nname = " << toml_string(d.name) << "\nmembers = [\n";
        for (const Member& m : d.members)
            out << "  { name = " << toml_string(m.name) << ", share = " << toml_number(m.share)
                << ", shift = " << toml_number(m.shift) << ", sd_scale = " << toml_number(m.sd_scale) << " },\n";
        out << "]\n";
    }

    out << "\n[correlation]\nglobal = " << toml_number(s.corr_global) << "\nrepair = " << (s.corr_repair ? "true" : "false")
        << "\n";
    for (const auto& [dim, w] : s.corr_weight) out << dim << " = " << toml_number(w) << "\n";
    for (const auto& [dim, m] : s.corr_matrix) {
        out << "matrix." << dim << " = [";
        for (std::size_t i = 0; i < m.size(); ++i) out << (i ? ", " : "") << numbers(m[i]);
        out << "]\n";
    }

    for (const Event& e : s.events) {
        out << "\n[[event]]\nname = " << toml_string(e.name) << "\nprobability = " << toml_number(e.probability) << "\n";
        if (e.from == e.to) out << "at = " << e.from << "\n";
        else out << "from = " << e.from << "\nto = " << e.to << "\n";
        out << "impact = " << toml_number(e.impact) << "\nduration = " << e.duration << "\n";
        if (!e.where.empty()) {
            out << "where = { ";
            for (std::size_t i = 0; i < e.where.size(); ++i) {
                out << (i ? ", " : "") << e.where[i].first << " = [";
                for (std::size_t j = 0; j < e.where[i].second.size(); ++j)
                    out << (j ? ", " : "") << toml_string(e.where[i].second[j]);
                out << "]";
            }
            out << " }\n";
        }
    }
    for (const Target& t : s.targets)
        out << "\n[[target]]\nseries = " << toml_string(t.series) << "\nyear = " << t.year << "\nvalue = " << toml_number(t.value)
            << "\n";

    out << "\n[output]\nquantiles = " << numbers(s.quantiles) << "\nrelative_accuracy = " << toml_number(s.relative_accuracy)
        << "\ncells = " << (s.cells ? "true" : "false") << "\n";
    return out.str();
}

}  // namespace marketsim
