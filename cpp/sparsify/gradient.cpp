#include "sparsify/gradient.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/errors.hpp"
#include "common/parallel.hpp"

namespace sss {
namespace {

constexpr index_t kRadius = 6;

// Entry i of the convolution of line[0], line[stride], ..., line[(len-1)*stride]
// with `taps`, edge-replicate padding.
inline double conv_at(const double* line, index_t len, index_t stride, index_t i,
                      const std::array<double, 13>& taps) {
    double s = 0.0;
    for (index_t j = 0; j < 13; ++j) {
        index_t t = i + kRadius - j;
        t = t < 0 ? 0 : (t >= len ? len - 1 : t);
        s += taps[static_cast<std::size_t>(j)] * line[t * stride];
    }
    return s;
}

}  // namespace

void gradient_magnitude(const ImageView<double>& image, double* out) {
    require(image.data != nullptr || image.pixels() == 0, "image has no data");
    require(image.height >= 1 && image.width >= 1 && image.channels >= 1,
            "image must be at least 1x1 with one channel");
    const index_t h = image.height, w = image.width, nc = image.channels, n = h * w;
    // Per channel: along x, the derivative (for ∂x) and the prefilter (for ∂y).
    std::vector<double> tx_d(static_cast<std::size_t>(n)), tx_k(static_cast<std::size_t>(n));
    std::vector<double> sum_sq(static_cast<std::size_t>(n), 0.0);
    for (index_t c = 0; c < nc; ++c) {
        parallel_for(0, h, [&](index_t y) {
            const double* line = image.data + y * w * nc + c;
            for (index_t x = 0; x < w; ++x) {
                tx_d[static_cast<std::size_t>(y * w + x)] =
                    conv_at(line, w, nc, x, kFaridDerivative);
                tx_k[static_cast<std::size_t>(y * w + x)] =
                    conv_at(line, w, nc, x, kFaridPrefilter);
            }
        });
        // Along y: prefilter the x-derivative, differentiate the x-prefiltered.
        parallel_for(0, h, [&](index_t y) {
            for (index_t x = 0; x < w; ++x) {
                const double gx = conv_at(tx_d.data() + x, h, w, y, kFaridPrefilter);
                const double gy = conv_at(tx_k.data() + x, h, w, y, kFaridDerivative);
                sum_sq[static_cast<std::size_t>(y * w + x)] += gx * gx + gy * gy;
            }
        });
    }
    parallel_for(0, h, [&](index_t y) {
        for (index_t x = 0; x < w; ++x)
            out[y * w + x] = std::sqrt(sum_sq[static_cast<std::size_t>(y * w + x)]);
    });
}

void sparsity_exponent(const ImageView<double>& image, double base, double cap, double* out) {
    require(std::isfinite(base) && std::isfinite(cap) && cap >= 0.0,
            "sparsity exponent: base must be finite and cap >= 0");
    gradient_magnitude(image, out);
    const index_t n = image.pixels();
    parallel_for(0, image.height, [&](index_t y) {
        for (index_t i = y * image.width; i < std::min(n, (y + 1) * image.width); ++i)
            out[i] = base + std::min(out[i], cap);
    });
}

}  // namespace sss
