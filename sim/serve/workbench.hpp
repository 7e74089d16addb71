#pragma once
// The what-if workbench's API (`marketsim serve`), without HTTP: each endpoint is a function from a
// request's JSON to a reply (a status and a JSON body), built on the library API alone. server.cpp
// puts it behind HTTP; the tests call it directly.
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "marketsim/run.hpp"

namespace marketsim::serve {

struct Options {
    std::filesystem::path dir = "scenarios";  ///< the scenario files served
    std::filesystem::path save_dir;           ///< where /api/save writes (empty: dir)
    std::uint64_t max_paths = 1000000;        ///< the most paths a request may ask for
    int threads = 0;                          ///< per run; 0: all cores
};

/** An HTTP status and a JSON body. */
struct Reply {
    int status = 200;
    nlohmann::json body;
};

/** A reason to stop a run: a newer request from the same client (see server.cpp). */
inline constexpr int kSuperseded = 1 << 16;

class Workbench {
public:
    /** Throws InputError when `dir` is not a folder. */
    explicit Workbench(Options options);

    const Options& options() const noexcept { return options_; }

    /** GET /api/scenarios: every *.toml in the folder with its name, unit, years, dimensions and
     *  members (or the error that keeps it from loading). */
    Reply scenarios() const;

    /** GET /api/inputs?file=F: every numeric input of F with its --set path, value, label, group and
     *  a slider's range and step; the scenario's facts. */
    Reply inputs(const std::string& file) const;

    /** POST /api/run: {"file", "set"?, "paths"?, "seed"?, "compare"?, "sample_paths"?, "series"?,
     *  "charts"?}. `stop` is polled while sampling. */
    Reply run(const nlohmann::json& request, const StopCheck& stop = {}) const;

    /** POST /api/save: {"file", "set", "name"}: writes name.toml in the save folder, extending file
     *  with the set values; 409 when it exists. */
    Reply save(const nlohmann::json& request) const;

    /** POST /api/toml: {"file", "set"}: the text /api/save would write (a download). */
    Reply toml(const nlohmann::json& request) const;

private:
    std::filesystem::path resolve(const std::string& file) const;
    Scenario load(const nlohmann::json& request) const;
    std::string what_if_text(const nlohmann::json& request) const;

    Options options_;
    std::filesystem::path root_;  ///< dir, canonical
};

/** The --set arguments of a request's "set" object: {"growth.rate": 0.06} -> "growth.rate=0.06",
 *  each value written as TOML. Throws InputError for a value TOML cannot hold. */
std::vector<std::string> set_arguments(const nlohmann::json& set);

}  // namespace marketsim::serve
