#pragma once
/** Errors the user can fix (a bad scenario, a bad flag): the CLI prints what() and exits 2. */
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace marketsim {

/** A scenario or usage error. what() is one line: "where: what; did you mean 'x'?". */
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/** The candidate closest to `name` by edit distance, or "" when none is reasonably close. */
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

/** "; did you mean 'x'?" when a close candidate exists, else "" (valid names listed when few). */
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace marketsim
