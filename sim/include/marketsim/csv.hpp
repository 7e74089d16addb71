#pragma once
/** CSV outputs. Numbers print in their shortest round-trip form (numbers.hpp); columns are named
 *  as docs/model.md ("Outputs") says. */
#include <string>

#include "marketsim/compare.hpp"
#include "marketsim/run.hpp"
#include "marketsim/sensitivity.hpp"
#include "marketsim/settings.hpp"
#include "marketsim/sweep.hpp"

namespace marketsim {

/** bands.csv: series,year,mean,sd,<quantile columns>; with `ci`, <column>_lo and <column>_hi after
 *  each statistic (95% intervals). One row per series and year, series in output order. */
std::string bands_csv(const Results& results, bool ci);

/** delta.csv: scenario,series,year,mean,sd,<quantile columns>,prob_b_gt_a,mean_pct,p50_pct for
 *  every scenario after the first, its series and years in bands.csv order. mean_pct is
 *  100 x mean(B - A) / mean(A), p50_pct 100 x (p50(B) - p50(A)) / p50(A) (the change of the
 *  median, as what_moved ranks it); both are empty when A's value is 0, and for share series
 *  (whose change is in points of the total: 100 x the mean and quantile columns). */
std::string delta_csv(const Comparison& comparison);

/** sweep.csv: one column per axis (named by its path), then series, year, mean, p05, p50, p95 and
 *  one `p_target<i>` column per target (share of paths at or above it); a row per point, series
 *  and year (points in grid order, then the series and the years in the order given). */
std::string sweep_csv(const Sweep& sweep);

/** sensitivity.csv: input,partition,first_order,first_order_lo,first_order_hi,total,total_lo,
 *  total_hi,p50_low,p50_high,p50 for the chosen year, top input first. */
std::string sensitivity_csv(const Sensitivity& sensitivity);

/** settings.csv (sensitivity --settings): rank,path,value,range,clamped,low,high,p50_low,p50_high,
 *  swing,mean_low,mean_high, then p_target<i>_low and p_target<i>_high per target, and p50 (the
 *  scenario as it is); one row per input, largest swing first. */
std::string settings_csv(const SettingsSensitivity& settings);

/** spider.csv: path,point,position,value,p50 with the points low, halfway_low, value,
 *  halfway_high and high (position -1, -0.5, 0, 0.5, 1) of each input, in settings.csv's order. */
std::string spider_csv(const SettingsSensitivity& settings);

/** sensitivity_by_year.csv: input,year,first_order,first_order_half_width,total,total_half_width. */
std::string sensitivity_by_year_csv(const Sensitivity& sensitivity);

}  // namespace marketsim
