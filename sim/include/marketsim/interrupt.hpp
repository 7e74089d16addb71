#pragma once
/** Stopping a run on SIGINT (Ctrl-C) or SIGTERM.
 *
 *  The handlers only record the signal. Sampling (run.hpp: RunOptions::stop, whose default is the
 *  recorded signal) then claims no new path block, and the blocks in flight finish: blocks are
 *  claimed in index order, so what is done is the first K whole blocks, a result as reproducible
 *  as a run of K x 1,024 paths. `run` reports that partial result, marked as such; the other verbs
 *  report nothing (Interrupted). The command line exits with 128 + the signal's number (130, 143).
 */
#include <stdexcept>
#include <string>

namespace marketsim {

/** Thrown where an interrupted computation cannot report a partial result. */
class Interrupted : public std::runtime_error {
public:
    explicit Interrupted(int signal);
    int signal() const noexcept { return signal_; }

private:
    int signal_;
};

namespace interrupt {

/** Records SIGINT and SIGTERM from now on (instead of ending the process). */
void install();

/** The signal received (SIGINT, SIGTERM), or 0. Safe from any thread. */
int received() noexcept;
inline bool requested() noexcept { return received() != 0; }

/** Throws Interrupted when a signal was received. */
void check();

/** Records `signal` as if it had arrived (tests), or forgets it with 0. */
void set(int signal) noexcept;

/** "SIGINT", "SIGTERM", else "signal N". */
std::string name(int signal);

}  // namespace interrupt
}  // namespace marketsim
