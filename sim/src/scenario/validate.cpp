#include "scenario/validate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "marketsim/error.hpp"
#include "math/correlation.hpp"
#include "scenario/paths.hpp"
#include "scenario/reading.hpp"
#include "scenario/series.hpp"

namespace marketsim::detail {
namespace {

/// a yearly rate or shift beyond +/- this (50% a year) is most likely written in percent
constexpr double kLargeYearlyRate = 0.5;

class Validator {
public:
    Validator(Layer& layer, std::string top) : L(layer), s(layer.s), top_file(std::move(top)) {}

    void run() {
        required();
        scenario_values();
        growth_values();
        dimensions();
        conditional_shares();
        shift_tables();
        adjustments();
        growth_floor();
        correlation();
        events();
        targets();
        output();
        guard_rails();
    }

private:
    Layer& L;
    Scenario& s;
    std::string top_file;

    Origin where(const std::string& path) const { return origin_of(s, path, top_file); }
    /** Where a check over several values points: the --set argument that changed one of them
     *  (the last of them, when several did), else where `fallback` was written. */
    Origin where_any(const std::vector<std::string>& paths, const std::string& fallback) const {
        const Origin* flag = nullptr;
        for (const std::string& p : paths)
            if (auto it = s.origins.find(p); it != s.origins.end() && !it->second.text.empty()) flag = &it->second;
        return flag ? *flag : where(fallback);
    }
    [[noreturn]] void bad(const std::string& path, const std::string& value, const std::string& problem) const {
        fail(where(path), path + " = " + value + ": " + problem);
    }
    [[noreturn]] void bad(const std::string& path, double value, const std::string& problem) const {
        bad(path, toml_number(value), problem);
    }

    void required() {
        for (const std::string key : {"base_year", "horizon", "base_value"})
            if (!s.origins.count("scenario." + key))
                fail(Origin{top_file, 0, 0, ""}, "scenario." + key + " is required");
        materialize_rate(L);
        if (!s.origins.count("growth.rate"))
            fail(Origin{top_file, 0, 0, ""}, "growth.rate is required (or give growth.long_run)");
    }

    void scenario_values() {
        if (!valid_name(s.name))
            bad("scenario.name", toml_string(s.name), "names must start with a lowercase letter and use only a-z, 0-9 and _");
        if (s.horizon <= s.base_year)
            bad("scenario.horizon", std::to_string(s.horizon),
                "must be after scenario.base_year (" + std::to_string(s.base_year) + ")");
        if (s.horizon - s.base_year > kMaxYears)
            bad("scenario.horizon", std::to_string(s.horizon),
                "at most " + std::to_string(kMaxYears) + " years after scenario.base_year (" + std::to_string(s.base_year) + ")");
        if (!(s.base_value > 0)) bad("scenario.base_value", s.base_value, "must be > 0");
    }

    void growth_values() {
        if (s.long_run_sd < 0) bad("growth.long_run_sd", s.long_run_sd, "must be >= 0");
        if (s.annual_sd < 0) bad("growth.annual_sd", s.annual_sd, "must be >= 0");
        if (!(s.annual_persistence >= 0 && s.annual_persistence < 1))
            bad("growth.annual_persistence", s.annual_persistence, "must be in [0, 1) (0: independent years)");
        if (s.annual_tails)
            s.warnings.push_back("growth.annual_tails = " + std::to_string(*s.annual_tails) +
                                 ": with Student-t years the values have no finite mean or sd (e^t has no expectation); "
                                 "the mean and sd reported are sample figures without a population counterpart "
                                 "(the quantiles are well defined)");
        if (s.long_run) {
            const LongRun& lr = *s.long_run;
            if (!(lr.low < lr.high))
                bad("growth.long_run.low", lr.low, "must be < high (" + toml_number(lr.high) + ")");
            if (lr.mode < lr.low || lr.mode > lr.high)
                bad("growth.long_run.mode", lr.mode,
                    "must lie in [low, high] = [" + toml_number(lr.low) + ", " + toml_number(lr.high) + "]");
        }
        const int first = s.base_year + 1;
        for (std::size_t i = 0; i < s.periods.size(); ++i) {
            const Period& p = s.periods[i];
            const std::string path = "growth." + indexed_name("period", i);
            const std::string years = std::to_string(p.from) + ".." + std::to_string(p.to);
            if (p.from > p.to) bad(path, years, "from must be <= to");
            if (p.from < first || p.to > s.horizon)
                bad(path, years,
                    "periods must lie within " + std::to_string(first) + ".." + std::to_string(s.horizon) +
                        " (base_year + 1 .. horizon)");
            if (i > 0 && p.from <= s.periods[i - 1].to)
                bad(path, years,
                    "overlaps growth.period = " + std::to_string(s.periods[i - 1].from) + ".." +
                        std::to_string(s.periods[i - 1].to) + " (" + where("growth." + indexed_name("period", i - 1)).str() +
                        ")");
        }
    }

    void dimensions() {
        for (Dimension& d : s.dimensions) {
            double sum = 0;
            std::vector<std::string> shares;
            for (const Member& m : d.members) {
                const std::string path = d.name + "." + m.name;
                if (!(m.share > 0)) bad(path + ".share", m.share, "share must be > 0");
                if (!(m.sd_scale > 0)) bad(path + ".sd_scale", m.sd_scale, "sd_scale must be > 0");
                sum += m.share;
                shares.push_back(path + ".share");
            }
            if (std::abs(sum - 1) > 1e-6)
                fail(where_any(shares, d.name), "dimension '" + d.name + "': shares sum to " + toml_number(sum) +
                                        "; they must sum to 1 (within 1e-6)");
            if (std::abs(sum - 1) > 1e-12)
                for (Member& m : d.members) m.share /= sum;
        }
    }

    /** A shift table's years lie in base_year..base_year + 200; a table none of whose years lies
     *  in base_year + 1..horizon draws a warning (it is constant over the whole run). */
    void shift_table(const YearTable& table, const std::string& path) {
        if (table.empty()) return;
        const int last = s.base_year + kMaxYears;
        bool inside = false;
        for (const auto& [year, value] : table) {
            if (year < s.base_year || year > last)
                bad(path + "." + std::to_string(year), value,
                    "year " + std::to_string(year) + " is outside " + std::to_string(s.base_year) + ".." +
                        std::to_string(last) + " (base_year .. base_year + " + std::to_string(kMaxYears) + ")");
            inside = inside || (year > s.base_year && year <= s.horizon);
        }
        if (!inside)
            s.warnings.push_back(where(path).str() + ": " + path + " lists no year in " + std::to_string(s.base_year + 1) +
                                 ".." + std::to_string(s.horizon) + "; it is " + toml_number(shift_in(0, table, s.base_year + 1)) +
                                 " in every year of the run");
    }

    /** Each row has one share per member, > 0, summing to 1 within 1e-6 (then divided by its
     *  sum); rows in the given dimension's member order, tables in dimension order. */
    void conditional_shares() {
        const std::vector<std::string> order = dimension_names(s);
        auto rank = [&](const std::string& dim) { return std::find(order.begin(), order.end(), dim) - order.begin(); };
        for (ConditionalShares& table : s.conditional_shares) {
            const Dimension& d = *find_dimension(s, table.dimension);
            const Dimension& g = *find_dimension(s, table.given);
            for (auto& [member, row] : table.rows) {
                const std::string path = "shares." + table.dimension + "." + table.given + "." + member;
                if (row.size() != d.members.size()) {
                    std::vector<std::string> names;
                    for (const Member& m : d.members) names.push_back(m.name);
                    fail(where(path), path + " has " + std::to_string(row.size()) + " shares but dimension '" + d.name + "' has " +
                                          std::to_string(d.members.size()) + " members (" + list_text(names) + ")");
                }
                double sum = 0;
                for (std::size_t i = 0; i < row.size(); ++i) {
                    if (!(row[i] > 0)) bad(indexed_name(path, i), row[i], "shares must be > 0");
                    sum += row[i];
                }
                if (std::abs(sum - 1) > 1e-6)
                    fail(where(path), path + ": shares sum to " + toml_number(sum) + "; they must sum to 1 (within 1e-6)");
                if (std::abs(sum - 1) > 1e-12)
                    for (double& x : row) x /= sum;
            }
            auto member_rank = [&](const std::string& name) {
                std::size_t k = 0;
                while (g.members[k].name != name) ++k;
                return k;
            };
            std::stable_sort(table.rows.begin(), table.rows.end(),
                             [&](const auto& a, const auto& b) { return member_rank(a.first) < member_rank(b.first); });
        }
        std::stable_sort(s.conditional_shares.begin(), s.conditional_shares.end(),
                         [&](const auto& a, const auto& b) { return rank(a.dimension) < rank(b.dimension); });
    }

    void shift_tables() {
        for (const Dimension& d : s.dimensions)
            for (const Member& m : d.members) shift_table(m.shift_table, d.name + "." + m.name + ".shift");
    }

    /** A filter's dimensions and members exist, each member listed once; kept in dimension order. */
    void filter(std::vector<std::pair<std::string, std::vector<std::string>>>& where_, const std::string& path) {
        for (const auto& [dim, members] : where_) {
            const std::string wpath = path + ".where." + dim;
            const Dimension* d = find_dimension(s, dim);
            if (!d) fail(where(wpath), path + ".where: unknown dimension '" + dim + "'" + did_you_mean(dim, dimension_names(s)));
            std::vector<std::string> names;
            for (const Member& m : d->members) names.push_back(m.name);
            for (std::size_t i = 0; i < members.size(); ++i) {
                const std::string ipath = indexed_name(wpath, i);
                if (std::find(names.begin(), names.end(), members[i]) == names.end())
                    fail(where(ipath), wpath + ": unknown member '" + members[i] + "' of dimension '" + dim + "'" +
                                           did_you_mean(members[i], names));
                if (std::find(members.begin(), members.begin() + static_cast<std::ptrdiff_t>(i), members[i]) !=
                    members.begin() + static_cast<std::ptrdiff_t>(i))
                    fail(where(ipath), wpath + ": member '" + members[i] + "' is listed twice");
            }
        }
        const std::vector<std::string> order = dimension_names(s);
        auto rank = [&](const std::string& dim) { return std::find(order.begin(), order.end(), dim) - order.begin(); };
        std::stable_sort(where_.begin(), where_.end(), [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
    }

    void adjustments() {
        for (Adjustment& a : s.adjustments) {
            const std::string path = "adjust." + a.name;
            if (a.where.empty())
                fail(where(path + ".where"), path + ".where = {}: name at least one dimension and its members (a filter "
                                                    "without dimensions would adjust every cell)");
            filter(a.where, path);
            if (!(a.sd_scale > 0)) bad(path + ".sd_scale", a.sd_scale, "sd_scale must be > 0");
            if (!(a.share > 0)) bad(path + ".share", a.share, "share must be > 0");
            shift_table(a.shift_table, path + ".shift");
        }
    }

    /** The total shift of a cell in year y: its members' (last dimension first) and its adjustments'. */
    double cell_shift(const std::vector<std::size_t>& index, int y) const {
        double shift = 0;
        for (std::size_t d = index.size(); d-- > 0;) shift += s.dimensions[d].members[index[d]].shift_at(y);
        for (const Adjustment& a : s.adjustments)
            if (adjusts(a, index)) shift += a.shift_at(y);
        return shift;
    }

    bool adjusts(const Adjustment& a, const std::vector<std::size_t>& index) const {
        for (const auto& [dim, members] : a.where) {
            std::size_t d = 0;
            while (s.dimensions[d].name != dim) ++d;
            const std::string& name = s.dimensions[d].members[index[d]].name;
            if (std::find(members.begin(), members.end(), name) == members.end()) return false;
        }
        return true;
    }

    /** mu(c, y) > -1 everywhere, and with a long-run distribution its low end stays > -1 too. */
    void growth_floor() {
        bool tables = false;
        for (const Dimension& d : s.dimensions)
            for (const Member& m : d.members) tables = tables || !m.shift_table.empty();
        double lowest_shift = 0;
        std::vector<std::size_t> worst(s.dimensions.size(), 0);
        // the lowest total shift of year y (constant shifts: the same in every year)
        auto lowest_in = [&](int y) {
            lowest_shift = 0;
            for (std::size_t d = 0; d < s.dimensions.size(); ++d) {
                const auto& ms = s.dimensions[d].members;
                worst[d] = 0;
                for (std::size_t m = 1; m < ms.size(); ++m)
                    if (ms[m].shift_at(y) < ms[worst[d]].shift_at(y)) worst[d] = m;
                lowest_shift += ms[worst[d]].shift_at(y);
            }
        };
        lowest_in(s.base_year + 1);
        for (int y = s.base_year + 1; y <= s.horizon; ++y) {
            if (tables) lowest_in(y);
            const double rate = s.rate_in(y);
            if (rate + lowest_shift > -1) continue;
            std::string path = "growth.rate";
            for (std::size_t i = 0; i < s.periods.size(); ++i)
                if (s.periods[i].from <= y && y <= s.periods[i].to)
                    path = "growth." + indexed_name("period", i) + ".rate";
            std::vector<std::string> shifts;
            for (std::size_t d = 0; d < s.dimensions.size(); ++d) {
                const Member& m = s.dimensions[d].members[worst[d]];
                if (m.shift_at(y) != 0)
                    shifts.push_back(s.dimensions[d].name + "." + m.name + ".shift = " + toml_number(m.shift_at(y)) +
                                     (m.shift_table.empty() ? "" : " in " + std::to_string(y)));
            }
            bad(path, rate,
                (shifts.empty() ? std::string("the growth rate") : "with " + list_text(shifts) + " the growth rate of cell " + cell_name(s, worst)) +
                    " is " + toml_number(rate + lowest_shift) + " in " + std::to_string(y) + "; it must stay > -1");
        }
        bool adjusted = false;
        for (const Adjustment& a : s.adjustments) adjusted = adjusted || !a.shift_table.empty() || a.shift != 0;
        if (adjusted && s.cell_count() <= 2'000'000) {
            // adjustments shift single cells: check every cell in every year
            for_each_cell(s, [&](const std::vector<std::size_t>& index) {
                for (int y = s.base_year + 1; y <= s.horizon; ++y) {
                    const double mu = s.rate_in(y) + cell_shift(index, y);
                    if (mu > -1) continue;
                    std::vector<std::string> names;
                    std::string path = "growth.rate";
                    double value = s.rate_in(y);
                    for (const Adjustment& a : s.adjustments)
                        if (adjusts(a, index) && a.shift_at(y) != 0) {
                            if (names.empty()) {
                                path = "adjust." + a.name + ".shift";
                                value = a.shift_at(y);
                            }
                            names.push_back("adjust." + a.name + ".shift = " + toml_number(a.shift_at(y)));
                        }
                    bad(path, value,
                        "with " + (names.empty() ? std::string("its shifts") : list_text(names)) + " the growth rate of cell " +
                            cell_name(s, index) + " is " + toml_number(mu) + " in " + std::to_string(y) + "; it must stay > -1");
                }
            });
        }
        if (!s.long_run) return;
        const LongRun& lr = *s.long_run;
        if (s.cell_count() > 2'000'000) return;  // far beyond any real scenario; the engine still asserts
        const int years_checked = tables || adjusted ? s.horizon - s.base_year : 1;
        for_each_cell(s, [&](const std::vector<std::size_t>& index) {
            for (int t = 1; t <= years_checked; ++t) {
                const int y = s.base_year + t;
                double shift = 0, scale = 1;
                for (std::size_t d = 0; d < index.size(); ++d) {
                    shift += s.dimensions[d].members[index[d]].shift_at(y);
                    scale *= s.dimensions[d].members[index[d]].sd_scale;
                }
                for (const Adjustment& a : s.adjustments)
                    if (adjusts(a, index)) {
                        shift += a.shift_at(y);
                        scale *= a.sd_scale;
                    }
                const double floor = lr.mode + shift + scale * (lr.low - lr.mode);
                if (floor <= -1)
                    bad("growth.long_run.low", lr.low,
                        "for cell " + cell_name(s, index) + " (shift " + toml_number(shift) + (tables || adjusted ? " in " + std::to_string(y) : "") +
                            ", sd_scale " + toml_number(scale) + ") mode + shift + sd_scale * (low - mode) = " +
                            toml_number(floor) + "; it must stay > -1");
            }
        });
    }

    void correlation() {
        double sum = s.corr_global;
        if (s.corr_global < 0 || s.corr_global > 1) bad("correlation.global", s.corr_global, "weights must be in [0, 1]");
        for (const auto& [dim, w] : s.corr_weight) {
            if (w < 0 || w > 1) bad("correlation." + dim, w, "weights must be in [0, 1]");
            sum += w;
        }
        if (sum > 1 + 1e-12) {
            std::vector<std::string> parts{"global " + toml_number(s.corr_global)};
            for (const auto& [dim, w] : s.corr_weight) parts.push_back(dim + " " + toml_number(w));
            const std::string first = s.origins.count("correlation.global") ? "correlation.global"
                                      : s.corr_weight.empty()              ? "correlation"
                                                                           : "correlation." + s.corr_weight.begin()->first;
            std::vector<std::string> weights{"correlation.global"};
            for (const auto& [dim, w] : s.corr_weight) weights.push_back("correlation." + dim);
            fail(where_any(weights, first), "correlation weights sum to " + toml_number(sum) + " (" + list_text(parts) +
                                   "); the sum must be at most 1");
        }
        for (auto& [dim, c] : s.corr_matrix) {
            const std::string path = "correlation.matrix." + dim;
            const std::size_t n = find_dimension(s, dim)->members.size();
            bool square = c.size() == n;
            for (const auto& row : c) square = square && row.size() == n;
            if (!square) {
                const std::string shape =
                    std::to_string(c.size()) + "x" + (c.empty() ? "0" : std::to_string(c[0].size()));
                fail(where(path), path + " is " + shape + " but dimension '" + dim + "' has " + std::to_string(n) +
                                      " members; it must be " + std::to_string(n) + "x" + std::to_string(n));
            }
            auto item = [&](std::size_t i, std::size_t j) { return path + "[" + std::to_string(i) + "][" + std::to_string(j) + "]"; };
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = 0; j < n; ++j) {
                    const double x = c[i][j];
                    if (x < -1 || x > 1) bad(item(i, j), x, "entries must be in [-1, 1]");
                    if (i == j && std::abs(x - 1) > 1e-12) bad(item(i, j), x, "diagonal entries must be 1");
                    if (std::abs(x - c[j][i]) > 1e-12)
                        bad(item(i, j), x,
                            "the matrix must be symmetric, but " + item(j, i).substr(path.size()) + " = " + toml_number(c[j][i]));
                }
            const std::optional<double> lowest = smallest_eigenvalue(c);
            if (!lowest) fail(where(path), path + ": the eigenvalue computation failed");
            const double smallest = *lowest;
            if (smallest < -kPsdTolerance && s.corr_repair) {
                const CorrelationRepair fixed = nearest_correlation_matrix(c);
                c = fixed.matrix;
                s.corr_repaired[dim] = fixed.largest_change;
                s.warnings.push_back(path + " is not positive semi-definite (smallest eigenvalue " +
                                     toml_number(smallest) + "); correlation.repair replaced it by the nearest "
                                     "valid correlation matrix, changing no entry by more than " +
                                     toml_number(fixed.largest_change));
            } else if (smallest < -kPsdTolerance) {
                fail(where(path), path + " is not positive semi-definite (smallest eigenvalue " + toml_number(smallest) +
                                      "); it is not a valid correlation matrix (set correlation.repair = true to use "
                                      "the nearest valid one)");
            }
        }
    }

    void events() {
        const int first = s.base_year + 1;
        for (Event& e : s.events) {
            const std::string path = "event." + e.name;
            if (e.probability < 0 || e.probability > 1) bad(path + ".probability", e.probability, "must be in [0, 1]");
            if (e.from > e.to)
                bad(path, std::to_string(e.from) + ".." + std::to_string(e.to), "from must be <= to");
            if (e.duration < 1) bad(path + ".duration", std::to_string(e.duration), "must be at least 1 (years)");
            if (e.impact_range) {
                LongRun& range = *e.impact_range;
                if (range.dist == "uniform") range.mode = 0.5 * (range.low + range.high);
                if (!(range.low < range.high))
                    bad(path + ".impact.low", range.low, "must be < high (" + toml_number(range.high) + ")");
                if (!(range.mode >= range.low && range.mode <= range.high))
                    bad(path + ".impact.mode", range.mode,
                        "must lie in [low, high] = [" + toml_number(range.low) + ", " + toml_number(range.high) + "]");
                e.impact = range.mode;
            }
            for (const auto& [dim, members] : e.where) {
                const std::string wpath = path + ".where." + dim;
                const Dimension* d = find_dimension(s, dim);
                if (!d)
                    fail(where(wpath), path + ".where: unknown dimension '" + dim + "'" + did_you_mean(dim, dimension_names(s)));
                std::vector<std::string> names;
                for (const Member& m : d->members) names.push_back(m.name);
                for (std::size_t i = 0; i < members.size(); ++i) {
                    const std::string ipath = indexed_name(wpath, i);
                    if (std::find(names.begin(), names.end(), members[i]) == names.end())
                        fail(where(ipath), wpath + ": unknown member '" + members[i] + "' of dimension '" + dim + "'" +
                                               did_you_mean(members[i], names));
                    if (std::find(members.begin(), members.begin() + static_cast<std::ptrdiff_t>(i), members[i]) !=
                        members.begin() + static_cast<std::ptrdiff_t>(i))
                        fail(where(ipath), wpath + ": member '" + members[i] + "' is listed twice");
                }
            }
            const std::vector<std::string> order = dimension_names(s);
            auto rank = [&](const std::string& dim) { return std::find(order.begin(), order.end(), dim) - order.begin(); };
            std::stable_sort(e.where.begin(), e.where.end(),
                             [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
            if (e.to < first || e.from > s.horizon)
                s.warnings.push_back(where(path).str() + ": event '" + e.name + "' never fires: its years " +
                                     std::to_string(e.from) + ".." + std::to_string(e.to) + " lie outside " +
                                     std::to_string(first) + ".." + std::to_string(s.horizon));
        }
    }

    void targets() {
        const bool few_cells = s.cell_count() <= 1000;
        for (std::size_t i = 0; i < s.targets.size(); ++i) {
            const Target& t = s.targets[i];
            const std::string path = indexed_name("target", i);
            const std::vector<std::string> names = series_names(s, few_cells);
            bool known = std::find(names.begin(), names.end(), t.series) != names.end();
            if (!known && !few_cells) known = is_cell_name(s, t.series);
            if (!known && !few_cells && s.share_series && is_share_series(t.series))
                known = is_cell_name(s, t.series.substr(6));
            if (!known)
                fail(where(path + ".series"), path + ".series = " + toml_string(t.series) +
                                                  ": no such series (\"total\", \"dimension=member\" or a cell)" +
                                                  did_you_mean(t.series, names));
            if (t.year < s.base_year || t.year > s.horizon)
                bad(path + ".year", std::to_string(t.year),
                    "must be within " + std::to_string(s.base_year) + ".." + std::to_string(s.horizon));
        }
    }

    /** Values that are valid but most likely a slip: a rate or shift written in percent
     *  (growth.rate = 5.2 for 5.2%), an event's year mistyped past the horizon (2303 for 2030).
     *  Warnings, not errors: a market can be meant to double in a year. */
    void guard_rails() {
        const auto yearly = [&](const std::string& path, double x, const char* unit) {
            if (!(std::fabs(x) > kLargeYearlyRate)) return;
            char percent[64], fraction[64];
            std::snprintf(percent, sizeof percent, "%.4g", 100 * x);
            std::snprintf(fraction, sizeof fraction, "%.6g", x / 100);
            s.warnings.push_back(where(path).str() + ": " + path + " = " + toml_number(x) + " is " + percent + unit +
                                 " a year; did you mean " + fraction + "?");
        };
        const auto table = [&](const std::string& path, double x, const YearTable& t) {
            if (t.empty()) yearly(path, x, " percentage points");
            for (const auto& [year, value] : t) yearly(path + "." + std::to_string(year), value, " percentage points");
        };
        yearly("growth.rate", s.rate, "%");
        for (std::size_t i = 0; i < s.periods.size(); ++i)
            yearly("growth." + indexed_name("period", i) + ".rate", s.periods[i].rate, "%");
        if (s.long_run) {
            yearly("growth.long_run.low", s.long_run->low, "%");
            if (s.long_run->dist != "uniform") yearly("growth.long_run.mode", s.long_run->mode, "%");
            yearly("growth.long_run.high", s.long_run->high, "%");
        }
        for (const Dimension& d : s.dimensions)
            for (const Member& m : d.members) table(d.name + "." + m.name + ".shift", m.shift, m.shift_table);
        for (const Adjustment& a : s.adjustments) table("adjust." + a.name + ".shift", a.shift, a.shift_table);
        for (const Event& e : s.events) {
            const std::string path = "event." + e.name;
            if (e.impact_range) {
                yearly(path + ".impact.low", e.impact_range->low, " percentage points");
                if (e.impact_range->dist != "uniform") yearly(path + ".impact.mode", e.impact_range->mode, " percentage points");
                yearly(path + ".impact.high", e.impact_range->high, " percentage points");
            } else {
                yearly(path + ".impact", e.impact, " percentage points");
            }
            // (an event wholly past the horizon already warns that it never fires)
            if (e.from <= s.horizon && e.to > s.horizon + 1)
                s.warnings.push_back(where(path + ".to").str() + ": " + path + ".to = " + std::to_string(e.to) + " is " +
                                     std::to_string(e.to - s.horizon) + " years past the horizon (" + std::to_string(s.horizon) +
                                     "); the years after it are dropped");
        }
    }

    void output() {
        if (s.quantiles.empty()) fail(where("output.quantiles"), "output.quantiles: give at least one quantile");
        for (std::size_t i = 0; i < s.quantiles.size(); ++i) {
            const std::string path = indexed_name("output.quantiles", i);
            const double q = s.quantiles[i];
            if (!(q > 0 && q < 1)) bad(path, q, "quantiles must be in (0, 1)");
            if (i > 0 && !(q > s.quantiles[i - 1]))
                bad(path, q, "follows " + toml_number(s.quantiles[i - 1]) + "; quantiles must be sorted ascending, without duplicates");
        }
        if (!(s.relative_accuracy >= 1e-6 && s.relative_accuracy <= 0.1))
            bad("output.relative_accuracy", s.relative_accuracy, "must be in [1e-06, 0.1]");
    }
};


}  // namespace

void validate(Layer& layer, const std::string& top_file) { Validator(layer, top_file).run(); }

}  // namespace marketsim::detail
