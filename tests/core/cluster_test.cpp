// Merging statistics between processes goes through bytes; they must carry everything, exactly.
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "stats/accumulator.hpp"
#include "marketsim/cluster.hpp"

using marketsim::BandAccumulator;
using marketsim::TargetIndex;

namespace {

/** An accumulator of 3 series over 2 years with paths [from, to) of a fixed stream of values
 *  (positive, negative, zero and huge ones, so every part of the state is exercised), in blocks
 *  of 100 paths as the engine cuts them (from and to multiples of 100). */
BandAccumulator filled(std::uint64_t from, std::uint64_t to) {
    const std::vector<double> reference = {1, -2, 0, 1.5, -2.5, 0};
    BandAccumulator acc(reference, 3, 1e-3, {TargetIndex{0, 1, 1.2}, TargetIndex{1, 0, -1.0}});
    std::mt19937_64 rng(42);
    std::normal_distribution<double> z;
    std::vector<double> path(6);
    for (std::uint64_t p = 0; p < to; ++p) {
        for (std::size_t i = 0; i < path.size(); ++i) path[i] = reference[i] + (i == 2 && p % 7 == 0 ? 0.0 : z(rng));
        if (p % 97 == 0) path[5] = 1e300;
        if (p < from) continue;
        if (p % 100 == 0) acc.begin_block();
        acc.add_path(path.data());
        if (p % 100 == 99) acc.end_block();
    }
    return acc;
}

}  // namespace

TEST_CASE("an accumulator merged from bytes equals one merged directly", "[cluster]") {
    const BandAccumulator a = filled(0, 500), b = filled(500, 1300);
    BandAccumulator direct = a, through_bytes = a;
    direct.merge(b);
    through_bytes.merge_bytes(b.to_bytes());
    CHECK(through_bytes == direct);
    CHECK(through_bytes.paths() == 1300);
    for (std::size_t i = 0; i < direct.stats(); ++i)
        for (int k = 1; k <= 4; ++k) CHECK(through_bytes.power_sum(i, k) == direct.power_sum(i, k));
    CHECK(through_bytes.target_hits(0) == direct.target_hits(0));
    CHECK(through_bytes.sketch(2).quantile(0.5) == direct.sketch(2).quantile(0.5));
    // and the split between processes does not matter: the whole run in one gives the same statistics
    CHECK(through_bytes == filled(0, 1300));
}

TEST_CASE("bytes that do not fit the accumulator are refused", "[cluster]") {
    BandAccumulator a = filled(0, 100);
    const std::string bytes = filled(100, 200).to_bytes();
    CHECK_THROWS_AS(a.merge_bytes(bytes.substr(0, bytes.size() - 1)), std::runtime_error);  // truncated
    CHECK_THROWS_AS(a.merge_bytes(bytes + "x"), std::runtime_error);                          // trailing
    BandAccumulator other({1.0, 2.0}, 2, 1e-3);
    CHECK_THROWS_AS(other.merge_bytes(bytes), std::runtime_error);  // another shape
    BandAccumulator coarse({1, -2, 0, 1.5, -2.5, 0}, 3, 1e-2, {TargetIndex{0, 1, 1.2}, TargetIndex{1, 0, -1.0}});
    CHECK_THROWS_AS(coarse.merge_bytes(bytes), std::runtime_error);  // another accuracy
}

TEST_CASE("without an MPI launcher there is one process and collective calls change nothing", "[cluster]") {
    REQUIRE(marketsim::cluster::size() == 1);
    CHECK(marketsim::cluster::rank() == 0);
    CHECK(marketsim::cluster::root());
    CHECK(marketsim::cluster::owns(0));
    CHECK(marketsim::cluster::owns(12345));
    std::vector<double> x = {1.5, -0.0, 3.0};
    marketsim::cluster::sum(x);
    CHECK(x == std::vector<double>{1.5, -0.0, 3.0});
    const std::vector<std::string> parts = marketsim::cluster::all_gather("abc");
    REQUIRE(parts.size() == 1);
    CHECK(parts[0] == "abc");
}
