// marketsim help TOPIC: references that belong beside --help but are too long for it, printed
// from the documentation built into the binary, so they match the version that runs.
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "help_docs.hpp"
#include "marketsim/error.hpp"

namespace marketsim::cli {

Command add_help(CLI::App& app) {
    static const std::vector<std::pair<std::string, const char*>> topics = {
        {"format", "the scenario file format: every table and key, its type, default, valid values and meaning"},
    };
    auto topic = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand("help", "Print a reference: `marketsim help format` for the scenario file format");
    cmd->add_option("topic", *topic, "format");
    return {cmd, [topic] {
                if (topic->empty()) {
                    std::cout << "marketsim help TOPIC prints a reference; marketsim VERB --help the flags of a verb.\n\ntopics:\n";
                    for (const auto& [name, what] : topics) std::cout << "  " << name << "  " << what << "\n";
                    return 0;
                }
                std::vector<std::string> names;
                for (const auto& [name, what] : topics) names.push_back(name);
                if (*topic != "format") throw InputError("help: unknown topic '" + *topic + "'" + did_you_mean(*topic, names));
                std::cout << docs::scenario_format;
                return 0;
            }};
}

}  // namespace marketsim::cli
