// The semantic soft segmentation Laplacian (SPEC §5) assembled directly as CSR:
//   L = D - W,  W = W_L + sigma_S W_S + sigma_C W_C,  D = diag(W 1),
// with W_L's 25-point stencil merged row by row with the few superpixel
// entries. Column indices sorted, each (row, col) once, float64 values,
// I = int32 while nnz < 2^31, else int64.
//  * Off-diagonal L[i, j] = -W[i, j]; L[i, i] = sum_{j != i} W[i, j] (W's own
//    diagonal cancels in D - W and is never formed), so L 1 = 0 up to one
//    rounding per entry.
//  * Exactly symmetric; bit-identical for any thread count.
#pragma once
#include <cstdint>

#include "affinity/superpixel_affinity.hpp"
#include "common/types.hpp"
#include "linalg/csr.hpp"

namespace sss {

// The Laplacian stage's settings (SPEC §1, §3-§5): the three affinities and
// their weights in W = W_L + sigma_S W_S + sigma_C W_C. The defaults are the
// package's (sss_fast.Params reads them from here), the paper's values.
struct LaplacianOptions {
    double matting_eps = 1e-7;     // regulariser of Levin's local colour model
    double color_a = 50.0;         // steepness a_c of the colour erf
    double color_b = 0.95;         // offset b_c of the colour erf
    double color_radius = 0.2;     // colour pairs farther apart (normalised coordinates) skipped
    double semantic_a = 20.0;      // steepness a_s of the semantic erf
    double semantic_b = 0.85;      // offset b_s (the reference; the paper says 0.8)
    double sigma_semantic = 0.01;  // weight of W_S
    double sigma_color = 0.01;     // weight of W_C
};

enum class StencilMode {
    Affinity,   // W_L itself (extra entries added, diagonal kept)
    Laplacian,  // D - (W_L + extra)
};

// Number of stored entries of the assembled matrix (stencil of an H x W image
// plus the extra entries that fall outside it).
index_t stencil_nnz(index_t height, index_t width, const SparseRows& extra);

// Assembles W_L (+ extra) or D - (W_L + extra). extra must not hold diagonal
// entries in Laplacian mode.
template <class I>
CsrMatrix<I> assemble_stencil(const ImageView<double>& image, double eps, const SparseRows& extra,
                              StencilMode mode);

// The N x N CSR matrix holding exactly the entries of rows (N = n_pixels).
template <class I>
CsrMatrix<I> sparse_rows_to_csr(const SparseRows& rows, index_t n_pixels);

extern template CsrMatrix<std::int32_t> assemble_stencil<std::int32_t>(const ImageView<double>&,
                                                                       double, const SparseRows&,
                                                                       StencilMode);
extern template CsrMatrix<std::int64_t> assemble_stencil<std::int64_t>(const ImageView<double>&,
                                                                       double, const SparseRows&,
                                                                       StencilMode);
extern template CsrMatrix<std::int32_t> sparse_rows_to_csr<std::int32_t>(const SparseRows&,
                                                                         index_t);
extern template CsrMatrix<std::int64_t> sparse_rows_to_csr<std::int64_t>(const SparseRows&,
                                                                         index_t);

}  // namespace sss
