// Moments for the PCA step of feature reduction (SPEC §10 step 3).
//
// mean = (1/N) sum_p x_p and cov = (1/N) sum_p (x_p - mean)(x_p - mean)^T of
// N vectors of D doubles (rows of a C-order N x D array). Deterministic for any
// thread count: each block of covariance rows is owned by one work item,
// which sums over fixed row chunks of X in order; the mean is summed the same
// way per column block. No N x D centred copy is made.
#pragma once
#include "common/types.hpp"

namespace sss::features {

// mean: D doubles; cov: D x D doubles (full symmetric matrix, C-order).
void feature_moments(const double* x, index_t n, index_t d, double* mean, double* cov);

}  // namespace sss::features
