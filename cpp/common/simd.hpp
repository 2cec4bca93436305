// A native vector of doubles through GCC/Clang vector extensions, so that
// register-blocked kernels stay in registers on every -march: 8 wide with
// AVX-512, 4 wide otherwise (AVX2; SSE2 splits it in two). A 16-wide row of
// a block of vectors is kRow16 of them.
#pragma once
#include <cstring>

namespace sss::simd {

#if defined(__AVX512F__)
constexpr int kWidth = 8;
#else
constexpr int kWidth = 4;
#endif
constexpr int kRow16 = 16 / kWidth;

typedef double vd __attribute__((vector_size(kWidth * sizeof(double))));

inline vd load(const double* p) {
    vd x;
    std::memcpy(&x, p, sizeof(x));
    return x;
}
inline void store(double* p, vd x) { std::memcpy(p, &x, sizeof(x)); }

}  // namespace sss::simd
