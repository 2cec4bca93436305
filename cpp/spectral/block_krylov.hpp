// Thick-restart block Krylov (block Lanczos with full reorthogonalisation)
// for the eigenpairs of largest magnitude of a symmetric operator T, written
// against an operator (Spectra-style): T is applied to a block of vectors at
// once, so a shift-invert T = (A - sigma I)^{-1} makes one pass over the
// Cholesky factor per block instead of one per vector.
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <vector>

#include "common/types.hpp"

namespace sss::spectral {

// Applies T in place to k column vectors: x is n x k column-major, leading dim ld.
using BlockOperator = std::function<void(double* x, index_t k, index_t ld)>;

// Decides which Ritz pairs must converge before stopping. Gets the Ritz
// values theta (by decreasing magnitude) and returns how many of the leading ones must
// have converged (0: all `nev`).
using WantedCount = std::function<index_t(const Eigen::VectorXd& theta)>;

// The Gram matrix (A w)^T (A w) (b x b) of A = T^{-1} applied to a block w
// (n x b, leading dim ld), formed without holding A w whole. With it, the
// residual of a Ritz pair in A itself follows exactly from the Krylov
// decomposition.
using InverseGram = std::function<Eigen::MatrixXd(const double* w, index_t b, index_t ld)>;

struct BlockKrylovOptions {
    index_t nev = 110;          // Ritz pairs returned
    index_t block = 32;         // block size
    index_t max_basis = 0;      // 0: nev + 3 * block
    double tol = 1e-10;         // converged when ||T x - theta x|| <= tol * theta
    // With inverse_gram: converged instead when ||A x - x / theta|| <= residual_tol,
    // A = T^{-1}. T x - theta x = w s (w the newest block) gives
    // ||A x - x / theta|| = ||A w s|| / |theta| = sqrt(s^T G s) / |theta|, G = (A w)^T (A w):
    // the true residual, not a bound on it.
    InverseGram inverse_gram;
    double residual_tol = 0.0;
    // Store the basis in float (half the memory and traffic of the largest
    // buffer; projections, Rayleigh-Ritz and the Ritz vectors stay double).
    bool float_basis = false;
    // Called once the Ritz vectors are about to be formed (the caller can
    // free the operator's memory first: a float basis needs a new n x nev
    // double buffer for them).
    std::function<void()> before_vectors;
    // Given the nev Ritz values, the pairs whose vectors to form, in output
    // order (empty or unset: all nev).
    std::function<std::vector<index_t>(const Eigen::VectorXd& theta)> select;

    index_t max_restarts = 100;
    std::uint64_t seed = 0x5EED5EEDull;
};

struct BlockKrylovResult {
    Eigen::VectorXd theta;      // nev Ritz values, by decreasing magnitude
    std::vector<index_t> selected;  // the pairs formed as vectors (indices into theta)
    std::vector<double> vectors;    // n x selected.size(), column-major: their Ritz vectors
    Eigen::VectorXd residuals;  // ||T x - theta x|| per pair
    index_t n_applied = 0;      // vectors T was applied to
    index_t n_restarts = 0;
    bool converged = false;
    std::vector<double> history;  // per convergence test: worst residual / tolerance
    // Seconds in the basis work (the operator's own time is the caller's):
    double time_orthogonalise = 0.0;  // projecting each new block out and orthonormalising it
    double time_check = 0.0;          // Rayleigh-Ritz and convergence tests
    double time_restart = 0.0;        // forming the kept Ritz vectors at restarts
    double time_vectors = 0.0;        // forming the returned Ritz vectors
};

BlockKrylovResult block_krylov_largest(index_t n, const BlockOperator& op,
                                       const BlockKrylovOptions& opt,
                                       const WantedCount& wanted = nullptr);

}  // namespace sss::spectral
