// See gram.hpp. Each thread owns a contiguous range of the K output matrices
// and streams all pixels in blocks of kBlock: per block and per owned k it
// forms X = sqrt(w_k) .* E_block (M x B, fits in L2 together with E_block) and
// does the symmetric rank-B update A_k += X Xᵀ (Eigen's blocked SYRK). Each
// A_k is the sum over blocks in pixel order, whatever the thread count.
#ifndef EIGEN_DONT_PARALLELIZE
#define EIGEN_DONT_PARALLELIZE  // threads come from parallel.hpp only
#endif
#include "sparsify/gram.hpp"

#include <Eigen/Core>
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

// Pixels per rank update. Eigen's SYRK runs ~2.4x slower per column when the
// update is deeper than ~170 columns on AVX-512 (measured: 0.21 us/column at
// depth 96-160, 0.5-0.55 us at 192-1024; AVX2 is flat at 0.38 us), so rank
// updates stay at 128.
constexpr index_t kBlock = 128;

template <class Real>
void grams_impl(const double* E, index_t M, index_t N, const double* w, index_t K, double* out) {
    require(M >= 1 && N >= 0 && K >= 0, "weighted_grams: bad sizes");
    using RowMat = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    using Mat = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
    using OutMap = Eigen::Map<Eigen::MatrixXd>;
    const index_t MM = M * M;
    for (index_t i = 0; i < K * MM; ++i) out[i] = 0.0;
    if (K == 0 || N == 0) return;

    std::atomic<bool> stop{false};
    std::atomic<bool> bad_weight{false};
    parallel_chunks(K, [&](int tid, index_t kb, index_t ke) {
        if (kb >= ke) return;
        RowMat X(M, kBlock);
        Eigen::Matrix<Real, Eigen::Dynamic, 1> sw(kBlock);
        Mat tmp;  // per-block float product (float path only)
        if (!std::is_same<Real, double>::value) tmp.resize(M, M);
        for (index_t p0 = 0; p0 < N; p0 += kBlock) {
            if (tid == 0 && poll_interrupt()) stop.store(true);
            if (stop.load(std::memory_order_relaxed) || bad_weight.load(std::memory_order_relaxed))
                return;
            const index_t B = std::min(kBlock, N - p0);
            for (index_t k = kb; k < ke; ++k) {
                const double* wk = w + k * N + p0;
                for (index_t p = 0; p < B; ++p) {
                    const double v = wk[p];
                    if (!(v >= 0.0 && v <= DBL_MAX)) {
                        bad_weight.store(true);
                        return;
                    }
                    sw[p] = static_cast<Real>(std::sqrt(v));
                }
                for (index_t m = 0; m < M; ++m) {
                    const double* em = E + m * N + p0;
                    Real* xm = X.data() + m * kBlock;
                    for (index_t p = 0; p < B; ++p) xm[p] = static_cast<Real>(em[p]) * sw[p];
                }
                OutMap Ak(out + k * MM, M, M);
                if constexpr (std::is_same<Real, double>::value) {
                    Ak.selfadjointView<Eigen::Lower>().rankUpdate(X.leftCols(B));
                } else {
                    tmp.setZero();
                    tmp.template selfadjointView<Eigen::Lower>().rankUpdate(X.leftCols(B));
                    Ak.template triangularView<Eigen::Lower>() += tmp.template cast<double>();
                }
            }
        }
    });
    if (bad_weight.load()) throw InvalidArgument("weighted_grams: weights must be finite and >= 0");
    if (stop.load()) throw Interrupted();
    for (index_t k = 0; k < K; ++k) {  // mirror the lower triangle (column-major view)
        double* a = out + k * MM;
        for (index_t j = 0; j < M; ++j)
            for (index_t i = j + 1; i < M; ++i) a[i * M + j] = a[j * M + i];
    }
}

constexpr index_t kUpdateBlock = 512;  // pixels per pass over E (E block stays in cache)
constexpr index_t kUpdateCap = 128;    // columns per rank update (see kBlock)

}  // namespace

index_t update_grams(const double* E, index_t M, index_t N, const double* w, index_t K,
                     double ratio, double* wt, double* out) {
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
    if (total == 0) return 0;

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
        using OutMap = Eigen::Map<Eigen::MatrixXd>;
        // One positive and one negative update buffer, flushed after every
        // (pixel block, k): the buffers, the E block and A_k stay in cache
        // (one buffer per k thrashed L2 and halved the speed).
        Eigen::MatrixXd Xp(M, kUpdateCap), Xn(M, kUpdateCap);
        Eigen::MatrixXd Eb(M, kUpdateBlock);  // pixel-major copy of the E block
        const Eigen::Map<const Eigen::MatrixXd> En(E, N, M);
        index_t np = 0, nn = 0;
        auto flush = [&](index_t k, Eigen::MatrixXd& X, index_t& n, double sign) {
            if (n == 0) return;
            OutMap Ak(out + k * MM, M, M);
            Ak.selfadjointView<Eigen::Lower>().rankUpdate(X.leftCols(n), sign);
            n = 0;
        };
        for (index_t p0 = 0; p0 < N; p0 += kUpdateBlock) {
            if (part == 0 && poll_interrupt()) stop.store(true);
            if (stop.load(std::memory_order_relaxed)) return;
            const index_t p1 = std::min(N, p0 + kUpdateBlock);
            bool have_block = false;
            for (index_t k = kb; k < ke; ++k) {
                const double* wk = w + k * N;
                double* tk = wt + k * N;
                for (index_t p = p0; p < p1; ++p) {
                    const double v = wk[p], t = tk[p];
                    if (!(v > t * ratio || v * ratio < t)) continue;
                    const double d = v - t;
                    tk[p] = v;
                    const double sq = std::sqrt(std::abs(d));
                    Eigen::MatrixXd& X = d > 0 ? Xp : Xn;
                    index_t& n = d > 0 ? np : nn;
                    if (!have_block) {
                        Eb.leftCols(p1 - p0) = En.middleRows(p0, p1 - p0).transpose();
                        have_block = true;
                    }
                    X.col(n) = Eb.col(p - p0) * sq;
                    if (++n == kUpdateCap) flush(k, X, n, d > 0 ? 1.0 : -1.0);
                }
                flush(k, Xp, np, 1.0);
                flush(k, Xn, nn, -1.0);
            }
        }
    });
    if (stop.load()) throw Interrupted();
    for (index_t k = 0; k < K; ++k) {
        if (count[static_cast<size_t>(k)] == 0) continue;
        double* a = out + k * MM;
        for (index_t j = 0; j < M; ++j)
            for (index_t i = j + 1; i < M; ++i) a[i * M + j] = a[j * M + i];
    }
    return total;
}

void weighted_grams(const double* E, index_t M, index_t N, const double* w, index_t K,
                    double* out) {
    grams_impl<double>(E, M, N, w, K, out);
}

void weighted_grams_f32(const double* E, index_t M, index_t N, const double* w, index_t K,
                        double* out) {
    grams_impl<float>(E, M, N, w, K, out);
}

}  // namespace sss
