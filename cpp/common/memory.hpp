// Returning freed heap memory to the operating system.
#pragma once

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sss {

// glibc keeps freed blocks in its arenas (one per OpenMP thread), where they
// still count in the process's resident memory. A stage that frees a large
// transient working set before allocating the next one (the factorisation's
// update matrices before the Krylov basis) calls this so that the peak is the
// live data, not the live data plus the freed pages. A no-op elsewhere.
inline void release_free_heap() {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

}  // namespace sss
