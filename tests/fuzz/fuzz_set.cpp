// libFuzzer target: any text as a `--set PATH=VALUE` on a valid scenario (one per line, so
// several apply in order). Refusals must be InputError; an accepted result must compile.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "marketsim/error.hpp"
#include "marketsim/scenario.hpp"
#include "model/model.hpp"

namespace {
constexpr std::string_view kBase = R"([scenario]
name = "fuzz"
base_year = 2022
base_value = 35.2
horizon = 2030
seed = 7

[growth]
rate = 0.052
long_run_sd = 0.01
annual_sd = 0.015

[[dimension]]
name = "region"
members = [ { name = "north", share = 0.6, shift = -0.002 }, { name = "south", share = 0.4, sd_scale = 1.2 } ]

[[dimension]]
name = "type"
members = [ { name = "voice", share = 0.3 }, { name = "video", share = 0.7 } ]

[correlation]
global = 0.4
region = 0.2

[[event]]
name = "recession"
probability = 0.1
from = 2024
to = 2028
impact = -0.03
duration = 2
where = { region = ["north"] }

[[target]]
series = "total"
year = 2030
value = 50
)";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> sets;
    for (std::size_t at = 0; at <= text.size() && sets.size() < 8;) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        sets.emplace_back(text.substr(at, end - at));
        at = end + 1;
    }
    try {
        const marketsim::Scenario s = marketsim::parse_scenario(kBase, "base.toml", sets);
        (void)marketsim::compile(s, s.seed);
    } catch (const marketsim::InputError&) {
    }
    return 0;
}
