// Relaxed sparsification (SPEC §9) and the generic PCG, for Python.
// The Python layer (sss_fast/relaxed.py) validates; these re-check shapes.
#include <cstdint>
#include <string>
#include <vector>

#include "bindings/convert.hpp"
#include "linalg/pcg.hpp"
#include "sparsify/gradient.hpp"
#include "sparsify/relaxed.hpp"

namespace sss::bind {
namespace {

void require_layers(const carray<double>& layers) {
    if (layers.ndim() != 2 || layers.shape(0) < 1)
        throw InvalidArgument("layers must be a (K, N) float64 array with K >= 1");
}

template <class I>
py::dict relaxed_impl(const carray<double>& layers, const carray<I>& indptr,
                      const carray<I>& indices, const carray<double>& data,
                      const carray<double>& image, const RelaxedParams& prm) {
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
        r = relaxed_sparsify(layers.data(), k, l, img, prm);
    }
    py::dict out;
    out["layers"] = to_numpy(std::move(r.layers), {static_cast<py::ssize_t>(k),
                                                   static_cast<py::ssize_t>(n)});
    out["energy"] = to_numpy(std::move(r.energy));
    out["irls_energy"] = to_numpy(std::move(r.irls_energy));
    out["final_energy"] = r.final_energy;
    out["cg_iterations"] = to_numpy(std::move(r.cg_iterations));
    out["cg_residuals"] = to_numpy(std::move(r.cg_residuals));
    out["cg_status"] = to_numpy(std::move(r.cg_status));
    out["cg_seconds"] = to_numpy(std::move(r.cg_seconds));
    out["seconds"] = r.seconds;
    return out;
}

template <class I>
void def_relaxed(py::module_& m) {
    m.def(
        "relaxed_sparsify",
        [](const carray<double>& layers, const carray<I>& indptr, const carray<I>& indices,
           const carray<double>& data, const carray<double>& image, double clean_low,
           double clean_high, double lambda, index_t iterations, double floor, double gamma_base,
           double gamma_cap, double cg_tolerance, index_t cg_max_iterations) {
            RelaxedParams p;
            p.clean_low = clean_low;
            p.clean_high = clean_high;
            p.lambda = lambda;
            p.iterations = iterations;
            p.floor = floor;
            p.gamma_base = gamma_base;
            p.gamma_cap = gamma_cap;
            p.cg_tolerance = cg_tolerance;
            p.cg_max_iterations = cg_max_iterations;
            return relaxed_impl<I>(layers, indptr, indices, data, image, p);
        },
        py::arg("layers").noconvert(), py::arg("indptr").noconvert(),
        py::arg("indices").noconvert(), py::arg("data").noconvert(),
        py::arg("image").noconvert(), py::kw_only(), py::arg("clean_low"),
        py::arg("clean_high"), py::arg("sum_to_one_weight"), py::arg("iterations"),
        py::arg("floor"), py::arg("gamma_base"), py::arg("gamma_cap"),
        py::arg("cg_tolerance"), py::arg("cg_max_iterations"),
        "Relaxed sparsification (SPEC §9). layers (K, N) grouped α̂, L as CSR arrays, "
        "image H×W×C. Returns a dict: layers (K, N), energy, irls_energy, final_energy, "
        "cg_iterations, cg_residuals, cg_status (0 converged, 1 max iterations, 2 breakdown).");
}

template <class I>
void def_pcg(py::module_& m) {
    m.def(
        "pcg_csr",
        [](const carray<I>& indptr, const carray<I>& indices, const carray<double>& data,
           const carray<double>& b, const carray<double>& x0, double tolerance,
           index_t max_iterations, bool jacobi) {
            if (b.ndim() != 1 || x0.ndim() != 1 || x0.shape(0) != b.shape(0))
                throw InvalidArgument("b and x0 must be 1-D of the same length");
            const index_t n = b.shape(0);
            const CsrView<I> a = csr_view(indptr, indices, data, n, n);
            check_square_csr(a, n, "A");
            std::vector<double> x(x0.data(), x0.data() + n);
            PcgResult r;
            {
                py::gil_scoped_release release;
                reset_interrupt();
                const CsrOperator<I> op{a};
                const PcgOptions opt{tolerance, max_iterations};
                if (jacobi) {
                    std::vector<double> inv(static_cast<std::size_t>(n), 1.0);
                    for (index_t i = 0; i < n; ++i)
                        for (I q = a.indptr[i]; q < a.indptr[i + 1]; ++q)
                            if (static_cast<index_t>(a.indices[q]) == i && a.data[q] != 0.0)
                                inv[static_cast<std::size_t>(i)] = 1.0 / a.data[q];
                    r = pcg(op, DiagonalPreconditioner{inv.data()}, b.data(), x.data(), opt);
                } else {
                    r = pcg(op, IdentityPreconditioner{}, b.data(), x.data(), opt);
                }
            }
            return py::make_tuple(to_numpy(std::move(x)), r.iterations, r.relative_residual,
                                  static_cast<int>(r.status));
        },
        py::arg("indptr").noconvert(), py::arg("indices").noconvert(),
        py::arg("data").noconvert(), py::arg("b").noconvert(), py::arg("x0").noconvert(),
        py::arg("tolerance"), py::arg("max_iterations"), py::arg("jacobi"),
        "Generic PCG on a square CSR matrix (for tests): returns (x, iterations, "
        "relative_residual, status).");
}

}  // namespace

void bind_relaxed(py::module_& m) {
    def_relaxed<std::int32_t>(m);
    def_relaxed<std::int64_t>(m);
    def_pcg<std::int32_t>(m);
    def_pcg<std::int64_t>(m);

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

    m.def(
        "relaxed_clean_initial",
        [](const carray<double>& layers, double low, double high) {
            require_layers(layers);
            const index_t k = layers.shape(0), n = layers.shape(1);
            std::vector<double> out(static_cast<std::size_t>(k * n));
            {
                py::gil_scoped_release release;
                reset_interrupt();
                clean_initial_layers(layers.data(), k, n, low, high, out.data());
            }
            return to_numpy(std::move(out),
                            {static_cast<py::ssize_t>(k), static_cast<py::ssize_t>(n)});
        },
        py::arg("layers").noconvert(), py::arg("low"), py::arg("high"),
        "SPEC §9.1 clean-up of grouped layers (K, N).");
}

}  // namespace sss::bind
