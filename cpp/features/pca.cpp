// Eigen's own OpenMP parallelisation of products would make the summation
// order depend on the thread count; we parallelise outside instead.
#ifndef EIGEN_DONT_PARALLELIZE
#define EIGEN_DONT_PARALLELIZE
#endif
#include "features/pca.hpp"

#include <Eigen/Core>
#include <algorithm>

#include "common/errors.hpp"
#include "common/parallel.hpp"

namespace sss::features {
namespace {
constexpr index_t kRowChunk = 1024;   // rows of X per partial product
constexpr index_t kColBlock = 16;     // covariance rows per work item
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
}  // namespace

void feature_moments(const double* x, index_t n, index_t d, double* mean, double* cov) {
    require(n >= 1 && d >= 1, "features must be non-empty");
    reset_interrupt();
    Eigen::Map<const RowMatrix> X(x, n, d);
    // Mean: per column block, rows summed in order.
    const index_t mblocks = (d + kColBlock - 1) / kColBlock;
    parallel_for(0, mblocks, [&](index_t b) {
        const index_t j0 = b * kColBlock, j1 = std::min(d, j0 + kColBlock);
        for (index_t j = j0; j < j1; ++j) mean[j] = 0.0;
        for (index_t p = 0; p < n; ++p)
            for (index_t j = j0; j < j1; ++j) mean[j] += x[p * d + j];
        for (index_t j = j0; j < j1; ++j) mean[j] /= static_cast<double>(n);
    });
    Eigen::Map<const Eigen::RowVectorXd> m(mean, d);
    // Covariance rows [i0, i1), columns [i0, d) (upper part), chunk by chunk.
    parallel_for(
        0, mblocks,
        [&](index_t b) {
            const index_t i0 = b * kColBlock, i1 = std::min(d, i0 + kColBlock);
            const index_t rows = i1 - i0, cols = d - i0;
            RowMatrix acc = RowMatrix::Zero(rows, cols);
            RowMatrix chunk;
            for (index_t p0 = 0; p0 < n; p0 += kRowChunk) {
                const index_t len = std::min(kRowChunk, n - p0);
                chunk = X.block(p0, i0, len, cols).rowwise() - m.segment(i0, cols);
                acc.noalias() += chunk.leftCols(rows).transpose() * chunk;
            }
            for (index_t i = i0; i < i1; ++i)
                for (index_t j = i; j < d; ++j) {
                    const double v = acc(i - i0, j - i0) / static_cast<double>(n);
                    cov[i * d + j] = v;
                    cov[j * d + i] = v;
                }
        },
        /*dynamic=*/true);
}

}  // namespace sss::features
