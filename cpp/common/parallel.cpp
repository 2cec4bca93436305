#include "common/parallel.hpp"

#include <chrono>

namespace sss {
namespace {
std::atomic<InterruptChecker> g_checker{nullptr};
// Per calling thread: concurrent native calls from different Python threads
// do not see each other's interrupts. Only thread 0 of a team (the calling
// thread) polls, so thread-local state is what it needs.
thread_local bool g_interrupted = false;
thread_local std::int64_t g_last_poll_ns = 0;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
}  // namespace

void set_interrupt_checker(InterruptChecker checker) { g_checker.store(checker); }

void reset_interrupt() { g_interrupted = false; }

bool poll_interrupt() {
    if (thread_id() != 0) return false;
    if (g_interrupted) return true;
    InterruptChecker checker = g_checker.load(std::memory_order_relaxed);
    if (!checker) return false;
    const std::int64_t t = now_ns();
    if (t - g_last_poll_ns < 50'000'000) return false;
    g_last_poll_ns = t;
    if (checker()) {
        g_interrupted = true;
        return true;
    }
    return false;
}

}  // namespace sss
