#include "scenario/reading.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "marketsim/error.hpp"

namespace marketsim::detail {

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

void fail(const Origin& o, const std::string& message) {
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

namespace {
[[noreturn]] void type_error(const toml::node& v, const std::string& path, const Origin& o,
                             std::string_view expected) {
    fail(o, path + ": expected " + std::string(expected) + ", got " + describe(v));
}
}  // namespace

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

}  // namespace marketsim::detail
