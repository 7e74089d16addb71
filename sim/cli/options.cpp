#include "options.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include "marketsim/cluster.hpp"
#include "marketsim/error.hpp"
#include "marketsim/files.hpp"
#include "marketsim/simd.hpp"

namespace marketsim::cli {

void add_scenario(CLI::App& cmd, std::string& file, std::vector<std::string>& sets, const std::string& set_help) {
    cmd.add_option("scenario", file, "Scenario file (TOML)")->required();
    add_sets(cmd, sets, set_help);
}

void add_sets(CLI::App& cmd, std::vector<std::string>& sets, const std::string& help) {
    cmd.add_option("--set", sets, help)->take_all()->allow_extra_args(false);
}

void add_simd(CLI::App& cmd, Shared& shared) {
    cmd.add_option("--simd", shared.simd,
                   "SIMD code path: best (default), or one of the CPU's targets (avx3, avx2, sse4, ssse3, scalar); "
                   "results are identical on all of them. Default from the environment variable MARKETSIM_SIMD");
}

void add_paths(CLI::App& cmd, std::uint64_t& paths, const std::string& help, std::uint64_t min, std::uint64_t max) {
    cmd.add_option("--paths", paths, help)->check(CLI::Range(min, max));
}

void add_seed(CLI::App& cmd, std::optional<std::uint64_t>& seed, const std::string& help) {
    cmd.add_option_function<std::uint64_t>("--seed", [&seed](const std::uint64_t& s) { seed = s; }, help)
        ->type_name("UINT")
        ->check(CLI::Range(std::uint64_t{0}, (std::uint64_t{1} << 63) - 1));
}

void add_threads(CLI::App& cmd, int& threads) {
    cmd.add_option("--threads", threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 4096));
}

void add_out(CLI::App& cmd, std::string& dir, const std::string& default_folder) {
    cmd.add_option("--out", dir, "Output folder (default " + default_folder + ")");
}

void add_quiet(CLI::App& cmd, bool& quiet, const std::string& help) { cmd.add_flag("--quiet,-q", quiet, help); }

void add_formats(CLI::App& cmd, std::string& format, bool& report, const std::string& format_help,
                 const std::string& report_help) {
    cmd.add_option("--format", format, format_help);
    cmd.add_flag("--report", report, report_help);
}

void apply_simd(const Shared& shared) {
    simd::pin_from_environment();
    if (!shared.simd.empty()) simd::pin(shared.simd);
    simd::agree_across_processes(!shared.simd.empty() || std::getenv("MARKETSIM_SIMD") != nullptr);
}

Outputs::Outputs(const std::string& text, bool report) {
    const std::vector<std::string> known = {"csv", "json", "xlsx", "html"};
    std::stringstream ss(text);
    for (std::string item; std::getline(ss, item, ',');) {
        if (std::find(known.begin(), known.end(), item) == known.end()) {
            const std::string near = closest_name(item, known);
            throw InputError("--format: unknown output '" + item + "'" +
                             (near.empty() ? std::string() : "; did you mean '" + near + "'?") +
                             " (choose from csv, json, xlsx, html)");
        }
        add(item);
    }
    if (chosen_.empty()) throw InputError("--format: name at least one of csv, json, xlsx, html");
    if (report) {
        add("html");
        add("xlsx");
    }
}

bool Outputs::wants(const std::string& format) const {
    return std::find(chosen_.begin(), chosen_.end(), format) != chosen_.end();
}

void Outputs::add(const std::string& format) {
    if (!wants(format)) chosen_.push_back(format);
}

std::filesystem::path output_folder(const std::string& dir, const std::string& name) {
    return dir.empty() ? std::filesystem::path("out") / name : std::filesystem::path(dir);
}

void write(const std::filesystem::path& dir, const Files& files) {
    if (cluster::root()) write_files(dir, files);  // under MPI, process 0 alone writes
}

std::string file_list(const std::filesystem::path& dir, const Files& files) {
    std::string names;
    for (std::size_t i = 0; i < files.size(); ++i)
        names += (i == 0 ? "" : i + 1 == files.size() ? " and " : ", ") + (dir / files[i].first).string();
    return names;
}

void print_warnings(const std::vector<std::string>& warnings) {
    for (const std::string& w : warnings) std::cerr << "warning: " << w << '\n';
}

ProgressCallback ProgressLine::callback(bool quiet) {
    if (quiet || !cluster::root() || !::isatty(STDERR_FILENO)) return {};
    return [this](std::uint64_t done, std::uint64_t total, double seconds) {
        const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
        char buf[160];
        if (total > 0 && done <= total && rate > 0)
            std::snprintf(buf, sizeof buf, "\r%5.1f%%  %llu of %llu paths  %.3g paths/s  ETA %.0f s   ",
                          100.0 * static_cast<double>(done) / static_cast<double>(total),
                          static_cast<unsigned long long>(done), static_cast<unsigned long long>(total), rate,
                          static_cast<double>(total - done) / rate);
        else
            std::snprintf(buf, sizeof buf, "\r%llu paths  %.3g paths/s   ", static_cast<unsigned long long>(done), rate);
        std::fputs(buf, stderr);
        std::fflush(stderr);
        shown_ = true;
    };
}

void ProgressLine::clear() {
    if (shown_) std::fputs("\r\033[K", stderr);
    shown_ = false;
}

}  // namespace marketsim::cli
