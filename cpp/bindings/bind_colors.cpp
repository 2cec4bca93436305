// Layer colours (SPEC §12) for Python. sss_fast/colors.py validates; these
// re-check shapes.
#include <string>
#include <vector>

#include "bindings/struct_binding.hpp"
#include "colors/colors.hpp"

namespace sss::bind {
namespace {

struct Shapes {
    ImageView<double> img;
    index_t k = 0, n = 0;
};

Shapes check(const carray<double>& image, const carray<double>& layers) {
    Shapes s;
    s.img = image_view(image, "image");
    if (layers.ndim() != 3 || layers.shape(0) < 1)
        throw InvalidArgument("layers must be a (K, H, W) float64 array with K >= 1");
    if (layers.shape(1) != s.img.height || layers.shape(2) != s.img.width)
        throw InvalidArgument("layers are " + std::to_string(layers.shape(1)) + "x" +
                              std::to_string(layers.shape(2)) + " but the image is " +
                              std::to_string(s.img.height) + "x" + std::to_string(s.img.width));
    s.k = layers.shape(0);
    s.n = s.img.pixels();
    return s;
}

}  // namespace

void bind_colors(py::module_& m) {
    StructBinding<ColorOptions>(m, "ColorOptions", "Layer colour settings (SPEC §12).")
        .field("epsilon", &ColorOptions::epsilon, "floor of the smoothness weights")
        .field("prior", &ColorOptions::prior, "weight pulling F_i towards I where alpha_i ~ 0")
        .field("tolerance", &ColorOptions::tolerance, "PCG relative residual")
        .field("max_iterations", &ColorOptions::max_iterations, "PCG iteration cap")
        .field("clip", &ColorOptions::clip, "clip the colours to [0, 1]")
        .options();
    StructBinding<ColorResult>(m, "ColorResult", "Layer colours and the solve's status.")
        .property("colors", [](const py::object& self, const ColorResult& r) {
            return view(self, r.colors,
                        {static_cast<py::ssize_t>(r.k), static_cast<py::ssize_t>(r.height),
                         static_cast<py::ssize_t>(r.width), static_cast<py::ssize_t>(r.channels)});
        }, "(K, H, W, C)")
        .readonly("status", &ColorResult::status, "SolverStatus of the PCG solve")
        .readonly("seconds", &ColorResult::seconds, "wall time")
        .result();

    m.def(
        "layer_colors",
        [](const carray<double>& image, const carray<double>& layers, const ColorOptions& opt) {
            const Shapes s = check(image, layers);
            ColorResult r;
            {
                py::gil_scoped_release release;
                reset_interrupt();
                r = layer_colors(s.img, layers.data(), s.k, opt);
            }
            return r;
        },
        py::arg("image").noconvert(), py::arg("layers").noconvert(), py::arg("options"),
        "Layer colours (SPEC §12). image H×W×C (C <= 4), layers (K, H, W).");
}

}  // namespace sss::bind
