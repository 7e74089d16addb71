#include "scenario/paths.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "marketsim/error.hpp"
#include "scenario/reading.hpp"
#include "scenario/toml_guard.hpp"

namespace marketsim::detail {

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

namespace {

/** A three-point table { dist, low, mode, high } at `path` (uniform: no mode; its mode is then the
 *  midpoint), with the origins of `path` and its points recorded in `s`. */
LongRun read_three_point(Scenario& s, const toml::node& v, const std::string& path, const Origin& o) {
    const toml::table& t = get_table(v, path, o);
    check_keys(t, long_run_keys, o, path);
    auto field = [&](std::string_view key) -> std::pair<const toml::node*, Origin> {
        auto it = t.find(key);
        if (it == t.end()) return {nullptr, o};
        return {&it->second, key_at(o, it->first)};
    };
    LongRun range;
    std::map<std::string, Origin> origins;
    auto [dist_node, dist_origin] = field("dist");
    if (!dist_node) fail(o, path + ": dist is required (\"pert\", \"triangular\" or \"uniform\")");
    range.dist = get_string(*dist_node, path + ".dist", dist_origin);
    if (std::find(long_run_dists.begin(), long_run_dists.end(), range.dist) == long_run_dists.end())
        fail(dist_origin, path + ".dist = " + toml_string(range.dist) + ": expected \"pert\", \"triangular\" or \"uniform\"" +
                              did_you_mean(range.dist, long_run_dists));
    for (const std::string key : {"low", "mode", "high"}) {
        auto [node, origin] = field(key);
        if (key == "mode" && range.dist == "uniform") {
            if (node) fail(origin, path + ".mode: a uniform distribution has no mode (drop it)");
            continue;
        }
        if (!node) fail(o, path + ": " + key + " is required for dist = " + toml_string(range.dist));
        (key == "low" ? range.low : key == "mode" ? range.mode : range.high) = get_number(*node, path + "." + key, origin);
        origins[path + "." + key] = origin;
    }
    if (range.dist == "uniform") range.mode = 0.5 * (range.low + range.high);
    erase_origins(s.origins, path);
    s.origins[path] = o;
    s.origins.insert(origins.begin(), origins.end());
    return range;
}

void read_long_run(Layer& L, const toml::node& v, const Origin& o) {
    Scenario& s = L.s;
    const LongRun lr = read_three_point(s, v, "growth.long_run", o);
    erase_origins(s.origins, "growth.long_run_sd");
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

/** A where filter (dimension -> member list) at `path`, read whole. */
void read_filter(Scenario& s, std::vector<std::pair<std::string, std::vector<std::string>>>& where, const toml::node& v,
                 const std::string& path, const Origin& o) {
    const toml::table& t = get_table(v, path, o);
    erase_origins(s.origins, path);
    where.clear();
    for (auto&& [k, val] : t) {
        const Origin ko = key_at(o, k);
        const std::string dim(k.str());
        where.emplace_back(dim, read_member_list(s, val, path + "." + dim, ko));
    }
    s.origins[path] = o;
}

/** A year written as bare digits ("2023"), or nullopt. */
std::optional<int> year_key(std::string_view key) {
    if (key.empty() || key.size() > 6) return std::nullopt;
    int year = 0;
    for (const char c : key) {
        if (c < '0' || c > '9') return std::nullopt;
        year = year * 10 + (c - '0');
    }
    return year;
}

/** A shift at `path`: a number (`table` cleared) or a year table `{ 2023 = 0.02, 2030 = 0.0 }`
 *  (sorted by year; the range of the years is checked by validation). */
void read_shift(Scenario& s, double& constant, YearTable& table, const toml::node& v, const std::string& path,
                const Origin& o) {
    erase_origins(s.origins, path);
    s.origins[path] = o;
    if (!v.is_table()) {
        constant = get_number(v, path, o);
        table.clear();
        return;
    }
    const toml::table& t = *v.as_table();
    if (t.empty()) fail(o, path + " = {}: give a number or at least one year, e.g. { 2023 = 0.02, 2030 = 0.0 }");
    YearTable read;
    std::map<std::string, Origin> origins;
    for (auto&& [k, val] : t) {
        const Origin ko = key_at(o, k);
        const std::string key(k.str());
        const std::optional<int> year = year_key(key);
        if (!year)
            fail(ko, path + ": key '" + key + "' is not a year; a shift table maps years (bare digits) to values, "
                     "e.g. { 2023 = 0.02, 2030 = 0.0 }");
        const std::string item = path + "." + std::to_string(*year);
        for (const auto& [y, x] : read)
            if (y == *year) fail(ko, path + ": year " + std::to_string(*year) + " is given twice (" + origins[item].str() + ")");
        read.emplace_back(*year, get_number(val, item, ko));
        origins[item] = ko;
    }
    std::sort(read.begin(), read.end());
    constant = 0.0;
    table = std::move(read);
    s.origins.insert(origins.begin(), origins.end());
}

/** One year of a shift table at `path` (`<...>.shift.<year>`): replaces or adds that year. */
bool assign_shift_year(Scenario& s, YearTable& table, const std::string& shift_path, const std::string& key,
                       const toml::node& v, const Origin& o) {
    const std::optional<int> year = year_key(key);
    if (!year) return false;
    const std::string path = shift_path + "." + key;
    if (table.empty())
        fail(o, path + ": " + shift_path + " is a number, not a year table; set the whole table instead, e.g. " +
                    shift_path + "={" + key + "=0.02}");
    const double x = get_number(v, path, o);
    const auto it = std::find_if(table.begin(), table.end(), [&](const auto& p) { return p.first == *year; });
    if (it != table.end()) it->second = x;
    else table.insert(std::upper_bound(table.begin(), table.end(), std::make_pair(*year, x),
                                       [](const auto& a, const auto& b) { return a.first < b.first; }),
                      {*year, x});
    s.origins[shift_path + "." + std::to_string(*year)] = o;
    return true;
}

/** event.NAME.impact as a three-point table { dist, low, mode, high } (uniform: no mode). */
void read_event_impact(Scenario& s, Event& e, const toml::node& v, const std::string& path, const Origin& o) {
    const LongRun range = read_three_point(s, v, path, o);
    e.impact_range = range;
    e.impact = range.mode;
}

/** growth.annual_tails: an integer from kMinAnnualTails to kMaxAnnualTails. A float is refused
 *  even when whole (4.0), as for every integer key; the message then says which integer to write. */
int read_annual_tails(const toml::node& v, const std::string& path, const Origin& o) {
    const std::string range = "must be an integer from " + std::to_string(kMinAnnualTails) + " to " +
                              std::to_string(kMaxAnnualTails) + " (the degrees of freedom of Student-t years)";
    if (const auto* f = v.as_floating_point()) {
        const double x = f->get();
        const bool whole = x >= kMinAnnualTails && x <= kMaxAnnualTails && x == static_cast<int>(x);
        fail(o, path + " = " + describe(v) + ": " + range +
                    (whole ? "; write " + std::to_string(static_cast<int>(x)) + " without the decimal point" : ""));
    }
    const std::int64_t x = get_int64(v, path, o);
    if (x < kMinAnnualTails || x > kMaxAnnualTails) fail(o, path + " = " + std::to_string(x) + ": " + range);
    return static_cast<int>(x);
}

}  // namespace

/** Set the value at a dotted `path` from a TOML value given at `o`.
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
        } else if (k == "annual_persistence") {
            s.annual_persistence = get_number(v, path, o);
        } else if (k == "annual_tails") {
            s.annual_tails = read_annual_tails(v, path, o);
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
        if (n == 4 && k == "impact") {
            const std::string& point = seg[3];
            if (point != "low" && point != "mode" && point != "high") return false;
            if (!e->impact_range)
                fail(o, path + ": event '" + e->name + "' has a fixed impact (" + toml_number(e->impact) +
                            "); make it uncertain first: event." + e->name + ".impact = { dist = \"pert\", low, mode, high }");
            LongRun& range = *e->impact_range;
            if (point == "mode" && range.dist == "uniform")
                fail(o, path + ": a uniform impact has no mode (it is the midpoint of low and high)");
            (point == "low" ? range.low : point == "mode" ? range.mode : range.high) = get_number(v, path, o);
            if (range.dist == "uniform") range.mode = 0.5 * (range.low + range.high);
            e->impact = range.mode;
            return done();
        }
        if (n == 4) {
            if (k != "where") return false;
            auto it = std::find_if(e->where.begin(), e->where.end(), [&](const auto& w) { return w.first == seg[3]; });
            std::vector<std::string> members = read_member_list(s, v, path, o);
            if (it != e->where.end()) it->second = std::move(members);
            else e->where.emplace_back(seg[3], std::move(members));
            return true;
        }
        if (k == "probability") e->probability = get_number(v, path, o);
        else if (k == "impact" && v.is_table()) {
            read_event_impact(s, *e, v, path, o);
            return true;
        } else if (k == "impact") {
            if (!v.is_integer() && !v.is_floating_point())
                fail(o, path + ": expected a number or a three-point table { dist = \"pert\", low, mode, high }, got " +
                            describe(v));
            e->impact = get_number(v, path, o);
            e->impact_range.reset();
            erase_origins(s.origins, path);
        } else if (k == "once") e->once = get_bool(v, path, o);
        else if (k == "from") e->from = get_int(v, path, o);
        else if (k == "to") e->to = get_int(v, path, o);
        else if (k == "duration") e->duration = get_int(v, path, o);
        else if (k == "at") {
            e->from = e->to = get_int(v, path, o);
            s.origins["event." + e->name + ".from"] = o;
            s.origins["event." + e->name + ".to"] = o;
        } else if (k == "where") {
            read_filter(s, e->where, v, path, o);
            return true;
        } else {
            return false;
        }
        return done();
    }

    if (seg[0] == "shares" && n == 4) {  // shares.<dimension>.<given>.<member>: one row of a conditional table
        const std::vector<std::string> dims = dimension_names(s);
        const auto d = std::find(dims.begin(), dims.end(), seg[1]);
        if (d == dims.end())
            fail(o, path + ": unknown dimension '" + seg[1] + "'" + did_you_mean(seg[1], dims));
        const auto g = std::find(dims.begin(), dims.end(), seg[2]);
        if (g == dims.end())
            fail(o, path + ": unknown dimension '" + seg[2] + "'" + did_you_mean(seg[2], dims));
        if (g >= d)
            fail(o, path + ": '" + seg[1] + "' can be given only an earlier dimension; '" + seg[2] + "' " +
                        (g == d ? "is the same dimension" : "comes after it") + " (dimensions in order: " + list_text(dims) + ")");
        const Dimension& given = *find_dimension(s, seg[2]);
        std::vector<std::string> members;
        for (const Member& m : given.members) members.push_back(m.name);
        if (std::find(members.begin(), members.end(), seg[3]) == members.end())
            fail(o, path + ": unknown member '" + seg[3] + "' of dimension '" + seg[2] + "'" + did_you_mean(seg[3], members));
        auto table = std::find_if(s.conditional_shares.begin(), s.conditional_shares.end(),
                                  [&](const ConditionalShares& c) { return c.dimension == seg[1]; });
        if (table != s.conditional_shares.end() && table->given != seg[2])
            fail(o, path + ": the shares of '" + seg[1] + "' are already given by '" + table->given + "' (" +
                        origin_of(s, "shares." + seg[1] + "." + table->given, o.file).str() +
                        "); a dimension's shares depend on at most one earlier dimension");
        if (table == s.conditional_shares.end()) {
            s.conditional_shares.push_back({seg[1], seg[2], {}});
            table = s.conditional_shares.end() - 1;
            s.origins["shares." + seg[1] + "." + seg[2]] = o;
        }
        std::vector<double> row = read_numbers(s, v, path, o);
        auto it = std::find_if(table->rows.begin(), table->rows.end(), [&](const auto& r) { return r.first == seg[3]; });
        if (it != table->rows.end()) it->second = std::move(row);
        else table->rows.emplace_back(seg[3], std::move(row));
        return done();
    }

    if (seg[0] == "adjust" && n >= 3 && n <= 4) {
        Adjustment* a = find_adjustment(s, seg[1]);
        if (!a) return false;
        const std::string& k = seg[2];
        if (n == 4 && k == "shift") return assign_shift_year(s, a->shift_table, "adjust." + a->name + ".shift", seg[3], v, o);
        if (n == 4) {
            if (k != "where") return false;
            auto it = std::find_if(a->where.begin(), a->where.end(), [&](const auto& w) { return w.first == seg[3]; });
            std::vector<std::string> members = read_member_list(s, v, path, o);
            if (it != a->where.end()) it->second = std::move(members);
            else a->where.emplace_back(seg[3], std::move(members));
            return true;
        }
        if (k == "shift") {
            read_shift(s, a->shift, a->shift_table, v, path, o);
            return true;
        }
        if (k == "where") {
            read_filter(s, a->where, v, path, o);
            return true;
        }
        if (k == "sd_scale") a->sd_scale = get_number(v, path, o);
        else if (k == "share") a->share = get_number(v, path, o);
        else return false;
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
        else if (k == "shares") s.share_series = get_bool(v, path, o);
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
        else if (k == "shift") {
            read_shift(s, m->shift, m->shift_table, v, path, o);
            return true;
        }
        else if (k == "sd_scale") m->sd_scale = get_number(v, path, o);
        else return false;
        return done();
    }
    if (n == 4 && seg[2] == "shift") {  // <dimension>.<member>.shift.<year>: one year of a shift table
        Dimension* d = find_dimension(s, seg[0]);
        if (!d) return false;
        auto m = std::find_if(d->members.begin(), d->members.end(), [&](const Member& x) { return x.name == seg[1]; });
        if (m == d->members.end()) return false;
        return assign_shift_year(s, m->shift_table, seg[0] + "." + seg[1] + ".shift", seg[3], v, o);
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
    const toml::table parsed = parse_value(value, o);
    apply_set(L, path, *parsed.get("v"), o, false);
}

}  // namespace marketsim::detail
