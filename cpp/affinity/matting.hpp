// Matting affinity W_L (SPEC §1, Levin et al. closed-form matting), 3x3 windows.
//
// For a window k with centred colours d_i = I_i - mu_k (i = 0..8) and
// G_k = sum_i d_i d_i^T, the SPEC's entry (1 + d_i^T (Sigma_k + eps/9 Id)^-1 d_j) / 9
// equals 1/9 + d_i^T (G_k + eps Id)^-1 d_j. We factor G_k + eps Id = L D L^T in
// closed form (no sqrt, three divisions) and evaluate 1/9 + sum_c w_ic w_jc / D_c
// with w = L^-1 d. Why not the adjugate ("cofactor") inverse: on windows that
// straddle an edge Sigma is nearly rank one and the cofactors cancel
// catastrophically (relative errors up to 4e-2 on grey edges, 3e-6 on the docia
// photo); the LDL^T route stays within ~1e-12 of an extended-precision result.
//
// MattingRowAccumulator produces W_L one image row at a time, as 25 planes
// acc[off][x], off = (dy + 2) * 5 + (dx + 2) for the neighbour (y + dy, x + dx).
// Windows are processed one window row at a time, vectorised over the window
// column; each unordered pair (i, j) of a window is evaluated once and added to
// both (i, j) and (j, i), and every entry accumulates its windows in the same
// order from both sides, so W_L comes out exactly symmetric and independent of
// how rows are split between threads.
#pragma once
#include <vector>

#include "common/types.hpp"

namespace sss {

class MattingRowAccumulator {
public:
    // img: H x W x 3, H, W >= 3. eps > 0.
    MattingRowAccumulator(const ImageView<double>& img, double eps);

    // Call once, then row(y) for y = y0, y0 + 1, ... in order.
    void begin(index_t y0);
    // The 25 planes (each of length W) of image row y; valid until the next call.
    // Entries whose neighbour lies outside the image are 0.
    const double* row(index_t y);

    static constexpr int kStencil = 25;

private:
    void process_window_row(index_t cy);
    void zero_row(index_t y);
    double* plane(index_t y, int off) { return acc_.data() + ((y % 3) * kStencil + off) * w_; }

    ImageView<double> img_;
    double eps_;
    index_t h_, w_, n_;        // n_ = W - 2 windows per window row
    index_t next_window_ = 1;  // next window row centre to process
    std::vector<double> planar_;  // 3 image rows x 3 channels x W
    std::vector<double> tmp_;     // SoA scratch over window columns
    std::vector<double> acc_;     // 3 row slots x 25 planes x W
};

}  // namespace sss
