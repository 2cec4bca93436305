// Dense kernels of a front, split into row blocks over the threads for the
// fronts at the top of the elimination tree (supernodal.cpp), with the same
// bits as the unsplit Eigen calls (the testing module's
// split_kernels_difference lets tests/test_spectral.py check it).
#pragma once
#include <Eigen/Core>
#include <algorithm>

#include "common/parallel.hpp"
#include "common/types.hpp"

namespace sss::spectral {

// ---- fronts split over the threads, to the same bits ----------------------------
// The fronts at the top of the tree (the separators every path goes through,
// and the superpixel centroids) run one at a time with nothing beside them.
// Their triangular solve L21 = A21 L11^-T and their rank update
// A22 -= L21 L21^T are then split into row blocks over the threads. Eigen's
// kernels treat rows in register tiles of 3 packets (12 rows with AVX2, 24
// with AVX-512) from the first row of the call, and each entry's sum over the
// depth runs in the same order whatever the number of rows (the depth is
// blocked by a size that depends on the depth alone); so blocks whose
// boundaries are multiples of 48 rows reproduce the unsplit result to the bit
// (tests/test_spectral.py checks it). The rank
// update of a block of rows is a product for the columns left of the block
// and a rank update of its diagonal square.
constexpr index_t kSplitRows = 192;  // a multiple of 48
static_assert(kSplitRows % 48 == 0, "row blocks must fall on the kernels' register tiles");

// Blocks of kSplitRows rows, the last one taking the rest (a tail of fewer
// than 48 rows joins it: a block of one row would go through Eigen's
// matrix-vector path, which sums in another order), heaviest first for
// dynamic scheduling: the rank update of the lower rows reaches more columns.
template <class F>
void for_row_blocks(index_t rows, bool par, F&& f) {
    index_t nb = (rows + kSplitRows - 1) / kSplitRows;
    if (nb > 1 && rows - (nb - 1) * kSplitRows < 48) --nb;
    auto block = [&](index_t i) {
        const index_t b = nb - 1 - i, r0 = b * kSplitRows;
        f(r0, b == nb - 1 ? rows - r0 : kSplitRows);
    };
    if (par && nb > 1 && max_threads() > 1) {
        parallel_for(0, nb, block, /*dynamic=*/true);
    } else {
        f(0, rows);  // one call: the same bits as the blocks
    }
}

// X <- X L^-T for the rows of x (L lower triangular, or unit lower with
// `unit`), in row blocks.
template <class Tri, class X>
void trsm_right_rows(const Tri& l, X x, bool unit, bool par) {
    for_row_blocks(x.rows(), par, [&](index_t r0, index_t n) {
        auto xb = x.middleRows(r0, n);
        if (unit) {
            l.template triangularView<Eigen::UnitLower>().transpose()
                .template solveInPlace<Eigen::OnTheRight>(xb);
        } else {
            l.template triangularView<Eigen::Lower>().transpose()
                .template solveInPlace<Eigen::OnTheRight>(xb);
        }
    });
}

// Lower triangle of C -= U V^T (C square, U and V with C's rows), in row blocks.
template <class C, class U, class V>
void lower_update_rows(C c, const U& u, const V& v, bool par) {
    for_row_blocks(c.rows(), par, [&](index_t r0, index_t n) {
        if (r0 > 0) c.block(r0, 0, n, r0).noalias() -= u.middleRows(r0, n) * v.topRows(r0).transpose();
        c.block(r0, r0, n, n).template triangularView<Eigen::Lower>() -=
            u.middleRows(r0, n) * v.middleRows(r0, n).transpose();
    });
}

}  // namespace sss::spectral
