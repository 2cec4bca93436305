// Seeded k-means (k-means++ seeding, Lloyd iterations), deterministic.
//
// Used twice in SPEC: the K₀ = 40 initial clusters of the N x 3 per-pixel
// features (§7.1, N up to a few million) and the grouping of the component
// mean features into n_layers groups (§8).
//
// Determinism: the random numbers come from our own xoshiro256** seeded by
// splitmix64 (never std:: distributions, whose output differs across
// standard libraries); every sum over points is done in fixed blocks of
// kKMeansBlock points combined in block order, so the result is bit-identical
// for any thread count. Ties in the assignment go to the lowest centre index.
#pragma once
#include <cstdint>
#include <vector>

#include "common/status.hpp"
#include "common/types.hpp"

namespace sss {

struct KMeansOptions {
    index_t n_clusters = 8;  // k (at most this many come out)
    int n_init = 3;          // restarts; the lowest distortion wins (first on ties)
    int max_iter = 100;      // Lloyd iterations per restart
    // Stop a restart when no label changes, or when the distortion decreased by
    // at most tol * distortion in one Lloyd iteration.
    double tol = 1e-4;
    std::uint64_t seed = 0;
};

struct KMeansResult {
    std::vector<std::int32_t> labels;  // (n,), consecutive 0 .. k-1
    std::vector<double> centers;       // (k, d) C-order
    index_t k = 0;                     // clusters actually used (empty ones drop)
    double distortion = 0.0;           // sum of squared distances to the centres
    int iterations = 0;                // Lloyd iterations of the winning restart
    // iterations as above; residual: the distortion; max_iterations when the
    // winning restart stopped at max_iter.
    SolverStatus status;
};

// Clusters the n points X (n x d, C-order). Fewer than n_clusters clusters
// come out when there are fewer distinct points, or when a cluster empties
// during Lloyd (it is dropped and the labels renumbered consecutively, in the
// order of the surviving centres).
KMeansResult kmeans(const double* X, index_t n, index_t d, const KMeansOptions& options);

}  // namespace sss
