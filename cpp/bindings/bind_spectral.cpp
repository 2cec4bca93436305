#include <cstdint>

#include "bindings/convert.hpp"
#include "spectral/eigs.hpp"

namespace sss::bind {

namespace {

template <class I>
py::dict eigs_impl(const carray<I>& indptr, const carray<I>& indices, const carray<double>& data,
                   index_t height, index_t width, index_t n_wanted, index_t extra,
                   const std::string& method, index_t block, double tol, double shift,
                   index_t max_restarts, std::uint64_t seed, const carray<std::int64_t>& special,
                   double residual_tol, bool float_basis) {
    const index_t n = height * width;
    auto view = csr_view<I>(indptr, indices, data, n, n);
    spectral::EigsOptions opt;
    opt.n_wanted = n_wanted;
    opt.extra = extra;
    if (method == "block")
        opt.method = spectral::Method::Block;
    else if (method == "lanczos")
        opt.method = spectral::Method::Lanczos;
    else
        throw InvalidArgument("method must be 'block' or 'lanczos'");
    opt.block = block;
    opt.tol = tol;
    opt.residual_tol = residual_tol;
    opt.float_basis = float_basis;
    opt.shift = shift;
    opt.max_restarts = max_restarts;
    opt.seed = seed;
    opt.special.assign(special.data(), special.data() + special.size());
    spectral::EigsResult r;
    {
        py::gil_scoped_release release;
        reset_interrupt();
        r = spectral::smallest_magnitude_eigs(view, height, width, opt);
    }
    const auto m = static_cast<py::ssize_t>(r.values.size());
    py::dict out;
    out["values"] = py::array_t<double>(m, r.values.data());
    out["vectors"] = to_numpy(std::move(r.vectors), {m, static_cast<py::ssize_t>(n)});
    out["residuals"] = py::array_t<double>(m, r.residuals.data());
    out["shift"] = r.shift;
    out["shift_tries"] = r.shift_tries;
    out["indefinite"] = r.indefinite;
    out["below_shift"] = r.below_shift;
    out["factor_nonzeros"] = r.factor_nonzeros;
    out["factor_flops"] = r.factor_flops;
    out["n_special"] = r.n_special;
    out["n_applied"] = r.n_applied;
    out["n_restarts"] = r.n_restarts;
    out["residual_history"] = py::array_t<double>(static_cast<py::ssize_t>(r.history.size()), r.history.data());
    out["converged"] = r.converged;
    out["complete"] = r.complete;
    out["time_factor"] = r.time_factor;
    out["time_solve"] = r.time_solve;
    out["time_apply"] = r.time_apply;
    out["time_orthogonalise"] = r.time_orthogonalise;
    out["time_check"] = r.time_check;
    out["time_restart"] = r.time_restart;
    out["time_vectors"] = r.time_vectors;
    out["time_residuals"] = r.time_residuals;
    return out;
}

}  // namespace

void bind_spectral(py::module_& m) {
    m.def("smallest_eigs", &eigs_impl<std::int32_t>, py::arg("indptr").noconvert(),
          py::arg("indices").noconvert(), py::arg("data").noconvert(), py::arg("height"),
          py::arg("width"), py::arg("n_wanted"), py::arg("extra"), py::arg("method"),
          py::arg("block"), py::arg("tol"), py::arg("shift"), py::arg("max_restarts"),
          py::arg("seed"), py::arg("special").noconvert(), py::arg("residual_tol") = 0.0,
          py::arg("float_basis") = false);
    m.def("smallest_eigs", &eigs_impl<std::int64_t>, py::arg("indptr").noconvert(),
          py::arg("indices").noconvert(), py::arg("data").noconvert(), py::arg("height"),
          py::arg("width"), py::arg("n_wanted"), py::arg("extra"), py::arg("method"),
          py::arg("block"), py::arg("tol"), py::arg("shift"), py::arg("max_restarts"),
          py::arg("seed"), py::arg("special").noconvert(), py::arg("residual_tol") = 0.0,
          py::arg("float_basis") = false);
}

}  // namespace sss::bind
