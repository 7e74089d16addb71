#pragma once
// Helpers of the scenario tests: scenario texts, parsing with the error message, places in a text.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "marketsim/error.hpp"
#include "marketsim/scenario.hpp"

namespace marketsim::test {

namespace fs = std::filesystem;


/** A fresh folder under the system temp dir, removed at scope exit. */
struct TempDir {
    fs::path path;
    TempDir() {
        static std::atomic<int> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path = fs::temp_directory_path() /
               ("marketsim_scenario_file_" + std::to_string(stamp) + "_" + std::to_string(counter++));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    fs::path write(const std::string& name, const std::string& text) const {
        const fs::path file = path / name;
        fs::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << text;
        return file;
    }
};

inline const std::string minimal = R"([scenario]
base_year = 2022
base_value = 100
horizon = 2030

[growth]
rate = 0.05
)";

inline const std::string rich = R"(# a scenario exercising every table
[scenario]
name = "rich"
unit = "USD bn"
base_year = 2022
base_value = 35.2
horizon = 2033
seed = 7

[growth]
rate = 0.052
long_run_sd = 0.01
annual_sd = 0.015
period = [ { from = 2025, to = 2026, rate = 0.04 }, { from = 2023, to = 2024, rate = 0.062 } ]

[[dimension]]
name = "region"
members = [
  { name = "europe", share = 0.4, shift = -0.01 },
  { name = "asia", share = 0.6, shift = 0.01, sd_scale = 1.3 },
]

[[dimension]]
name = "type"
members = [
  { name = "voice", share = 0.3 },
  { name = "video", share = 0.7 },
]

[correlation]
global = 0.4
region = 0.3
matrix.region = [[1.0, 0.5], [0.5, 1.0]]
matrix.type = [[1.0, 0.2], [0.2, 1.0]]

[[event]]
name = "recession"
probability = 0.08
from = 2024
to = 2033
impact = -0.03
duration = 2
where = { region = ["europe"] }

[[target]]
series = "total"
year = 2030
value = 53.8

[output]
quantiles = [0.1, 0.5, 0.9]
)";

inline Scenario parse(const std::string& text, const std::vector<std::string>& sets = {}) {
    return marketsim::parse_scenario(text, "test.toml", sets);
}

/** `text` with its one occurrence of `from` replaced by `to`. */
inline std::string edit(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    REQUIRE(pos != std::string::npos);
    REQUIRE(text.find(from, pos + 1) == std::string::npos);
    return text.replace(pos, from.size(), to);
}

/** "FILE:LINE:COL" of the first occurrence of `needle` in `text`. */
inline std::string loc(const std::string& text, const std::string& needle, const std::string& file = "test.toml") {
    const auto pos = text.find(needle);
    REQUIRE(pos != std::string::npos);
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n');
    const auto line_start = text.rfind('\n', pos == 0 ? 0 : pos - 1);
    const auto column = line_start == std::string::npos || pos == 0 ? pos + 1 : pos - line_start;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

/** The error message parse() throws, or "" (Catch prints it on mismatch). */
inline std::string error_of(const std::string& text, const std::vector<std::string>& sets = {}) {
    try {
        parse(text, sets);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

inline void require_same(const Scenario& a, const Scenario& b) {
    CHECK(marketsim::to_json(a).dump() == marketsim::to_json(b).dump());
    CHECK(a.name == b.name);
    CHECK(a.corr_weight == b.corr_weight);
    CHECK(a.corr_matrix == b.corr_matrix);
    CHECK(a.seed == b.seed);
}
}  // namespace marketsim::test
