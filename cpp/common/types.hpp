// Layouts shared by every stage. Decided once, here:
//  * images and feature maps: H x W x C, C-order (row-major, channels last), float64;
//  * pixel index p = y * W + x;
//  * layers / components: K x N, C-order (each layer contiguous);
//  * sizes and indices: std::int64_t (index_t) so that 2^31 is never a limit.
#pragma once
#include <cstddef>
#include <cstdint>

namespace sss {

using index_t = std::int64_t;

// A read-only view of a C-contiguous H x W x C array.
template <class T>
struct ImageView {
    const T* data = nullptr;
    index_t height = 0;
    index_t width = 0;
    index_t channels = 0;

    index_t pixels() const { return height * width; }
    const T* pixel(index_t p) const { return data + p * channels; }
    const T& operator()(index_t y, index_t x, index_t c) const {
        return data[(y * width + x) * channels + c];
    }
};

}  // namespace sss
