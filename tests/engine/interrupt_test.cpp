// Interrupted runs: blocks are claimed in order, so what is done is a prefix of whole blocks; the
// command stops within two seconds, writes whole files only and exits 128 + the signal.
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"
#include "engine/block_loop.hpp"
#include "engine/engine.hpp"
#include "marketsim/compare.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/run.hpp"
#include "marketsim/scenario.hpp"
#include "marketsim/csv.hpp"
#include "marketsim/files.hpp"
#include "marketsim/json.hpp"
#include "marketsim/numbers.hpp"
#include "marketsim/quantiles.hpp"
#include "marketsim/text.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using marketsim::test::Outcome;
using marketsim::test::shell;

namespace {

/** Forgets any recorded signal when the test ends, pass or fail. */
struct ClearSignal {
    ~ClearSignal() { marketsim::interrupt::set(0); }
};

std::string read(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

/** Starts `marketsim ARGS` in `dir`, sends `signal` after `wait` seconds and reports the exit code
 *  and how long the process took to end after the signal (in seconds, on the first line). */
Outcome signalled(const fs::path& dir, const std::string& args, const char* signal, double wait) {
    const std::string cmd = "cd '" + dir.string() + "' && ('" MARKETSIM_CLI "' " + args +
                            " > stdout.txt 2> stderr.txt & pid=$!; sleep " + std::to_string(wait) +
                            "; kill -" + signal + " $pid; t0=$(date +%s%N); wait $pid; rc=$?; t1=$(date +%s%N); "
                            "echo $rc $(( (t1 - t0) / 1000000 )))";
    return shell(cmd);
}

}  // namespace

TEST_CASE("after an interruption the blocks done are a prefix and each ran once", "[interrupt][threads]") {
    const ClearSignal clear;
    for (const int threads : {1, 2, 3}) {
        std::mutex m;
        std::multiset<std::uint64_t> done;
        std::atomic<int> calls{0};
        const std::uint64_t paths = 1000 * marketsim::kBlockPaths + 17;
        marketsim::BlockPlan plan;
        plan.paths = paths;
        plan.threads = threads;
        const marketsim::BlockLoopEnd stopped =
            marketsim::for_each_block(plan, marketsim::stop_check({}), [&](std::uint64_t first, std::uint64_t) {
                if (++calls == 40) marketsim::interrupt::set(SIGINT);  // the 40th block to start
                const std::lock_guard lock(m);
                done.insert(first / marketsim::kBlockPaths);
            });
        const std::uint64_t end = stopped.done;
        CHECK(stopped.stopped_by == SIGINT);
        INFO(threads << " threads: stopped at path " << end << " after " << done.size() << " blocks");
        CHECK(end < paths);
        CHECK(end % marketsim::kBlockPaths == 0);
        REQUIRE(done.size() == end / marketsim::kBlockPaths);  // every block of the prefix, none beyond
        std::uint64_t b = 0;
        for (const std::uint64_t x : done) CHECK(x == b++);
        CHECK(done.size() >= 40);
        CHECK(done.size() < 40 + static_cast<std::size_t>(threads));  // only the blocks in flight finished
        marketsim::interrupt::set(0);
    }
}

TEST_CASE("an interrupted run reports the first whole blocks, as a run of that many paths would", "[interrupt][threads]") {
    const ClearSignal clear;
    const marketsim::Scenario sc = marketsim::test::scenario_from(R"(
[scenario]
name = "interrupted"
base_year = 2020
base_value = 100
horizon = 2030
[growth]
rate = 0.05
long_run_sd = 0.01
annual_sd = 0.02
)");
    // a progress callback raises the signal once some paths are done
    marketsim::RunOptions options;
    options.paths = 1'000'000'000'000;  // 64-bit counts throughout: a trillion planned paths
    options.threads = 2;
    options.progress = [](std::uint64_t done, std::uint64_t, double) {
        if (done >= 50 * marketsim::kBlockPaths) marketsim::interrupt::set(SIGTERM);
    };
    const marketsim::Results r = marketsim::run(sc, options);
    REQUIRE(r.partial());
    CHECK(r.interrupted_by == SIGTERM);
    CHECK(r.paths_planned == options.paths);
    CHECK(r.paths % marketsim::kBlockPaths == 0);
    CHECK(r.paths >= 50 * marketsim::kBlockPaths);
    marketsim::interrupt::set(0);
    marketsim::RunOptions again;
    again.paths = r.paths;
    again.threads = 1;
    const marketsim::Results full = marketsim::run(sc, again);
    CHECK_FALSE(full.partial());
    CHECK(marketsim::bands_csv(full, true) == marketsim::bands_csv(r, true));

    // a verb that cannot report a partial result throws
    marketsim::interrupt::set(SIGINT);
    CHECK_THROWS_AS(marketsim::accumulate(marketsim::compile_for_run(sc, again.seed), 1e-3, {}, 5000, 1), marketsim::Interrupted);
}

TEST_CASE("a caller's stop check stops a run with a partial result and the other verbs with Interrupted", "[interrupt][threads]") {
    const ClearSignal clear;
    const marketsim::Scenario sc = marketsim::load_scenario(marketsim::test::source_dir() + "/scenarios/baseline.toml");
    // a notebook's cancel button: the run is asked to stop once 20 blocks are done
    std::atomic<std::uint64_t> seen{0};
    marketsim::RunOptions options;
    options.paths = 1'000'000'000;
    options.threads = 2;
    options.progress = [&](std::uint64_t done, std::uint64_t, double) { seen = done; };
    options.stop = [&] { return seen >= 20 * marketsim::kBlockPaths ? SIGINT : 0; };
    const marketsim::Results r = marketsim::run(sc, options);
    REQUIRE(r.partial());
    CHECK(r.interrupted_by == SIGINT);
    CHECK(r.paths % marketsim::kBlockPaths == 0);
    CHECK(r.paths >= 20 * marketsim::kBlockPaths);
    CHECK(marketsim::interrupt::received() == 0);  // the process's signal flag was not touched
    marketsim::RunOptions again;
    again.paths = r.paths;
    CHECK(marketsim::bands_csv(marketsim::run(sc, again), false) == marketsim::bands_csv(r, false));
    // a verb without partial results
    marketsim::RunOptions stopped;
    stopped.paths = 100000;
    stopped.stop = [] { return SIGTERM; };
    CHECK_THROWS_AS(marketsim::compare({sc, marketsim::with_sets(sc, {"scenario.name=\"other\""})}, stopped),
                    marketsim::Interrupted);
}

TEST_CASE("Ctrl-C during a long run stops it within two seconds with whole files and exit 130", "[interrupt][cli]") {
    const fs::path dir = fresh_dir("marketsim_interrupt_run");
    const std::string sc = "'" MARKETSIM_SOURCE_DIR "/scenarios/baseline.toml'";
    const Outcome o = signalled(dir, "run " + sc + " --paths 1000000000000 --out r", "INT", 1.5);
    INFO(o.out << read(dir / "stderr.txt"));
    std::istringstream in(o.out);
    int rc = -1, ms = -1;
    in >> rc >> ms;
    CHECK(rc == 130);
    CHECK(ms < 2000);
    for (const auto& entry : fs::directory_iterator(dir / "r")) {
        INFO(entry.path().string());
        CHECK(entry.path().filename().string()[0] != '.');  // no temporary file left behind
    }
    const auto summary = nlohmann::json::parse(read(dir / "r" / "summary.json"));
    CHECK(summary.at("partial") == true);
    CHECK(summary.at("interrupted_by") == "SIGINT");
    CHECK(summary.at("paths_planned") == 1000000000000ull);
    const std::uint64_t paths = summary.at("paths");
    CHECK(paths > 0);
    CHECK(paths % 1024 == 0);
    CHECK(read(dir / "stdout.txt").find("PARTIAL: interrupted by SIGINT") != std::string::npos);
    // the partial bands are those of a plain run of that many paths
    const Outcome again = marketsim::test::cli("run " + sc + " --paths " + std::to_string(paths) + " --out again -q", dir);
    REQUIRE(again.code == 0);
    CHECK(read(dir / "again" / "bands.csv") == read(dir / "r" / "bands.csv"));
    fs::remove_all(dir);
}

TEST_CASE("SIGTERM ends compare and sweep with exit 143 and nothing written", "[interrupt][cli]") {
    const fs::path dir = fresh_dir("marketsim_interrupt_verbs");
    const std::string a = "'" MARKETSIM_SOURCE_DIR "/scenarios/baseline.toml'";
    const std::string b = "'" MARKETSIM_SOURCE_DIR "/scenarios/recession_2027.toml'";
    for (const std::string& args : {"compare " + a + " " + b + " --paths 1000000000 --out o",
                                    "sweep " + a + " --set growth.rate=0.04:0.06:0.01 --paths 1000000000 --out o"}) {
        const Outcome o = signalled(dir, args, "TERM", 1.0);
        INFO(args << "\n" << o.out << read(dir / "stderr.txt"));
        std::istringstream in(o.out);
        int rc = -1, ms = -1;
        in >> rc >> ms;
        CHECK(rc == 143);
        CHECK(ms < 2000);
        CHECK(read(dir / "stderr.txt").find("interrupted by SIGTERM; nothing was written") != std::string::npos);
        CHECK_FALSE(fs::exists(dir / "o"));
    }
    fs::remove_all(dir);
}
