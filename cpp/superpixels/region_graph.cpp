#include "superpixels/region_graph.hpp"

#include <algorithm>
#include <string>

#include "common/errors.hpp"
#include "common/parallel.hpp"

namespace sss::superpixels {
namespace {

// Pixel counts per region; throws if a label is out of [0, n) or a region is empty.
std::vector<index_t> region_counts(const std::int32_t* labels, index_t n_pixels,
                                   index_t n_regions) {
    require(n_regions >= 1, "n_regions must be >= 1");
    std::vector<index_t> count(static_cast<std::size_t>(n_regions), 0);
    for (index_t p = 0; p < n_pixels; ++p) {
        const std::int32_t l = labels[p];
        if (l < 0 || l >= n_regions)
            throw InvalidArgument("labels must lie in [0, n_regions); found " + std::to_string(l));
        ++count[l];
    }
    for (index_t s = 0; s < n_regions; ++s)
        if (count[s] == 0)
            throw InvalidArgument("labels must be consecutive: region " + std::to_string(s) +
                                  " has no pixels");
    return count;
}

}  // namespace

void region_centroids(const std::int32_t* labels, index_t height, index_t width,
                      index_t n_regions, std::int64_t* centroids) {
    const std::vector<index_t> count = region_counts(labels, height * width, n_regions);
    std::vector<index_t> sy(static_cast<std::size_t>(n_regions), 0), sx(sy);
    for (index_t y = 0; y < height; ++y)
        for (index_t x = 0; x < width; ++x) {
            const std::int32_t l = labels[y * width + x];
            sy[l] += y;
            sx[l] += x;
        }
    for (index_t s = 0; s < n_regions; ++s) {
        const index_t c = count[s];
        const index_t cy = (2 * sy[s] + c) / (2 * c);
        const index_t cx = (2 * sx[s] + c) / (2 * c);
        centroids[s] = cy * width + cx;
    }
}

std::vector<std::int64_t> region_neighbours(const std::int32_t* labels, index_t height,
                                            index_t width, index_t n_regions) {
    region_counts(labels, height * width, n_regions);
    const index_t h = height, w = width;
    // Per region s, the regions t > s it touches (few, so a linear search).
    std::vector<std::vector<std::int32_t>> adj(static_cast<std::size_t>(n_regions));
    auto link = [&](std::int32_t a, std::int32_t b) {
        if (a == b) return;
        if (a > b) std::swap(a, b);
        auto& v = adj[a];
        if (std::find(v.begin(), v.end(), b) == v.end()) v.push_back(b);
    };
    for (index_t y = 0; y < h; ++y) {
        const std::int32_t* row = labels + y * w;
        const std::int32_t* below = y + 1 < h ? row + w : nullptr;
        for (index_t x = 0; x < w; ++x) {
            const std::int32_t a = row[x];
            if (x + 1 < w) link(a, row[x + 1]);
            if (below) {
                if (x > 0) link(a, below[x - 1]);
                link(a, below[x]);
                if (x + 1 < w) link(a, below[x + 1]);
            }
        }
    }
    std::vector<std::int64_t> out;
    for (index_t s = 0; s < n_regions; ++s) {
        auto& v = adj[s];
        std::sort(v.begin(), v.end());
        for (const std::int32_t t : v) {
            out.push_back(s);
            out.push_back(t);
        }
    }
    return out;
}

void region_means(const std::int32_t* labels, const ImageView<double>& values,
                  index_t n_regions, double* means) {
    const index_t n = values.pixels(), nc = values.channels;
    const std::vector<index_t> count = region_counts(labels, n, n_regions);
    // Each channel is owned by one iteration and summed in pixel order, so the
    // result does not depend on the thread count.
    parallel_for(0, nc, [&](index_t c) {
        std::vector<double> sum(static_cast<std::size_t>(n_regions), 0.0);
        const double* v = values.data + c;
        for (index_t p = 0; p < n; ++p) sum[labels[p]] += v[p * nc];
        for (index_t s = 0; s < n_regions; ++s)
            means[s * nc + c] = sum[s] / static_cast<double>(count[s]);
    });
}

}  // namespace sss::superpixels
