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

constexpr index_t kBlock = 512;

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

}  // namespace

void weighted_grams(const double* E, index_t M, index_t N, const double* w, index_t K,
                    double* out) {
    grams_impl<double>(E, M, N, w, K, out);
}

void weighted_grams_f32(const double* E, index_t M, index_t N, const double* w, index_t K,
                        double* out) {
    grams_impl<float>(E, M, N, w, K, out);
}

}  // namespace sss
