// The native module sss_fast._core. Each stage binds its options and result
// classes and its functions in its own bind_<stage>.cpp; this file wires them
// together. Kernels bound only for the tests live in _core_testing
// (bindings/testing/).
#include <pybind11/pybind11.h>

#include "bindings/module_setup.hpp"
#include "common/parallel.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace py = pybind11;

namespace sss::bind {
void bind_common(py::module_& m);
void bind_superpixels(py::module_& m);
void bind_affinity(py::module_& m);
void bind_laplacian(py::module_& m);
void bind_spectral(py::module_& m);
void bind_constrained(py::module_& m);
void bind_grouping(py::module_& m);
void bind_relaxed(py::module_& m);
void bind_features(py::module_& m);
void bind_colors(py::module_& m);
}  // namespace sss::bind

// The module's name comes from the build: _core, or _core_v4 for the AVX-512
// copy that sss_fast/_native.py picks at import time on CPUs that have it.
#ifndef SSS_MODULE_NAME
#define SSS_MODULE_NAME _core
#endif

PYBIND11_MODULE(SSS_MODULE_NAME, m) {
    m.doc() = "sss_fast native core (C++17, Eigen, Spectra, OpenMP)";

    sss::bind::setup_module();

    m.def("openmp_enabled", [] {
#ifdef _OPENMP
        return true;
#else
        return false;
#endif
    });
    m.def("get_num_threads", [] { return sss::max_threads(); });
    m.def(
        "set_num_threads",
        [](int n) {
            if (n < 1) throw sss::InvalidArgument("threads must be >= 1");
#ifdef _OPENMP
            omp_set_num_threads(n);
#endif
        },
        py::arg("n"));

    sss::bind::bind_common(m);
    sss::bind::bind_superpixels(m);
    sss::bind::bind_laplacian(m);  // first: it binds LaplacianOptions, which affinity takes
    sss::bind::bind_affinity(m);
    sss::bind::bind_spectral(m);
    sss::bind::bind_constrained(m);
    sss::bind::bind_grouping(m);
    sss::bind::bind_relaxed(m);
    sss::bind::bind_features(m);
    sss::bind::bind_colors(m);
}
