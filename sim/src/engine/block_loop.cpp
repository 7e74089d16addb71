#include "engine/block_loop.hpp"

#include <algorithm>

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "marketsim/cluster.hpp"
#include "marketsim/interrupt.hpp"

namespace marketsim {

StopCheck stop_check(const StopCheck& stop) {
    if (stop) return stop;
    return [] { return interrupt::received(); };
}

void require_whole(const BlockLoopEnd& end) {
    if (end.stopped_by != 0) throw Interrupted(end.stopped_by);
}

BlockLoopEnd for_each_block(const BlockPlan& plan, const StopCheck& stop,
                            const std::function<void(std::uint64_t first, std::uint64_t end)>& body) {
    const std::uint64_t paths = plan.paths;
    const std::uint64_t blocks = (paths + kBlockPaths - 1) / kBlockPaths;
    // this process's blocks: b = rank (mod processes), from the first block on
    const auto processes = static_cast<std::uint64_t>(cluster::size()), rank = static_cast<std::uint64_t>(cluster::rank());
    const std::uint64_t begin = plan.from / kBlockPaths;
    const std::uint64_t first = begin + (rank + processes - begin % processes) % processes;
    if (first >= blocks) return {paths, stop(), false};
    const std::uint64_t count = (blocks - first + processes - 1) / processes;
    // Workers claim blocks in index order and finish every block they claim; after a stop no
    // block is claimed, so the blocks done are a prefix of this process's.
    std::atomic<std::uint64_t> next{0};
    std::atomic<int> stopped_by{0};
    const int workers = thread_count(plan.threads);
    tbb::task_arena arena(workers);
    arena.execute([&] {
        tbb::parallel_for(0, workers, [&](int) {
            while (true) {
                if (const int reason = stop()) {
                    int none = 0;
                    stopped_by.compare_exchange_strong(none, reason);
                    return;
                }
                const std::uint64_t i = next.fetch_add(1, std::memory_order_relaxed);
                if (i >= count) return;
                const std::uint64_t b = first + i * processes;
                body(b * kBlockPaths, std::min(paths, (b + 1) * kBlockPaths));
            }
        });
    });
    const std::uint64_t claimed = std::min(next.load(), count);
    // a stop that came after the last block was claimed still counts: the caller decides
    const int reason = stopped_by.load() ? stopped_by.load() : stop();
    if (claimed == count) return {paths, reason, false};
    return {std::min(paths, (first + claimed * processes) * kBlockPaths), reason, false};
}

}  // namespace marketsim
