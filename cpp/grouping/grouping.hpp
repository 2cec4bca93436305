// Grouping of soft components into layers (SPEC §8).
//
// For each component i its alpha-weighted mean feature
//     h_i = Σ_p α_ip f_p / Σ_p α_ip
// (if Σ_p α_ip ≤ 0, the weights max(α_ip, 0) are used instead; a component
// without any positive alpha is an error). The h_i are clustered by seeded
// k-means++ into n_layers groups, and layer j is the sum of the components of
// group j (in increasing component order). With K ≤ n_layers components there
// is nothing to group: the components come back unchanged, as K layers.
// k-means may also return fewer than n_layers groups when several h_i
// coincide (empty groups drop). Groups are numbered in k-means order.
#pragma once
#include <cstdint>
#include <vector>

#include "common/status.hpp"
#include "common/types.hpp"

namespace sss {

// The grouping stage's settings (SPEC §8).
struct GroupingOptions {
    index_t n_layers = 5;     // layers asked for
    int n_init = 10;          // k-means restarts (the lowest distortion wins)
    std::uint64_t seed = 0;   // seed of the k-means++ seeding
};

struct GroupingResult {
    std::vector<double> layers;        // L x N, C-order
    index_t n_layers = 0;              // L
    std::vector<std::int32_t> group;   // (K,) layer of each component
    std::vector<double> means;         // (K, C) the h_i
    SolverStatus status;               // the k-means of the h_i (converged when nothing is grouped)
};

GroupingResult group_components(const double* alpha, index_t K, index_t N, const double* features,
                                index_t C, const GroupingOptions& options);

}  // namespace sss
