// Helpers shared by the bind_*.cpp files: zero-copy hand-over of native
// buffers to NumPy, views of NumPy/SciPy arrays, and the GIL convention.
// Only files in cpp/bindings/ include pybind11.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "common/parallel.hpp"
#include "common/types.hpp"
#include "linalg/csr.hpp"

namespace sss::bind {

namespace py = pybind11;

// C-contiguous arrays of exactly this dtype; combined with py::arg().noconvert()
// nothing is ever copied or cast silently on the way in.
template <class T>
using carray = py::array_t<T, py::array::c_style>;

// Moves a std::vector into a NumPy array without copying: the array owns the
// vector through a capsule.
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& v, std::vector<py::ssize_t> shape) {
    auto* heap = new std::vector<T>(std::move(v));
    py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
    return py::array_t<T>(shape, heap->data(), owner);
}

template <class T>
py::array_t<T> to_numpy(std::vector<T>&& v) {
    const auto n = static_cast<py::ssize_t>(v.size());
    return to_numpy(std::move(v), {n});
}

// An owning native CSR matrix -> scipy.sparse.csr_matrix sharing its buffers.
template <class I>
py::object to_scipy_csr(CsrMatrix<I>&& m) {
    const index_t rows = m.rows, cols = m.cols;
    py::object csr = py::module_::import("scipy.sparse").attr("csr_matrix");
    auto data = to_numpy(std::move(m.data));
    auto indices = to_numpy(std::move(m.indices));
    auto indptr = to_numpy(std::move(m.indptr));
    return csr(py::make_tuple(data, indices, indptr), py::arg("shape") = py::make_tuple(rows, cols),
               py::arg("copy") = false);
}

// A view of a C-contiguous H x W x C float64 array (2-D arrays are H x W x 1).
inline ImageView<double> image_view(const carray<double>& a, const char* name) {
    if (a.ndim() != 2 && a.ndim() != 3)
        throw InvalidArgument(std::string(name) + " must be a 2-D or 3-D array");
    ImageView<double> v;
    v.data = a.data();
    v.height = a.shape(0);
    v.width = a.shape(1);
    v.channels = a.ndim() == 3 ? a.shape(2) : 1;
    return v;
}

template <class I>
CsrView<I> csr_view(const carray<I>& indptr, const carray<I>& indices, const carray<double>& data,
                    index_t rows, index_t cols) {
    if (indptr.ndim() != 1 || indptr.shape(0) != rows + 1)
        throw InvalidArgument("CSR indptr must have rows + 1 entries");
    const index_t nnz = rows ? static_cast<index_t>(indptr.data()[rows]) : 0;
    if (indices.ndim() != 1 || data.ndim() != 1 || indices.shape(0) < nnz || data.shape(0) < nnz)
        throw InvalidArgument("CSR indices/data shorter than indptr[-1]");
    return {rows, cols, indptr.data(), indices.data(), data.data()};
}

// Runs build(I{}) without the GIL for the narrowest index type I (int32 when
// nnz and n fit, else int64) and hands the result to scipy without copying.
template <class Build>
py::object csr_for_nnz(index_t nnz, index_t n, Build&& build) {
    if (nnz < (index_t(1) << 31) && n < (index_t(1) << 31)) {
        CsrMatrix<std::int32_t> m;
        {
            py::gil_scoped_release release;
            m = build(std::int32_t{});
        }
        return to_scipy_csr(std::move(m));
    }
    CsrMatrix<std::int64_t> m;
    {
        py::gil_scoped_release release;
        m = build(std::int64_t{});
    }
    return to_scipy_csr(std::move(m));
}

// An H x W x 3 image of at least 3 x 3 pixels.
inline ImageView<double> checked_rgb_image(const carray<double>& image) {
    ImageView<double> v = image_view(image, "image");
    require(image.ndim() == 3 && v.channels == 3, "image must have shape (H, W, 3)");
    require(v.height >= 3 && v.width >= 3, "image must be at least 3x3");
    return v;
}

// The number S of superpixel centroids (their values are checked by the
// kernel, superpixel_rows).
inline index_t region_count(const carray<std::int64_t>& centroids) {
    require(centroids.ndim() == 1, "centroids must be 1-D");
    return centroids.shape(0);
}

// Superpixel labels and RGB images, as the superpixel kernels take them.

inline ImageView<double> rgb_view(const carray<double>& image) {
    if (image.ndim() != 3 || image.shape(2) != 3)
        throw InvalidArgument("image must have shape (H, W, 3)");
    return image_view(image, "image");
}

struct LabelView {
    const std::int32_t* data;
    index_t height, width;
};

inline LabelView label_view(const carray<std::int32_t>& labels) {
    if (labels.ndim() != 2) throw InvalidArgument("labels must be a 2-D array");
    if (labels.shape(0) < 1 || labels.shape(1) < 1) throw InvalidArgument("labels must not be empty");
    return {labels.data(), labels.shape(0), labels.shape(1)};
}

inline py::array_t<std::int32_t> new_labels(index_t h, index_t w, std::vector<std::int32_t>&& v) {
    return to_numpy(std::move(v), {static_cast<py::ssize_t>(h), static_cast<py::ssize_t>(w)});
}


}  // namespace sss::bind
