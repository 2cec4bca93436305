// The pieces every stage shares: the solver status and k-means (used by the
// constrained stage's initialisation and by grouping).
#include <cstdint>

#include "bindings/struct_binding.hpp"
#include "common/kmeans.hpp"
#include "common/status.hpp"

namespace sss::bind {

void bind_common(py::module_& m) {
    py::enum_<SolveStatus>(m, "SolveStatus", "How an iterative solver stopped.",
                           py::module_local())
        .value("converged", SolveStatus::converged)
        .value("max_iterations", SolveStatus::max_iterations)
        .value("breakdown", SolveStatus::breakdown);
    StructBinding<SolverStatus>(m, "SolverStatus",
                                "Outcome of an iterative solver: status, iterations, residual.")
        .readonly("status", &SolverStatus::status, "SolveStatus")
        .readonly("iterations", &SolverStatus::iterations, "the solver's own iterations")
        .readonly("residual", &SolverStatus::residual, "relative residual at exit (worst of a sequence)")
        .result()
        .def_property_readonly("converged", &SolverStatus::converged);

    StructBinding<KMeansOptions>(m, "KMeansOptions", "Seeded k-means++ / Lloyd settings.")
        .field("n_clusters", &KMeansOptions::n_clusters, "k (at most this many come out)")
        .field("n_init", &KMeansOptions::n_init, "restarts; the lowest distortion wins")
        .field("max_iter", &KMeansOptions::max_iter, "Lloyd iterations per restart")
        .field("tol", &KMeansOptions::tol, "stop when the distortion drops by at most tol times itself")
        .field("seed", &KMeansOptions::seed, "seed (uint64)")
        .options();
    StructBinding<KMeansResult>(m, "KMeansResult", "k-means clusters.")
        .property("labels", [](const py::object& self, const KMeansResult& r) {
            return view(self, r.labels);
        }, "(n,) int32, consecutive from 0")
        .property("centers", [](const py::object& self, const KMeansResult& r) {
            const auto k = static_cast<py::ssize_t>(r.k);
            return view(self, r.centers, {k, k ? static_cast<py::ssize_t>(r.centers.size()) / k : 0});
        }, "(k, d) centres")
        .readonly("k", &KMeansResult::k, "clusters actually used")
        .readonly("distortion", &KMeansResult::distortion, "sum of squared distances")
        .readonly("status", &KMeansResult::status, "SolverStatus of the winning restart")
        .result();

    m.def(
        "kmeans",
        [](const carray<double>& X, const KMeansOptions& opt) {
            require(X.ndim() == 2, "kmeans: X must be (n, d)");
            KMeansResult r;
            {
                py::gil_scoped_release release;
                reset_interrupt();
                r = kmeans(X.data(), X.shape(0), X.shape(1), opt);
            }
            return r;
        },
        py::arg("X").noconvert(), py::arg("options"), "Seeded k-means++ / Lloyd of the rows of X.");
}

}  // namespace sss::bind
