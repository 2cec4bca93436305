// The eigen stage (SPEC §6): EigsOptions in, EigsResult out.
#include <cstdint>

#include "bindings/struct_binding.hpp"
#include "spectral/eigs.hpp"

namespace sss::bind {

namespace {

template <class I>
spectral::EigsResult eigs_impl(const carray<I>& indptr, const carray<I>& indices,
                               const carray<double>& data, index_t height, index_t width,
                               const carray<std::int64_t>& special,
                               const spectral::EigsOptions& options) {
    const index_t n = height * width;
    auto view = csr_view<I>(indptr, indices, data, n, n);
    spectral::EigsOptions opt = options;
    opt.special.assign(special.data(), special.data() + special.size());
    spectral::EigsResult r;
    {
        py::gil_scoped_release release;
        reset_interrupt();
        r = spectral::smallest_magnitude_eigs(view, height, width, opt);
    }
    return r;
}

template <class I>
void def_eigs(py::module_& m) {
    m.def("smallest_eigs", &eigs_impl<I>, py::arg("indptr").noconvert(),
          py::arg("indices").noconvert(), py::arg("data").noconvert(), py::arg("height"),
          py::arg("width"), py::arg("special").noconvert(), py::arg("options"),
          "The options.n_wanted eigenpairs of the Laplacian (CSR arrays) closest to zero; "
          "special: pixels ordered last (superpixel centroids).");
}

}  // namespace

void bind_spectral(py::module_& m) {
    using spectral::EigsOptions;
    using spectral::EigsResult;
    py::enum_<spectral::Method> method(m, "EigenMethod", "Krylov driver of the eigen stage.",
                                       py::module_local());
    for (const auto& [name, value] : spectral::kMethodNames) method.value(name, value);

    StructBinding<EigsOptions>(m, "EigsOptions", "Eigen stage settings (SPEC §6).")
        .field("n_wanted", &EigsOptions::n_wanted, "eigenpairs wanted")
        .field("extra", &EigsOptions::extra, "pairs computed beyond n_wanted")
        .field("method", &EigsOptions::method, "EigenMethod")
        .field("block", &EigsOptions::block, "block size (block method)")
        .field("max_basis", &EigsOptions::max_basis, "0: n_wanted + extra + 4 block")
        .field("tol", &EigsOptions::tol, "Krylov tolerance on |Tx - theta x| / theta")
        .field("residual_tol", &EigsOptions::residual_tol,
               "> 0 (block method): stop on the true relative residual instead")
        .field("float_basis", &EigsOptions::float_basis,
               "block method: Krylov basis stored in float (arithmetic in double)")
        .field("shift", &EigsOptions::shift, "0: automatic")
        .field("indefinite_shift", &EigsOptions::indefinite_shift, "first automatic shift")
        .field("initial_shift", &EigsOptions::initial_shift, "Cholesky fallback's first shift")
        .field("max_shift_tries", &EigsOptions::max_shift_tries, "factorisations tried")
        .field("max_restarts", &EigsOptions::max_restarts, "Krylov restarts")
        .field("seed", &EigsOptions::seed, "seed of the start block")
        .options();

    StructBinding<EigsResult>(m, "EigsResult", "Eigenpairs closest to zero and solver facts.")
        .property("values", [](const py::object& self, const EigsResult& r) {
            return py::array_t<double>(r.values.size(), r.values.data(), self);
        }, "(M,) ascending")
        .property("vectors", [](const py::object& self, const EigsResult& r) {
            const auto m = static_cast<py::ssize_t>(r.values.size());
            return view(self, r.vectors, {m, m ? static_cast<py::ssize_t>(r.vectors.size()) / m : 0});
        }, "(M, N), one unit eigenvector per row")
        .property("residuals", [](const py::object& self, const EigsResult& r) {
            return py::array_t<double>(r.residuals.size(), r.residuals.data(), self);
        }, "(M,) |L x - lambda x| / |L|_1")
        .readonly("shift", &EigsResult::shift, "shift used")
        .readonly("shift_tries", &EigsResult::shift_tries, "factorisations tried")
        .readonly("indefinite", &EigsResult::indefinite, "factorised with an L D L^T root")
        .readonly("below_shift", &EigsResult::below_shift, "eigenvalues below the shift (-1: unknown)")
        .readonly("factor_nonzeros", &EigsResult::factor_nonzeros, "nonzeros of the factor")
        .readonly("factor_flops", &EigsResult::factor_flops, "flops of the factorisation")
        .readonly("n_special", &EigsResult::n_special, "nodes ordered last")
        .readonly("n_applied", &EigsResult::n_applied, "vectors the inverse was applied to")
        .readonly("n_restarts", &EigsResult::n_restarts, "Krylov restarts")
        .readonly("converged", &EigsResult::converged, "the Krylov solver converged")
        .readonly("complete", &EigsResult::complete, "the selection holds the closest to zero")
        .readonly("time_factor", &EigsResult::time_factor, "seconds")
        .readonly("time_solve", &EigsResult::time_solve, "seconds")
        .readonly("time_apply", &EigsResult::time_apply, "seconds (part of time_solve)")
        .readonly("time_orthogonalise", &EigsResult::time_orthogonalise,
                  "seconds orthogonalising new blocks (part of time_solve)")
        .readonly("time_check", &EigsResult::time_check,
                  "seconds in Rayleigh-Ritz and convergence tests (part of time_solve)")
        .readonly("time_restart", &EigsResult::time_restart,
                  "seconds forming the kept Ritz vectors at restarts (part of time_solve)")
        .readonly("time_vectors", &EigsResult::time_vectors,
                  "seconds forming the returned Ritz vectors (part of time_solve)")
        .readonly("time_residuals", &EigsResult::time_residuals,
                  "seconds computing the true residuals (part of time_solve)")
        .property("residual_history", [](const py::object& self, const EigsResult& r) {
            return py::array_t<double>(static_cast<py::ssize_t>(r.history.size()), r.history.data(), self);
        }, "block method: worst residual / tolerance of the wanted pairs at each convergence test")
        .property("status", [](const py::object&, const EigsResult& r) { return r.status(); },
                  "SolverStatus: restarts, largest residual")
        .result();

    def_eigs<std::int32_t>(m);
    def_eigs<std::int64_t>(m);
}

}  // namespace sss::bind
