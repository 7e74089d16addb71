#pragma once
/** Reading values out of parsed TOML, with their positions: the messages every scenario error
 *  carries ("file:line:col: path = value: problem"), typed reads that check the type as they read,
 *  names, and the TOML spelling of values for messages and for writing scenarios back. */
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "marketsim/scenario.hpp"

namespace marketsim::detail {

// ---- formatting -------------------------------------------------------------------------------

/** Shortest text that reads back to the same double; always a TOML float ("1.0", "1e-05"). */
std::string toml_number(double x);
/** A TOML basic string literal. */
std::string toml_string(std::string_view text);
/** A TOML value as the user wrote it, for "got ..." in messages. */
std::string describe(const toml::node& v);
/** "a, b, c" */
std::string list_text(const std::vector<std::string>& items);

// ---- origins and errors -----------------------------------------------------------------------

/** Throws InputError "<origin>: <message>". */
[[noreturn]] void fail(const Origin& o, const std::string& message);
Origin at(const std::string& file, const toml::source_region& r);
/** Where element `n` of a value given at `o` sits: its own position in a file, else `o`. */
Origin inside(const Origin& o, const toml::node& n);
/** Where key `k` of a table given at `o` sits (`o` itself on the command line). */
Origin key_at(const Origin& o, const toml::key& k);
/** Forget the origins of `prefix` and everything below it ("a.b", "a.b.c", "a.b[0]"). */
void erase_origins(std::map<std::string, Origin>& origins, const std::string& prefix);
/** The origin of `path`, else of its closest recorded parent, else the scenario file itself. */
Origin origin_of(const Scenario& s, std::string path, const std::string& top_file);

// ---- typed reads: the type is checked as a value is read; `path` names it in messages ----------

double get_number(const toml::node& v, const std::string& path, const Origin& o);
std::int64_t get_int64(const toml::node& v, const std::string& path, const Origin& o);
int get_int(const toml::node& v, const std::string& path, const Origin& o);
std::uint64_t get_seed(const toml::node& v, const std::string& path, const Origin& o);
bool get_bool(const toml::node& v, const std::string& path, const Origin& o);
std::string get_string(const toml::node& v, const std::string& path, const Origin& o);
const toml::table& get_table(const toml::node& v, const std::string& path, const Origin& o);
const toml::array& get_array(const toml::node& v, const std::string& path, const Origin& o);
/** An array of tables ([[name]] or [{...}, ...]). */
const toml::array& get_table_array(const toml::node& v, const std::string& path, const Origin& o);

/** [a-z][a-z0-9_]* */
bool valid_name(std::string_view name);
void check_name(const std::string& name, const std::string& path, const Origin& o);
/** Every key of `t` (a table given at `o`) is in `known`; `where` names the table in messages. */
void check_keys(const toml::table& t, const std::vector<std::string>& known, const Origin& o,
                const std::string& where);
/** `t[key]` with the key's position, or nulls. */
std::pair<const toml::node*, Origin> entry(const toml::table& t, std::string_view key, const std::string& file);

}  // namespace marketsim::detail
