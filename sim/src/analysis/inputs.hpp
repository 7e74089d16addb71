#pragma once
// What kind of value each --set path of a scenario holds and where it may go, for the analyses
// that move inputs (sensitivity --settings, calibrate): the valid range, whether it is a rate
// (moved by points, not percent), and for a member's share the row it belongs to, so that moving
// it rescales its siblings.
//
//     const InputKind k = input_kind(scenario, "growth.annual_persistence", 0.3);
//     k.bounds.text() == "[0, 1)";
//     input_sets("region.europe.share", 0.3, share_kind)  // every share of the row, summing to 1

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "marketsim/scenario.hpp"

namespace marketsim {

/** The values an input may take: lo .. hi, each end open or closed; `whole`: integers only. */
struct Bounds {
    double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
    bool lo_open = false, hi_open = false, whole = false;

    bool contains(double x) const;
    /** "[0, 1)", "(0, inf)", "[3, 200], whole numbers". */
    std::string text() const;
};

/** What kind of input a path is, and where its value may go. */
struct InputKind {
    Bounds bounds;
    bool rate = false;                     ///< moved by -/+0.01 by default
    const Dimension* share_row = nullptr;  ///< a member's share: the dimension whose row it is in
    /// an entry of a conditional share row, `shares.D.G.M[i]`: the row, its --set path
    /// (`shares.D.G.M`, set whole) and the entry's place in it
    const std::vector<double>* conditional_row = nullptr;
    std::string row_path;
    std::size_t row_index = 0;
};

/** The entries of the conditional share rows that have two or more, each as `shares.D.G.M[i]`
 *  (i from 0, in D's member order). --set sets a row whole; these paths name one entry of it for
 *  the analyses that move inputs one at a time. */
std::vector<NumericInput> conditional_share_inputs(const Scenario& scenario);

/** The value at an input path: a numeric --set path (numeric_value) or a conditional share entry. */
std::optional<double> input_value(const Scenario& scenario, const std::string& path);

/** The kind of the --set path `path` of `scenario`, whose value there is `value`. */
InputKind input_kind(const Scenario& scenario, const std::string& path, double value);

/** The --set arguments that put `path` at x: a member's share with its siblings rescaled in
 *  proportion so that the row sums to 1 (as the workbench page moves a share row). */
std::vector<std::string> input_sets(const std::string& path, double x, const InputKind& kind);

}  // namespace marketsim
