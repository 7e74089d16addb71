#pragma once
/** Parsing TOML text safely with Debian's toml++ 3.3.
 *
 *  toml++ 3.3 reaches __builtin_unreachable() (undefined behaviour) when it asks whether some
 *  non-ASCII characters are whitespace (its issues 190 and 295, fixed upstream after 3.4). Two
 *  guards keep it away from them: non-ASCII text where TOML allows only ASCII syntax (outside
 *  strings and comments, after a backslash, after a multi-line string's line-ending backslash) is
 *  refused with its line and column; and every text is first parsed with each non-ASCII character
 *  replaced by '?' (same lines and columns), so only a document whose structure is valid that way
 *  reaches toml++ as written. */
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "marketsim/scenario.hpp"

namespace marketsim::detail {

/** A scenario file's text as a TOML table. Throws InputError "file:line:col: problem". */
toml::table parse_toml(std::string_view text, const std::string& file);

/** One --set VALUE as the table { v = VALUE }. Throws InputError at `o` (the command line). */
toml::table parse_value(std::string_view value, const Origin& o);

}  // namespace marketsim::detail
