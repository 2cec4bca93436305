// Layer colours (SPEC §12) for Python. sss_fast/colors.py validates; these
// re-check shapes.
#include <string>
#include <vector>

#include "bindings/convert.hpp"
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
    m.def(
        "layer_colors",
        [](const carray<double>& image, const carray<double>& layers, double epsilon,
           double prior, double tolerance, index_t max_iterations, bool clip) {
            const Shapes s = check(image, layers);
            ColorParams p;
            p.epsilon = epsilon;
            p.prior = prior;
            p.tolerance = tolerance;
            p.max_iterations = max_iterations;
            p.clip = clip;
            ColorResult r;
            {
                py::gil_scoped_release release;
                reset_interrupt();
                r = layer_colors(s.img, layers.data(), s.k, p);
            }
            py::dict out;
            out["colors"] = to_numpy(std::move(r.colors),
                                     {static_cast<py::ssize_t>(s.k),
                                      static_cast<py::ssize_t>(s.img.height),
                                      static_cast<py::ssize_t>(s.img.width),
                                      static_cast<py::ssize_t>(s.img.channels)});
            out["iterations"] = r.iterations;
            out["relative_residual"] = r.relative_residual;
            out["status"] = r.status;
            out["seconds"] = r.seconds;
            return out;
        },
        py::arg("image").noconvert(), py::arg("layers").noconvert(), py::kw_only(),
        py::arg("epsilon"), py::arg("prior"), py::arg("tolerance"), py::arg("max_iterations"),
        py::arg("clip"),
        "Layer colours (SPEC §12). image H×W×C (C <= 4), layers (K, H, W). Returns a dict: "
        "colors (K, H, W, C), iterations, relative_residual, status (0 converged, 1 max "
        "iterations, 2 breakdown), seconds.");

    m.def(
        "layer_colors_apply",
        [](const carray<double>& layers, const carray<double>& x, double epsilon, double prior,
           bool precondition) {
            if (layers.ndim() != 3 || layers.shape(0) < 1)
                throw InvalidArgument("layers must be a (K, H, W) float64 array with K >= 1");
            const index_t k = layers.shape(0), h = layers.shape(1), w = layers.shape(2);
            if (x.ndim() != 4 || x.shape(0) != h || x.shape(1) != w || x.shape(2) != k ||
                x.shape(3) < 1 || x.shape(3) > 4)
                throw InvalidArgument("x must be (H, W, K, C) (interleaved unknowns), C <= 4");
            const index_t c = x.shape(3);
            std::vector<double> y(static_cast<std::size_t>(h * w * k * c));
            {
                py::gil_scoped_release release;
                reset_interrupt();
                const ColorSystem sys(layers.data(), k, h, w, epsilon, prior);
                if (precondition)
                    sys.preconditioner(c).apply(x.data(), y.data(), h * w * k * c);
                else
                    sys.op(c).apply(x.data(), y.data());
            }
            return to_numpy(std::move(y), {static_cast<py::ssize_t>(h),
                                           static_cast<py::ssize_t>(w),
                                           static_cast<py::ssize_t>(k),
                                           static_cast<py::ssize_t>(c)});
        },
        py::arg("layers").noconvert(), py::arg("x").noconvert(), py::arg("epsilon"),
        py::arg("prior"), py::arg("precondition"),
        "For tests: y = A x (precondition=False) or y = M x with M the exact inverse of the "
        "per-pixel blocks (precondition=True), x and y interleaved (H, W, K, C).");
}

}  // namespace sss::bind
