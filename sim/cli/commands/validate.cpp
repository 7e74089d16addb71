// marketsim validate: check a scenario without sampling; print it resolved, its cells and its
// central-path CAGR.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "marketsim/text.hpp"

namespace marketsim::cli {

Command add_validate(CLI::App& app) {
    struct Args {
        std::string scenario;
        std::vector<std::string> sets;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd =
        app.add_subcommand("validate", "Check a scenario; print it resolved, its cells and its central-path CAGR");
    add_scenario(*cmd, a->scenario, a->sets);
    return {cmd, [a] {
                std::cout << validate_text(load_scenario(a->scenario, a->sets));
                return 0;
            }};
}

}  // namespace marketsim::cli
