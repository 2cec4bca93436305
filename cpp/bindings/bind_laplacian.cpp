// sss_fast._core: the Laplacian L = D - (W_L + sigma_S W_S + sigma_C W_C) (SPEC §5).
#include <cstdint>

#include "affinity/superpixel_affinity.hpp"
#include "bindings/convert.hpp"
#include "laplacian/laplacian.hpp"

namespace sss::bind {

void bind_laplacian(py::module_& m) {
    m.def(
        "matting_laplacian",
        [](const carray<double>& image, double eps) {
            reset_interrupt();
            const ImageView<double> img = checked_rgb_image(image);
            require(eps > 0.0, "eps must be > 0");
            const SparseRows none;
            const index_t nnz = stencil_nnz(img.height, img.width, none);
            return csr_for_nnz(nnz, img.pixels(), [&](auto tag) {
                return assemble_stencil<decltype(tag)>(img, eps, none, StencilMode::Laplacian);
            });
        },
        py::arg("image").noconvert(), py::arg("eps"),
        "D_L - W_L (Levin's matting Laplacian) as an (N, N) scipy CSR matrix.");

    m.def(
        "build_laplacian",
        [](const carray<double>& image, double eps, const carray<std::int64_t>& centroids,
           const carray<std::int64_t>& neighbours, const carray<double>& color_means,
           const carray<double>& feature_means, double color_a, double color_b,
           double color_radius, double semantic_a, double semantic_b, double sigma_semantic,
           double sigma_color) {
            reset_interrupt();
            const ImageView<double> img = checked_rgb_image(image);
            const index_t N = img.pixels();
            require(eps > 0.0, "eps must be > 0");
            require(centroids.ndim() == 1, "centroids must be 1-D");
            const index_t S = centroids.shape(0);
            for (index_t s = 0; s < S; ++s)
                require(centroids.data()[s] >= 0 && centroids.data()[s] < N,
                        "centroids must be pixel indices in [0, H*W)");
            require(neighbours.ndim() == 2 && neighbours.shape(1) == 2,
                    "neighbours must have shape (P, 2)");
            for (index_t p = 0; p < 2 * neighbours.shape(0); ++p)
                require(neighbours.data()[p] >= 0 && neighbours.data()[p] < S,
                        "neighbours must hold region indices in [0, S)");
            require(color_means.ndim() == 2 && color_means.shape(0) == S &&
                        color_means.shape(1) == 3,
                    "color_means must have shape (S, 3)");
            require(feature_means.ndim() == 2 && feature_means.shape(0) == S &&
                        feature_means.shape(1) >= 1,
                    "feature_means must have shape (S, D)");
            require(color_radius >= 0.0, "color_radius must be >= 0");
            require(sigma_semantic >= 0.0 && sigma_color >= 0.0, "sigmas must be >= 0");

            SparseRows extra;
            index_t nnz = 0;
            {
                py::gil_scoped_release release;
                SuperpixelTerms terms;
                terms.color_means = color_means.data();
                terms.color_a = color_a;
                terms.color_b = color_b;
                terms.radius = color_radius;
                terms.color_scale = sigma_color;
                terms.neighbours = neighbours.data();
                terms.n_pairs = neighbours.shape(0);
                terms.feature_means = feature_means.data();
                terms.dims = feature_means.shape(1);
                terms.semantic_a = semantic_a;
                terms.semantic_b = semantic_b;
                terms.semantic_scale = sigma_semantic;
                extra = superpixel_rows(centroids.data(), S, img.height, img.width, terms,
                                        /*keep_diagonal=*/false);
                nnz = stencil_nnz(img.height, img.width, extra);
            }
            return csr_for_nnz(nnz, N, [&](auto tag) {
                return assemble_stencil<decltype(tag)>(img, eps, extra, StencilMode::Laplacian);
            });
        },
        py::arg("image").noconvert(), py::arg("eps"), py::arg("centroids").noconvert(),
        py::arg("neighbours").noconvert(), py::arg("color_means").noconvert(),
        py::arg("feature_means").noconvert(), py::arg("color_a"), py::arg("color_b"),
        py::arg("color_radius"), py::arg("semantic_a"), py::arg("semantic_b"),
        py::arg("sigma_semantic"), py::arg("sigma_color"),
        "L = D - (W_L + sigma_S W_S + sigma_C W_C) (SPEC §5) as an (N, N) scipy CSR matrix.");
}

}  // namespace sss::bind
