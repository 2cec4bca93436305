// The region graph over a label map (SPEC §2): centroid pixels, 8-connected
// neighbour pairs and per-region means. `labels` is H x W, values in [0, n)
// (callers pass consecutive labels; every function checks the range).
#pragma once
#include <cstdint>
#include <vector>

#include "common/types.hpp"

namespace sss::superpixels {

// centroids[s] = pixel index y * W + x of (round(mean row), round(mean col))
// of region s, rounded half away from zero (coordinates are >= 0, so half up),
// computed exactly in integers: floor((2 * sum + count) / (2 * count)).
// A region without pixels is refused.
void region_centroids(const std::int32_t* labels, index_t height, index_t width,
                      index_t n_regions, std::int64_t* centroids);

// Pairs (s, t), s < t, of distinct regions holding 8-adjacent pixels, each once,
// sorted lexicographically; flattened as s0, t0, s1, t1, ...
std::vector<std::int64_t> region_neighbours(const std::int32_t* labels, index_t height,
                                            index_t width, index_t n_regions);

// means[s * C + c] = mean of values(y, x, c) over the pixels of region s
// (summed in pixel order, then divided by the count). values is H x W x C.
void region_means(const std::int32_t* labels, const ImageView<double>& values,
                  index_t n_regions, double* means);

}  // namespace sss::superpixels
