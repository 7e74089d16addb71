#pragma once
/** Progress reports while sampling: paths counted from every thread, reported at most ten times a
 *  second by one caller at a time. */
#include <atomic>
#include <chrono>
#include <cstdint>

#include "marketsim/run.hpp"

namespace marketsim {

class ProgressThrottle {
public:
    /** Reports to `callback` (may be empty: nothing is reported) against `planned` paths. */
    ProgressThrottle(ProgressCallback callback, std::uint64_t planned);
    /** Counts `paths` more done by this process (under MPI it reports this process's count times
     *  the process count: every process samples at about the same pace). */
    void add(std::uint64_t paths);

private:
    ProgressCallback callback_;
    std::uint64_t planned_;
    std::chrono::steady_clock::time_point start_;
    std::atomic<std::uint64_t> done_{0};
    std::atomic<std::int64_t> next_ns_{0};  ///< earliest time of the next call, ns after start_
};

}  // namespace marketsim
