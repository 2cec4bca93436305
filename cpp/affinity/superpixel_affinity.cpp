#include "affinity/superpixel_affinity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include "common/errors.hpp"
#include "common/parallel.hpp"

namespace sss {

namespace {

struct Entry {
    index_t col;  // compact centroid id of the partner
    int term;     // 0 semantic, 1 colour
    index_t lo, hi;  // min(s, t), max(s, t): the same key from both sides
    double val;
    bool operator<(const Entry& o) const {
        if (col != o.col) return col < o.col;
        if (term != o.term) return term < o.term;
        if (lo != o.lo) return lo < o.lo;
        return hi < o.hi;
    }
};

// Bucket grid of cells at least radius*H x radius*W pixels: partners within
// the radius lie in the 3 x 3 block of cells around a centroid's cell.
struct Grid {
    index_t ch = 1, cw = 1, ncy = 1, ncx = 1;
    std::vector<index_t> start, members, cell_of;

    Grid(const std::vector<index_t>& ys, const std::vector<index_t>& xs, index_t H, index_t W,
         double radius) {
        auto cell_size = [](double r, index_t n) -> index_t {
            const double c = std::ceil(r * static_cast<double>(n));
            if (!(c < static_cast<double>(n))) return n;
            return std::max<index_t>(1, static_cast<index_t>(c));
        };
        ch = cell_size(radius, H);
        cw = cell_size(radius, W);
        ncy = (H - 1) / ch + 1;
        ncx = (W - 1) / cw + 1;
        const index_t S = static_cast<index_t>(ys.size());
        start.assign(static_cast<std::size_t>(ncy * ncx + 1), 0);
        cell_of.resize(static_cast<std::size_t>(S));
        members.resize(static_cast<std::size_t>(S));
        for (index_t s = 0; s < S; ++s) {
            cell_of[s] = ys[s] / ch * ncx + xs[s] / cw;
            ++start[cell_of[s] + 1];
        }
        for (index_t c = 0; c < ncy * ncx; ++c) start[c + 1] += start[c];
        std::vector<index_t> fill(start.begin(), start.end() - 1);
        for (index_t s = 0; s < S; ++s) members[fill[cell_of[s]]++] = s;
    }
};

}  // namespace

SparseRows superpixel_rows(const index_t* centroids, index_t n_regions, index_t height,
                           index_t width, const SuperpixelTerms& terms, bool keep_diagonal) {
    const index_t S = n_regions, H = height, W = width, N = H * W;
    require(H >= 1 && W >= 1, "superpixel affinity: empty image");
    for (index_t s = 0; s < S; ++s)
        require(centroids[s] >= 0 && centroids[s] < N,
                "superpixel affinity: centroid outside the image");
    const bool use_color = terms.color_scale != 0.0 && terms.color_means != nullptr;
    const bool use_sem = terms.semantic_scale != 0.0 && terms.neighbours != nullptr;
    if (use_color) require(terms.radius >= 0.0, "color affinity: radius must be >= 0");
    if (use_sem) {
        require(terms.dims >= 1 && terms.feature_means != nullptr,
                "semantic affinity: features need at least one channel");
        for (index_t p = 0; p < 2 * terms.n_pairs; ++p)
            require(terms.neighbours[p] >= 0 && terms.neighbours[p] < S,
                    "semantic affinity: neighbour index outside [0, n_regions)");
    }

    // Distinct centroid pixels (rows), in pixel order, and their members.
    std::vector<index_t> pix(centroids, centroids + S);
    std::sort(pix.begin(), pix.end());
    pix.erase(std::unique(pix.begin(), pix.end()), pix.end());
    const index_t U = static_cast<index_t>(pix.size());
    std::vector<index_t> rank(static_cast<std::size_t>(S));
    std::vector<index_t> mstart(static_cast<std::size_t>(U + 1), 0), member(static_cast<std::size_t>(S));
    for (index_t s = 0; s < S; ++s) {
        rank[s] = std::lower_bound(pix.begin(), pix.end(), centroids[s]) - pix.begin();
        ++mstart[rank[s] + 1];
    }
    for (index_t u = 0; u < U; ++u) mstart[u + 1] += mstart[u];
    {
        std::vector<index_t> fill(mstart.begin(), mstart.end() - 1);
        for (index_t s = 0; s < S; ++s) member[fill[rank[s]]++] = s;
    }

    // Semantic weights once per pair, and each region's incident pairs.
    std::vector<double> wsem;
    std::vector<index_t> astart, adj;
    if (use_sem) {
        const index_t P = terms.n_pairs, D = terms.dims;
        const index_t* nb = terms.neighbours;
        wsem.resize(static_cast<std::size_t>(P));
        parallel_for(0, P, [&](index_t p) {
            const double* gs = terms.feature_means + nb[2 * p] * D;
            const double* gt = terms.feature_means + nb[2 * p + 1] * D;
            double sq = 0.0;
            for (index_t d = 0; d < D; ++d) {
                const double e = gs[d] - gt[d];
                sq += e * e;
            }
            wsem[p] = std::erf(terms.semantic_a * (1.0 - std::sqrt(sq) - terms.semantic_b));
        });
        astart.assign(static_cast<std::size_t>(S + 1), 0);
        for (index_t p = 0; p < 2 * P; ++p) ++astart[nb[p] + 1];
        for (index_t s = 0; s < S; ++s) astart[s + 1] += astart[s];
        adj.resize(static_cast<std::size_t>(2 * P));
        std::vector<index_t> fill(astart.begin(), astart.end() - 1);
        for (index_t p = 0; p < P; ++p) {
            adj[fill[nb[2 * p]]++] = p;
            adj[fill[nb[2 * p + 1]]++] = p;
        }
    }

    std::vector<index_t> ys(static_cast<std::size_t>(S)), xs(static_cast<std::size_t>(S));
    for (index_t s = 0; s < S; ++s) {
        ys[s] = centroids[s] / W;
        xs[s] = centroids[s] % W;
    }
    // Without the colour term a single cell (radius >= 1 covers the image).
    const Grid grid(ys, xs, H, W, use_color ? terms.radius : 2.0);
    const double r = terms.radius;
    const double thr = r * r * static_cast<double>(H * H) * static_cast<double>(W * W);
    const index_t W2 = W * W, H2 = H * H;

    // Colour weights, once per pair s < t (nonzero ones only), then each t's
    // incoming pairs (s < t) in s order.
    std::vector<std::vector<std::pair<index_t, double>>> cpairs;
    std::vector<index_t> in_start, in_src;
    std::vector<double> in_w;
    if (use_color) {
        cpairs.resize(static_cast<std::size_t>(S));
        parallel_for(
            0, S,
            [&](index_t s) {
                const double* ms = terms.color_means + 3 * s;
                const index_t gy = grid.cell_of[s] / grid.ncx, gx = grid.cell_of[s] % grid.ncx;
                auto& out = cpairs[s];
                for (index_t cy = std::max<index_t>(0, gy - 1); cy <= std::min(grid.ncy - 1, gy + 1);
                     ++cy)
                    for (index_t cx = std::max<index_t>(0, gx - 1);
                         cx <= std::min(grid.ncx - 1, gx + 1); ++cx) {
                        const index_t c = cy * grid.ncx + cx;
                        for (index_t m = grid.start[c]; m < grid.start[c + 1]; ++m) {
                            const index_t t = grid.members[m];
                            if (t <= s) continue;
                            const index_t dy = ys[t] - ys[s], dx = xs[t] - xs[s];
                            if (!(static_cast<double>(dy * dy * W2 + dx * dx * H2) <= thr)) continue;
                            const double* mt = terms.color_means + 3 * t;
                            const double e0 = ms[0] - mt[0], e1 = ms[1] - mt[1], e2 = ms[2] - mt[2];
                            const double arg =
                                terms.color_a *
                                (1.0 - std::sqrt(e0 * e0 + e1 * e1 + e2 * e2) - terms.color_b);
                            // erf(x) rounds to exactly -1 for x <= -6
                            // (1 + erf(-6) < 2.2e-17): the weight is exactly 0.
                            if (!(arg > -6.0)) continue;
                            const double w = (std::erf(arg) + 1.0) / 2.0;
                            if (w != 0.0) out.emplace_back(t, w);
                        }
                    }
            },
            /*dynamic=*/true);
        in_start.assign(static_cast<std::size_t>(S + 1), 0);
        for (index_t s = 0; s < S; ++s)
            for (const auto& tw : cpairs[s]) ++in_start[tw.first + 1];
        for (index_t s = 0; s < S; ++s) in_start[s + 1] += in_start[s];
        in_src.resize(static_cast<std::size_t>(in_start[S]));
        in_w.resize(static_cast<std::size_t>(in_start[S]));
        std::vector<index_t> fill(in_start.begin(), in_start.end() - 1);
        for (index_t s = 0; s < S; ++s)
            for (const auto& tw : cpairs[s]) {
                in_src[fill[tw.first]] = s;
                in_w[fill[tw.first]++] = tw.second;
            }
    }

    // One row per distinct centroid pixel.
    std::vector<std::vector<index_t>> row_cols(static_cast<std::size_t>(U));
    std::vector<std::vector<double>> row_vals(static_cast<std::size_t>(U));
    parallel_for(
        0, U,
        [&](index_t u) {
            thread_local std::vector<Entry> list;
            list.clear();
            for (index_t q = mstart[u]; q < mstart[u + 1]; ++q) {
                const index_t s = member[q];
                auto add = [&](index_t t, int term, double v) {
                    if (rank[t] == u && !keep_diagonal) return;
                    list.push_back({rank[t], term, std::min(s, t), std::max(s, t), v});
                };
                if (use_sem)
                    for (index_t k = astart[s]; k < astart[s + 1]; ++k) {
                        const index_t p = adj[k];
                        if (wsem[p] == 0.0) continue;
                        const index_t a = terms.neighbours[2 * p], b = terms.neighbours[2 * p + 1];
                        add(a == s ? b : a, 0, terms.semantic_scale * wsem[p]);
                    }
                if (use_color) {
                    for (const auto& tw : cpairs[s]) add(tw.first, 1, terms.color_scale * tw.second);
                    for (index_t k = in_start[s]; k < in_start[s + 1]; ++k)
                        add(in_src[k], 1, terms.color_scale * in_w[k]);
                }
            }
            std::sort(list.begin(), list.end());
            auto& cols = row_cols[u];
            auto& vals = row_vals[u];
            cols.reserve(list.size());
            vals.reserve(list.size());
            for (std::size_t e = 0; e < list.size();) {
                const index_t c = list[e].col;
                double sum = 0.0;
                for (; e < list.size() && list[e].col == c; ++e) sum += list[e].val;
                cols.push_back(pix[c]);
                vals.push_back(sum);
            }
        },
        /*dynamic=*/true);

    SparseRows out;
    index_t total = 0;
    for (index_t u = 0; u < U; ++u) total += static_cast<index_t>(row_cols[u].size());
    out.col.reserve(static_cast<std::size_t>(total));
    out.val.reserve(static_cast<std::size_t>(total));
    for (index_t u = 0; u < U; ++u) {
        if (row_cols[u].empty()) continue;
        out.row_pixel.push_back(pix[u]);
        out.col.insert(out.col.end(), row_cols[u].begin(), row_cols[u].end());
        out.val.insert(out.val.end(), row_vals[u].begin(), row_vals[u].end());
        out.ptr.push_back(static_cast<index_t>(out.col.size()));
    }
    return out;
}

}  // namespace sss
