#pragma once
/** Paired comparison of scenarios with common random numbers (`marketsim compare`).
 *
 *  Every scenario is run on the same paths with the same seed, so path p of B differs from
 *  path p of A only by what B changes; the difference B - A is summarised path by path (its
 *  quantile summary takes negative values and exact zeros). Scenarios must share their
 *  dimensions (names and members, in order), base year and horizon.
 */
#include <string>
#include <vector>

#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"

namespace marketsim {

struct Comparison : RunFacts {
    std::vector<Results> bands;  ///< each scenario's own bands, in the order given
    /// delta[k - 1]: bands of scenario k minus scenario 0, path by path (targets empty)
    std::vector<Results> delta;
    /// greater[k - 1][s * (years + 1) + t]: share of paths where scenario k's series s in
    /// year t exceeds scenario 0's
    std::vector<std::vector<double>> greater;
    std::vector<std::string> scenarios;  ///< the scenarios' names, in the order given
    std::vector<std::string> warnings;
};

/** Runs at least two scenarios on common random numbers. The seed is options.seed, else the
 *  first scenario's (a warning names any scenario whose own seed differs). Throws InputError
 *  when the scenarios' dimensions, base years or horizons differ, or two share a name; Interrupted
 *  when stopped (nothing partial is reported). */
Comparison compare(const std::vector<Scenario>& scenarios, const RunOptions& options);

/** How much a series moved in a what-if at the horizon. */
struct Moved {
    std::string series;
    bool share = false;        ///< a share series (`share:...`): values are fractions of the total
    double a_p50 = 0.0;        ///< the first scenario's median
    double b_p50 = 0.0;        ///< the what-if's median
    double change = 0.0;       ///< b_p50 - a_p50 (for a share, a fraction: 100 x change is in points)
    double change_pct = 0.0;   ///< change / a_p50 (a fraction); NaN when a_p50 is 0
    double prob_b_gt_a = 0.0;  ///< share of paths where the what-if is larger
};

/** The series of scenario k (1 .. scenarios - 1) ranked by how far their horizon median moved
 *  from the first scenario's (largest absolute change first; ties in series order), at most `top`. */
std::vector<Moved> what_moved(const Comparison& comparison, std::size_t k, std::size_t top = 10);

/** Which series a ranking holds. */
enum class MovedSeries {
    values,  ///< every series but the total and the shares (members, cells): in the unit
    shares,  ///< the share series: fractions of the total
};

/** As what_moved, but only the series of one kind, so that a ranking never mixes the unit with
 *  fractions of the total; the total, printed on its own, is never among them. */
std::vector<Moved> what_moved(const Comparison& comparison, std::size_t k, std::size_t top, MovedSeries which);

}  // namespace marketsim
