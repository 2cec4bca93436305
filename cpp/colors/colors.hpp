// Layer colours for compositing (SPEC §12, closed-form colour estimation of
// Levin et al.): per layer i an image F_i with Σ_i α_ip F_ip ≈ I_p, smooth
// where α_i is smooth. Per channel the colours minimise
//
//   Σ_p (Σ_i α_ip F_ip − I_p)²                                   (data)
//   + Σ_i Σ_{p~q} (|α_ip − α_iq| + ε_c)(F_ip − F_iq)²            (smoothness)
//   + Σ_i Σ_p δ (1 − α_ip)² (F_ip − I_p)²                         (prior, δ ≥ 0)
//
// over 4-neighbour pairs p~q. The prior is off in SPEC §12 (δ = 0); a small
// δ makes the system definite even for an empty layer (α_i ≡ 0) and bounds
// the condition number in large regions where a layer is absent, where only
// the ε_c smoothness would otherwise determine F_i (a diffusion that PCG
// resolves slowly). Since F = I is a perfect reconstruction the prior never
// worsens Σ α F ≈ I.
//
// The normal equations A F = b are solved matrix-free by PCG (linalg/pcg.hpp),
// all C channels in one stacked system (the same A for every channel; one
// pass over α and the edge weights serves all channels). Unknowns are
// interleaved x[(p*K + i)*C + c] so a pixel's K x C block is contiguous. The
// preconditioner is the exact inverse of the per-pixel K x K block
// α_p α_pᵀ + diag(d_p) (d = smoothness degree + prior weight), applied by
// Sherman–Morrison in O(K) per pixel and channel.
#pragma once
#include <vector>

#include "common/types.hpp"
#include "linalg/pcg.hpp"

namespace sss {

struct ColorOptions {
    double epsilon = 1e-2;         // ε_c, floor of the smoothness weights
    double prior = 1e-3;           // δ, weight pulling F_i towards I where α_i ≈ 0 (SPEC: 0)
    double tolerance = 1e-6;       // PCG relative residual ‖b − A x‖/‖b‖ (all channels)
    index_t max_iterations = 2000; // PCG iteration cap
    bool clip = true;              // clip the colours to [0, 1] after the solve
};

struct ColorResult {
    std::vector<double> colors;  // (K, N, C) layer-major: K x H x W x C
    index_t k = 0, height = 0, width = 0, channels = 0;
    SolverStatus status;  // the PCG solve's
    double seconds = 0.0;
};

// The system's operator on interleaved vectors (see the file comment).
struct ColorOperator {
    index_t height = 0, width = 0, k = 0, channels = 0;
    const double* alpha = nullptr;   // N*K interleaved α
    const double* wx = nullptr;      // N*K: weight of edge (p, p+1); 0 in the last column
    const double* wy = nullptr;      // N*K: weight of edge (p, p+W); 0 in the last row
    const double* diag = nullptr;    // N*K: Σ of the pixel's edge weights + prior weight

    index_t rows() const { return height * width * k * channels; }
    double apply_dot(const double* x, double* y) const;  // y = A x, returns x.y
    void apply(const double* x, double* y) const { (void)apply_dot(x, y); }
};

// Exact inverse of the per-pixel blocks α_p α_pᵀ + diag(d_p), by Sherman–Morrison.
struct ColorBlockPreconditioner {
    index_t k = 0, channels = 0;
    const double* alpha = nullptr;     // N*K interleaved α
    const double* inv_diag = nullptr;  // N*K: 1 / d
    const double* scale = nullptr;     // N: 1 / (1 + Σ_i α_i² / d_i)

    index_t granularity() const { return k * channels; }
    void apply_range(const double* r, double* z, index_t begin, index_t end) const;
    void apply(const double* r, double* z, index_t n) const { apply_range(r, z, 0, n); }
};

// The arrays behind the operator and preconditioner for (K, N) layer-major
// `layers` on an H x W grid.
struct ColorSystem {
    index_t height = 0, width = 0, k = 0;
    std::vector<double> alpha, wx, wy, diag, inv_diag, scale, prior;  // prior: N*K δ(1−α)²
    ColorSystem(const double* layers, index_t k, index_t height, index_t width,
                double epsilon, double prior_weight);
    ColorOperator op(index_t channels) const;
    ColorBlockPreconditioner preconditioner(index_t channels) const;
};

// The whole stage: `image` H x W x C, `layers` (K, N) layer-major, N = H*W.
ColorResult layer_colors(const ImageView<double>& image, const double* layers, index_t k,
                         const ColorOptions& params);

}  // namespace sss
