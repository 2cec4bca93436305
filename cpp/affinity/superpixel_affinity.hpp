// Superpixel affinities (SPEC §3, §4), placed at centroid pixels.
//
// Each centroid row is built on its own (in parallel): colour partners are
// found from both sides of a pair (the weight formula is bitwise symmetric in
// s and t), semantic weights are computed once per neighbour pair, and a row's
// entries are summed in the order (column, term, min(s,t), max(s,t)). Hence
// (r, c) and (c, r) receive the same values in the same order: every matrix
// built from these rows is exactly symmetric, whatever the thread count.
// Pairs whose weight is exactly 0 (saturated erf) are not stored, as the
// reference's sparse() would drop them.
#pragma once
#include <vector>

#include "common/types.hpp"

namespace sss {

struct SuperpixelTerms {
    // SPEC §3: pairs s != t whose centroid pixels (row/H, col/W) lie within
    // `radius`, w = (erf(a (1 - |m_s - m_t| - b)) + 1) / 2, scaled by color_scale
    // (0: term skipped). color_means: S x 3. The distance test is evaluated
    // exactly in integers: (dy*W)^2 + (dx*H)^2 <= radius^2 H^2 W^2.
    const double* color_means = nullptr;
    double color_a = 50.0, color_b = 0.95, radius = 0.2, color_scale = 0.0;
    // SPEC §4: neighbour pairs (P x 2, row-major), w = erf(a (1 - |g_s - g_t| - b)),
    // scaled by semantic_scale (0: skipped). feature_means: S x dims.
    const index_t* neighbours = nullptr;
    index_t n_pairs = 0;
    const double* feature_means = nullptr;
    index_t dims = 0;
    double semantic_a = 20.0, semantic_b = 0.85, semantic_scale = 0.0;
};

// Rows of an N x N matrix holding only a few nonzero rows: row_pixel (sorted),
// ptr (rows + 1), and per row sorted unique columns col with values val.
struct SparseRows {
    std::vector<index_t> row_pixel;
    std::vector<index_t> ptr{0};
    std::vector<index_t> col;
    std::vector<double> val;
    index_t rows() const { return static_cast<index_t>(row_pixel.size()); }
    index_t nnz() const { return static_cast<index_t>(col.size()); }
};

// The superpixel part of W: each weight at (c_s, c_t) and (c_t, c_s),
// duplicates summed. When c_s == c_t both placements hit the diagonal (2 w) if
// keep_diagonal, else the pair is skipped (a Laplacian never needs W's
// diagonal: it cancels in D - W). centroids: S pixel indices in [0, H*W).
SparseRows superpixel_rows(const index_t* centroids, index_t n_regions, index_t height,
                           index_t width, const SuperpixelTerms& terms, bool keep_diagonal);

}  // namespace sss
