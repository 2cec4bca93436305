// Geometric nested dissection for the pixel-grid Laplacian.
//
// L couples each pixel with neighbours at most `radius` apart in x and in y
// (the 25-point stencil of the matting affinity, radius 2), plus a few
// long-range entries between superpixel centroids. Nodes with any entry
// outside the stencil are "special": they are ordered last, as one dense
// root block. The rest of the grid is bisected recursively along its longer
// side by separators `radius` pixels thick (nodes on either side of such a
// separator never couple), down to leaves of at most `leaf_size` pixels.
// The result is an elimination order and the supernode tree of the
// multifrontal factorisation (a separator or a leaf is one supernode).
#pragma once
#include <vector>

#include "common/types.hpp"
#include "linalg/csr.hpp"

namespace sss::spectral {

struct SupernodeTree {
    index_t n = 0;
    std::vector<index_t> perm;     // perm[position] = original node
    std::vector<index_t> iperm;    // iperm[node] = position
    std::vector<index_t> begin;    // supernode s holds positions [begin[s], begin[s+1])
    std::vector<index_t> parent;   // -1 for the root; supernodes are in post-order
    std::vector<int> depth;        // distance from the root
    index_t n_special = 0;

    index_t size() const { return static_cast<index_t>(parent.size()); }
};

// `special[node]` marks nodes to order last (may be empty: none).
SupernodeTree grid_nested_dissection(index_t height, index_t width, index_t radius,
                                     const std::vector<char>& special, index_t leaf_size = 64);

// Marks the nodes of L that have an entry farther than `radius` away on the
// grid (in x or y).
template <class I>
std::vector<char> off_stencil_nodes(const CsrView<I>& a, index_t width, index_t radius) {
    std::vector<char> special(static_cast<size_t>(a.rows), 0);
    for (index_t r = 0; r < a.rows; ++r) {
        const index_t y = r / width, x = r % width;
        for (I k = a.indptr[r]; k < a.indptr[r + 1]; ++k) {
            const index_t c = a.indices[k];
            const index_t dy = c / width - y, dx = c % width - x;
            if (dy > radius || dy < -radius || dx > radius || dx < -radius) {
                special[r] = 1;
                special[c] = 1;
            }
        }
    }
    return special;
}

}  // namespace sss::spectral
