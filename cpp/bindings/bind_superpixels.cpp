// Superpixels (SPEC §2): SLICO labels and the region graph.
#include "bindings/convert.hpp"
#include "superpixels/region_graph.hpp"
#include "superpixels/slic.hpp"

namespace sss::bind {
namespace {

ImageView<double> rgb_view(const carray<double>& image) {
    if (image.ndim() != 3 || image.shape(2) != 3)
        throw InvalidArgument("image must have shape (H, W, 3)");
    return image_view(image, "image");
}

struct LabelView {
    const std::int32_t* data;
    index_t height, width;
};

LabelView label_view(const carray<std::int32_t>& labels) {
    if (labels.ndim() != 2) throw InvalidArgument("labels must be a 2-D array");
    if (labels.shape(0) < 1 || labels.shape(1) < 1) throw InvalidArgument("labels must not be empty");
    return {labels.data(), labels.shape(0), labels.shape(1)};
}

py::array_t<std::int32_t> new_labels(index_t h, index_t w, std::vector<std::int32_t>&& v) {
    return to_numpy(std::move(v), {static_cast<py::ssize_t>(h), static_cast<py::ssize_t>(w)});
}

}  // namespace

void bind_superpixels(py::module_& m) {
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

    m.def(
        "slic",
        [](const carray<double>& image, index_t n_segments, int iterations) {
            const ImageView<double> v = rgb_view(image);
            std::vector<std::int32_t> labels(static_cast<std::size_t>(v.pixels()));
            index_t n;
            {
                py::gil_scoped_release nogil;
                reset_interrupt();
                n = superpixels::slico(v, n_segments, iterations, labels.data());
            }
            return py::make_tuple(new_labels(v.height, v.width, std::move(labels)), n);
        },
        py::arg("image").noconvert(), py::arg("n_segments"), py::arg("iterations"),
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
