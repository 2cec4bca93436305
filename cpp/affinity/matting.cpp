#include "affinity/matting.hpp"

#include <algorithm>

#include "common/errors.hpp"

#if defined(__GNUC__) || defined(__clang__)
#define SSS_RESTRICT __restrict__
#elif defined(_MSC_VER)
#define SSS_RESTRICT __restrict
#else
#define SSS_RESTRICT
#endif

namespace sss {

namespace {
// Scratch layout (each array n long): d / w [9 pixels][3 channels] = 27,
// u = w / D [27], G + eps (6), LDL^T factors (l10, l20, l21, r0, r1, r2), mean (3).
constexpr int kW = 0, kU = 27, kG = 54, kF = 60, kMu = 66, kTmpArrays = 69;
constexpr index_t kChunk = 32;  // 69 arrays x 32 doubles = 17.6 KiB
}  // namespace

MattingRowAccumulator::MattingRowAccumulator(const ImageView<double>& img, double eps)
    : img_(img), eps_(eps), h_(img.height), w_(img.width), n_(img.width - 2) {
    require(img.channels == 3, "matting affinity: image must have 3 channels");
    require(h_ >= 3 && w_ >= 3, "matting affinity: image must be at least 3x3");
    require(eps > 0.0, "matting affinity: eps must be > 0");
    planar_.assign(static_cast<std::size_t>(9 * w_), 0.0);
    tmp_.assign(static_cast<std::size_t>(kTmpArrays * kChunk), 0.0);
    acc_.assign(static_cast<std::size_t>(3 * kStencil * w_), 0.0);
}

void MattingRowAccumulator::zero_row(index_t y) {
    if (y < 0 || y >= h_) return;
    std::fill_n(plane(y, 0), kStencil * w_, 0.0);
}

void MattingRowAccumulator::begin(index_t y0) {
    require(y0 >= 0 && y0 < h_, "matting affinity: row out of range");
    next_window_ = std::max<index_t>(1, y0 - 1);
    zero_row(next_window_ - 1);
    zero_row(next_window_);
}

const double* MattingRowAccumulator::row(index_t y) {
    const index_t last = std::min(y + 1, h_ - 2);
    while (next_window_ <= last) process_window_row(next_window_++);
    return plane(y, 0);
}

void MattingRowAccumulator::process_window_row(index_t cy) {
    const index_t n_all = n_, W = w_;
    zero_row(cy + 1);
    // De-interleave image rows cy-1..cy+1 into planes planar[a][c][x].
    for (int a = 0; a < 3; ++a) {
        const double* src = img_.data + (cy - 1 + a) * W * 3;
        double* p0 = planar_.data() + (a * 3 + 0) * W;
        double* p1 = planar_.data() + (a * 3 + 1) * W;
        double* p2 = planar_.data() + (a * 3 + 2) * W;
        for (index_t x = 0; x < W; ++x) {
            p0[x] = src[3 * x];
            p1[x] = src[3 * x + 1];
            p2[x] = src[3 * x + 2];
        }
    }
    // Window columns in chunks small enough for the scratch to stay in L1.
    double* t = tmp_.data();
    for (index_t k0 = 0; k0 < n_all; k0 += kChunk) {
        const index_t n = std::min<index_t>(kChunk, n_all - k0);
        auto arr = [&](int k) { return t + k * kChunk; };
        // Means.
        for (int c = 0; c < 3; ++c) {
            double* SSS_RESTRICT mu = arr(kMu + c);
            for (index_t k = 0; k < n; ++k) mu[k] = 0.0;
            for (int a = 0; a < 3; ++a)
                for (int b = 0; b < 3; ++b) {
                    const double* SSS_RESTRICT p = planar_.data() + (a * 3 + c) * W + b + k0;
                    for (index_t k = 0; k < n; ++k) mu[k] += p[k];
                }
            for (index_t k = 0; k < n; ++k) mu[k] *= (1.0 / 9.0);
        }
        // Centred colours d (stored in the w arrays).
        for (int l = 0; l < 9; ++l)
            for (int c = 0; c < 3; ++c) {
                const double* SSS_RESTRICT p = planar_.data() + ((l / 3) * 3 + c) * W + (l % 3) + k0;
                const double* SSS_RESTRICT mu = arr(kMu + c);
                double* SSS_RESTRICT d = arr(kW + l * 3 + c);
                for (index_t k = 0; k < n; ++k) d[k] = p[k] - mu[k];
            }
        // G + eps Id: g00 g10 g11 g20 g21 g22.
        {
            static const int ci[6] = {0, 1, 1, 2, 2, 2}, cj[6] = {0, 0, 1, 0, 1, 2};
            for (int e = 0; e < 6; ++e) {
                double* SSS_RESTRICT g = arr(kG + e);
                const double init = ci[e] == cj[e] ? eps_ : 0.0;
                for (index_t k = 0; k < n; ++k) g[k] = 0.0;
                for (int l = 0; l < 9; ++l) {
                    const double* SSS_RESTRICT di = arr(kW + l * 3 + ci[e]);
                    const double* SSS_RESTRICT dj = arr(kW + l * 3 + cj[e]);
                    for (index_t k = 0; k < n; ++k) g[k] += di[k] * dj[k];
                }
                for (index_t k = 0; k < n; ++k) g[k] += init;
            }
        }
        // LDL^T. The exact pivots are >= eps; the floor only guards against
        // rounding when eps is far below the colour scale.
        {
            const double floor = 0.5 * eps_;
            const double* SSS_RESTRICT g00 = arr(kG + 0);
            const double* SSS_RESTRICT g10 = arr(kG + 1);
            const double* SSS_RESTRICT g11 = arr(kG + 2);
            const double* SSS_RESTRICT g20 = arr(kG + 3);
            const double* SSS_RESTRICT g21 = arr(kG + 4);
            const double* SSS_RESTRICT g22 = arr(kG + 5);
            double* SSS_RESTRICT l10 = arr(kF + 0);
            double* SSS_RESTRICT l20 = arr(kF + 1);
            double* SSS_RESTRICT l21 = arr(kF + 2);
            double* SSS_RESTRICT r0 = arr(kF + 3);
            double* SSS_RESTRICT r1 = arr(kF + 4);
            double* SSS_RESTRICT r2 = arr(kF + 5);
            for (index_t k = 0; k < n; ++k) {
                const double d0 = std::max(g00[k], floor);
                const double i0 = 1.0 / d0;
                const double a = g10[k] * i0, b = g20[k] * i0;
                const double d1 = std::max(g11[k] - a * g10[k], floor);
                const double i1 = 1.0 / d1;
                const double e = g21[k] - b * g10[k];
                const double c = e * i1;
                const double d2 = std::max(g22[k] - b * g20[k] - c * e, floor);
                l10[k] = a;
                l20[k] = b;
                l21[k] = c;
                r0[k] = i0;
                r1[k] = i1;
                r2[k] = 1.0 / d2;
            }
        }
        // w = L^-1 d (in place), u = D^-1 w.
        {
            const double* SSS_RESTRICT l10 = arr(kF + 0);
            const double* SSS_RESTRICT l20 = arr(kF + 1);
            const double* SSS_RESTRICT l21 = arr(kF + 2);
            const double* SSS_RESTRICT r0 = arr(kF + 3);
            const double* SSS_RESTRICT r1 = arr(kF + 4);
            const double* SSS_RESTRICT r2 = arr(kF + 5);
            for (int l = 0; l < 9; ++l) {
                double* SSS_RESTRICT w0 = arr(kW + l * 3 + 0);
                double* SSS_RESTRICT w1 = arr(kW + l * 3 + 1);
                double* SSS_RESTRICT w2 = arr(kW + l * 3 + 2);
                double* SSS_RESTRICT u0 = arr(kU + l * 3 + 0);
                double* SSS_RESTRICT u1 = arr(kU + l * 3 + 1);
                double* SSS_RESTRICT u2 = arr(kU + l * 3 + 2);
                for (index_t k = 0; k < n; ++k) {
                    const double a = w0[k];
                    const double b = w1[k] - l10[k] * a;
                    const double c = w2[k] - l20[k] * a - l21[k] * b;
                    w1[k] = b;
                    w2[k] = c;
                    u0[k] = a * r0[k];
                    u1[k] = b * r1[k];
                    u2[k] = c * r2[k];
                }
            }
        }
        // Pairs li <= lj: v = 1/9 + u_li . w_lj, added at (li, lj) and (lj, li).
        // Pixel li = (ri, ci) of window column k sits at image (cy - 1 + ri, k + ci).
        for (int li = 0; li < 9; ++li) {
            const int ri = li / 3, ci = li % 3;
            const double* SSS_RESTRICT u0 = arr(kU + li * 3 + 0);
            const double* SSS_RESTRICT u1 = arr(kU + li * 3 + 1);
            const double* SSS_RESTRICT u2 = arr(kU + li * 3 + 2);
            for (int lj = li; lj < 9; ++lj) {
                const int rj = lj / 3, cj = lj % 3;
                const double* SSS_RESTRICT w0 = arr(kW + lj * 3 + 0);
                const double* SSS_RESTRICT w1 = arr(kW + lj * 3 + 1);
                const double* SSS_RESTRICT w2 = arr(kW + lj * 3 + 2);
                const int off_ij = (rj - ri + 2) * 5 + (cj - ci + 2);
                double* SSS_RESTRICT ai = plane(cy - 1 + ri, off_ij) + ci + k0;
                if (li == lj) {
                    for (index_t k = 0; k < n; ++k)
                        ai[k] += (1.0 / 9.0) + (u0[k] * w0[k] + u1[k] * w1[k] + u2[k] * w2[k]);
                } else {
                    double* SSS_RESTRICT aj = plane(cy - 1 + rj, 24 - off_ij) + cj + k0;
                    for (index_t k = 0; k < n; ++k) {
                        const double v =
                            (1.0 / 9.0) + (u0[k] * w0[k] + u1[k] * w1[k] + u2[k] * w2[k]);
                        ai[k] += v;
                        aj[k] += v;
                    }
                }
            }
        }
    }
}

}  // namespace sss
