// See gram.hpp. Each thread owns a contiguous range of the K output matrices
// and streams all pixels in blocks of kBlock: per block it transposes the E
// block once (one column of M values per pixel), or reads it in place from
// the caller's pixel-major copy of E, and per owned k forms
// X = E_block · diag(sqrt(w_k)) and does the symmetric rank-B update
// A_k += X Xᵀ with syrk_lower below. Each A_k is the sum over blocks in pixel
// order, whatever the thread count. (The float variant, for benchmarks only,
// keeps Eigen's SYRK.)
#ifndef EIGEN_DONT_PARALLELIZE
#define EIGEN_DONT_PARALLELIZE  // threads come from parallel.hpp only
#endif
#include "sparsify/gram.hpp"

#include <Eigen/Core>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif
#include <algorithm>
#include <atomic>
#include <cfloat>
#include <cmath>
#include <type_traits>
#include <vector>

#include "common/errors.hpp"
#include "common/parallel.hpp"

namespace sss {
namespace {

// Pixels per rank update: X (104 x 128 doubles at M = 100) stays in L2 while
// every tile streams it. Measured with syrk_lower on docia's 640² vectors
// (K = 40): 128 beat 64, 256 and 512.
constexpr index_t kBlock = 128;

// ---- Lower-triangle rank-n update C += sign · X Xᵀ (own kernel) ------------
//
// X is Mp x n, column-major (one column per pixel, M values then zero padding
// up to Mp); C is M x M, column-major, and only its lower triangle is touched.
// The triangle is cut into register tiles of R = RV·W rows by kNC columns;
// each tile streams the n columns of X once (RV vector loads and kNC
// broadcasts feed RV·kNC fused multiply-adds) and adds its sum into C at the
// end. Eigen's SYRK reached ~40-60 GFlop/s here at M = 100 (it packs and
// blocks a small triangle); this kernel has neither. Splitting the diagonal
// blocks into W-row tiles (less of the upper triangle computed) measured
// slower: those tiles are load-bound.
#if defined(__AVX512F__)
struct Vec {
    using V = __m512d;
    static constexpr int W = 8;
    static V zero() { return _mm512_setzero_pd(); }
    static V load(const double* p) { return _mm512_loadu_pd(p); }
    static V bcast(double x) { return _mm512_set1_pd(x); }
    static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
    static void store(double* p, V v) { _mm512_storeu_pd(p, v); }
};
constexpr int kNC = 8;        // columns per tile
constexpr int kRowVecs = 3;   // vectors (of W rows) per full tile: 24 accumulators
#define SSS_OWN_SYRK 1

template <int RV>
inline void syrk_tile(const double* X, index_t Mp, index_t n, index_t r0, index_t c0,
                      double sign, double* C, index_t M) {
    using V = Vec::V;
    constexpr int W = Vec::W, R = RV * W;
    V acc[RV][kNC];
    for (int i = 0; i < RV; ++i)
        for (int c = 0; c < kNC; ++c) acc[i][c] = Vec::zero();
    const double* x = X;
    for (index_t j = 0; j < n; ++j, x += Mp) {
        V a[RV];
        for (int i = 0; i < RV; ++i) a[i] = Vec::load(x + r0 + i * W);
        for (int c = 0; c < kNC; ++c) {
            const V b = Vec::bcast(x[c0 + c]);
            for (int i = 0; i < RV; ++i) acc[i][c] = Vec::fma(a[i], b, acc[i][c]);
        }
    }
    if (r0 + R <= M && c0 + kNC - 1 <= r0) {  // wholly inside the strict lower part
        const V s = Vec::bcast(sign);
        for (int c = 0; c < kNC; ++c) {
            double* col = C + (c0 + c) * M + r0;
            for (int i = 0; i < RV; ++i) Vec::store(col + i * W, Vec::fma(acc[i][c], s, Vec::load(col + i * W)));
        }
        return;
    }
    double buf[R];
    const index_t r1 = std::min<index_t>(r0 + R, M);
    for (int c = 0; c < kNC; ++c) {
        const index_t cc = c0 + c;
        if (cc >= M) break;
        for (int i = 0; i < RV; ++i) Vec::store(buf + i * W, acc[i][c]);
        for (index_t r = std::max(r0, cc); r < r1; ++r) C[cc * M + r] += sign * buf[r - r0];
    }
}

#endif  // __AVX512F__ (otherwise syrk_lower uses Eigen's SYRK: a 4-wide version of
        // this kernel measured half of Eigen's speed on AVX2)

// Padded column length for M values: with the own kernel a multiple of the
// vector width and of kNC, so that every tile's loads and broadcasts stay
// inside a column; M itself otherwise.
inline index_t padded_rows(index_t M) {
#ifdef SSS_OWN_SYRK
    index_t q = Vec::W;
    while (q % kNC != 0) q += Vec::W;  // lcm(W, kNC)
    return (M + q - 1) / q * q;
#else
    return M;
#endif
}

// C (M x M, column-major) lower triangle += sign · X Xᵀ; X is Mp x n with
// Mp = padded_rows(M) and zero rows from M on.
void syrk_lower(const double* X, index_t M, index_t Mp, index_t n, double sign, double* C) {
    if (n == 0) return;
#ifndef SSS_OWN_SYRK
    using Strided = Eigen::Map<const Eigen::MatrixXd, 0, Eigen::OuterStride<>>;
    Eigen::Map<Eigen::MatrixXd>(C, M, M).selfadjointView<Eigen::Lower>().rankUpdate(
        Strided(X, M, n, Eigen::OuterStride<>(Mp)), sign);
#else
    constexpr index_t R3 = kRowVecs * Vec::W, R1 = Vec::W;
    index_t r0 = 0;
    for (; r0 + R3 <= Mp; r0 += R3)
        for (index_t c0 = 0; c0 < std::min(M, r0 + R3); c0 += kNC)
            syrk_tile<kRowVecs>(X, Mp, n, r0, c0, sign, C, M);
    for (; r0 < Mp; r0 += R1)
        for (index_t c0 = 0; c0 < std::min(M, r0 + R1); c0 += kNC)
            syrk_tile<1>(X, Mp, n, r0, c0, sign, C, M);
#endif
}

// out (Mp x (p1 − p0), column-major) = columns p0..p1 of E (M x N, one vector
// per row), i.e. one contiguous column of M values per pixel; rows M..Mp stay
// as they are (zero). Scalar: the constrained stage runs it once over E
// (gram_pixel_major), not per Gram call.
void transpose_block(const double* E, index_t M, index_t N, index_t p0, index_t p1, index_t Mp,
                     double* out) {
    constexpr index_t kTile = 8;
    for (index_t q0 = p0; q0 < p1; q0 += kTile) {
        const index_t q1 = std::min(p1, q0 + kTile);
        for (index_t m = 0; m < M; ++m) {
            const double* em = E + m * N;
            for (index_t q = q0; q < q1; ++q) out[(q - p0) * Mp + m] = em[q];
        }
    }
}

// Copies the lower triangle of each out[k] (column-major M x M) to the upper
// one; with `only`, just the k with only[k] != 0.
void mirror_lower(double* out, index_t K, index_t M, const index_t* only) {
    const index_t MM = M * M;
    for (index_t k = 0; k < K; ++k) {
        if (only && only[k] == 0) continue;
        double* a = out + k * MM;
        for (index_t j = 0; j < M; ++j)
            for (index_t i = j + 1; i < M; ++i) a[i * M + j] = a[j * M + i];
    }
}

// Full Grams: per pixel block, the block is transposed once (pixel-major,
// padded) and each owned k scales it by sqrt(w_k) and adds its rank-B update:
// syrk_lower in double; in float (benchmarks only) Eigen's SYRK into a float
// product that is then added in double.
template <class Real>
void grams_impl(const double* E, index_t M, index_t N, const double* w, index_t K, double* out,
                const double* Et) {
    require(M >= 1 && N >= 0 && K >= 0, "weighted_grams: bad sizes");
    constexpr bool kDouble = std::is_same<Real, double>::value;
    const index_t MM = M * M;
    for (index_t i = 0; i < K * MM; ++i) out[i] = 0.0;
    if (K == 0 || N == 0) return;
    std::atomic<bool> stop{false};
    std::atomic<bool> bad_weight{false};
    parallel_chunks(K, [&](int tid, index_t kb, index_t ke) {
        if (kb >= ke) return;
        const index_t Mp = padded_rows(M);
        std::vector<double> Eb(Et ? 0 : static_cast<size_t>(Mp * kBlock), 0.0);
        std::vector<Real> X(static_cast<size_t>(Mp * kBlock), Real(0));
        Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> tmp;  // float path only
        if (!kDouble) tmp.resize(M, M);
        for (index_t p0 = 0; p0 < N; p0 += kBlock) {
            if (tid == 0 && poll_interrupt()) stop.store(true);
            if (stop.load(std::memory_order_relaxed) || bad_weight.load(std::memory_order_relaxed))
                return;
            const index_t B = std::min(kBlock, N - p0);
            const double* eb = Et ? Et + p0 * Mp : Eb.data();
            if (!Et) transpose_block(E, M, N, p0, p0 + B, Mp, Eb.data());
            for (index_t k = kb; k < ke; ++k) {
                const double* wk = w + k * N + p0;
                for (index_t p = 0; p < B; ++p) {
                    const double v = wk[p];
                    if (!(v >= 0.0 && v <= DBL_MAX)) {
                        bad_weight.store(true);
                        return;
                    }
                    const double sq = std::sqrt(v);
                    const double* e = eb + p * Mp;
                    Real* x = X.data() + p * Mp;
                    for (index_t m = 0; m < M; ++m) x[m] = static_cast<Real>(e[m] * sq);
                }
                if constexpr (kDouble) {
                    syrk_lower(X.data(), M, Mp, B, 1.0, out + k * MM);
                } else {
                    using Strided = Eigen::Map<const Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>, 0,
                                               Eigen::OuterStride<>>;
                    tmp.setZero();
                    tmp.template selfadjointView<Eigen::Lower>().rankUpdate(
                        Strided(X.data(), M, B, Eigen::OuterStride<>(Mp)));
                    Eigen::Map<Eigen::MatrixXd>(out + k * MM, M, M).template triangularView<Eigen::Lower>() +=
                        tmp.template cast<double>();
                }
            }
        }
    });
    if (bad_weight.load()) throw InvalidArgument("weighted_grams: weights must be finite and >= 0");
    if (stop.load()) throw Interrupted();
    mirror_lower(out, K, M, nullptr);
}

// Pixels per pass over E: the transposed block (104 x 2048 doubles) stays in
// L2, and the per-(block, k) flushes are mostly full rank-128 updates.
// Constrained stage at 640², interleaved runs: 512 → 47.7 / 50.6 s, 2048 →
// 41.5 / 45.6 s; 4096 no better (43.0 / 48.3 against 46.5 / 42.5 s).
constexpr index_t kUpdateBlock = 2048;
constexpr index_t kUpdateCap = 128;    // columns per rank update (see kBlock)

}  // namespace

index_t update_grams(const double* E, index_t M, index_t N, const double* w, index_t K,
                     double ratio, double* wt, double* out, const double* Et, index_t max_updates) {
    require(M >= 1 && N >= 0 && K >= 0, "update_grams: bad sizes");
    require(ratio >= 1.0, "update_grams: ratio must be >= 1");
    const index_t MM = M * M;
    std::vector<index_t> count(static_cast<size_t>(K), 0);
    std::atomic<bool> bad_weight{false};
    parallel_for(0, K, [&](index_t k) {
        const double* wk = w + k * N;
        const double* tk = wt + k * N;
        index_t c = 0;
        for (index_t p = 0; p < N; ++p) {
            const double v = wk[p], t = tk[p];
            if (!(v > 0.0 && v <= DBL_MAX && t > 0.0 && t <= DBL_MAX)) {
                bad_weight.store(true);
                return;
            }
            c += (v > t * ratio || v * ratio < t) ? 1 : 0;
        }
        count[static_cast<size_t>(k)] = c;
    });
    if (bad_weight.load()) throw InvalidArgument("update_grams: weights must be finite and > 0");
    index_t total = 0;
    for (index_t c : count) total += c;
    if (total == 0 || (max_updates >= 0 && total > max_updates)) return total;

    // Contiguous ranges of k with about equal work, one per thread. Any split
    // gives the same result (each out[k] is owned by one thread).
    const int T = max_threads();
    std::vector<index_t> bounds(static_cast<size_t>(T) + 1, K);
    bounds[0] = 0;
    {
        const index_t work = total + K;  // +1 per k: the scan of its weights
        index_t cum = 0;
        int t = 1;
        for (index_t k = 0; k < K && t < T; ++k) {
            cum += count[static_cast<size_t>(k)] + 1;
            while (t < T && cum * T >= work * t) bounds[static_cast<size_t>(t++)] = k + 1;
        }
    }
    std::atomic<bool> stop{false};
    parallel_for(0, T, [&](index_t part) {
        const index_t kb = bounds[static_cast<size_t>(part)], ke = bounds[static_cast<size_t>(part) + 1];
        if (kb >= ke) return;
        // One positive and one negative update buffer, flushed after every
        // (pixel block, k): the buffers, the E block and A_k stay in cache
        // (one buffer per k thrashed L2 and halved the speed).
        const index_t Mp = padded_rows(M);
        std::vector<double> Xp(static_cast<size_t>(Mp * kUpdateCap), 0.0);
        std::vector<double> Xn(Xp.size(), 0.0);
        // Pixel-major copy of the E block, zero-padded to Mp rows.
        std::vector<double> Eb(Et ? 0 : static_cast<size_t>(Mp * kUpdateBlock), 0.0);
        index_t np = 0, nn = 0;
        auto flush = [&](index_t k, std::vector<double>& X, index_t& n, double sign) {
            syrk_lower(X.data(), M, Mp, n, sign, out + k * MM);
            n = 0;
        };
        for (index_t p0 = 0; p0 < N; p0 += kUpdateBlock) {
            if (part == 0 && poll_interrupt()) stop.store(true);
            if (stop.load(std::memory_order_relaxed)) return;
            const index_t p1 = std::min(N, p0 + kUpdateBlock);
            bool have_block = Et != nullptr;
            const double* eb = Et ? Et + p0 * Mp : Eb.data();
            for (index_t k = kb; k < ke; ++k) {
                const double* wk = w + k * N;
                double* tk = wt + k * N;
                for (index_t p = p0; p < p1; ++p) {
                    const double v = wk[p], t = tk[p];
                    if (!(v > t * ratio || v * ratio < t)) continue;
                    const double d = v - t;
                    tk[p] = v;
                    const double sq = std::sqrt(std::abs(d));
                    std::vector<double>& X = d > 0 ? Xp : Xn;
                    index_t& n = d > 0 ? np : nn;
                    if (!have_block) {
                        transpose_block(E, M, N, p0, p1, Mp, Eb.data());
                        have_block = true;
                    }
                    const double* e = eb + (p - p0) * Mp;
                    double* x = X.data() + n * Mp;
                    for (index_t m = 0; m < M; ++m) x[m] = e[m] * sq;
                    if (++n == kUpdateCap) flush(k, X, n, d > 0 ? 1.0 : -1.0);
                }
                flush(k, Xp, np, 1.0);
                flush(k, Xn, nn, -1.0);
            }
        }
    });
    if (stop.load()) throw Interrupted();
    mirror_lower(out, K, M, count.data());
    return total;
}

void weighted_grams(const double* E, index_t M, index_t N, const double* w, index_t K,
                    double* out, const double* Et) {
    grams_impl<double>(E, M, N, w, K, out, Et);
}

void weighted_grams_f32(const double* E, index_t M, index_t N, const double* w, index_t K,
                        double* out, const double* Et) {
    grams_impl<float>(E, M, N, w, K, out, Et);
}

index_t gram_padded_rows(index_t M) { return padded_rows(M); }

void gram_pixel_major(const double* E, index_t M, index_t N, double* Et) {
    const index_t Mp = padded_rows(M);
    const index_t nb = (N + kUpdateBlock - 1) / kUpdateBlock;
    parallel_for(0, nb, [&](index_t b) {
        const index_t p0 = b * kUpdateBlock, p1 = std::min(N, p0 + kUpdateBlock);
        double* out = Et + p0 * Mp;
        for (index_t p = p0; p < p1; ++p)
            std::fill(out + (p - p0) * Mp + M, out + (p - p0 + 1) * Mp, 0.0);
        transpose_block(E, M, N, p0, p1, Mp, out);
    });
}

}  // namespace sss
