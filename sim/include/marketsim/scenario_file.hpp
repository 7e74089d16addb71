#pragma once
/** Reading scenario files (MODEL.md section 7): TOML, `extends`, `[set]`, `--set`, validation.
 *
 *  Every problem throws InputError with one line naming the file, line and column (or the
 *  command line for --set), the key or path, the bad value and, for unknown names, the closest
 *  valid one: `baseline.toml:12:1: unknown key 'anual_sd' in [growth]; did you mean 'annual_sd'?`
 */
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "marketsim/scenario.hpp"

namespace marketsim {

/** Load, resolve and validate `file`; then apply each "PATH=VALUE" of `sets` in order. */
Scenario load_scenario(const std::filesystem::path& file, const std::vector<std::string>& sets = {});

/** As load_scenario, from text; `file_name` is used in messages and to resolve `extends`
 *  relative to its folder. */
Scenario parse_scenario(std::string_view toml_text, const std::filesystem::path& file_name,
                        const std::vector<std::string>& sets = {});

/** The resolved scenario as JSON (summary.json's "scenario"; `validate` prints it). */
nlohmann::json to_json(const Scenario& scenario);

/** The resolved scenario as a TOML file that loads back to the same Scenario. */
std::string to_toml(const Scenario& scenario);

}  // namespace marketsim
