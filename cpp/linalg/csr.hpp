// Compressed sparse row matrices.
//  * CsrMatrix<I>: owning, built natively (e.g. the Laplacian), handed to
//    Python without copying (the bindings move the vectors into capsules).
//  * CsrView<I>: non-owning, wraps scipy.sparse.csr_matrix arrays passed in.
// I is std::int32_t or std::int64_t (scipy's two index dtypes); builders pick
// int32 while nnz < 2^31 and int64 beyond.
#pragma once
#include <cstdint>
#include <vector>

#include "common/parallel.hpp"
#include "common/types.hpp"

namespace sss {

template <class I>
struct CsrView {
    index_t rows = 0;
    index_t cols = 0;
    const I* indptr = nullptr;   // rows + 1
    const I* indices = nullptr;  // nnz
    const double* data = nullptr;

    index_t nnz() const { return rows ? static_cast<index_t>(indptr[rows]) : 0; }
};

template <class I>
struct CsrMatrix {
    index_t rows = 0;
    index_t cols = 0;
    std::vector<I> indptr;
    std::vector<I> indices;
    std::vector<double> data;

    CsrView<I> view() const { return {rows, cols, indptr.data(), indices.data(), data.data()}; }
};

// y = A x
template <class I>
void spmv(const CsrView<I>& a, const double* x, double* y) {
    parallel_for(0, a.rows, [&](index_t r) {
        double s = 0.0;
        for (I k = a.indptr[r]; k < a.indptr[r + 1]; ++k) s += a.data[k] * x[a.indices[k]];
        y[r] = s;
    });
}

// Y = A X for K vectors at once, layer-major: X[k * ldx + i], Y[k * ldy + i].
// One pass over A serves all K vectors (A is read once, not K times).
template <class I>
void spmm_layers(const CsrView<I>& a, index_t k, const double* x, index_t ldx, double* y,
                 index_t ldy) {
    constexpr index_t kMaxBlock = 16;
    for (index_t k0 = 0; k0 < k; k0 += kMaxBlock) {
        const index_t kb = (k - k0 < kMaxBlock) ? k - k0 : kMaxBlock;
        parallel_for(0, a.rows, [&](index_t r) {
            double s[kMaxBlock] = {0.0};
            for (I q = a.indptr[r]; q < a.indptr[r + 1]; ++q) {
                const double v = a.data[q];
                const index_t c = a.indices[q];
                for (index_t j = 0; j < kb; ++j) s[j] += v * x[(k0 + j) * ldx + c];
            }
            for (index_t j = 0; j < kb; ++j) y[(k0 + j) * ldy + r] = s[j];
        });
    }
}

}  // namespace sss
