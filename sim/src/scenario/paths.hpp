#pragma once
/** The dotted paths of [set] and --set ("growth.period[0].rate", "region.europe.share"): their
 *  grammar, setting a value at a path, and the list of valid paths for "did you mean". */
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <toml++/toml.h>

#include "scenario/layer.hpp"

namespace marketsim::detail {

/** "growth.period[0].rate" -> {"growth", "period[0]", "rate"} */
std::vector<std::string> split_path(std::string_view path);
/** i when `segment` is "name[i]". */
std::optional<std::size_t> indexed(std::string_view segment, std::string_view name);
/** "name[i]" */
std::string indexed_name(std::string_view name, std::size_t i);

/** Every path [set] and --set accept for this scenario (for "did you mean"). */
std::vector<std::string> valid_paths(const Scenario& s);

/** Sets the value at a dotted `path` from a TOML value given at `o`. Types are checked here;
 *  cross-field rules wait for validation. false: no such path. */
bool assign(Layer& L, const std::string& path, const toml::node& v, const Origin& o);

/** One [set] entry or --set argument: assign, or an error naming the closest valid path. */
void apply_set(Layer& L, const std::string& path, const toml::node& v, const Origin& o, bool in_file);

/** [set] entries as (dotted path, value, origin): nested (non-inline) tables are flattened. */
void flatten_set(const toml::table& t, const std::string& prefix, const std::string& file,
                 std::vector<std::tuple<std::string, const toml::node*, Origin>>& out);

/** One --set PATH=VALUE argument (VALUE read as TOML). */
void apply_command_line(Layer& L, const std::string& argument);

}  // namespace marketsim::detail
