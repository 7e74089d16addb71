// marketsim serve: the what-if workbench, a page where moving an assumption redraws the bands.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "server.hpp"

namespace marketsim::cli {

Command add_serve(CLI::App& app) {
    auto o = std::make_shared<serve::ServerOptions>();
    auto dir = std::make_shared<std::string>("scenarios");
    auto save_dir = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand(
        "serve", "Serve the what-if workbench: a page where moving an assumption redraws the bands (and its JSON API)");
    cmd->add_option("dir", *dir, "Folder of scenario files to serve (default scenarios)");
    cmd->add_option("--host", o->host, "Address to listen on (default 127.0.0.1: this machine only)");
    cmd->add_option("--port", o->port, "Port (default 8080; 0 picks a free one)")->check(CLI::Range(0, 65535));
    cmd->add_option("--max-paths", o->max_paths, "Most paths a request may ask for (default 1000000)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000000000}));
    add_threads(*cmd, o->threads);
    cmd->add_option("--save-dir", *save_dir, "Folder where saved what-ifs are written (default: the served folder)");
    return {cmd, [o, dir, save_dir] {
                o->dir = *dir;
                o->save_dir = save_dir->empty() ? std::filesystem::path(*dir) : std::filesystem::path(*save_dir);
                serve::serve(*o, std::cout);
                return 0;
            }};
}

}  // namespace marketsim::cli
