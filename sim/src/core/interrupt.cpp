#include "marketsim/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace marketsim {
namespace {
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void record_signal(int signal) {
    int none = 0;
    g_signal.compare_exchange_strong(none, signal);  // the first signal counts
}
}  // namespace

Interrupted::Interrupted(int signal)
    : std::runtime_error("interrupted by " + interrupt::name(signal) + "; nothing was written"), signal_(signal) {}

namespace interrupt {

void install() {
    struct sigaction action {};
    action.sa_handler = record_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

int received() noexcept { return g_signal.load(std::memory_order_relaxed); }

void check() {
    if (const int s = received()) throw Interrupted(s);
}

void set(int signal) noexcept { g_signal.store(signal); }

std::string name(int signal) {
    if (signal == SIGINT) return "SIGINT";
    if (signal == SIGTERM) return "SIGTERM";
    return "signal " + std::to_string(signal);
}

}  // namespace interrupt
}  // namespace marketsim
