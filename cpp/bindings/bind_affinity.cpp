// sss_fast._core: nonlocal colour and semantic affinities (SPEC §3, §4); the
// matting affinity is bound with the matting Laplacian (bind_laplacian.cpp).
#include <cstdint>
#include <string>

#include "affinity/superpixel_affinity.hpp"
#include "bindings/convert.hpp"
#include "laplacian/laplacian.hpp"

namespace sss::bind {

void bind_affinity(py::module_& m) {
    m.def(
        "color_affinity",
        [](const carray<std::int64_t>& centroids, const carray<double>& means, index_t height,
           index_t width, const LaplacianOptions& opt) {
            reset_interrupt();
            require(height >= 1 && width >= 1, "height and width must be >= 1");
            const index_t N = height * width;
            const index_t S = region_count(centroids);
            require(means.ndim() == 2 && means.shape(0) == S && means.shape(1) == 3,
                    "color_means must have shape (S, 3)");
            SuperpixelTerms terms;
            terms.color_means = means.data();
            terms.color_a = opt.color_a;
            terms.color_b = opt.color_b;
            terms.radius = opt.color_radius;
            terms.color_scale = 1.0;
            SparseRows rows;
            {
                py::gil_scoped_release release;
                rows = superpixel_rows(centroids.data(), S, height, width, terms,
                                       /*keep_diagonal=*/true);
            }
            return csr_for_nnz(rows.nnz(), N, [&](auto tag) {
                return sparse_rows_to_csr<decltype(tag)>(rows, N);
            });
        },
        py::arg("centroids").noconvert(), py::arg("color_means").noconvert(), py::arg("height"),
        py::arg("width"), py::arg("options"),
        "W_C (SPEC §3) as an (N, N) scipy CSR matrix.");

    m.def(
        "semantic_affinity",
        [](const carray<std::int64_t>& centroids, const carray<std::int64_t>& neighbours,
           const carray<double>& means, index_t n_pixels, const LaplacianOptions& opt) {
            reset_interrupt();
            require(n_pixels >= 1, "n_pixels must be >= 1");
            const index_t S = region_count(centroids);
            require(neighbours.ndim() == 2 && neighbours.shape(1) == 2,
                    "neighbours must have shape (P, 2)");
            require(means.ndim() == 2 && means.shape(0) == S && means.shape(1) >= 1,
                    "feature_means must have shape (S, D)");
            SuperpixelTerms terms;
            terms.neighbours = neighbours.data();
            terms.n_pairs = neighbours.shape(0);
            terms.feature_means = means.data();
            terms.dims = means.shape(1);
            terms.semantic_a = opt.semantic_a;
            terms.semantic_b = opt.semantic_b;
            terms.semantic_scale = 1.0;
            SparseRows rows;
            {
                py::gil_scoped_release release;
                // The row structure needs the image only through N = n_pixels.
                rows = superpixel_rows(centroids.data(), S, 1, n_pixels, terms,
                                       /*keep_diagonal=*/true);
            }
            return csr_for_nnz(rows.nnz(), n_pixels, [&](auto tag) {
                return sparse_rows_to_csr<decltype(tag)>(rows, n_pixels);
            });
        },
        py::arg("centroids").noconvert(), py::arg("neighbours").noconvert(),
        py::arg("feature_means").noconvert(), py::arg("n_pixels"), py::arg("options"),
        "W_S (SPEC §4) as an (N, N) scipy CSR matrix.");
}

}  // namespace sss::bind
