#pragma once
/** Numbers as text: the shortest form that reads back to the same double, and back.
 *
 *      format_number(0.1) == "0.1";  format_number(1e-5) == "1e-05";  parse_number(" +2.5") == 2.5
 */
#include <optional>
#include <string>
#include <string_view>

namespace marketsim {

/** Shortest text that reads back to exactly x ("0.1", "35.2", "1e-05"). */
std::string format_number(double x);

/** A finite number written in full (spaces around and a leading '+' allowed), or nullopt. */
std::optional<double> parse_number(std::string_view text);

}  // namespace marketsim
