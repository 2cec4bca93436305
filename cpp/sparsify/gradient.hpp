// Colour gradient with the Farid–Simoncelli 13-tap derivative filters and the
// spatially varying sparsity exponent of the relaxed sparsification
// (SPEC §9.2).
#pragma once
#include <array>

#include "common/types.hpp"

namespace sss {

// Derivative taps d and prefilter taps k (SPEC §9.2). A derivative along one
// axis convolves with d along it and with k along the other, with
// edge-replicate padding; "convolve" is true convolution (MATLAB conv2):
//     out[i] = sum_j taps[j] * in[clamp(i + 6 - j)],
// so an intensity ramp increasing along the axis has a positive derivative.
inline constexpr std::array<double, 13> kFaridDerivative = {
    0.0001, 0.0019, 0.0142, 0.0509, 0.0963, 0.0878, 0.0,
    -0.0878, -0.0963, -0.0509, -0.0142, -0.0019, -0.0001};
inline constexpr std::array<double, 13> kFaridPrefilter = {
    0.0000, 0.0007, 0.0071, 0.0374, 0.1126, 0.2119, 0.2605,
    0.2119, 0.1126, 0.0374, 0.0071, 0.0007, 0.0000};

// |∇c|_p = sqrt(Σ_c (∂_x I_c)² + (∂_y I_c)²) for every pixel, written to
// out[0 .. H*W). Any number of channels (SPEC uses 3). Deterministic.
void gradient_magnitude(const ImageView<double>& image, double* out);

// γ̃_p = base + min(|∇c|_p, cap) (SPEC §9.2: base 0.9, cap 0.1), out[H*W].
void sparsity_exponent(const ImageView<double>& image, double base, double cap, double* out);

}  // namespace sss
