// SLICO superpixels (SPEC §2): SLIC in CIELAB with adaptive compactness
// (Achanta et al., "SLIC superpixels compared to state-of-the-art superpixel
// methods", TPAMI 2012, §"SLICO"), written from the published description.
//
// The algorithm, exactly (tests/reference/superpixels_ref.py implements the
// same steps in NumPy and is compared label for label):
//
//  1. CIELAB: sRGB (IEC 61966-2-1) -> linear RGB -> XYZ (D65 matrix) -> L*a*b*
//     with white (0.95047, 1, 1.08883); see rgb_to_lab(). 8-bit values
//     (c == k / 255.0) linearise through an exact table; the cube root is our
//     own (<= 1 ulp), so Lab may differ from libm/NumPy in the last bit.
//  2. Grid: S = sqrt(N / n_segments); nx = clamp(round(W / S), 1, W),
//     ny = clamp(round(H / S), 1, H) (round half up); K = nx * ny centres,
//     centre (j, i) at pixel (((2j+1) H) div (2 ny), ((2i+1) W) div (2 nx)),
//     k = j * nx + i. Pixels start labelled with their grid cell
//     (y * ny div H) * nx + x * nx div W.
//  3. Perturbation: each centre moves to the pixel of lowest gradient
//     G = |lab(y,x+1) - lab(y,x-1)|^2 + |lab(y+1,x) - lab(y-1,x)|^2
//     (neighbours clamped at the border) in its 3x3 neighbourhood (clipped
//     to the image); the centre itself wins ties, then row-major order.
//     Its colour becomes that pixel's Lab.
//  4. `iterations` rounds of
//       assignment: for k = 0..K-1 in order, for every pixel with
//         |y - cy_k| <= S and |x - cx_k| <= S:
//           D = dc2 * (1 / m_k) + ds2 * (1 / S^2)
//         (dc2 = squared Lab distance, ds2 = squared pixel distance); the
//         pixel takes label k if D is strictly below its best so far (so ties
//         go to the lower k). Pixels no window reaches keep their label.
//       m_k (SLICO's adaptive compactness) = max(1, largest dc2 among the
//         pixels assigned to k in this round); m_k = 100 (i.e. m = 10) before
//         the first round.
//       update: each centre becomes the mean (L, a, b, y, x) of its pixels
//         (sums in pixel order); a centre without pixels stays.
//  5. Connectivity (enforce_connectivity): see there.
//
// Determinism: the assignment is parallel over image rows; each row visits
// the clusters whose window covers it in increasing k, which is the same
// comparison sequence per pixel as the serial loop over k, so the result does
// not depend on the thread count. The update sums in pixel order, split into
// two tasks that own different accumulators. Builds with -march=<FMA target>
// may contract a*b + c into FMA: still deterministic, but then the label maps
// can differ from the NumPy reference at near-ties.
#pragma once
#include <cstdint>
#include <vector>

#include "common/types.hpp"

namespace sss::superpixels {

// sRGB in [0,1] (H x W x 3) -> CIELAB (H x W x 3, L in [0,100]) into `lab`.
void rgb_to_lab(const ImageView<double>& rgb, double* lab);

// The superpixel stage's settings (SPEC §2).
struct SlicOptions {
    index_t n_segments = 2500;  // target number of superpixels (a grid of about this many seeds)
    int iterations = 10;        // assignment/update rounds
};

struct SlicGrid {
    double step = 0;  // S
    index_t nx = 0, ny = 0;
    index_t clusters() const { return nx * ny; }
};

SlicGrid slic_grid(index_t height, index_t width, index_t n_segments);

// Steps 1-4: raw SLICO labels in [0, K) (not necessarily connected, some
// labels may be unused). Returns K.
index_t slico_assign(const ImageView<double>& rgb, index_t n_segments, int iterations,
                     std::int32_t* labels);

// Step 5. Connected components of equal label under 8-connectivity, numbered
// in raster order of their first pixel. A component with fewer than
// N / (4 K) pixels (size * 4 * K < N) is merged into the region of the pixel
// left of its first pixel, or of the pixel above when the first pixel starts a
// row. That pixel precedes the component in raster order, so its region is
// already final and the merged region stays 8-connected. The component holding
// pixel 0 is always
// kept. Kept components are numbered 0, 1, ... in raster order of their first
// pixel. Overwrites `labels`; returns the number of regions.
index_t enforce_connectivity(std::int32_t* labels, index_t height, index_t width,
                             index_t n_clusters);

// slico_assign + enforce_connectivity. Returns the number of regions.
index_t slico(const ImageView<double>& rgb, index_t n_segments, int iterations,
              std::int32_t* labels);

}  // namespace sss::superpixels
