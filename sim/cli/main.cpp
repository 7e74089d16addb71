// marketsim: the command line. Parses flags, calls the library, prints, returns an exit code:
// 0 done; 2 a usage or scenario error (nothing written); 1 any other failure; 128 + the signal
// after SIGINT or SIGTERM. Each verb lives in commands/<verb>.cpp.
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands/commands.hpp"
#include "marketsim/cluster.hpp"
#include "marketsim/error.hpp"
#include "marketsim/interrupt.hpp"
#include "marketsim/version.hpp"

namespace {

/** Runs a verb, turning what it throws into one line on stderr and the exit code. */
int guarded(const marketsim::cli::Shared& shared, const marketsim::cli::Command& command) {
    namespace ms = marketsim;
    try {
        ms::cli::apply_simd(shared);
        return command.run();
    } catch (const ms::Interrupted& e) {
        return ms::cluster::fail(e.what(), 128 + e.signal());
    } catch (const ms::InputError& e) {
        return ms::cluster::fail(e.what(), 2);
    } catch (const std::bad_alloc&) {
        return ms::cluster::fail("error: out of memory", 1);
    } catch (const std::exception& e) {
        return ms::cluster::fail(std::string("error: ") + e.what(), 1);
    }
}

}  // namespace

int main(int argc, char** argv) {
    namespace cli = marketsim::cli;
    const marketsim::cluster::Session session(argc, argv);
    marketsim::interrupt::install();
    if (!marketsim::cluster::root()) {
        // under MPI, process 0 alone speaks; a failing process still reports (cluster::fail)
        std::cout.setstate(std::ios::badbit);
        std::cerr.setstate(std::ios::badbit);
    }
    CLI::App app{"marketsim: Monte Carlo market scenarios into confidence bands", "marketsim"};
    app.set_version_flag("--version", "marketsim " + std::string(marketsim::version()));
    app.require_subcommand(1);
    cli::Shared shared;
    const std::vector<cli::Command> commands = {
        cli::add_run(app, shared),         cli::add_validate(app),           cli::add_compare(app, shared),
        cli::add_sweep(app, shared),       cli::add_calibrate(app, shared),  cli::add_sensitivity(app, shared),
        cli::add_bench(app, shared),       cli::add_serve(app),              cli::add_help(app)};
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "marketsim: " << e.what() << " (see marketsim --help)\n";
        return 2;
    }
    for (const cli::Command& command : commands)
        if (*command.app) return guarded(shared, command);
    return 2;
}
