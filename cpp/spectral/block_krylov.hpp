// Thick-restart block Krylov (block Lanczos with full reorthogonalisation)
// for the eigenpairs of largest magnitude of a symmetric operator T, written
// against an operator (Spectra-style): T is applied to a block of vectors at
// once, so a shift-invert T = (A - sigma I)^{-1} makes one pass over the
// Cholesky factor per block instead of one per vector.
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <functional>

#include "common/types.hpp"

namespace sss::spectral {

// Applies T in place to k column vectors: x is n x k column-major, leading dim ld.
using BlockOperator = std::function<void(double* x, index_t k, index_t ld)>;

// Decides which Ritz pairs must converge before stopping. Gets the Ritz
// values theta (by decreasing magnitude) and returns how many of the leading ones must
// have converged (0: all `nev`).
using WantedCount = std::function<index_t(const Eigen::VectorXd& theta)>;

// Applies A = T^{-1} to a block: aw (n x b, leading dim n) = A w (leading dim
// ld). With it, the residual of a Ritz pair in A itself follows exactly from
// the Krylov decomposition.
using InverseOperator = std::function<void(const double* w, index_t b, index_t ld, double* aw)>;

struct BlockKrylovOptions {
    index_t nev = 110;          // Ritz pairs returned
    index_t block = 32;         // block size
    index_t max_basis = 0;      // 0: nev + 3 * block
    double tol = 1e-10;         // converged when ||T x - theta x|| <= tol * theta
    // With inverse_op: converged instead when ||A x - x / theta|| <= residual_tol,
    // A = T^{-1}. T x - theta x = w s (w the newest block) gives
    // ||A x - x / theta|| = ||A w s|| / |theta| = sqrt(s^T G s) / |theta|, G = (A w)^T (A w):
    // the true residual, not a bound on it.
    InverseOperator inverse_op;
    double residual_tol = 0.0;
    index_t max_restarts = 100;
    std::uint64_t seed = 0x5EED5EEDull;
};

struct BlockKrylovResult {
    Eigen::VectorXd theta;      // nev Ritz values, by decreasing magnitude
    Eigen::MatrixXd vectors;    // n x (>= nev): the first nev columns are the Ritz vectors
    Eigen::VectorXd residuals;  // ||T x - theta x|| per pair
    index_t n_applied = 0;      // vectors T was applied to
    index_t n_restarts = 0;
    bool converged = false;
};

BlockKrylovResult block_krylov_largest(index_t n, const BlockOperator& op,
                                       const BlockKrylovOptions& opt,
                                       const WantedCount& wanted = nullptr);

}  // namespace sss::spectral
