// Superpixels (SPEC §2): SLICO labels and the region graph.
#include "bindings/struct_binding.hpp"
#include "superpixels/region_graph.hpp"
#include "superpixels/slic.hpp"

namespace sss::bind {

void bind_superpixels(py::module_& m) {
    StructBinding<superpixels::SlicOptions>(m, "SlicOptions", "Superpixel settings (SPEC §2).")
        .field("n_segments", &superpixels::SlicOptions::n_segments, "target number of superpixels")
        .field("iterations", &superpixels::SlicOptions::iterations, "assignment/update rounds")
        .options();

    m.def(
        "slic",
        [](const carray<double>& image, const superpixels::SlicOptions& opt) {
            const ImageView<double> v = rgb_view(image);
            std::vector<std::int32_t> labels(static_cast<std::size_t>(v.pixels()));
            index_t n;
            {
                py::gil_scoped_release nogil;
                reset_interrupt();
                n = superpixels::slico(v, opt.n_segments, opt.iterations, labels.data());
            }
            return py::make_tuple(new_labels(v.height, v.width, std::move(labels)), n);
        },
        py::arg("image").noconvert(), py::arg("options"),
        "SLICO superpixels: (labels int32 H x W consecutive from 0, n_regions).");

    m.def(
        "region_graph",
        [](const carray<std::int32_t>& labels, index_t n_regions) {
            const LabelView lv = label_view(labels);
            std::vector<std::int64_t> centroids(static_cast<std::size_t>(std::max<index_t>(n_regions, 0)));
            std::vector<std::int64_t> pairs;
            {
                py::gil_scoped_release nogil;
                reset_interrupt();
                superpixels::region_centroids(lv.data, lv.height, lv.width, n_regions,
                                              centroids.data());
                pairs = superpixels::region_neighbours(lv.data, lv.height, lv.width, n_regions);
            }
            const auto np = static_cast<py::ssize_t>(pairs.size() / 2);
            return py::make_tuple(to_numpy(std::move(centroids)), to_numpy(std::move(pairs), {np, 2}));
        },
        py::arg("labels").noconvert(), py::arg("n_regions"),
        "(centroids int64 (S,), neighbours int64 (P, 2)) of a consecutive label map.");

    m.def(
        "region_means",
        [](const carray<std::int32_t>& labels, const carray<double>& values, index_t n_regions) {
            const LabelView lv = label_view(labels);
            const ImageView<double> v = image_view(values, "values");
            if (v.height != lv.height || v.width != lv.width)
                throw InvalidArgument("values must have the same height and width as labels");
            require(n_regions >= 1, "n_regions must be >= 1");
            std::vector<double> means(static_cast<std::size_t>(n_regions * v.channels));
            {
                py::gil_scoped_release nogil;
                reset_interrupt();
                superpixels::region_means(lv.data, v, n_regions, means.data());
            }
            return to_numpy(std::move(means), {static_cast<py::ssize_t>(n_regions),
                                               static_cast<py::ssize_t>(v.channels)});
        },
        py::arg("labels").noconvert(), py::arg("values").noconvert(), py::arg("n_regions"),
        "Mean of values (H x W x C) over each region: float64 (n_regions, C).");
}

}  // namespace sss::bind
