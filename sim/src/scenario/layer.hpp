#pragma once
/** The scenario as it is built, file by file (the base first, then each extending file, then the
 *  command line's --set), and the keys each table of a scenario file takes. */
#include <string>
#include <string_view>
#include <vector>

#include "marketsim/scenario.hpp"

namespace marketsim::detail {

inline const std::vector<std::string> top_keys{"extends", "scenario", "growth", "dimension", "correlation",
                                               "event",   "target",   "output", "set",       "adjust", "shares"};
inline const std::vector<std::string> scenario_keys{"name", "unit", "base_year", "base_value", "horizon", "seed"};
inline const std::vector<std::string> growth_keys{"rate", "long_run_sd", "annual_sd", "long_run", "period",
                                                  "annual_persistence", "annual_tails"};
inline const std::vector<std::string> long_run_keys{"dist", "low", "mode", "high"};
inline const std::vector<std::string> long_run_dists{"pert", "triangular", "uniform"};
inline const std::vector<std::string> period_keys{"from", "to", "rate"};
inline const std::vector<std::string> dimension_keys{"name", "members"};
inline const std::vector<std::string> member_keys{"name", "share", "shift", "sd_scale"};
inline const std::vector<std::string> member_values{"share", "shift", "sd_scale"};
inline const std::vector<std::string> event_keys{"name", "probability", "from",     "to",
                                                 "at",   "impact",      "duration", "where", "once"};
inline const std::vector<std::string> adjust_keys{"name", "where", "shift", "sd_scale", "share"};
inline const std::vector<std::string> target_keys{"series", "year", "value"};
inline const std::vector<std::string> output_keys{"quantiles", "relative_accuracy", "cells", "shares"};
inline const std::vector<std::string> reserved_dimension_names{"global", "matrix", "repair", "scenario", "growth",
                                                               "correlation", "event", "target", "output", "set",
                                                               "adjust", "shares"};

struct Layer {
    Scenario s;
    bool rate_follows_mode = false;  ///< growth.rate is growth.long_run's mode (nobody set it)
    bool rate_set_here = false;      ///< the current file set growth.rate
    bool long_run_set_here = false;  ///< the current file set growth.long_run
};

Dimension* find_dimension(Scenario& s, std::string_view name);
const Dimension* find_dimension(const Scenario& s, std::string_view name);
Event* find_event(Scenario& s, std::string_view name);
Adjustment* find_adjustment(Scenario& s, std::string_view name);
std::vector<std::string> dimension_names(const Scenario& s);

/** When growth.rate follows growth.long_run's mode, give it that value for good. */
void materialize_rate(Layer& L);

}  // namespace marketsim::detail
