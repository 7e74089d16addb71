#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/hash.hpp"
#include "marketsim/error.hpp"
#include "marketsim/scenario.hpp"
#include "scenario/paths.hpp"
#include "scenario/reading.hpp"
#include "scenario/series.hpp"
#include "scenario/toml_guard.hpp"
#include "scenario/validate.hpp"

namespace marketsim {
namespace {

namespace fs = std::filesystem;
using namespace detail;

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
        constexpr std::size_t kMaxBytes = kMaxFileBytes;
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
        std::vector<std::size_t> counts;
        for (const Dimension& other : s.dimensions) counts.push_back(other.members.size());
        counts.push_back(members.size());
        if (const std::string problem = size_problem(counts); !problem.empty())
            fail(members_origin, d.name + ".members: " + std::to_string(members.size()) + " members make " + problem);
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

/** [shares.<dimension>.<given>] tables: each row an assignment of shares.<dimension>.<given>.<member>. */
void read_conditional_shares(Layer& L, const toml::node& v, const Origin& o, const std::string& file) {
    const toml::table& t = get_table(v, "shares", o);
    for (auto&& [dk, dv] : t) {
        const Origin dko = at(file, dk.source());
        const std::string dim(dk.str());
        const toml::table& dt = get_table(dv, "shares." + dim, dko);
        if (dt.empty()) fail(dko, "shares." + dim + ": give a table [shares." + dim + ".<given dimension>]");
        for (auto&& [gk, gv] : dt) {
            const Origin gko = at(file, gk.source());
            const std::string path = "shares." + dim + "." + std::string(gk.str());
            const toml::table& rows = get_table(gv, path, gko);
            if (rows.empty()) fail(gko, path + ": give at least one row, e.g. " + path.substr(7 + dim.size() + 1) + "_member = [0.3, 0.7]");
            for (auto&& [mk, mv] : rows) assign(L, path + "." + std::string(mk.str()), mv, at(file, mk.source()));
        }
    }
}

void read_adjustments(Layer& L, const toml::node& v, const Origin& o, const std::string& file) {
    Scenario& s = L.s;
    const toml::array& a = get_table_array(v, "adjust", o);
    for (std::size_t i = 0; i < a.size(); ++i) {
        const toml::table& t = *a[i].as_table();
        const Origin to = at(file, t.source());
        const std::string item = indexed_name("adjust", i);
        check_keys(t, adjust_keys, to, "[[adjust]]");
        auto [name_node, name_origin] = entry(t, "name", file);
        if (!name_node) fail(to, item + ": name is required");
        Adjustment adj;
        adj.name = get_string(*name_node, item + ".name", name_origin);
        check_name(adj.name, item + ".name", name_origin);
        const std::string path = "adjust." + adj.name;
        if (find_adjustment(s, adj.name))
            fail(name_origin, "adjustment '" + adj.name + "' is already defined (" + s.origins[path].str() +
                                  "); adjustment names must be unique");
        if (!t.contains("where"))
            fail(to, path + ": where is required (the cells it adjusts, e.g. where = { region = [\"asia_pacific\"] })");
        if (!t.contains("shift") && !t.contains("sd_scale") && !t.contains("share"))
            fail(to, path + ": give at least one of shift, sd_scale and share");
        s.adjustments.push_back(adj);
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


/** Resolve one file: its base first, then its own tables in the order docs/scenario-format.md
 *  gives, except that the file's [set] comes last, so it also reaches the file's own events and
 *  targets. */
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
    if (auto [v, o] = entry(root, "shares", name); v) read_conditional_shares(L, *v, o, name);
    if (auto [v, o] = entry(root, "correlation", name); v) read_correlation(L, *v, o, name);
    if (auto [v, o] = entry(root, "output", name); v) {
        const toml::table& t = get_table(*v, "output", o);
        check_keys(t, output_keys, o, "[output]");
        for (auto&& [k, val] : t) assign(L, "output." + std::string(k.str()), val, at(name, k.source()));
    }
    if (auto [v, o] = entry(root, "event", name); v) read_events(L, *v, o, name);
    if (auto [v, o] = entry(root, "target", name); v) read_targets(L, *v, o, name);
    if (auto [v, o] = entry(root, "adjust", name); v) read_adjustments(L, *v, o, name);
    if (auto [v, o] = entry(root, "set", name); v) {
        std::vector<std::tuple<std::string, const toml::node*, Origin>> entries;
        flatten_set(get_table(*v, "set", o), "", name, entries);
        for (const auto& [path, node, origin] : entries) apply_set(L, path, *node, origin, true);
    }

    if (L.rate_set_here && L.long_run_set_here) L.rate_follows_mode = false;
    return L;
}

}  // namespace

Scenario parse_scenario(std::string_view toml_text, const fs::path& file_name, const std::vector<std::string>& sets) {
    Chain chain;
    chain.ids.push_back(identity(file_name));
    chain.names.push_back(file_name.string());
    Layer L = resolve(toml_text, file_name, chain);
    for (const std::string& argument : sets) apply_command_line(L, argument);
    validate(L, file_name.string());
    L.s.files = std::move(chain.files);
    L.s.source = ScenarioSource{file_name.string(), std::string(toml_text), sets};
    return std::move(L.s);
}

Scenario load_scenario(const fs::path& file, const std::vector<std::string>& sets) {
    return parse_scenario(read_bytes(file, ""), file, sets);
}

Scenario with_sets(const Scenario& scenario, const std::vector<std::string>& sets) {
    std::vector<std::string> all = scenario.source.sets;
    all.insert(all.end(), sets.begin(), sets.end());
    return parse_scenario(scenario.source.text, scenario.source.file, all);
}

}  // namespace marketsim
