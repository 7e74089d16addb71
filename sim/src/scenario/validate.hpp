#pragma once
/** The rules a resolved scenario must keep, checked once on the final scenario (after every file,
 *  [set] and --set): required values, ranges, shares summing to 1, growth above -100% in every
 *  cell, correlation weights and matrices (a matrix that is not positive semi-definite is an error,
 *  or with correlation.repair replaced by the nearest valid one), events, targets, output settings.
 *  Normalizes what it checks (shares divided by their sum, event filters in dimension order) and
 *  records warnings. */
#include <string>

#include "scenario/layer.hpp"

namespace marketsim::detail {

/** Throws InputError at the origin of the first value that breaks a rule. */
void validate(Layer& layer, const std::string& top_file);

}  // namespace marketsim::detail
