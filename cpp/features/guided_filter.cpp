#include "features/guided_filter.hpp"

#include <algorithm>
#include <cstring>

#include "common/errors.hpp"
#include "common/parallel.hpp"

namespace sss::features {
namespace {

// Columns per work item of the vertical pass (independent of the thread count).
constexpr index_t kColumnBlock = 32;
// Feature channels filtered together (bounds the scratch memory to
// N * 4 * kChannelBlock doubles twice).
constexpr index_t kChannelBlock = 8;

// out[i] = sum of in[j] over j in [i - r0, i + r1] clipped to [0, n), for a
// line of n elements of C contiguous channels at stride `stride` (in
// elements). acc holds C doubles.
void line_box_sum(const double* in, double* out, index_t n, index_t stride, index_t C, index_t r0,
                  index_t r1, double* acc) {
    std::fill(acc, acc + C, 0.0);
    const index_t first = std::min(n - 1, r1);
    for (index_t j = 0; j <= first; ++j) {
        const double* v = in + j * stride;
        for (index_t c = 0; c < C; ++c) acc[c] += v[c];
    }
    for (index_t i = 0; i < n; ++i) {
        double* o = out + i * stride;
        for (index_t c = 0; c < C; ++c) o[c] = acc[c];
        const index_t enter = i + 1 + r1, leave = i - r0;
        if (enter < n) {
            const double* v = in + enter * stride;
            for (index_t c = 0; c < C; ++c) acc[c] += v[c];
        }
        if (leave >= 0) {
            const double* v = in + leave * stride;
            for (index_t c = 0; c < C; ++c) acc[c] -= v[c];
        }
    }
}

inline index_t clipped_count(index_t i, index_t n, index_t r0, index_t r1) {
    return std::min(n - 1, i + r1) - std::max<index_t>(0, i - r0) + 1;
}

// Symmetric 3x3 inverse via the adjugate; s = (xx, xy, xz, yy, yz, zz).
inline void inverse_sym3(const double* s, double* inv) {
    const double a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5];
    const double c00 = d * f - e * e, c01 = c * e - b * f, c02 = b * e - c * d;
    const double c11 = a * f - c * c, c12 = b * c - a * e, c22 = a * d - b * b;
    const double det = a * c00 + b * c01 + c * c02;
    const double r = 1.0 / det;
    inv[0] = c00 * r; inv[1] = c01 * r; inv[2] = c02 * r;
    inv[3] = c11 * r; inv[4] = c12 * r; inv[5] = c22 * r;
}

// box_mean with the horizontal pass's H x W x C scratch in `tmp` (grown, never
// shrunk). The guided filter makes nine of these passes over up to 100 MB at
// 640² with 32 channels; a fresh buffer each time was fresh pages, faulted in
// and cleared by the kernel: about half of the filter's time.
void box_mean_into(double* data, index_t H, index_t W, index_t C, index_t k,
                   std::vector<double>& tmp) {
    require(k >= 1, "window must be >= 1");
    const index_t r0 = window_before(k), r1 = window_after(k);
    if (tmp.size() < static_cast<std::size_t>(H * W * C)) tmp.resize(static_cast<std::size_t>(H * W * C));
    // Horizontal pass: data -> tmp, one row per iteration.
    parallel_for(0, H, [&](index_t y) {
        std::vector<double> acc(static_cast<std::size_t>(C));
        line_box_sum(data + y * W * C, tmp.data() + y * W * C, W, C, C, r0, r1, acc.data());
    });
    // Vertical pass: tmp -> data, one block of columns per iteration, rows in
    // order; the running sums of a block live in acc.
    const index_t blocks = (W + kColumnBlock - 1) / kColumnBlock;
    parallel_for(0, blocks, [&](index_t blk) {
        const index_t x0 = blk * kColumnBlock, x1 = std::min(W, x0 + kColumnBlock);
        const index_t len = (x1 - x0) * C;  // contiguous elements of one row
        std::vector<double> acc(static_cast<std::size_t>(len), 0.0);
        const double* src = tmp.data() + x0 * C;
        double* dst = data + x0 * C;
        const index_t row = W * C;
        for (index_t j = 0; j <= std::min(H - 1, r1); ++j)
            for (index_t e = 0; e < len; ++e) acc[e] += src[j * row + e];
        for (index_t y = 0; y < H; ++y) {
            const double ny = static_cast<double>(clipped_count(y, H, r0, r1));
            double* o = dst + y * row;
            for (index_t x = x0; x < x1; ++x) {
                const double inv = 1.0 / (ny * static_cast<double>(clipped_count(x, W, r0, r1)));
                const index_t off = (x - x0) * C;
                for (index_t c = 0; c < C; ++c) o[off + c] = acc[off + c] * inv;
            }
            const index_t enter = y + 1 + r1, leave = y - r0;
            if (enter < H)
                for (index_t e = 0; e < len; ++e) acc[e] += src[enter * row + e];
            if (leave >= 0)
                for (index_t e = 0; e < len; ++e) acc[e] -= src[leave * row + e];
        }
    });
}

}  // namespace

void box_mean(double* data, index_t H, index_t W, index_t C, index_t k) {
    std::vector<double> tmp;
    box_mean_into(data, H, W, C, k, tmp);
}

void guided_filter(const ImageView<double>& guide, const ImageView<double>& src, index_t k,
                   double eps, double* out) {
    require(guide.channels == 3, "guide must have 3 channels");
    require(guide.height == src.height && guide.width == src.width,
            "guide and src must have the same height and width");
    require(k >= 1, "window must be >= 1");
    require(eps > 0, "eps must be > 0");
    reset_interrupt();
    const index_t H = src.height, W = src.width, N = H * W, D = src.channels;
    const double* I = guide.data;

    // One scratch for every box pass, sized for the largest (4 values per
    // channel of a block, or the 9 guide statistics).
    std::vector<double> tmp;
    tmp.reserve(static_cast<std::size_t>(N * std::max<index_t>(9, 4 * std::min(kChannelBlock, D))));
    // Guide statistics: mu (3) and the inverse of Sigma + eps U (6) per pixel.
    std::vector<double> stats(static_cast<std::size_t>(N * 9));
    parallel_for(0, H, [&](index_t y) {
        for (index_t p = y * W; p < (y + 1) * W; ++p) {
            const double r = I[3 * p], g = I[3 * p + 1], b = I[3 * p + 2];
            double* s = stats.data() + 9 * p;
            s[0] = r; s[1] = g; s[2] = b;
            s[3] = r * r; s[4] = r * g; s[5] = r * b; s[6] = g * g; s[7] = g * b; s[8] = b * b;
        }
    });
    box_mean_into(stats.data(), H, W, 9, k, tmp);
    parallel_for(0, H, [&](index_t y) {
        for (index_t p = y * W; p < (y + 1) * W; ++p) {
            double* s = stats.data() + 9 * p;
            const double m0 = s[0], m1 = s[1], m2 = s[2];
            const double sig[6] = {s[3] - m0 * m0 + eps, s[4] - m0 * m1, s[5] - m0 * m2,
                                   s[6] - m1 * m1 + eps, s[7] - m1 * m2, s[8] - m2 * m2 + eps};
            inverse_sym3(sig, s + 3);
        }
    });
    check_interrupt();

    // Feature channels in blocks of B: per channel (p, I_r p, I_g p, I_b p),
    // then (a_r, a_g, a_b, b) in the same slots.
    std::vector<double> buf;
    for (index_t c0 = 0; c0 < D; c0 += kChannelBlock) {
        const index_t B = std::min(kChannelBlock, D - c0), C = 4 * B;
        buf.resize(static_cast<std::size_t>(N * C));
        parallel_for(0, H, [&](index_t y) {
            for (index_t p = y * W; p < (y + 1) * W; ++p) {
                const double* ip = I + 3 * p;
                const double* sp = src.data + p * D + c0;
                double* o = buf.data() + p * C;
                for (index_t c = 0; c < B; ++c) {
                    const double v = sp[c];
                    o[4 * c] = v;
                    o[4 * c + 1] = ip[0] * v;
                    o[4 * c + 2] = ip[1] * v;
                    o[4 * c + 3] = ip[2] * v;
                }
            }
        });
        box_mean_into(buf.data(), H, W, C, k, tmp);
        parallel_for(0, H, [&](index_t y) {
            for (index_t p = y * W; p < (y + 1) * W; ++p) {
                const double* s = stats.data() + 9 * p;
                const double m0 = s[0], m1 = s[1], m2 = s[2];
                const double* inv = s + 3;
                double* o = buf.data() + p * C;
                for (index_t c = 0; c < B; ++c) {
                    double* v = o + 4 * c;
                    const double mp = v[0];
                    const double c_r = v[1] - m0 * mp, c_g = v[2] - m1 * mp, c_b = v[3] - m2 * mp;
                    const double a_r = inv[0] * c_r + inv[1] * c_g + inv[2] * c_b;
                    const double a_g = inv[1] * c_r + inv[3] * c_g + inv[4] * c_b;
                    const double a_b = inv[2] * c_r + inv[4] * c_g + inv[5] * c_b;
                    v[0] = a_r;
                    v[1] = a_g;
                    v[2] = a_b;
                    v[3] = mp - (a_r * m0 + a_g * m1 + a_b * m2);
                }
            }
        });
        box_mean_into(buf.data(), H, W, C, k, tmp);
        parallel_for(0, H, [&](index_t y) {
            for (index_t p = y * W; p < (y + 1) * W; ++p) {
                const double* ip = I + 3 * p;
                const double* v = buf.data() + p * C;
                double* q = out + p * D + c0;
                for (index_t c = 0; c < B; ++c) {
                    const double* a = v + 4 * c;
                    q[c] = a[0] * ip[0] + a[1] * ip[1] + a[2] * ip[2] + a[3];
                }
            }
        });
        check_interrupt();
    }
}

}  // namespace sss::features
