// The native module sss_fast._core_testing (_core_v4_testing for the AVX-512
// build): kernels the package does not call, bound so that the tests can check
// them against the reference implementations in tests/reference/ (and the
// benchmarks can time them). sss_fast._native.testing loads the copy that
// matches the loaded _core.
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "bindings/convert.hpp"
#include "bindings/module_setup.hpp"
#include "colors/colors.hpp"
#include "common/fastmath.hpp"
#include "common/random.hpp"
#include "features/guided_filter.hpp"
#include "linalg/pcg.hpp"
#include "sparsify/constrained.hpp"
#include "sparsify/gram.hpp"
#include "sparsify/relaxed.hpp"
#include "spectral/split_kernels.hpp"
#include "superpixels/slic.hpp"

namespace sss::bind {
namespace {

// The pixel-major copy of E the Gram kernels can take (empty when not wanted).
std::vector<double> pixel_major_copy(const double* E, index_t M, index_t N, bool wanted) {
    std::vector<double> Et;
    if (wanted) {
        Et.resize(static_cast<size_t>(gram_padded_rows(M) * N));
        gram_pixel_major(E, M, N, Et.data());
    }
    return Et;
}

// Largest |difference| between a front's unsplit Eigen calls and the split
// kernels (spectral/split_kernels.hpp, all threads) on a random symmetric
// positive definite front of nj + nr rows: (triangular solves, rank updates).
// Both calls of each kind are checked: the Cholesky fronts'
// (L21 = A21 L11^-T, lower(A22) -= L21 L21^T) and the root L D L^T's
// (unit L11, lower(A22) -= W L21^T). Zero when the split keeps the bits.
std::pair<double, double> split_kernels_difference(index_t nj, index_t nr, std::uint64_t seed) {
    using Mat = Eigen::MatrixXd;
    require(nj >= 1 && nr >= 1, "split_kernels_difference: need nj, nr >= 1");
    const index_t nf = nj + nr;
    SplitMix64 rng(seed);
    Mat g(nf, nf + 8);
    for (index_t j = 0; j < g.cols(); ++j)
        for (index_t i = 0; i < nf; ++i) g(i, j) = 2.0 * rng.uniform() - 1.0;
    Mat f = g * g.transpose() / static_cast<double>(nf);
    f.diagonal().array() += 1.0;
    const Eigen::LLT<Mat> llt(f.topLeftCorner(nj, nj));
    const Mat l11 = llt.matrixL();
    const Mat a21 = f.bottomLeftCorner(nr, nj), a22 = f.bottomRightCorner(nr, nr);
    double dt = 0.0, du = 0.0;
    for (const bool unit : {false, true}) {
        Mat x = a21, y = a21;
        if (unit) {
            l11.triangularView<Eigen::UnitLower>().transpose().solveInPlace<Eigen::OnTheRight>(x);
        } else {
            l11.triangularView<Eigen::Lower>().transpose().solveInPlace<Eigen::OnTheRight>(x);
        }
        spectral::trsm_right_rows(l11, y.leftCols(nj), unit, /*par=*/true);
        dt = std::max(dt, (x - y).cwiseAbs().maxCoeff());
        Mat c = a22, d = a22;
        const Mat w = unit ? Mat(0.5 * x) : x;
        if (unit) {
            c.triangularView<Eigen::Lower>() -= w * x.transpose();
        } else {
            c.selfadjointView<Eigen::Lower>().rankUpdate(x, -1.0);
        }
        spectral::lower_update_rows(d.leftCols(nr), w, x, /*par=*/true);
        du = std::max(du, Mat((c - d).triangularView<Eigen::Lower>()).cwiseAbs().maxCoeff());
    }
    return {dt, du};
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
            return py::make_tuple(to_numpy(std::move(x)), r.iterations, r.residual,
                                  static_cast<int>(r.status));
        },
        py::arg("indptr").noconvert(), py::arg("indices").noconvert(),
        py::arg("data").noconvert(), py::arg("b").noconvert(), py::arg("x0").noconvert(),
        py::arg("tolerance"), py::arg("max_iterations"), py::arg("jacobi"),
        "Generic PCG on a square CSR matrix (for tests): returns (x, iterations, "
        "relative_residual, status).");
}


void bind_superpixel_steps(py::module_& m) {
    m.def(
        "rgb_to_lab",
        [](const carray<double>& image) {
            const ImageView<double> v = rgb_view(image);
            std::vector<double> lab(static_cast<std::size_t>(3 * v.pixels()));
            {
                py::gil_scoped_release nogil;
                reset_interrupt();
                superpixels::rgb_to_lab(v, lab.data());
            }
            return to_numpy(std::move(lab), {static_cast<py::ssize_t>(v.height),
                                             static_cast<py::ssize_t>(v.width), 3});
        },
        py::arg("image").noconvert(),
        "sRGB H x W x 3 in [0, 1] -> CIELAB (D65), float64 H x W x 3.");

    m.def(
        "slic_grid",
        [](index_t height, index_t width, index_t n_segments) {
            const auto g = superpixels::slic_grid(height, width, n_segments);
            return py::make_tuple(g.step, g.ny, g.nx);
        },
        py::arg("height"), py::arg("width"), py::arg("n_segments"),
        "SLICO grid: (step S, rows ny, columns nx).");

    m.def(
        "slico_assign",
        [](const carray<double>& image, index_t n_segments, int iterations) {
            const ImageView<double> v = rgb_view(image);
            std::vector<std::int32_t> labels(static_cast<std::size_t>(v.pixels()));
            index_t k;
            {
                py::gil_scoped_release nogil;
                reset_interrupt();
                k = superpixels::slico_assign(v, n_segments, iterations, labels.data());
            }
            return py::make_tuple(new_labels(v.height, v.width, std::move(labels)), k);
        },
        py::arg("image").noconvert(), py::arg("n_segments"), py::arg("iterations"),
        "SLICO clustering without the connectivity step: (labels int32 H x W, K clusters).");

    m.def(
        "enforce_connectivity",
        [](const carray<std::int32_t>& labels, index_t n_clusters) {
            const LabelView lv = label_view(labels);
            std::vector<std::int32_t> out(lv.data, lv.data + lv.height * lv.width);
            index_t n;
            {
                py::gil_scoped_release nogil;
                reset_interrupt();
                n = superpixels::enforce_connectivity(out.data(), lv.height, lv.width, n_clusters);
            }
            return py::make_tuple(new_labels(lv.height, lv.width, std::move(out)), n);
        },
        py::arg("labels").noconvert(), py::arg("n_clusters"),
        "Connectivity step of SLICO on a copy of labels: (labels int32 H x W, n_regions).");

}

void bind_constrained_kernels(py::module_& m) {

    m.def(
        "weighted_grams",
        [](const carray<double>& E, const carray<double>& w, bool f32, bool pixel_major) {
            require(E.ndim() == 2 && w.ndim() == 2 && w.shape(1) == E.shape(1),
                    "weighted_grams: E must be (M, N) and w (K, N)");
            const index_t M = E.shape(0), N = E.shape(1), K = w.shape(0);
            std::vector<double> out(static_cast<size_t>(K * M * M));
            {
                py::gil_scoped_release release;
                reset_interrupt();
                const std::vector<double> Et = pixel_major_copy(E.data(), M, N, pixel_major);
                const double* etp = pixel_major ? Et.data() : nullptr;
                if (f32)
                    weighted_grams_f32(E.data(), M, N, w.data(), K, out.data(), etp);
                else
                    weighted_grams(E.data(), M, N, w.data(), K, out.data(), etp);
            }
            return to_numpy(std::move(out), {K, M, M});
        },
        py::arg("E").noconvert(), py::arg("w").noconvert(), py::arg("f32") = false,
        py::arg("pixel_major") = false,
        "out[k] = E diag(w[k]) E^T for E (M, N), w (K, N) >= 0; returns (K, M, M). "
        "pixel_major: go through the pixel-major copy of E, as the constrained stage does.");

    m.def(
        "pow_positive",
        [](const carray<double>& x, double g) {
            const index_t n = static_cast<index_t>(x.size());
            std::vector<double> out(static_cast<size_t>(n));
            pow_positive(x.data(), g, out.data(), n);
            return to_numpy(std::move(out), {n});
        },
        py::arg("x").noconvert(), py::arg("g"),
        "x**g elementwise for a flat float64 array (the IRLS weight kernel; for tests).");

    m.def(
        "pow_positive",
        [](const carray<double>& x, const carray<double>& g) {
            require(g.size() == x.size(), "pow_positive: x and g must have the same size");
            const index_t n = static_cast<index_t>(x.size());
            std::vector<double> out(static_cast<size_t>(n));
            pow_positive(x.data(), g.data(), out.data(), n);
            return to_numpy(std::move(out), {n});
        },
        py::arg("x").noconvert(), py::arg("g").noconvert(),
        "x**g elementwise with one exponent per value (the relaxed stage's weights; for tests).");

    m.def(
        "split_kernels_difference",
        [](index_t nj, index_t nr, std::uint64_t seed) {
            py::gil_scoped_release release;
            return split_kernels_difference(nj, nr, seed);
        },
        py::arg("nj"), py::arg("nr"), py::arg("seed") = 0,
        "(triangular solves, rank updates): largest |difference| between a front's unsplit "
        "dense kernels and the row-split ones the factorisation's top fronts use (0: same bits).");

    m.def(
        "solve_block_arrow",
        [](const carray<double>& A, const carray<double>& b) {
            require(A.ndim() == 3 && A.shape(1) == A.shape(2) && b.ndim() == 2 &&
                        b.shape(0) == A.shape(0) && b.shape(1) == A.shape(1),
                    "solve_block_arrow: A must be (K, M, M) and b (K, M)");
            const index_t K = A.shape(0), M = A.shape(1);
            require(K >= 2, "solve_block_arrow: need K >= 2");
            std::vector<double> y(static_cast<size_t>((K - 1) * M));
            {
                py::gil_scoped_release release;
                reset_interrupt();
                solve_block_arrow(A.data(), b.data(), K, M, y.data());
            }
            return to_numpy(std::move(y), {K - 1, M});
        },
        py::arg("A").noconvert(), py::arg("b").noconvert());

    m.def(
        "update_grams",
        [](const carray<double>& E, const carray<double>& w, double ratio, py::array_t<double> wt,
           py::array_t<double> G, bool pixel_major, index_t max_updates) {
            require(E.ndim() == 2 && w.ndim() == 2 && w.shape(1) == E.shape(1),
                    "update_grams: E must be (M, N) and w (K, N)");
            const index_t M = E.shape(0), N = E.shape(1), K = w.shape(0);
            auto wtb = wt.mutable_unchecked<2>();
            auto Gb = G.mutable_unchecked<3>();
            require(wtb.shape(0) == K && wtb.shape(1) == N && Gb.shape(0) == K &&
                        Gb.shape(1) == M && Gb.shape(2) == M &&
                        (wt.flags() & py::array::c_style) && (G.flags() & py::array::c_style),
                    "update_grams: wt must be C-contiguous (K, N) and G (K, M, M)");
            double* wtp = wt.mutable_data();
            double* Gp = G.mutable_data();
            index_t n = 0;
            {
                py::gil_scoped_release release;
                reset_interrupt();
                const std::vector<double> Et = pixel_major_copy(E.data(), M, N, pixel_major);
                n = update_grams(E.data(), M, N, w.data(), K, ratio, wtp, Gp,
                                 pixel_major ? Et.data() : nullptr, max_updates);
            }
            return n;
        },
        py::arg("E").noconvert(), py::arg("w").noconvert(), py::arg("ratio"),
        py::arg("wt").noconvert(), py::arg("G").noconvert(), py::arg("pixel_major") = false,
        py::arg("max_updates") = -1,
        "In place: G[k] += E diag(w[k]-wt[k]) E^T over pixels whose w/wt is outside "
        "[1/ratio, ratio], and wt = w there. Returns the number of updated (k, p). "
        "pixel_major: as for weighted_grams. max_updates >= 0: when more (k, p) than that "
        "qualify, returns their count and changes nothing.");
}

void bind_relaxed_kernels(py::module_& m) {
    def_pcg<std::int32_t>(m);
    def_pcg<std::int64_t>(m);

    m.def(
        "relaxed_clean_initial",
        [](const carray<double>& layers, double low, double high) {
            require(layers.ndim() == 2 && layers.shape(0) >= 1,
                    "layers must be a (K, N) float64 array with K >= 1");
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

void bind_color_kernels(py::module_& m) {
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

void bind_feature_kernels(py::module_& m) {
    m.def(
        "box_mean",
        [](const carray<double>& src, index_t window) {
            const ImageView<double> s = image_view(src, "src");
            if (window < 1) throw InvalidArgument("window must be >= 1");
            std::vector<double> out(s.data, s.data + s.pixels() * s.channels);
            {
                py::gil_scoped_release release;
                features::box_mean(out.data(), s.height, s.width, s.channels, window);
            }
            return to_numpy(std::move(out), {static_cast<py::ssize_t>(s.height),
                                             static_cast<py::ssize_t>(s.width),
                                             static_cast<py::ssize_t>(s.channels)});
        },
        py::arg("src").noconvert(), py::arg("window"),
        "Clipped k x k window means of an H x W x C float64 array (window as guided_filter).");

}

}  // namespace
}  // namespace sss::bind

#ifndef SSS_MODULE_NAME
#define SSS_MODULE_NAME _core_testing
#endif

PYBIND11_MODULE(SSS_MODULE_NAME, m) {
    m.doc() = "sss_fast native kernels bound for the tests and benchmarks only";
    sss::bind::setup_module();
    sss::bind::bind_superpixel_steps(m);
    sss::bind::bind_constrained_kernels(m);
    sss::bind::bind_relaxed_kernels(m);
    sss::bind::bind_color_kernels(m);
    sss::bind::bind_feature_kernels(m);
}
