#pragma once
/** report.html: one self-contained file (styles and inline SVG charts, no script, nothing fetched)
 *  per verb. Charts use nice tick values, a colour-blind-safe palette (shades of one blue, orange
 *  for targets, Okabe-Ito for several scenarios) and print styles. */
#include <string>

#include "marketsim/compare.hpp"
#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"
#include "marketsim/sensitivity.hpp"
#include "marketsim/settings.hpp"

namespace marketsim {

/** A point marked on a chart, e.g. a target. */
struct ChartMarker {
    int year = 0;
    double value = 0.0;
    std::string label;  ///< its tooltip
};

/** What a fan chart shows besides its series' bands (P5-P95, P10-P90, P25-P75) and median. */
struct FanChart {
    std::string title;
    int width = 760, height = 360;  ///< pixels
    bool legend = false;
    std::vector<ChartMarker> markers;
    /// another run of the same scenario's series (e.g. the unchanged scenario under a what-if):
    /// its P5-P95 and median drawn in grey underneath, named in the legend by underneath_label
    const Results* underneath = nullptr;
    std::string underneath_label = "unchanged";
    std::vector<std::vector<double>> paths;  ///< whole paths (a value per year) drawn as thin lines
    /// the series is a fraction (a share of the total): the axis reads in percent, not the unit
    bool percent = false;
};

/** One fan chart as inline SVG, styled by the classes of chart_css(). */
std::string fan_chart_svg(const Results& results, std::size_t series, const FanChart& chart);

/** The CSS of the charts' classes. */
std::string chart_css();

/** A run: the fan chart of the total (P5-P95, P10-P90 and P25-P75 bands, the median, targets as
 *  markers), small multiples of every dimension's members, the bands of the total for chosen
 *  years, the CAGR distribution, the Monte Carlo error, the assumptions and the run's facts. */
std::string run_report_html(const Scenario& scenario, const Results& results);

/** compare: the scenarios' fans of the total overlaid, each what-if's delta fan against the first;
 *  for each what-if the `top` series whose horizon median moved most (what_moved; the share series
 *  apart, in percentage points) and the delta fans of every dimension's members as small
 *  multiples; and the horizon at a glance. */
std::string compare_report_html(const Comparison& comparison, std::size_t top = 10);

/** sensitivity: the tornado and the total indices by year. */
std::string sensitivity_report_html(const Sensitivity& sensitivity);

/** sensitivity --settings: the tornado of the largest swings, the spider and every input's row. */
std::string settings_report_html(const SettingsSensitivity& settings);

}  // namespace marketsim
