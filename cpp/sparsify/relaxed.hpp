// Relaxed sparsification (SPEC §9): clean-up of the grouped layers, then IRLS
// on E = E_F + λE_C + E_L + E_S with a matrix-free operator and an exact
// per-pixel block preconditioner, then one final pass without sparsity.
//
// The K*N unknowns are stored pixel-interleaved inside the solver
// (a[p*K + k]): one pass over L then serves all K layers with contiguous
// loads, and the per-pixel K x K blocks are contiguous. Inputs and outputs
// are layer-major (K, N) as everywhere else.
#pragma once
#include <cstdint>
#include <vector>

#include "common/types.hpp"
#include "linalg/csr.hpp"
#include "linalg/pcg.hpp"

namespace sss {

struct RelaxedOptions {
    double clean_low = 0.1;       // α̂ below -> 0 (SPEC §9.1)
    double clean_high = 0.9;      // α̂ above -> 1
    double lambda = 100.0;        // weight of the sum-to-one term
    index_t iterations = 20;      // IRLS outer iterations
    double floor = 0.01;          // floor inside the IRLS weights
    double gamma_base = 0.9;      // γ̃ = gamma_base + min(|∇I|, gamma_cap)
    double gamma_cap = 0.1;
    double cg_tolerance = 1e-6;   // relative residual of each PCG solve
    index_t cg_max_iterations = 1000;
};

struct RelaxedResult {
    index_t k = 0;               // K
    std::vector<double> layers;  // (K, N) layer-major, as solved (not clipped)
    // energy[t]: E = E_F + λE_C + E_L + E_S (SPEC §9.3, fidelity to the
    // cleaned â) at the cleaned â (t = 0) and after IRLS solve t (1..T).
    std::vector<double> energy;
    // irls_energy[t]: the energy IRLS provably does not increase (a
    // majorisation-minimisation argument): E_F + λE_C + E_L + Σ (2/γ̃_p) ψ(α)
    // + ψ(1-α), with ψ(x) = |x|^γ̃ for |x| >= floor and the quadratic
    // ψ(x) = γ̃/2 floor^(γ̃-2) x² + (1 - γ̃/2) floor^γ̃ below it.
    std::vector<double> irls_energy;
    double final_energy = 0.0;  // E at the returned layers
    // Per PCG solve: the T IRLS solves, then the final pass (T + 1 entries).
    std::vector<index_t> cg_iterations;
    std::vector<double> cg_residuals;  // true relative residual at exit
    std::vector<int> cg_status;        // PcgStatus as int (0 = converged)
    std::vector<double> cg_seconds;    // wall time of each solve (diagnostics only)
    double seconds = 0.0;              // wall time of the whole stage
    SolverStatus status;               // all T + 1 solves together (first failure, max residual)
};

// SPEC §9.1 on layer-major (K, N) `in` into `out` (may alias): per pixel,
// values < low -> 0, > high -> 1, divided by the pixel's sum. A pixel whose
// thresholded sum is 0 keeps its raw values divided by their sum; if that
// sum is not positive either, the pixel becomes 1/K in every layer.
void clean_initial_layers(const double* in, index_t k, index_t n, double low, double high,
                          double* out);

// Checks that `l` is a square n x n CSR matrix with nondecreasing indptr,
// column indices in range and finite values (InvalidArgument naming `name`).
template <class I>
void check_square_csr(const CsrView<I>& l, index_t n, const char* name);

// The whole stage. `layers` (K, N) layer-major grouped α̂ (not cleaned),
// `l` the N x N Laplacian (symmetric; not checked), `image` H x W x C.
template <class I>
RelaxedResult relaxed_sparsify(const double* layers, index_t k, const CsrView<I>& l,
                               const ImageView<double>& image, const RelaxedOptions& params);

// ---- the solver's pieces, exposed for reuse and tests ---------------------------

// A = I_K ⊗ L + diag(w) + λ (𝟙𝟙ᵀ ⊗ I_N) on pixel-interleaved vectors.
template <class I>
struct RelaxedOperator {
    CsrView<I> l;
    index_t k = 0;
    const double* w = nullptr;  // (N*K) interleaved diagonal weights
    double lambda = 0.0;

    index_t rows() const { return l.rows * k; }
    double apply_dot(const double* x, double* y) const;  // y = A x, returns x.y
    void apply(const double* x, double* y) const { (void)apply_dot(x, y); }
};

// Exact inverse of the per-pixel blocks diag(δ_p) + λ𝟙𝟙ᵀ (Sherman–Morrison):
// z = δ⁻¹∘r − δ⁻¹ (c_p Σ_j δ⁻¹_j r_j), c_p = λ / (1 + λ Σ_j δ⁻¹_j).
struct BlockPreconditioner {
    index_t k = 0;
    const double* inv_delta = nullptr;  // (N*K) 1/δ
    const double* coupling = nullptr;   // (N) c_p
    index_t granularity() const { return k; }
    void apply_range(const double* r, double* z, index_t begin, index_t end) const {
        for (index_t b = begin; b < end; b += k) {
            double s = 0.0;
            for (index_t j = 0; j < k; ++j) s += inv_delta[b + j] * r[b + j];
            const double t = coupling[b / k] * s;
            for (index_t j = 0; j < k; ++j) z[b + j] = inv_delta[b + j] * (r[b + j] - t);
        }
    }
};

}  // namespace sss
