#pragma once
// Running the marketsim command from a test: exit code, stdout and stderr.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace marketsim::test {

namespace fs = std::filesystem;

struct Outcome {
    int code = -1;
    std::string out;
    std::string err;
};

/** Runs a shell command, capturing its stdout (out) and exit code (err stays empty). */
inline Outcome shell(const std::string& cmd) {
    Outcome o;
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), buf.size(), p)) o.out += buf.data();
    const int status = pclose(p);
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return o;
}

/** Runs `marketsim ARGS` in `dir`, capturing stdout and stderr. */
inline Outcome cli(const std::string& args, const fs::path& dir = fs::temp_directory_path()) {
    static int calls = 0;
    const fs::path err_file = fs::temp_directory_path() / ("marketsim_cli_" + std::to_string(::getpid()) + "_" +
                                                           std::to_string(++calls) + ".err");
    Outcome o = shell("cd '" + dir.string() + "' && '" MARKETSIM_CLI "' " + args + " 2>'" + err_file.string() + "'");
    std::ifstream e(err_file);
    std::stringstream ss;
    ss << e.rdbuf();
    o.err = ss.str();
    e.close();
    fs::remove(err_file);
    return o;
}

}  // namespace marketsim::test
