// OpenMP helpers. Every parallel region in sss_fast goes through these so that
//  * no exception ever escapes an OpenMP region (the first one is kept and
//    rethrown on the calling thread after the region), and
//  * long loops notice Ctrl-C: poll_interrupt() asks the registered checker
//    (installed by the Python bindings) at most every 50 ms, from thread 0 only.
// Without OpenMP everything runs serially with the same semantics.
#pragma once
#include <atomic>
#include <exception>
#include <mutex>

#include "common/errors.hpp"
#include "common/types.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace sss {

inline int max_threads() {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

inline int thread_id() {
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

// ---- interrupts -------------------------------------------------------------
using InterruptChecker = bool (*)();
// Installed once by the bindings; returns true when the user asked to stop.
void set_interrupt_checker(InterruptChecker checker);
// True if an interrupt has been requested. Cheap; safe from any thread.
// Only thread 0 actually polls the checker, rate limited.
bool poll_interrupt();
// Throws Interrupted if poll_interrupt(); call outside parallel regions.
inline void check_interrupt() {
    if (poll_interrupt()) throw Interrupted();
}
// Forget a previous interrupt (called at the start of each native entry point).
void reset_interrupt();

// ---- exceptions inside parallel regions ---------------------------------------
class ExceptionCollector {
public:
    template <class F>
    void run(F&& f) noexcept {
        if (failed_.load(std::memory_order_relaxed)) return;
        try {
            f();
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!error_) error_ = std::current_exception();
            failed_.store(true, std::memory_order_relaxed);
        }
    }
    bool failed() const { return failed_.load(std::memory_order_relaxed); }
    void rethrow() {
        if (error_) std::rethrow_exception(error_);
    }

private:
    std::atomic<bool> failed_{false};
    std::exception_ptr error_;
    std::mutex mutex_;
};

// Runs body(i) for i in [begin, end) in parallel (static schedule unless
// `dynamic`), rethrowing the first exception, and throwing Interrupted if the
// user pressed Ctrl-C meanwhile (remaining iterations are skipped).
template <class Body>
void parallel_for(index_t begin, index_t end, Body&& body, bool dynamic = false) {
    ExceptionCollector errors;
    std::atomic<bool> stop{false};
    if (dynamic) {
#pragma omp parallel for schedule(dynamic, 1)
        for (index_t i = begin; i < end; ++i) {
            if (stop.load(std::memory_order_relaxed) || errors.failed()) continue;
            if ((i & 255) == 0 && thread_id() == 0 && poll_interrupt()) stop.store(true);
            errors.run([&] { body(i); });
        }
    } else {
#pragma omp parallel for schedule(static)
        for (index_t i = begin; i < end; ++i) {
            if (stop.load(std::memory_order_relaxed) || errors.failed()) continue;
            if ((i & 255) == 0 && thread_id() == 0 && poll_interrupt()) stop.store(true);
            errors.run([&] { body(i); });
        }
    }
    errors.rethrow();
    if (stop.load()) throw Interrupted();
}

// Splits [0, n) into one contiguous chunk per thread: body(tid, begin, end).
// Use for deterministic per-thread accumulation (results combined by tid order).
template <class Body>
void parallel_chunks(index_t n, Body&& body) {
    const int nt = max_threads();
    ExceptionCollector errors;
#pragma omp parallel num_threads(nt)
    {
        const int t = thread_id();
#ifdef _OPENMP
        const int nth = omp_get_num_threads();
#else
        const int nth = 1;
#endif
        const index_t b = n * t / nth, e = n * (t + 1) / nth;
        errors.run([&] { body(t, b, e); });
    }
    errors.rethrow();
}

}  // namespace sss
