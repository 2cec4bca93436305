// The eigenvectors of the Laplacian closest to zero (SPEC §6).
//
// Shift-invert around a shift sigma below the spectrum: L - sigma I is
// factorised once by the supernodal Cholesky (nested-dissection order on the
// pixel grid, superpixel centroids last), with sigma lowered adaptively
// until the factorisation succeeds. The largest eigenvalues theta of
// (L - sigma I)^{-1} give lambda = sigma + 1/theta; the n_wanted values
// closest to zero are selected from the computed ones, and the selection is
// checked to be complete.
//
// Two Krylov drivers over the same factor:
//   Method::Block   - thick-restart block Krylov (block solves, BLAS-3); default
//   Method::Lanczos - Spectra's SymEigsShiftSolver (implicitly restarted Lanczos)
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.hpp"
#include "common/types.hpp"
#include "linalg/csr.hpp"

namespace sss::spectral {

// The Krylov driver. A driver is one branch of smallest_magnitude_eigs
// (eigs.cpp); adding one is a value here, with its name in kMethodNames (the
// Python layer and sss_fast.Params take the names from the binding), and its
// branch in eigs.cpp.
enum class Method { Block, Lanczos };
inline constexpr std::pair<const char*, Method> kMethodNames[] = {
    {"block", Method::Block},
    {"lanczos", Method::Lanczos},
};

struct EigsOptions {
    index_t n_wanted = 100;
    index_t extra = 10;          // computed beyond n_wanted (closest-to-zero selection)
    Method method = Method::Block;
    index_t block = 16;
    index_t max_basis = 0;       // 0: n_wanted + extra + 4 * block (memory: one N-vector each)
    double tol = 1e-8;           // Krylov tolerance on ||Tx - theta x|| / theta
    // > 0 (block method): stop instead when every wanted pair's true residual
    // ||L x - lambda x|| / ||L||_1, computed exactly from the Krylov
    // decomposition at each restart, is at most this (tol is then unused).
    double residual_tol = 0.0;
    // Block method: keep the Krylov basis in float (half its memory and
    // traffic; all arithmetic stays double). Rounding enters as eps_float /
    // sqrt(n): sss_fast.Params(eig_basis="auto") sets it from 256².
    bool float_basis = false;
    double shift = 0.0;          // 0: automatic
    // Automatic mode first factorises at indefinite_shift with an indefinite
    // L D L^T root (special nodes), so the shift sits next to zero, inside the
    // spectrum; if that fails it falls back to Cholesky below the spectrum,
    // from initial_shift, lowered 4x per failed factorisation.
    double indefinite_shift = -1e-6;
    double initial_shift = -5e-4;
    // Nodes to order last (superpixel centroids); empty: detected as the
    // nodes with entries off the 25-point stencil.
    std::vector<index_t> special;
    int max_shift_tries = 10;
    index_t max_restarts = 200;
    std::uint64_t seed = 0x5EEDull;
};

struct EigsResult {
    Eigen::VectorXd values;                  // ascending
    std::vector<double> vectors;             // n_wanted x n, row-major (each vector contiguous)
    Eigen::VectorXd residuals;               // ||L x - lambda x|| / ||L||_1
    double shift = 0.0;
    int shift_tries = 0;
    bool indefinite = false;                 // factorised with an L D L^T root
    index_t below_shift = -1;                // eigenvalues below the shift (inertia), if known
    index_t factor_nonzeros = 0;
    double factor_flops = 0.0;
    index_t n_special = 0;
    index_t n_applied = 0;                   // vectors the inverse was applied to
    index_t n_restarts = 0;
    bool converged = false;
    std::vector<double> history;             // block method: worst residual / tolerance per test
    bool complete = true;                    // selection provably holds the closest to zero
    double time_factor = 0.0, time_solve = 0.0;
    double time_apply = 0.0;  // part of time_solve spent in factor solves (block method)
    // Block method, parts of time_solve: orthogonalising new blocks, Rayleigh-Ritz
    // and convergence tests, restarts, forming the Ritz vectors, true residuals.
    double time_orthogonalise = 0.0, time_check = 0.0, time_restart = 0.0, time_vectors = 0.0;
    double time_residuals = 0.0;
    std::string message;

    // The common solver status: Krylov restarts, the largest relative residual.
    SolverStatus status() const {
        SolverStatus s;
        s.status = converged ? SolveStatus::converged : SolveStatus::max_iterations;
        s.iterations = n_restarts;
        s.residual = residuals.size() ? residuals.maxCoeff() : 0.0;
        return s;
    }
};

template <class I>
EigsResult smallest_magnitude_eigs(const CsrView<I>& l, index_t height, index_t width,
                                   const EigsOptions& opt);

}  // namespace sss::spectral
