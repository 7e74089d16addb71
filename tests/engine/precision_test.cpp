// run --precision: the stopping rule adds whole blocks until every band is as precise as asked.
#include <cmath>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "cli/cli_support.hpp"
#include "engine/engine.hpp"
#include "marketsim/error.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/files.hpp"
#include "marketsim/json.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/quantiles.hpp"
#include "marketsim/text.hpp"
#include "marketsim/scenario.hpp"
#include "test_support.hpp"

using namespace marketsim;
namespace fs = std::filesystem;

namespace {
Scenario recession() { return load_scenario(test::source_dir() + "/scenarios/recession_2027.toml"); }
}  // namespace

TEST_CASE("the stopping rule stops at the same block on any thread count - and that run is reproducible",
          "[precision][determinism][threads]") {
    const Scenario sc = recession();
    RunOptions opt;
    opt.precision = 0.002;
    opt.threads = 1;
    const Results one = run(sc, opt);
    opt.threads = 2;
    const Results two = run(sc, opt);
    REQUIRE(one.precision);
    CHECK(one.precision->met);
    CHECK(one.precision->checks >= 2);  // the first checkpoint (64 blocks) was not enough
    CHECK(one.precision->reached < 0.002);
    CHECK(one.paths == two.paths);
    CHECK(one.paths % kBlockPaths == 0);
    CHECK(bands_csv(one, true) == bands_csv(two, true));
    // the reported precision is that of the bands written
    CHECK(largest_relative_half_width(one).first == one.precision->reached);
    // and a plain run of that many paths gives the same bands: the first K whole blocks
    RunOptions plain;
    plain.paths = one.paths;
    CHECK(bands_csv(run(sc, plain), true) == bands_csv(one, true));
}

TEST_CASE("a tighter precision takes more paths - and --max-paths bounds them", "[precision]") {
    const Scenario sc = recession();
    RunOptions opt;
    opt.precision = 0.002;
    const Results loose = run(sc, opt);
    opt.precision = 0.001;
    const Results tight = run(sc, opt);
    CHECK(tight.paths > loose.paths);
    // half-widths shrink as 1/sqrt(n): halving the target needs about four times the paths
    CHECK(static_cast<double>(tight.paths) / static_cast<double>(loose.paths) > 2.0);
    opt.precision = 0.0005;
    opt.max_paths = 70000;
    const Results bounded = run(sc, opt);
    CHECK(bounded.paths == 70000);
    REQUIRE(bounded.precision);
    CHECK_FALSE(bounded.precision->met);
    CHECK(bounded.precision->reached > 0.0005);
    const auto& warnings = bounded.warnings;
    CHECK(std::any_of(warnings.begin(), warnings.end(),
                      [](const std::string& w) { return w.find("was not met within 70000 paths") != std::string::npos; }));
}

TEST_CASE("a precision the summaries cannot resolve - and conflicting options - are refused", "[precision][bad_input]") {
    const Scenario sc = recession();  // relative accuracy 1e-4
    RunOptions opt;
    opt.precision = 1.5e-4;
    CHECK_THROWS_WITH(run(sc, opt), Catch::Contains("below twice output.relative_accuracy"));
    opt.precision = 0.0;
    CHECK_THROWS_AS(run(sc, opt), InputError);
    opt.precision = -0.01;
    CHECK_THROWS_AS(run(sc, opt), InputError);

    const fs::path dir = fs::temp_directory_path() / "marketsim_precision_cli";
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string file = "'";
    file += test::source_dir() + "/scenarios/baseline.toml'";
    const test::Outcome both = test::cli("run " + file + " --precision 0.01 --paths 1000 --out a", dir);
    CHECK(both.code == 2);
    CHECK(both.err.find("exclude each other") != std::string::npos);
    const test::Outcome alone = test::cli("run " + file + " --max-paths 1000 --out b", dir);
    CHECK(alone.code == 2);
    const test::Outcome fine = test::cli("run " + file + " --precision 0.01 --out c", dir);
    INFO(fine.err);
    CHECK(fine.code == 0);
    CHECK(fine.out.find("precision: every band's 95% interval within") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "a"));
    CHECK_FALSE(fs::exists(dir / "b"));
    CHECK(fs::exists(dir / "c" / "summary.json"));
    fs::remove_all(dir);
}
