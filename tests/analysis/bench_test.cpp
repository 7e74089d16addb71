// `marketsim bench` as a library call and a command: shapes, fields and exit codes only.
// Timings are machine-dependent, so nothing here asserts a speed.
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "marketsim/bench.hpp"
#include "marketsim/json.hpp"
#include "marketsim/text.hpp"
#include "marketsim/error.hpp"
#include "marketsim/scenario.hpp"
#include "marketsim/simd.hpp"
#include "cli/cli_support.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace marketsim;
using marketsim::test::cli;
using marketsim::test::Outcome;

namespace {


std::string baseline() { return test::source_dir() + "/scenarios/baseline.toml"; }

BenchOptions small_options() {
    BenchOptions o;
    o.paths = 2048;
    o.threads = {1, 2};
    o.repeat = 1;
    o.kernel_count = 1u << 14;
    return o;
}

}  // namespace

TEST_CASE("run_bench reports a row per thread count and the kernel rates", "[bench][threads]") {
    const Scenario sc = load_scenario(baseline());
    const BenchReport r = run_bench(sc, small_options());
    CHECK(r.scenario == "baseline");
    CHECK(r.paths == 2048);
    CHECK(r.cells == 40);
    CHECK(r.years == 11);
    CHECK(r.samples_per_run == 2048.0 * 40 * 11);
    REQUIRE(r.rows.size() == 2);
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
        const BenchRow& row = r.rows[i];
        CHECK(row.threads == static_cast<int>(i) + 1);
        CHECK(row.median > 0);
        CHECK(row.min <= row.median);
        CHECK(row.median <= row.max);
        CHECK(row.median_seconds > 0);
        CHECK(std::isfinite(row.efficiency));
        CHECK(row.efficiency > 0);
        CHECK(row.peak_rss_bytes > 0);
    }
    CHECK(r.rows[0].efficiency == 1.0);
    CHECK(r.kernels.count == (1u << 14));
    CHECK(r.simd == simd::target());
    CHECK(r.kernels.uniforms > 0);
    CHECK(r.kernels.normals > 0);
    CHECK(r.kernels.inserts > 0);

    const std::string table = bench_table(r);
    CHECK(table.find("marketsim::accumulate") != std::string::npos);
    CHECK(table.find("efficiency") != std::string::npos);
    CHECK(table.find("summary inserts") != std::string::npos);

    const nlohmann::json j = bench_json(r);
    CHECK(j.at("scenario") == "baseline");
    CHECK(j.at("paths") == 2048);
    CHECK(j.at("samples_per_run").get<double>() == r.samples_per_run);
    REQUIRE(j.at("rows").size() == 2);
    for (const auto& row : j.at("rows")) {
        CHECK(row.at("samples_per_s").at("median").get<double>() > 0);
        CHECK(row.at("samples_per_s").contains("min"));
        CHECK(row.at("samples_per_s").contains("max"));
        CHECK(row.at("efficiency").is_number());
        CHECK(row.at("peak_rss_bytes").get<double>() > 0);
    }
    CHECK(j.at("kernels").at("uniforms_per_s").get<double>() > 0);
    CHECK(j.at("kernels").at("normals_per_s").get<double>() > 0);
    CHECK(j.at("kernels").at("inserts_per_s").get<double>() > 0);
    CHECK(j.contains("timed"));
    CHECK(j.at("peak_rss_reset").is_boolean());
}

TEST_CASE("without a one-thread row efficiency is missing", "[bench]") {
    BenchOptions o = small_options();
    o.threads = {2};
    const BenchReport r = run_bench(load_scenario(baseline()), o);
    REQUIRE(r.rows.size() == 1);
    CHECK(std::isnan(r.rows[0].efficiency));
    CHECK(bench_json(r).at("rows")[0].at("efficiency").is_null());
    CHECK(bench_table(r).find(" - ") != std::string::npos);
}

TEST_CASE("thread lists parse and bad items are named", "[bench]") {
    CHECK(parse_thread_list("1") == std::vector<int>{1});
    CHECK(parse_thread_list("1,2,4") == std::vector<int>{1, 2, 4});
    for (const char* bad : {"0", "1,x", "", "1,,2", "2,", "-1", "1.5", "5000"}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_thread_list(bad), InputError);
    }
    try {
        parse_thread_list("1,x");
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).find("'x' is not a thread count") != std::string::npos);
    }
}

TEST_CASE("run_bench refuses zero paths and zero repeats", "[bench]") {
    const Scenario sc = load_scenario(baseline());
    BenchOptions o = small_options();
    o.paths = 0;
    CHECK_THROWS_AS(run_bench(sc, o), InputError);
    o = small_options();
    o.repeat = 0;
    CHECK_THROWS_AS(run_bench(sc, o), InputError);
}

TEST_CASE("bench command prints the table and writes JSON", "[bench][cli]") {
    // the scenario defaults to scenarios/baseline.toml in the working folder
    const fs::path json = fs::temp_directory_path() / "marketsim_bench_cli" / "sub" / "bench.json";
    fs::remove_all(json.parent_path().parent_path());
    const Outcome o = cli("bench --paths 2048 --threads 1 --repeat 1 --kernel-count 65536 --set growth.rate=0.06 --json '" +
                              json.string() + "'",
                          test::source_dir());
    INFO(o.err);
    REQUIRE(o.code == 0);
    CHECK(o.out.find("marketsim bench: baseline, 2048 paths") != std::string::npos);
    CHECK(o.out.find("threads") != std::string::npos);
    CHECK(o.out.find("summary inserts") != std::string::npos);
    CHECK(o.out.find("wrote " + json.string()) != std::string::npos);
    std::ifstream f(json);
    REQUIRE(f);
    const nlohmann::json j = nlohmann::json::parse(f);
    CHECK(j.at("paths") == 2048);
    REQUIRE(j.at("rows").size() == 1);
    CHECK(j.at("rows")[0].at("threads") == 1);
    CHECK(j.at("rows")[0].at("efficiency") == 1.0);
    CHECK(j.at("kernels").at("count") == 65536);
}

TEST_CASE("bench command rejects bad thread lists with exit 2", "[bench][cli]") {
    for (const char* bad : {"0", "1,x"}) {
        INFO(bad);
        const Outcome o = cli("bench '" + baseline() + "' --paths 1024 --repeat 1 --threads " + bad);
        CHECK(o.code == 2);
        CHECK(o.err.find("is not a thread count") != std::string::npos);
        CHECK(o.out.empty());
    }
    const Outcome missing = cli("bench no_such_file.toml --paths 1024 --threads 1 --repeat 1");
    CHECK(missing.code == 2);
    const Outcome repeat = cli("bench '" + baseline() + "' --repeat 0");
    CHECK(repeat.code == 2);
}
