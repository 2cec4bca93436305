// Relaxed sparsification (SPEC §9): RelaxedOptions in, RelaxedResult out.
// The Python layer validates; these re-check shapes.
#include <cstdint>
#include <string>
#include <vector>

#include "bindings/struct_binding.hpp"
#include "sparsify/gradient.hpp"
#include "sparsify/relaxed.hpp"

namespace sss::bind {
namespace {

void require_layers(const carray<double>& layers) {
    if (layers.ndim() != 2 || layers.shape(0) < 1)
        throw InvalidArgument("layers must be a (K, N) float64 array with K >= 1");
}

template <class I>
RelaxedResult relaxed_impl(const carray<double>& layers, const carray<I>& indptr,
                           const carray<I>& indices, const carray<double>& data,
                           const carray<double>& image, const RelaxedOptions& opt) {
    require_layers(layers);
    const ImageView<double> img = image_view(image, "image");
    const index_t k = layers.shape(0), n = layers.shape(1);
    if (n != img.pixels())
        throw InvalidArgument("layers have " + std::to_string(n) + " pixels but the image has " +
                              std::to_string(img.pixels()));
    const CsrView<I> l = csr_view(indptr, indices, data, n, n);
    RelaxedResult r;
    {
        py::gil_scoped_release release;
        r = relaxed_sparsify(layers.data(), k, l, img, opt);
    }
    return r;
}

template <class I>
void def_relaxed(py::module_& m) {
    m.def("relaxed_sparsify", &relaxed_impl<I>, py::arg("layers").noconvert(),
          py::arg("indptr").noconvert(), py::arg("indices").noconvert(),
          py::arg("data").noconvert(), py::arg("image").noconvert(), py::arg("options"),
          "Relaxed sparsification (SPEC §9) of grouped layers (K, N) with the Laplacian as CSR "
          "arrays and the image H x W x C.");
}

}  // namespace

void bind_relaxed(py::module_& m) {
    using O = RelaxedOptions;
    StructBinding<O>(m, "RelaxedOptions", "Relaxed sparsification settings (SPEC §9).")
        .field("clean_low", &O::clean_low, "grouped alpha below this -> 0")
        .field("clean_high", &O::clean_high, "grouped alpha above this -> 1")
        .field("lambda_", &O::lambda, "weight of the sum-to-one term")
        .field("iterations", &O::iterations, "IRLS outer iterations")
        .field("floor", &O::floor, "floor inside the IRLS weights")
        .field("gamma_base", &O::gamma_base, "gamma = gamma_base + min(|grad I|, gamma_cap)")
        .field("gamma_cap", &O::gamma_cap, "cap of the gradient term")
        .field("cg_tolerance", &O::cg_tolerance, "relative residual of each PCG solve")
        .field("cg_max_iterations", &O::cg_max_iterations, "iteration cap of each PCG solve")
        .options();
    StructBinding<RelaxedResult>(m, "RelaxedResult", "Relaxed layers and their diagnostics.")
        .property("layers", [](const py::object& self, const RelaxedResult& r) {
            const auto k = static_cast<py::ssize_t>(r.k);
            return view(self, r.layers, {k, k ? static_cast<py::ssize_t>(r.layers.size()) / k : 0});
        }, "(K, N) as solved")
        .property("energy", [](const py::object& self, const RelaxedResult& r) {
            return view(self, r.energy);
        }, "E at the cleaned layers and after each IRLS step")
        .property("irls_energy", [](const py::object& self, const RelaxedResult& r) {
            return view(self, r.irls_energy);
        }, "the majorised energy IRLS never increases")
        .readonly("final_energy", &RelaxedResult::final_energy, "E at the returned layers")
        .property("cg_iterations", [](const py::object& self, const RelaxedResult& r) {
            return view(self, r.cg_iterations);
        }, "per PCG solve")
        .property("cg_residuals", [](const py::object& self, const RelaxedResult& r) {
            return view(self, r.cg_residuals);
        }, "per PCG solve: true relative residual at exit")
        .property("cg_status", [](const py::object& self, const RelaxedResult& r) {
            return view(self, r.cg_status);
        }, "per PCG solve: SolveStatus as int")
        .property("cg_seconds", [](const py::object& self, const RelaxedResult& r) {
            return view(self, r.cg_seconds);
        }, "per PCG solve: wall time")
        .readonly("seconds", &RelaxedResult::seconds, "wall time of the stage")
        .readonly("status", &RelaxedResult::status, "SolverStatus of all the solves")
        .result();

    def_relaxed<std::int32_t>(m);
    def_relaxed<std::int64_t>(m);

    m.def(
        "relaxed_sparsity_exponent",
        [](const carray<double>& image, double base, double cap) {
            const ImageView<double> img = image_view(image, "image");
            std::vector<double> out(static_cast<std::size_t>(img.pixels()));
            {
                py::gil_scoped_release release;
                reset_interrupt();
                sparsity_exponent(img, base, cap, out.data());
            }
            return to_numpy(std::move(out), {static_cast<py::ssize_t>(img.height),
                                             static_cast<py::ssize_t>(img.width)});
        },
        py::arg("image").noconvert(), py::arg("base"), py::arg("cap"),
        "γ̃ = base + min(|∇I|, cap) with Farid–Simoncelli 13-tap derivatives (SPEC §9.2).");

}

}  // namespace sss::bind
