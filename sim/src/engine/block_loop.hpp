#pragma once
/** The one block loop every verb samples through.
 *
 *  Paths are cut into blocks of kBlockPaths. Worker threads claim blocks in index order (under
 *  MPI this process's blocks only: b = rank mod processes) and each block is handed to the
 *  claiming thread's worker chunk by chunk. A worker is the verb's pair of a path generator (a
 *  ChunkSampler, or several) and a path sink (what the verb records of each chunk: the band
 *  accumulator of run, the paired differences of compare, one series-year of calibrate, the mixed
 *  samples of sensitivity), in the spirit of QuantLib's path generator / path pricer /
 *  statistics. Workers merge exactly afterwards (integer counts, exact sums, or arrays with one
 *  writer per element), so results do not depend on the thread count.
 *
 *  Stopping: the stop check is polled before every chunk. After a stop no block is claimed and
 *  the blocks in flight are finished, so what is done is a prefix of whole blocks; a block that
 *  would take more than another second is cut instead, and then nothing can be reported.
 */
#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <optional>

#include <tbb/enumerable_thread_specific.h>

#include "engine/progress.hpp"
#include "marketsim/run.hpp"

namespace marketsim {

/** A worker of the block loop, one per thread. */
template <class W>
concept BlockWorker = requires(W& w, std::uint64_t first, std::uint32_t lanes) {
    { w.capacity() } -> std::convertible_to<std::uint32_t>;  ///< paths per chunk
    w.begin_block(first);                                     ///< a block starts at path `first`
    w.chunk(first, lanes);                                    ///< paths first .. first + lanes - 1
    w.end_block(first);                                       ///< the block that started at `first` is done
};

/** Which paths a loop samples, on how many threads, and what may stop it. */
struct BlockPlan {
    std::uint64_t from = 0;   ///< the first path: a multiple of kBlockPaths
    std::uint64_t paths = 0;  ///< sample paths [from, paths)
    int threads = 0;          ///< 0: all the machine's cores
    StopCheck stop;           ///< empty: the signal interrupt.hpp recorded
    ProgressThrottle* progress = nullptr;
};

/** How a loop ended. */
struct BlockLoopEnd {
    /// `paths`; after a stop, where the prefix of whole blocks ends (one process; under MPI a
    /// value below `paths` only says that it stopped)
    std::uint64_t done = 0;
    int stopped_by = 0;  ///< the stop's reason (a signal number), or 0
    bool torn = false;   ///< a block was cut short: nothing of this loop can be reported
};

/** The stop check in force: `stop`, or the signal interrupt.hpp recorded. */
StopCheck stop_check(const StopCheck& stop);

/** Throws Interrupted when the loop stopped: for the verbs that report nothing partial. */
void require_whole(const BlockLoopEnd& end);

/** Calls body(first, end) for every block [b kBlockPaths, min(paths, (b+1) kBlockPaths)) of the
 *  plan on its threads, claiming blocks in index order; after `stop` returns nonzero, claims no
 *  more. Returns `done` and `stopped_by` as BlockLoopEnd says (torn is the caller's). */
BlockLoopEnd for_each_block(const BlockPlan& plan, const StopCheck& stop,
                            const std::function<void(std::uint64_t first, std::uint64_t end)>& body);

/** Samples the plan's blocks with one worker per thread from `workers`. */
template <BlockWorker W>
BlockLoopEnd sample_blocks(const BlockPlan& plan, tbb::enumerable_thread_specific<W>& workers) {
    const StopCheck stop = stop_check(plan.stop);
    std::atomic<bool> torn{false};
    BlockLoopEnd end = for_each_block(plan, stop, [&](std::uint64_t first, std::uint64_t last) {
        W& w = workers.local();
        w.begin_block(first);
        const std::uint64_t step = w.capacity();
        std::optional<std::chrono::steady_clock::time_point> seen;  // when this worker saw a stop
        for (std::uint64_t p = first; p < last; p += step) {
            if (stop()) {
                const auto now = std::chrono::steady_clock::now();
                if (!seen) seen = now;
                if (now - *seen > std::chrono::seconds(1)) {
                    torn = true;
                    return;
                }
            }
            w.chunk(p, static_cast<std::uint32_t>(std::min(step, last - p)));
        }
        w.end_block(first);
        if (plan.progress) plan.progress->add(last - first);
    });
    end.torn = torn;
    return end;
}

}  // namespace marketsim
