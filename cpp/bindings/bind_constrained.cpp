// Constrained sparsification (SPEC §7) and its hot kernel. The Python layer
// (sss_fast.constrained) validates; these re-check sizes only.
#include <cstdint>
#include <string>
#include <vector>

#include "bindings/convert.hpp"
#include "common/fastmath.hpp"
#include "grouping/kmeans.hpp"
#include "sparsify/constrained.hpp"
#include "sparsify/gram.hpp"

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

}  // namespace

void bind_constrained(py::module_& m) {
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
        "kmeans",
        [](const carray<double>& X, index_t k, std::uint64_t seed, int n_init, int max_iter,
           double tol) {
            require(X.ndim() == 2, "kmeans: X must be (n, d)");
            const index_t n = X.shape(0), d = X.shape(1);
            KMeansOptions opt;
            opt.n_clusters = k;
            opt.seed = seed;
            opt.n_init = n_init;
            opt.max_iter = max_iter;
            opt.tol = tol;
            KMeansResult r;
            {
                py::gil_scoped_release release;
                reset_interrupt();
                r = kmeans(X.data(), n, d, opt);
            }
            const index_t kk = r.k;
            return py::make_tuple(to_numpy(std::move(r.labels)),
                                  to_numpy(std::move(r.centers), {kk, d}), r.distortion,
                                  r.iterations);
        },
        py::arg("X").noconvert(), py::arg("k"), py::arg("seed"), py::arg("n_init") = 3,
        py::arg("max_iter") = 100, py::arg("tol") = 1e-6,
        "Seeded k-means++ / Lloyd: returns (labels int32 (n,), centers (k', d), distortion, "
        "iterations).");

    m.def(
        "constrained_sparsify",
        [](const carray<double>& E, const carray<double>& eigvals,
           const carray<std::int32_t>& labels, index_t iterations, double gamma, double w0,
           double w1, double floor, double prune_threshold, std::vector<index_t> prune_after,
           const std::string& method, double pcg_tolerance, double precond_ratio,
           index_t pcg_max_iter, index_t height, index_t width, index_t stride) {
            const index_t M = E.ndim() == 2 ? E.shape(0) : 0, N = E.ndim() == 2 ? E.shape(1) : 0;
            if (height <= 0 && width <= 0) {
                height = 1;
                width = N;
            }
            require(stride >= 1 && height * width == N, "constrained_sparsify: height * width must be N");
            const index_t Ns = grid_sample_count(height, width, stride);
            require(E.ndim() == 2 && eigvals.ndim() == 1 && eigvals.shape(0) == M &&
                        labels.ndim() == 1 && labels.shape(0) == Ns,
                    "constrained_sparsify: E (M, N), eigvals (M,), labels (one per sampled pixel)");
            ConstrainedParams p;
            p.iterations = iterations;
            p.gamma = gamma;
            p.w0 = w0;
            p.w1 = w1;
            p.floor = floor;
            p.prune_threshold = prune_threshold;
            p.prune_after = std::move(prune_after);
            if (method == "exact")
                p.solver = ConstrainedSolver::exact;
            else if (method == "pcg")
                p.solver = ConstrainedSolver::pcg;
            else
                throw InvalidArgument("constrained_sparsify: method must be 'pcg' or 'exact'");
            p.pcg_tolerance = pcg_tolerance;
            p.precond_ratio = precond_ratio;
            p.pcg_max_iter = pcg_max_iter;
            ConstrainedResult r;
            {
                py::gil_scoped_release release;
                r = constrained_sparsify_grid(E.data(), M, height, width, eigvals.data(),
                                              labels.data(), stride, p);
            }
            const index_t K = r.n_components;
            return py::make_tuple(to_numpy(std::move(r.alpha), {K, N}), to_numpy(std::move(r.energy)),
                                  to_numpy(std::move(r.components_per_iter)),
                                  to_numpy(std::move(r.pcg_iterations)),
                                  to_numpy(std::move(r.gram_work)));
        },
        py::arg("E").noconvert(), py::arg("eigvals").noconvert(), py::arg("labels").noconvert(),
        py::arg("iterations"), py::arg("gamma"), py::arg("w0"), py::arg("w1"), py::arg("floor"),
        py::arg("prune_threshold"), py::arg("prune_after"), py::arg("method") = "pcg",
        py::arg("pcg_tolerance") = 1e-10, py::arg("precond_ratio") = 2.0,
        py::arg("pcg_max_iter") = 60, py::arg("height") = 0, py::arg("width") = 0,
        py::arg("stride") = 1,
        "With stride > 1 the IRLS runs on grid_sample(height, width, stride) (labels: one per "
        "sampled pixel) and alpha is lifted to all N pixels. "
        "Returns (alpha (K, N), energy per iteration, K per iteration, PCG iterations per "
        "iteration, Gram work per iteration as a fraction of K*N pixel updates).");

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

}  // namespace sss::bind
