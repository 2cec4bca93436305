// Bindings of the feature-reduction kernels (SPEC §10): guided filter and
// PCA moments. Arrays are taken as they are (.noconvert()); the
// Python layer (sss_fast.features) validates and converts once.
#include <vector>

#include "bindings/struct_binding.hpp"
#include "features/guided_filter.hpp"
#include "features/pca.hpp"

namespace sss::bind {

void bind_features(py::module_& m) {
    StructBinding<features::GuidedFilterOptions>(m, "GuidedFilterOptions",
                                                 "Guided filter settings (SPEC §10).")
        .field("window", &features::GuidedFilterOptions::window, "square window in pixels")
        .field("eps", &features::GuidedFilterOptions::eps, "regulariser")
        .options();

    m.def(
        "guided_filter",
        [](const carray<double>& guide, const carray<double>& src,
           const features::GuidedFilterOptions& opt) {
            const index_t window = opt.window;
            const double eps = opt.eps;
            const ImageView<double> g = image_view(guide, "guide");
            const ImageView<double> s = image_view(src, "src");
            if (g.height != s.height || g.width != s.width)  // out's size comes from src
                throw InvalidArgument("guide and src must have the same height and width");
            std::vector<double> out(static_cast<std::size_t>(s.pixels() * s.channels));
            {
                py::gil_scoped_release release;
                features::guided_filter(g, s, window, eps, out.data());
            }
            return to_numpy(std::move(out), {static_cast<py::ssize_t>(s.height),
                                             static_cast<py::ssize_t>(s.width),
                                             static_cast<py::ssize_t>(s.channels)});
        },
        py::arg("guide").noconvert(), py::arg("src").noconvert(), py::arg("options"),
        "Colour-guided filter (He et al.) of every channel of src (H x W x D float64) with guide "
        "(H x W x 3 float64): k x k window covering offsets -(k-1)//2 .. k//2, clipped at the "
        "borders; regulariser eps. Returns H x W x D float64.");

    m.def(
        "feature_moments",
        [](const carray<double>& x) {
            if (x.ndim() != 2) throw InvalidArgument("x must be a 2-D (N, D) array");
            const index_t n = x.shape(0), d = x.shape(1);
            if (n < 1 || d < 1) throw InvalidArgument("x must be non-empty");
            std::vector<double> mean(static_cast<std::size_t>(d));
            std::vector<double> cov(static_cast<std::size_t>(d * d));
            {
                py::gil_scoped_release release;
                features::feature_moments(x.data(), n, d, mean.data(), cov.data());
            }
            return py::make_tuple(
                to_numpy(std::move(mean)),
                to_numpy(std::move(cov),
                         {static_cast<py::ssize_t>(d), static_cast<py::ssize_t>(d)}));
        },
        py::arg("x").noconvert(),
        "Mean (D,) and population covariance (D, D) of the rows of an (N, D) float64 array.");
}

}  // namespace sss::bind
