// The command under mpirun: 2 processes give the bytes of 1, and a failing process ends them all.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"

namespace fs = std::filesystem;
using marketsim::test::cli;
using marketsim::test::Outcome;
using marketsim::test::shell;

namespace {

std::string scenario(const std::string& name) { return "'" MARKETSIM_SOURCE_DIR "/scenarios/" + name + "'"; }

std::string read(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

/** mpirun -np P, allowed to oversubscribe this machine's cores and to run as root (CI does). */
std::string mpirun(int processes) {
    std::string cmd = "'" MARKETSIM_MPIEXEC "' -np " + std::to_string(processes) + " --oversubscribe";
    if (::geteuid() == 0) cmd += " --allow-run-as-root";
    return cmd;
}

/** `marketsim ARGS` on P processes in `dir`, under a time limit (a hang fails the test with 124):
 *  stdout in out, stderr (the processes' and mpirun's) in err. */
Outcome mpi_cli(int processes, const std::string& args, const fs::path& dir) {
    Outcome o = shell("cd '" + dir.string() + "' && timeout 300 " + mpirun(processes) + " '" MARKETSIM_CLI "' " + args +
                      " 2> mpirun.err");
    std::ifstream e(dir / "mpirun.err");
    std::stringstream ss;
    ss << e.rdbuf();
    o.err = ss.str();
    e.close();
    fs::remove(dir / "mpirun.err");
    return o;
}

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

/** Every file under `a` (but summary.json, which records processes and seconds) equals the same file under `b`. */
void same_files(const fs::path& a, const fs::path& b) {
    std::size_t compared = 0;
    for (const auto& entry : fs::recursive_directory_iterator(a)) {
        if (!entry.is_regular_file() || entry.path().filename() == "summary.json" ||
            entry.path().filename() == "calibration.json")
            continue;
        const fs::path rel = fs::relative(entry.path(), a);
        INFO(rel.string());
        REQUIRE(fs::exists(b / rel));
        CHECK(read(entry.path()) == read(b / rel));
        ++compared;
    }
    CHECK(compared > 0);
}

}  // namespace

TEST_CASE("under mpirun each command's results are byte-identical to one process", "[mpi]") {
    const fs::path dir = fresh_dir("marketsim_mpi_same");
    const std::string base = scenario("baseline.toml"), recession = scenario("recession_2027.toml");
    struct Case {
        const char* name;
        std::string args;
        int one_threads = 1;  ///< threads of the one-process run
        int mpi_threads = 1;  ///< threads of each of the 2 processes
    };
    // path counts that leave a partial last block, and blocks that do not divide evenly between 2
    const Case cases[] = {
        {"run", "run " + base + " --paths 150001 --ci", 1, 2},
        {"run_threads", "run " + base + " --paths 150001 --ci", 2, 1},
        {"precision", "run " + base + " --precision 0.01"},
        {"compare", "compare " + base + " " + recession + " --paths 40000"},
        {"sweep", "sweep " + base + " --set growth.rate=0.04:0.06:0.01 --paths 20000"},
        {"sensitivity", "sensitivity " + base + " --paths 2500"},
    };
    for (const Case& c : cases) {
        SECTION(c.name) {
            const Outcome one = cli(c.args + " --threads " + std::to_string(c.one_threads) + " --out one_" +
                                        std::string(c.name) + " -q",
                                    dir);
            INFO(one.err);
            REQUIRE(one.code == 0);
            const Outcome two = mpi_cli(2, c.args + " --threads " + std::to_string(c.mpi_threads) + " --out two_" +
                                               std::string(c.name) + " -q",
                                        dir);
            INFO(two.out << two.err);
            REQUIRE(two.code == 0);
            same_files(dir / ("one_" + std::string(c.name)), dir / ("two_" + std::string(c.name)));
            const auto summary = nlohmann::json::parse(read(dir / ("two_" + std::string(c.name)) / "summary.json"));
            CHECK(summary.at("processes") == 2);
            CHECK(summary.at("threads") == c.mpi_threads);
        }
    }
    SECTION("calibrate") {
        const std::string args = "calibrate " + base + " --target total:2030=53.8 --paths 20000 -q";
        const Outcome one = cli(args + " --out one_cal", dir);
        INFO(one.err);
        REQUIRE(one.code == 0);
        const Outcome two = mpi_cli(2, args + " --out two_cal", dir);
        INFO(two.out << two.err);
        REQUIRE(two.code == 0);
        CHECK(two.out == one.out);  // PATH = VALUE, to the last digit
        const auto a = nlohmann::json::parse(read(dir / "one_cal" / "calibration.json"));
        const auto b = nlohmann::json::parse(read(dir / "two_cal" / "calibration.json"));
        CHECK(b.at("processes") == 2);
        CHECK(a.at("value") == b.at("value"));
        CHECK(a.at("evaluations") == b.at("evaluations"));
    }
    fs::remove_all(dir);
}

TEST_CASE("under mpirun only process 0 speaks and writes", "[mpi]") {
    const fs::path dir = fresh_dir("marketsim_mpi_speak");
    const Outcome two = mpi_cli(2, "run " + scenario("baseline.toml") + " --paths 5000 --out o", dir);
    INFO(two.out << two.err);
    REQUIRE(two.code == 0);
    std::size_t summaries = 0;
    for (std::size_t at = two.out.find("cell-year samples/s"); at != std::string::npos;
         at = two.out.find("cell-year samples/s", at + 1))
        ++summaries;
    CHECK(summaries == 1);
    CHECK(two.out.find("2 processes x") != std::string::npos);
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir / "o")) {
        INFO(entry.path().string());
        CHECK(entry.path().filename().string()[0] != '.');  // no temporary file left
        ++files;
    }
    CHECK(files == 2);  // bands.csv, summary.json
    fs::remove_all(dir);
}

TEST_CASE("bench under mpirun times one process and every process", "[mpi]") {
    const fs::path dir = fresh_dir("marketsim_mpi_bench");
    const Outcome b = mpi_cli(2, "bench " + scenario("baseline.toml") +
                                     " --paths 20000 --threads 1 --repeat 1 --kernel-count 65536 --json b.json",
                              dir);
    INFO(b.out << b.err);
    REQUIRE(b.code == 0);
    const auto j = nlohmann::json::parse(read(dir / "b.json"));
    REQUIRE(j.at("rows").size() == 2);
    CHECK(j.at("rows")[0].at("processes") == 1);
    CHECK(j.at("rows")[1].at("processes") == 2);
    CHECK(j.at("rows")[0].at("efficiency") == 1.0);
    CHECK(j.at("rows")[1].at("samples_per_s").at("median").get<double>() > 0);
    CHECK(b.out.find("processes threads") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("a failing process ends every process with its message and no output", "[mpi]") {
    const fs::path dir = fresh_dir("marketsim_mpi_fail");
    const std::string base = scenario("baseline.toml");
    SECTION("a bad scenario everywhere") {
        const Outcome o = mpi_cli(2, "run no_such.toml --out o", dir);
        INFO(o.err);
        CHECK(o.code == 2);  // the processes' own exit code, through MPI_Abort
        CHECK(o.err.find("cannot read scenario file 'no_such.toml'") != std::string::npos);
        CHECK_FALSE(fs::exists(dir / "o"));
    }
    SECTION("a bad scenario on process 1 alone, while process 0 samples") {
        const std::string cmd = "cd '" + dir.string() + "' && timeout 300 " + mpirun(2) +
                                " sh -c 'if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then exec \"" MARKETSIM_CLI
                                "\" run no_such.toml --out o; else exec \"" MARKETSIM_CLI "\" run " + base +
                                " --paths 100000000 --out o; fi' 2>&1";
        const Outcome o = shell(cmd);
        INFO(o.out);
        CHECK(o.code != 0);
        CHECK(o.code != 124);
        CHECK(o.out.find("process 1 of 2") != std::string::npos);
        CHECK(o.out.find("no_such.toml") != std::string::npos);
        CHECK_FALSE(fs::exists(dir / "o"));
    }
    SECTION("process 1 killed while sampling") {
        // each process records its pid (exec keeps it), then process 1 gets SIGKILL
        const std::string cmd =
            "cd '" + dir.string() + "' && (timeout 300 " + mpirun(2) +
            " sh -c 'echo $$ > pid.$OMPI_COMM_WORLD_RANK; exec \"" MARKETSIM_CLI "\" run " + base +
            " --paths 100000000 --out o' > mpirun.log 2>&1; echo $? > rc) & "
            "cd '" + dir.string() + "' && for i in $(seq 100); do [ -s pid.1 ] && break; sleep 0.1; done; sleep 1; "
            "kill -9 $(cat pid.1); wait; cat rc mpirun.log";
        const Outcome o = shell(cmd);
        INFO(o.out);
        std::istringstream in(o.out);
        int rc = -1;
        in >> rc;
        CHECK(rc != 0);
        CHECK(rc != 124);
        CHECK_FALSE(fs::exists(dir / "o"));
    }
    fs::remove_all(dir);
}
