#pragma once
/** A scenario compiled for sampling (docs/model.md): cells, drifts, loadings, events.
 *
 *  Cells are the product of the dimensions in file order, the last dimension varying fastest.
 *  Series are `total`, then every member of every dimension in file order, then (with
 *  output.cells) every cell. Years are indexed t = 0..n with n = horizon - base_year.
 */
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "marketsim/scenario.hpp"
#include "model/three_point.hpp"

namespace marketsim {

/** An event as the sampler sees it. */
struct EventModel {
    std::string name;
    std::uint32_t purpose = 0;   ///< random stream: purpose::event(name)
    double probability = 0.0;
    int first_fire = 0;          ///< first year index t (1..n) in which it may fire; > last_fire: never
    int last_fire = -1;
    int duration = 1;
    double impact = 0.0;         ///< the fixed impact; with impact_range, its mode (the central path's)
    std::vector<std::uint32_t> cells;  ///< the cells it applies to, ascending
    bool once = false;           ///< fires at most once: probability is the chance over first..last
    /// an uncertain impact: Q(Phi(z)) of uniform 0 of purpose::event_impact(name), z = Phi^-1(u)
    std::optional<ThreePoint> impact_range;
    std::uint32_t impact_purpose = 0;  ///< purpose::event_impact(name)
};

/** A three-point estimate compiled: kind, points, PERT's shape and the table (three_point.hpp). */
ThreePoint compile_three_point(const LongRun& estimate);

struct Model {
    std::uint64_t seed = 1;
    int base_year = 0;
    int years = 0;  ///< n = horizon - base_year

    std::vector<std::uint32_t> dim_size;      ///< members per dimension
    std::vector<std::uint32_t> dim_offset;    ///< index of the dimension's first member among all members
    std::uint32_t member_count = 0;           ///< sum of dim_size
    std::uint32_t cell_count = 1;
    std::vector<std::uint32_t> cell_member;   ///< cell_count x dims: member index within each dimension

    std::vector<double> base_value;  ///< V(c, B) per cell
    /// the members' base values are sums of their cells' (share adjustments or conditional shares),
    /// not base_value x share
    bool base_from_cells = false;
    std::vector<double> drift;       ///< ln(1 + mu(c, y)), cell-major: drift[c * years + (t - 1)]
    std::vector<double> sd_long;     ///< sL(c); zero with a three-point long run
    std::optional<ThreePoint> three_point;  ///< growth.long_run, when given instead of long_run_sd
    std::vector<double> long_run_base;   ///< with three_point: mode + shift_c per cell
    std::vector<double> long_run_scale;  ///< with three_point: sd_scale_c per cell
    /// with three_point and a shift that changes over time: mode + shift(c, y), cell-major like
    /// drift; X_c and D_c then follow the year's shift (long_run_deviation_in). Empty otherwise.
    std::vector<double> long_run_base_year;
    std::vector<double> sd_annual;   ///< sA(c)
    double annual_persistence = 0.0;  ///< phi: A(c, y) = phi A(c, y-1) + sqrt(1 - phi^2) e(c, y); 0: independent years
    double annual_innovation = 1.0;   ///< sqrt(1 - phi^2), the weight of e(c, y) in A(c, y) after the first year
    int annual_tails = 0;             ///< nu: each year's draw scaled by sqrt((nu - 2) / W), W ~ chi2(nu); 0: normal years

    // Z_c = load_global G + sum_d load_dim[d] F_d[c_d] + load_idio E_c, with F_d = root[d] xi_d
    double load_global = 0.0;
    std::vector<double> load_dim;
    double load_idio = 0.0;
    /// per dimension: row-major square root S_d (S_d S_d^T = C_d), empty for the identity
    std::vector<std::vector<double>> root;

    std::vector<EventModel> events;

    std::vector<std::string> series;  ///< names, in output order
    std::uint32_t member_series_begin = 1;  ///< series index of the first member series
    std::uint32_t cell_series_begin = 0;    ///< series index of the first cell series (= size when none)
    /// output.shares: series index of the first member share series (= cell_series_begin when none)
    std::uint32_t share_member_begin = 0;
    /// output.shares with cells: series index of the first cell share series (= size when none)
    std::uint32_t share_cell_begin = 0;
    std::vector<double> central;  ///< series x (years + 1): every draw at zero, no event fired
    /// series x (years + 1): the central path as reported (validate, summary.json, reports): every
    /// draw at zero, events of probability 1 applied (a yearly one in every year it may fire, a
    /// `once` one in the year u = 0.5 gives), an uncertain impact at its mode. `central` stays the
    /// statistics' reference, so that bands do not move.
    std::vector<double> central_path;
    std::vector<std::string> central_events;  ///< the events central_path applies, in file order
    /// CAGR of a cell without shifts with every draw at zero: the rates (growth.rate, periods)
    /// and, with a three-point long run, its median's offset from the mode
    double rates_cagr = 0.0;
    std::vector<double> base_series;  ///< every series in the base year, exactly (no sum of cells)

    /** Normals per factor draw: G, then every member's xi, then every cell's E. */
    std::uint32_t factor_draws() const noexcept { return 1 + member_count + cell_count; }
    /** Whether the annual noise needs its own state: persistence or fat tails (else A(c, y) = Z_c). */
    bool annual_noise_state() const noexcept { return annual_persistence != 0.0 || annual_tails != 0; }
    std::uint32_t series_count() const noexcept { return static_cast<std::uint32_t>(series.size()); }
    /** D_c changes year by year (a three-point long run with a shift that changes over time). */
    bool long_run_by_year() const noexcept { return !long_run_base_year.empty(); }
};

/** Compile a validated scenario (load_scenario's rules hold). `seed` is the seed in force (--seed,
 *  else scenario.seed). Throws InputError for more than kMaxDimensions dimensions or kMaxCells
 *  cells (a scenario assembled in code), or a member matrix whose eigen-decomposition fails. */
Model compile(const Scenario& scenario, std::uint64_t seed);

/** The persistent log-growth deviation D_c of cell c given its long-run normal Z_c:
 *  sL(c) Z_c, or ln(1 + X_c) - ln(1 + mode + shift_c) with a three-point long run. */
double long_run_deviation(const Model& model, std::uint32_t cell, double z);

/** With a three-point long run: sd_scale_c (Q(Phi(z)) - mode), the offset of X_c from its centre
 *  that a long-run normal z gives; the same in every year. */
double long_run_excess(const Model& model, std::uint32_t cell, double z);

/** D_c in year index t (1..years) when long_run_by_year(): ln(1 + b + excess) - ln(1 + b) with
 *  b = mode + shift(c, base_year + t). */
double long_run_deviation_in(const Model& model, std::uint32_t cell, int t, double excess);

/** The series value of cell values `cells` (cell_count) into `out` (series_count), for one year. */
void series_values(const Model& model, const double* cells, double* out) noexcept;

}  // namespace marketsim
