// sss_fast._core: the Laplacian L = D - (W_L + sigma_S W_S + sigma_C W_C) (SPEC §5),
// its options, and the matting affinity and Laplacian of an image alone (SPEC §1).
#include <cstdint>

#include "affinity/superpixel_affinity.hpp"
#include "bindings/struct_binding.hpp"
#include "laplacian/laplacian.hpp"

namespace sss::bind {
namespace {

// W_L or D_L - W_L of an image alone (no superpixel terms).
py::object matting_matrix(const carray<double>& image, const LaplacianOptions& opt,
                          StencilMode mode) {
    reset_interrupt();
    const ImageView<double> img = checked_rgb_image(image);
    const SparseRows none;
    const index_t nnz = stencil_nnz(img.height, img.width, none);
    return csr_for_nnz(nnz, img.pixels(), [&](auto tag) {
        return assemble_stencil<decltype(tag)>(img, opt.matting_eps, none, mode);
    });
}

}  // namespace

void bind_laplacian(py::module_& m) {
    using O = LaplacianOptions;
    StructBinding<O>(m, "LaplacianOptions",
                     "Affinity and Laplacian settings (SPEC §1, §3-§5); the defaults are Params'.")
        .field("matting_eps", &O::matting_eps, "regulariser of the local colour model")
        .field("color_a", &O::color_a, "steepness a_c of the colour erf")
        .field("color_b", &O::color_b, "offset b_c of the colour erf")
        .field("color_radius", &O::color_radius, "colour pairs farther apart are skipped")
        .field("semantic_a", &O::semantic_a, "steepness a_s of the semantic erf")
        .field("semantic_b", &O::semantic_b, "offset b_s of the semantic erf")
        .field("sigma_semantic", &O::sigma_semantic, "weight of W_S")
        .field("sigma_color", &O::sigma_color, "weight of W_C")
        .options();

    m.def(
        "matting_affinity",
        [](const carray<double>& image, const LaplacianOptions& opt) {
            return matting_matrix(image, opt, StencilMode::Affinity);
        },
        py::arg("image").noconvert(), py::arg("options"),
        "W_L (SPEC §1) of an H x W x 3 float64 image as an (N, N) scipy CSR matrix.");

    m.def(
        "matting_laplacian",
        [](const carray<double>& image, const LaplacianOptions& opt) {
            return matting_matrix(image, opt, StencilMode::Laplacian);
        },
        py::arg("image").noconvert(), py::arg("options"),
        "D_L - W_L (Levin's matting Laplacian) as an (N, N) scipy CSR matrix.");

    m.def(
        "build_laplacian",
        [](const carray<double>& image, const carray<std::int64_t>& centroids,
           const carray<std::int64_t>& neighbours, const carray<double>& color_means,
           const carray<double>& feature_means, const LaplacianOptions& opt) {
            reset_interrupt();
            const ImageView<double> img = checked_rgb_image(image);
            const index_t N = img.pixels();
            const index_t S = region_count(centroids);
            require(neighbours.ndim() == 2 && neighbours.shape(1) == 2,
                    "neighbours must have shape (P, 2)");
            require(color_means.ndim() == 2 && color_means.shape(0) == S &&
                        color_means.shape(1) == 3,
                    "color_means must have shape (S, 3)");
            require(feature_means.ndim() == 2 && feature_means.shape(0) == S &&
                        feature_means.shape(1) >= 1,
                    "feature_means must have shape (S, D)");

            SparseRows extra;
            index_t nnz = 0;
            {
                py::gil_scoped_release release;
                SuperpixelTerms terms;
                terms.color_means = color_means.data();
                terms.color_a = opt.color_a;
                terms.color_b = opt.color_b;
                terms.radius = opt.color_radius;
                terms.color_scale = opt.sigma_color;
                terms.neighbours = neighbours.data();
                terms.n_pairs = neighbours.shape(0);
                terms.feature_means = feature_means.data();
                terms.dims = feature_means.shape(1);
                terms.semantic_a = opt.semantic_a;
                terms.semantic_b = opt.semantic_b;
                terms.semantic_scale = opt.sigma_semantic;
                extra = superpixel_rows(centroids.data(), S, img.height, img.width, terms,
                                        /*keep_diagonal=*/false);
                nnz = stencil_nnz(img.height, img.width, extra);
            }
            return csr_for_nnz(nnz, N, [&](auto tag) {
                return assemble_stencil<decltype(tag)>(img, opt.matting_eps, extra,
                                                       StencilMode::Laplacian);
            });
        },
        py::arg("image").noconvert(), py::arg("centroids").noconvert(),
        py::arg("neighbours").noconvert(), py::arg("color_means").noconvert(),
        py::arg("feature_means").noconvert(), py::arg("options"),
        "L = D - (W_L + sigma_S W_S + sigma_C W_C) (SPEC §5) as an (N, N) scipy CSR matrix.");
}

}  // namespace sss::bind
