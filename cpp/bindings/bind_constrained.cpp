// Constrained sparsification (SPEC §7): ConstrainedOptions in, ConstrainedResult out.
// The Python layer validates; these re-check sizes only.
#include <cstdint>
#include <string>
#include <vector>

#include "bindings/struct_binding.hpp"
#include "sparsify/constrained.hpp"

namespace sss::bind {

void bind_constrained(py::module_& m) {
    using O = ConstrainedOptions;
    py::enum_<ConstrainedSolver>(m, "ConstrainedSolver", "How each IRLS step is solved.",
                                 py::module_local())
        .value("pcg", ConstrainedSolver::pcg)
        .value("exact", ConstrainedSolver::exact);
    StructBinding<O>(m, "ConstrainedOptions", "Constrained sparsification settings (SPEC §7).")
        .field("iterations", &O::iterations, "IRLS iterations")
        .field("gamma", &O::gamma, "sparsity exponent")
        .field("w0", &O::w0, "weight of |alpha|^gamma")
        .field("w1", &O::w1, "weight of |1 - alpha|^gamma")
        .field("floor", &O::floor, "floor inside the IRLS weights")
        .field("prune_threshold", &O::prune_threshold, "drop components with max |alpha| <= this")
        .field("prune_after", &O::prune_after, "1-based iterations after which to prune")
        .field("solver", &O::solver, "ConstrainedSolver")
        .field("pcg_tolerance", &O::pcg_tolerance, "relative residual of each IRLS solve (pcg)")
        .field("precond_ratio", &O::precond_ratio, "reference weights kept within this factor (pcg)")
        .field("pcg_max_iter", &O::pcg_max_iter, "CG steps before the preconditioner is rebuilt")
        .options();
    StructBinding<ConstrainedResult>(m, "ConstrainedResult", "Soft components and their history.")
        .property("alpha", [](const py::object& self, const ConstrainedResult& r) {
            const auto k = static_cast<py::ssize_t>(r.n_components);
            return view(self, r.alpha, {k, k ? static_cast<py::ssize_t>(r.alpha.size()) / k : 0});
        }, "(K, N) components summing to one at every pixel")
        .readonly("n_components", &ConstrainedResult::n_components, "K at the end")
        .property("energy", [](const py::object& self, const ConstrainedResult& r) {
            return view(self, r.energy);
        }, "objective after each iteration")
        .property("components_per_iter", [](const py::object& self, const ConstrainedResult& r) {
            return view(self, r.components_per_iter);
        }, "K used in each iteration")
        .property("pcg_iterations", [](const py::object& self, const ConstrainedResult& r) {
            return view(self, r.pcg_iterations);
        }, "CG iterations of each IRLS step")
        .property("gram_work", [](const py::object& self, const ConstrainedResult& r) {
            return view(self, r.gram_work);
        }, "Gram work of each iteration, in units of all K Grams")
        .readonly("status", &ConstrainedResult::status, "SolverStatus of the IRLS solves")
        .result();

    m.def(
        "constrained_sparsify",
        [](const carray<double>& E, const carray<double>& eigvals,
           const carray<std::int32_t>& labels, index_t height, index_t width, index_t stride,
           const ConstrainedOptions& opt) {
            const index_t M = E.ndim() == 2 ? E.shape(0) : 0, N = E.ndim() == 2 ? E.shape(1) : 0;
            require(stride >= 1 && height * width == N, "constrained_sparsify: height * width must be N");
            const index_t Ns = grid_sample_count(height, width, stride);
            require(E.ndim() == 2 && eigvals.ndim() == 1 && eigvals.shape(0) == M &&
                        labels.ndim() == 1 && labels.shape(0) == Ns,
                    "constrained_sparsify: E (M, N), eigvals (M,), labels (one per sampled pixel)");
            ConstrainedResult r;
            {
                py::gil_scoped_release release;
                r = constrained_sparsify_grid(E.data(), M, height, width, eigvals.data(),
                                              labels.data(), stride, opt);
            }
            return r;
        },
        py::arg("E").noconvert(), py::arg("eigvals").noconvert(), py::arg("labels").noconvert(),
        py::arg("height"), py::arg("width"), py::arg("stride"), py::arg("options"),
        "Constrained sparsification of the H x W image's eigenvectors E (M, N). With stride > 1 "
        "the IRLS runs on grid_sample(height, width, stride) (labels: one per sampled pixel) and "
        "alpha is lifted to all N pixels.");

    m.def(
        "grid_sample",
        [](index_t height, index_t width, index_t stride) {
            return to_numpy(grid_sample(height, width, stride));
        },
        py::arg("height"), py::arg("width"), py::arg("stride"),
        "Pixel indices (int64, row-major) of every stride-th row and column, starting at "
        "(stride - 1) // 2: the constrained stage's subsample.");

    m.def("grid_sample_count", &grid_sample_count, py::arg("height"), py::arg("width"),
          py::arg("stride"), "grid_sample(height, width, stride).size, without the indices.");

}

}  // namespace sss::bind
