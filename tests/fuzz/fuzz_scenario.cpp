// libFuzzer target: any bytes as a scenario file. Parsing, validation and model compilation may
// refuse the input only with InputError (a message for the user); anything else escaping, a
// crash, a sanitizer report or a hang is a bug. An accepted scenario must also survive its own
// round trip: the resolved TOML that summary.json and `validate` print parses back to the same.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "marketsim/error.hpp"
#include "marketsim/scenario.hpp"
#include "model/model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    marketsim::Scenario scenario;
    try {
        scenario = marketsim::parse_scenario(text, "fuzz.toml");
    } catch (const marketsim::InputError&) {
        return 0;
    }
    try {
        (void)marketsim::compile(scenario, scenario.seed);
    } catch (const marketsim::InputError&) {
        return 0;
    }
    const std::string resolved = marketsim::to_toml(scenario);
    const marketsim::Scenario again = marketsim::parse_scenario(resolved, "resolved.toml");  // must not throw
    if (marketsim::to_toml(again) != resolved) __builtin_trap();
    return 0;
}
