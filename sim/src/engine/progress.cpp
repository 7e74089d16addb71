#include "engine/progress.hpp"

#include "marketsim/cluster.hpp"

namespace marketsim {

ProgressThrottle::ProgressThrottle(ProgressCallback callback, std::uint64_t planned)
    : callback_(std::move(callback)), planned_(planned), start_(std::chrono::steady_clock::now()) {}

void ProgressThrottle::add(std::uint64_t paths) {
    const std::uint64_t done = (done_.fetch_add(paths) + paths) * static_cast<std::uint64_t>(cluster::size());
    if (!callback_) return;
    const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count();
    std::int64_t due = next_ns_.load();
    // one thread wins the slot; the others skip this report
    if (now < due || !next_ns_.compare_exchange_strong(due, now + 100000000)) return;
    callback_(done, planned_, static_cast<double>(now) * 1e-9);
}

}  // namespace marketsim
