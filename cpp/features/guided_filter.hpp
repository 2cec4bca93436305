// Guided filter with a colour guide (He, Sun & Tang, "Guided Image Filtering",
// TPAMI 2013, Eq. 19-21) and the box sums it is built on. SPEC §10 step 2.
//
// Window. A k x k window; for even k it cannot be centred, and we follow the
// MATLAB convention for even-sized kernels (centre element floor((k+1)/2),
// 1-based): the window of pixel (y, x) covers rows y - (k-1)/2 .. y + k/2 and
// the same columns (integer division). For k = 10 that is y-4 .. y+5.
// Borders: windows are clipped to the image and every mean divides by the
// number of pixels actually inside (He et al.'s reference formulation, N =
// box(ones)), so no padding values are invented.
//
// Filter, per output channel p with guide I (3 channels), window means
// denoted mean():
//   mu      = mean(I)                                   (3)
//   Sigma   = mean(I I^T) - mu mu^T                     (3 x 3)
//   cov     = mean(I p) - mu mean(p)                    (3)
//   a       = (Sigma + eps U)^{-1} cov                  (3)
//   b       = mean(p) - a . mu
//   q       = mean(a) . I + mean(b)
// Cost O(N) per channel whatever k (running window sums), OpenMP over rows /
// column blocks; every output element is computed by one iteration in a fixed
// order, so results are bit-identical for any thread count.
#pragma once
#include <vector>

#include "common/types.hpp"

namespace sss::features {

// Window extent before/after the centre for a window of k pixels.
inline index_t window_before(index_t k) { return (k - 1) / 2; }
inline index_t window_after(index_t k) { return k / 2; }

// Settings of the feature guided filter (SPEC §10).
struct GuidedFilterOptions {
    index_t window = 10;  // k: square window in pixels, offsets -(k-1)/2 .. k/2
    double eps = 0.01;    // regulariser
};

// In place: data (H x W x C, C-order) <- clipped k x k window MEANS of data.
void box_mean(double* data, index_t height, index_t width, index_t channels, index_t window);

// q = guided filter of every channel of src (H x W x D) with the colour guide
// (H x W x 3), window k, regulariser eps. out must hold H*W*D doubles and may
// not alias src or guide.
void guided_filter(const ImageView<double>& guide, const ImageView<double>& src, index_t window,
                   double eps, double* out);

}  // namespace sss::features
