// Batched weighted Gram matrices, the hot kernel of constrained
// sparsification (SPEC §7, step 3):
//
//     out[k] = Eᵀ diag(w_k) E      for k = 0 .. K-1,
//
// with E given as M vectors of length N (M x N, C-order, each vector
// contiguous) and w as K weight vectors (K x N, C-order). out is K x M x M,
// C-order, each matrix full and exactly symmetric.
//
// Self-contained (only Eigen and common/parallel.hpp) so that gram.cpp can be
// compiled several times with different -march flags for runtime dispatch.
//
// Determinism: pixels are cut into a fixed number of slabs that depends on N
// only (never on the thread count); each slab is accumulated by one thread
// and the slabs are summed in slab order, so the result is bit-identical for
// any number of threads.
#pragma once
#include "common/types.hpp"

namespace sss {

// Requires w >= 0 (each product is formed as a symmetric rank-B update of
// sqrt(w_k) .* E, half the flops of a general product); throws InvalidArgument
// on a negative or non-finite weight. Flop count: K * N * M * (M + 1).
// Et (optional): the pixel-major copy of E made by gram_pixel_major; with it
// the pixel blocks are read in place instead of transposed from E on every
// call. The result is the same, bit for bit.
void weighted_grams(const double* E, index_t M, index_t N, const double* w, index_t K,
                    double* out, const double* Et = nullptr);

// Same, with the per-block products formed in float32 (inputs rounded to
// float, each block's product accumulated into double). Faster, less exact:
// relative error ~1e-7 of the matrix scale. Used for benchmarking only.
void weighted_grams_f32(const double* E, index_t M, index_t N, const double* w, index_t K,
                        double* out, const double* Et = nullptr);

// Incremental update of Grams of reference weights wt (the preconditioner of
// the matrix-free IRLS solve): for every k and every pixel p whose current
// weight w[k,p] is not within a factor `ratio` of wt[k,p] (w/wt outside
// [1/ratio, ratio]), adds (w − wt) E_p E_pᵀ to out[k] and sets wt[k,p] = w.
// out (K x M x M) must hold Eᵀ diag(wt_k) E (up to rounding) on entry and holds
// it for the new wt on return. Requires w, wt > 0 and finite (throws
// InvalidArgument otherwise) and ratio >= 1. Each out[k] is accumulated by
// one thread in pixel order, so the result is bit-identical for any thread
// count. Returns the number of (k, p) pairs updated; flops ≈ count · M (M + 1).
// Et as for weighted_grams. With max_updates >= 0, a count above it returns
// at once with wt and out untouched (the caller rebuilds the Grams instead:
// it then needs no pass of its own to count).
index_t update_grams(const double* E, index_t M, index_t N, const double* w, index_t K,
                     double ratio, double* wt, double* out, const double* Et = nullptr,
                     index_t max_updates = -1);

// Pixel-major copy of E for the functions above: pixel p's M values at
// Et + p · gram_padded_rows(M), then zeros up to that length. Et must hold
// gram_padded_rows(M) · N doubles. A caller that builds many Grams from one
// E (the constrained stage: one call per IRLS iteration, and each call used
// to transpose all of E once per thread) makes it once.
index_t gram_padded_rows(index_t M);
void gram_pixel_major(const double* E, index_t M, index_t N, double* Et);

}  // namespace sss
