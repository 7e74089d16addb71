#pragma once
/** A deliberately naive implementation of the model, as a yardstick for the engine's speed.
 *
 *  The textbook way: one std::mt19937_64 stream for the whole run, std::normal_distribution and
 *  std::uniform_real_distribution, fresh std::vectors for every path, plain moments and every
 *  value kept per series-year for exact quantiles by std::nth_element at the end. Same model as
 *  simulate_path (correlated long-run and annual factors, events, series sums), other random
 *  numbers: its bands agree with the engine's statistically, not bit for bit.
 *  The model must use growth.long_run_sd (a three-point growth.long_run throws
 *  std::invalid_argument). Single thread.
 */
#include <cstdint>
#include <random>
#include <vector>

#include "model/model.hpp"  // internal: sim/src

namespace marketsim::bench {

class NaiveSimulator {
public:
    NaiveSimulator(const Model& model, std::uint64_t seed);
    /** The next path: every series value, t-major: out[t * series_count + s], t = 0..years. */
    std::vector<double> next_path();

private:
    std::vector<double> correlated(std::vector<double> draws) const;
    const Model& model_;
    std::mt19937_64 rng_;
    std::normal_distribution<double> normal_;
    std::uniform_real_distribution<double> uniform_;
    std::vector<std::vector<std::uint32_t>> series_cells_;  ///< the cells each series sums
};

/** Moments and exact type-7 quantiles of every series-year, keeping every value. */
class NaiveStats {
public:
    NaiveStats(const Model& model, std::vector<double> quantiles);
    void add(const std::vector<double>& path);
    /** Sorts out the quantiles (std::nth_element); call once, after the last add. */
    void finish();

    std::uint64_t paths() const { return paths_; }
    double mean(std::size_t i) const { return mean_[i]; }  ///< statistic i = t * series_count + s
    double sd(std::size_t i) const { return sd_[i]; }
    double quantile(std::size_t i, std::size_t k) const { return quantile_[i * quantiles_.size() + k]; }

private:
    std::vector<double> quantiles_;
    std::vector<double> sum_, sum2_;
    std::vector<std::vector<double>> values_;
    std::vector<double> mean_, sd_, quantile_;
    std::uint64_t paths_ = 0;
};

}  // namespace marketsim::bench
