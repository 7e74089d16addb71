#pragma once
// What the verbs of the command line share: their flags (declared once each here), the progress
// line, the choice of outputs, and writing and reporting files.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "marketsim/run.hpp"

namespace marketsim::cli {

/** A verb: its subcommand, and what runs it once the command line is parsed (an exit code). */
struct Command {
    CLI::App* app = nullptr;
    std::function<int()> run;
};

/** Flags every sampling verb shares. */
struct Shared {
    std::string simd;  ///< --simd
};

/** Output files by name, with their contents. */
using Files = std::vector<std::pair<std::string, std::string>>;

// ---- flags: each declared once ------------------------------------------------------------------

/** `scenario` (a required positional) and `--set PATH=VALUE` (repeatable). */
void add_scenario(CLI::App& cmd, std::string& file, std::vector<std::string>& sets,
                  const std::string& set_help = "Override a value: PATH=VALUE (e.g. growth.rate=0.06); repeatable");
/** `--set`, repeatable. */
void add_sets(CLI::App& cmd, std::vector<std::string>& sets, const std::string& help);
/** `--simd TARGET`. */
void add_simd(CLI::App& cmd, Shared& shared);
/** `--paths N` within [min, max]. */
void add_paths(CLI::App& cmd, std::uint64_t& paths, const std::string& help, std::uint64_t min = 1,
               std::uint64_t max = 1000000000000);
/** `--seed S` in 0..2^63-1; sets `seed` when given. */
void add_seed(CLI::App& cmd, std::optional<std::uint64_t>& seed, const std::string& help);
/** `--threads T` in 1..4096. */
void add_threads(CLI::App& cmd, int& threads);
/** `--out DIR`, `--quiet,-q`. */
void add_out(CLI::App& cmd, std::string& dir, const std::string& default_folder);
void add_quiet(CLI::App& cmd, bool& quiet, const std::string& help = "Print nothing but errors");
/** `--format LIST` and `--report`. */
void add_formats(CLI::App& cmd, std::string& format, bool& report, const std::string& format_help,
                 const std::string& report_help);

/** Pins the SIMD target (--simd, else MARKETSIM_SIMD) and agrees on one across MPI processes. */
void apply_simd(const Shared& shared);

// ---- outputs ----------------------------------------------------------------------------------

/** The outputs --format chooses: a comma-separated subset of csv, json, xlsx, html; --report adds
 *  html and xlsx. Throws InputError naming an unknown one. */
class Outputs {
public:
    Outputs(const std::string& text, bool report);
    bool wants(const std::string& format) const;

private:
    void add(const std::string& format);
    std::vector<std::string> chosen_;
};

/** `dir`, or out/<name> when `dir` is empty. */
std::filesystem::path output_folder(const std::string& dir, const std::string& name);

/** Writes `files` into `dir` all or nothing (process 0 alone under MPI). */
void write(const std::filesystem::path& dir, const Files& files);

/** "dir/a, dir/b and dir/c" */
std::string file_list(const std::filesystem::path& dir, const Files& files);

/** "warning: ..." on stderr for each warning. */
void print_warnings(const std::vector<std::string>& warnings);

/** One updating line on stderr while sampling (percent, paths/s, ETA), only on a terminal. */
class ProgressLine {
public:
    /** The callback for RunOptions::progress; empty when quiet or stderr is not a terminal (or this
     *  is not process 0). */
    ProgressCallback callback(bool quiet);
    void clear();
    ~ProgressLine() { clear(); }

private:
    bool shown_ = false;
};

}  // namespace marketsim::cli
