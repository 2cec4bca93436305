#include "spectral/ordering.hpp"

#include <algorithm>

namespace sss::spectral {
namespace {

struct Builder {
    index_t width, radius, leaf_size;
    const std::vector<char>& special;
    SupernodeTree& t;
    std::vector<std::vector<index_t>> children;

    // Appends the non-special nodes of the rectangle to the order; returns count.
    index_t emit(index_t y0, index_t y1, index_t x0, index_t x1) {
        index_t c = 0;
        for (index_t y = y0; y < y1; ++y)
            for (index_t x = x0; x < x1; ++x) {
                const index_t v = y * width + x;
                if (special.empty() || !special[v]) {
                    t.perm.push_back(v);
                    ++c;
                }
            }
        return c;
    }

    index_t new_supernode(index_t first, const std::vector<index_t>& kids) {
        const index_t s = static_cast<index_t>(t.parent.size());
        t.begin.push_back(first);
        t.parent.push_back(-1);
        children.push_back(kids);
        for (index_t k : kids) t.parent[k] = s;
        return s;
    }

    // Returns the supernode at the top of this region's subtree (or -1 if the
    // region is empty).
    index_t build(index_t y0, index_t y1, index_t x0, index_t x1) {
        const index_t h = y1 - y0, w = x1 - x0;
        if (h <= 0 || w <= 0) return -1;
        const index_t min_split = 2 * radius + 1;
        const bool can_x = w >= min_split, can_y = h >= min_split;
        if (h * w <= leaf_size || (!can_x && !can_y)) {
            const index_t first = static_cast<index_t>(t.perm.size());
            emit(y0, y1, x0, x1);
            return new_supernode(first, {});
        }
        std::vector<index_t> kids;
        const index_t first_sep_pos = [&] {
            if ((w >= h && can_x) || !can_y) {
                const index_t xm = x0 + (w - radius) / 2;
                const index_t a = build(y0, y1, x0, xm), b = build(y0, y1, xm + radius, x1);
                if (a >= 0) kids.push_back(a);
                if (b >= 0) kids.push_back(b);
                const index_t first = static_cast<index_t>(t.perm.size());
                emit(y0, y1, xm, xm + radius);
                return first;
            }
            const index_t ym = y0 + (h - radius) / 2;
            const index_t a = build(y0, ym, x0, x1), b = build(ym + radius, y1, x0, x1);
            if (a >= 0) kids.push_back(a);
            if (b >= 0) kids.push_back(b);
            const index_t first = static_cast<index_t>(t.perm.size());
            emit(ym, ym + radius, x0, x1);
            return first;
        }();
        return new_supernode(first_sep_pos, kids);
    }
};

}  // namespace

SupernodeTree grid_nested_dissection(index_t height, index_t width, index_t radius,
                                     const std::vector<char>& special, index_t leaf_size) {
    SupernodeTree t;
    t.n = height * width;
    t.perm.reserve(static_cast<size_t>(t.n));
    Builder b{width, std::max<index_t>(radius, 1), std::max<index_t>(leaf_size, 1), special, t, {}};
    const index_t top = b.build(0, height, 0, width);
    index_t n_special = 0;
    if (!special.empty())
        for (index_t v = 0; v < t.n; ++v)
            if (special[v]) ++n_special;
    if (n_special > 0 || top < 0) {
        const index_t first = static_cast<index_t>(t.perm.size());
        for (index_t v = 0; v < t.n; ++v)
            if (special[v]) t.perm.push_back(v);
        std::vector<index_t> kids;
        if (top >= 0) kids.push_back(top);
        b.new_supernode(first, kids);
    }
    t.n_special = n_special;
    t.begin.push_back(t.n);
    t.iperm.assign(static_cast<size_t>(t.n), 0);
    for (index_t p = 0; p < t.n; ++p) t.iperm[t.perm[p]] = p;
    // depth (parents come after children in post-order)
    t.depth.assign(t.parent.size(), 0);
    for (index_t s = t.size() - 1; s >= 0; --s)
        if (t.parent[s] >= 0) t.depth[s] = t.depth[t.parent[s]] + 1;
    return t;
}

}  // namespace sss::spectral
