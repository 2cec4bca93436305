// Grouping of components into layers (SPEC §8).
#include <cstdint>

#include "bindings/convert.hpp"
#include "grouping/grouping.hpp"

namespace sss::bind {

void bind_grouping(py::module_& m) {
    m.def(
        "group_components",
        [](const carray<double>& alpha, const carray<double>& features, index_t n_layers,
           std::uint64_t seed, int n_init) {
            require(alpha.ndim() == 2 && features.ndim() == 2 &&
                        features.shape(0) == alpha.shape(1),
                    "group_components: alpha (K, N), features (N, C)");
            const index_t K = alpha.shape(0), N = alpha.shape(1), C = features.shape(1);
            GroupingResult r;
            {
                py::gil_scoped_release release;
                r = group_components(alpha.data(), K, N, features.data(), C, n_layers, seed, n_init);
            }
            const index_t L = r.n_layers;
            return py::make_tuple(to_numpy(std::move(r.layers), {L, N}), to_numpy(std::move(r.group)),
                                  to_numpy(std::move(r.means), {K, C}));
        },
        py::arg("alpha").noconvert(), py::arg("features").noconvert(), py::arg("n_layers"),
        py::arg("seed"), py::arg("n_init") = 10,
        "Returns (layers (L, N), group of each component (K,), mean features (K, C)).");
}

}  // namespace sss::bind
