#pragma once
// The verbs of the command line, one file each: each adds its subcommand and flags to the app and
// returns what runs it, which calls the library and prints.
#include <CLI/CLI.hpp>

#include "options.hpp"

namespace marketsim::cli {

Command add_run(CLI::App& app, Shared& shared);
Command add_validate(CLI::App& app);
Command add_compare(CLI::App& app, Shared& shared);
Command add_sweep(CLI::App& app, Shared& shared);
Command add_calibrate(CLI::App& app, Shared& shared);
Command add_sensitivity(CLI::App& app, Shared& shared);
Command add_bench(CLI::App& app, Shared& shared);
Command add_serve(CLI::App& app);
Command add_help(CLI::App& app);

}  // namespace marketsim::cli
