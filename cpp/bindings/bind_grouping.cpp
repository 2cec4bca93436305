// Grouping of components into layers (SPEC §8): GroupingOptions in, GroupingResult out.
#include <cstdint>

#include "bindings/struct_binding.hpp"
#include "grouping/grouping.hpp"

namespace sss::bind {

void bind_grouping(py::module_& m) {
    StructBinding<GroupingOptions>(m, "GroupingOptions", "Grouping settings (SPEC §8).")
        .field("n_layers", &GroupingOptions::n_layers, "layers asked for")
        .field("n_init", &GroupingOptions::n_init, "k-means restarts")
        .field("seed", &GroupingOptions::seed, "seed of the k-means++ seeding")
        .options();
    StructBinding<GroupingResult>(m, "GroupingResult", "Layers and the group of each component.")
        .property("layers", [](const py::object& self, const GroupingResult& r) {
            const auto l = static_cast<py::ssize_t>(r.n_layers);
            return view(self, r.layers, {l, l ? static_cast<py::ssize_t>(r.layers.size()) / l : 0});
        }, "(L, N) layers")
        .readonly("n_layers", &GroupingResult::n_layers, "L")
        .property("group", [](const py::object& self, const GroupingResult& r) {
            return view(self, r.group);
        }, "(K,) int32 layer of each component")
        .property("means", [](const py::object& self, const GroupingResult& r) {
            const auto k = static_cast<py::ssize_t>(r.group.size());
            return view(self, r.means, {k, k ? static_cast<py::ssize_t>(r.means.size()) / k : 0});
        }, "(K, C) alpha-weighted mean features")
        .readonly("status", &GroupingResult::status, "SolverStatus of the k-means")
        .result();

    m.def(
        "group_components",
        [](const carray<double>& alpha, const carray<double>& features,
           const GroupingOptions& opt) {
            require(alpha.ndim() == 2 && features.ndim() == 2 &&
                        features.shape(0) == alpha.shape(1),
                    "group_components: alpha (K, N), features (N, C)");
            const index_t K = alpha.shape(0), N = alpha.shape(1), C = features.shape(1);
            GroupingResult r;
            {
                py::gil_scoped_release release;
                r = group_components(alpha.data(), K, N, features.data(), C, opt);
            }
            return r;
        },
        py::arg("alpha").noconvert(), py::arg("features").noconvert(), py::arg("options"),
        "Groups the components alpha (K, N) by their mean features (N, C).");
}

}  // namespace sss::bind
