#pragma once
/** The series of a scenario and the names of its cells: `total`, `dimension=member`, and a cell as
 *  its members' series names joined with '/' (`region=europe/type=video/application=corporate`).
 *  Cells are in order with the last dimension varying fastest. A scenario without dimensions is one
 *  cell whose only series is `total`. */
#include <cstddef>
#include <string>
#include <vector>

#include "marketsim/scenario.hpp"

namespace marketsim::detail {

/** The cell with member index index[d] in each dimension d; "total" without dimensions. */
std::string cell_name(const Scenario& s, const std::vector<std::size_t>& index);

/** Calls f(index) for every member-index tuple in cell order (the last dimension fastest). */
template <class F>
void for_each_cell(const Scenario& s, F&& f) {
    std::vector<std::size_t> index(s.dimensions.size(), 0);
    while (true) {
        f(index);
        std::size_t d = s.dimensions.size();
        while (d > 0) {
            --d;
            if (++index[d] < s.dimensions[d].members.size()) break;
            index[d] = 0;
            if (d == 0) return;
        }
        if (s.dimensions.empty()) return;
    }
}

/** Whether `series` names a cell of `s` (one "dimension=member" per dimension, in order). */
bool is_cell_name(const Scenario& s, const std::string& series);

/** The index of `name` among `series`; InputError "series 'x' does not exist; did you mean 'y'?"
 *  when it is not there. */
std::size_t find_series(const std::vector<std::string>& series, const std::string& name);

/** "" when dimensions with these member counts are within kMaxDimensions and kMaxCells, else
 *  what is beyond: "9 dimensions; at most 8 are supported", "50 x 50 x 50 = 125000 cells; at most
 *  100000 are supported". */
std::string size_problem(const std::vector<std::size_t>& member_counts);

}  // namespace marketsim::detail
