// Constrained sparsification (SPEC §7): IRLS for sparse soft components that
// lie in the span of the eigenvectors and sum to one at every pixel.
//
// Unknowns: y_k (M-vectors) for k < K-1 (0-based; the last component is K-1),
//     α_k = E y_k (k < K-1),   α_{K-1} = 1 − Σ_{k<K-1} α_k.
// Each iteration, with e1 = w1^γ max(|α−1|, τ)^(γ−2), e0 = w0^γ max(|α|, τ)^(γ−2)
// from the current α:
//     A_k = Eᵀ diag(e1_k + e0_k) E + Λ,   b_k = Eᵀ e1_k (k < K-1),  b_{K-1} = Eᵀ e0_{K-1},
//     (blockdiag(A_0 .. A_{K-2}) + 𝟙𝟙ᵀ ⊗ A_{K-1}) y = [b_0; …; b_{K-2}] + 𝟙 ⊗ b_{K-1},
// solved exactly by a Schur complement (solve_block_arrow).
//
// Pruning (SPEC step 5, taken literally): after each 1-based iteration listed
// in prune_after, every component whose max |α| ≤ prune_threshold is removed,
// including possibly the last one. The survivors keep their α and their order
// (the pruned mass is simply gone, so the sums are not re-normalised); the
// last survivor becomes the dependent component, and the next solve re-derives
// it as 1 − Σ of the others. If every component would go, the one with the
// largest max |α| is kept. With one component left, α = 1.
//
// Energy recorded per iteration (after its α update, before pruning):
//     Σ_k Σ_p w1^γ |α_kp − 1|^γ + w0^γ |α_kp|^γ  +  Σ_{k<K-1} y_kᵀ Λ y_k + sᵀ Λ s,
// with s = Σ_{k<K-1} y_k (the Laplacian term Σ_k α_kᵀ L α_k, using L·1 = 0).
#pragma once
#include <cstdint>
#include <vector>

#include "common/status.hpp"
#include "common/types.hpp"

namespace sss {

// How each IRLS step's (K−1)·M system is solved. Both solve the same system
// (SPEC §7.3); they differ only by rounding and the PCG tolerance.
//  exact: form all K Grams Eᵀ diag(w_k) E every iteration (K·N·M² flops) and
//         solve directly (solve_block_arrow).
//  pcg:   matrix-free preconditioned CG. The operator is applied as
//         Eᵀ (W ∘ (E [Y, Σ Y])) (≈ 4·N·M·K flops, no Gram), warm-started from
//         the previous iterate. Preconditioner: the exact block-arrow solve
//         with Grams of reference weights w̃, kept within a factor
//         precond_ratio of the current weights by incremental rank updates
//         (update_grams) of only the pixels whose weight moved further.
//         Iterates until ‖c − H y‖ ≤ min(pcg_tolerance · ‖c‖, 0.01 · ‖r₀‖),
//         r₀ the warm start's residual (so that a step is never skipped).
enum class ConstrainedSolver { exact, pcg };

struct ConstrainedOptions {
    index_t iterations = 40;         // IRLS iterations
    double gamma = 0.8;              // sparsity exponent γ
    double w0 = 0.3;                 // weight of |α|^γ
    double w1 = 0.3;                 // weight of |1 − α|^γ
    double floor = 1e-10;            // τ inside the weights
    double prune_threshold = 0.1;    // drop components with max |α| ≤ this
    std::vector<index_t> prune_after{11, 21, 31};  // 1-based iterations
    ConstrainedSolver solver = ConstrainedSolver::pcg;
    double pcg_tolerance = 1e-10;    // relative residual of each IRLS solve (pcg)
    double precond_ratio = 2.0;      // w̃ kept within this factor of w (pcg)
    index_t pcg_max_iter = 60;       // then the preconditioner is rebuilt exactly
};

struct ConstrainedResult {
    std::vector<double> alpha;                // K x N, C-order
    index_t n_components = 0;                 // K at the end
    std::vector<double> energy;               // per iteration
    std::vector<index_t> components_per_iter; // K used in each iteration
    std::vector<index_t> pcg_iterations;      // per iteration (pcg; 0 for exact)
    std::vector<double> gram_work;            // per iteration: Gram pixel updates / (K·N)
    // The IRLS steps' solves together: iterations = IRLS iterations run,
    // residual = the largest ‖c − H y‖/‖c‖ a step stopped at (pcg), and
    // max_iterations when a step's CG stopped above its target after the
    // exact preconditioner rebuild (the best iterate is kept).
    SolverStatus status;
};

// E: M x N (each eigenvector contiguous), eigvals: M, init_labels: N values
// (any integers >= 0; components are the labels present, in increasing label
// order: empty clusters drop).
ConstrainedResult constrained_sparsify(const double* E, index_t M, index_t N, const double* eigvals,
                                       const std::int32_t* init_labels,
                                       const ConstrainedOptions& params);

// The pixel subsample of an H x W grid that constrained_sparsify_grid uses:
// every stride-th row and column, starting at (stride - 1) / 2 so that the
// sample is centred. Pixel indices p = y * W + x, row-major over the sample.
std::vector<index_t> grid_sample(index_t height, index_t width, index_t stride);
// grid_sample(height, width, stride).size(), without forming the indices.
index_t grid_sample_count(index_t height, index_t width, index_t stride);

// Constrained sparsification on a pixel subsample (a departure from SPEC §7,
// for speed). The unknowns live in the eigenbasis (M per component) and the
// objective is a sum over pixels, so the IRLS runs on the pixels of
// grid_sample(height, width, stride) only, with the eigenvalues scaled by
// N_s / N (the Laplacian term keeps its weight against the sparsity sum over
// N_s pixels). The components are then lifted to every pixel through their
// coefficients: y_k = (E_s E_sᵀ)⁻¹ E_s α_k on the sample (exactly the IRLS's
// y_k), α_k = E y_k for k < K-1 and α_{K-1} = 1 − Σ the others.
// sample_labels: one initial label per sampled pixel (same order as
// grid_sample). stride 1 is constrained_sparsify itself (same bits).
// energy, components_per_iter, pcg_iterations and gram_work describe the
// subsampled run; alpha is K x N over every pixel.
ConstrainedResult constrained_sparsify_grid(const double* E, index_t M, index_t height,
                                            index_t width, const double* eigvals,
                                            const std::int32_t* sample_labels, index_t stride,
                                            const ConstrainedOptions& params);

// Exact solve of (blockdiag(A_0..A_{K-2}) + 𝟙𝟙ᵀ ⊗ A_{K-1}) y = [b_0..b_{K-2}] + 𝟙 ⊗ b_{K-1}
// for symmetric positive definite A_k (K x M x M) and b (K x M); y is
// (K-1) x M. Schur complement on the sum s = Σ y_k: with t = A_{K-1} s,
//     (A_{K-1}⁻¹ + Σ_k A_k⁻¹) t = Σ_k A_k⁻¹ (b_k + b_{K-1}),  y_k = A_k⁻¹ (b_k + b_{K-1} − t),
// O(K M³) with one Cholesky factor per block (LDLᵀ where Cholesky fails).
// Throws NumericalError if a block is singular.
void solve_block_arrow(const double* A, const double* b, index_t K, index_t M, double* y);

}  // namespace sss
