#pragma once
/** Quantiles as a run reports them: their column names and finding one among those computed.
 *
 *      quantile_column(0.05) == "p05";  quantile_column(0.5) == "p50";  quantile_column(0.025) == "p2.5"
 */
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace marketsim {

/** The bands.csv column of quantile q: "p" + the percent (10 significant digits, shortest form),
 *  whole percents below 10 padded to two digits. */
std::string quantile_column(double q);

/** The index of quantile q in `quantiles` (within 1e-12), or nullopt when it was not computed. */
std::optional<std::size_t> find_quantile(const std::vector<double>& quantiles, double q);

/** The index of the quantile in `quantiles` closest to q (the first of equally close ones).
 *  Precondition: `quantiles` is not empty. */
std::size_t nearest_quantile(const std::vector<double>& quantiles, double q);

}  // namespace marketsim
