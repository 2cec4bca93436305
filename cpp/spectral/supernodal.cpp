#include "spectral/supernodal.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>

#include "common/parallel.hpp"
#include "common/simd.hpp"
#include "spectral/split_kernels.hpp"

namespace sss::spectral {
namespace {

using MatrixCM = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using MatrixRM = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MapCM = Eigen::Map<MatrixCM>;
using MapRM = Eigen::Map<MatrixRM>;
using CMapCM = Eigen::Map<const MatrixCM>;

struct NotPositiveDefinite {};

// Blocked right-looking L D L^T without pivoting of the lower triangle of a
// (n x n, column-major). On return the strict lower triangle holds the unit
// lower factor L and d the pivots. Returns false on a pivot that is zero or
// tiny relative to the diagonal's scale (the caller then falls back).
bool ldlt_blocked(Eigen::Ref<MatrixCM> a, std::vector<double>& d, bool par) {
    const index_t n = a.rows();
    d.assign(static_cast<size_t>(n), 0.0);
    double scale = 0.0;
    for (index_t i = 0; i < n; ++i) scale = std::max(scale, std::abs(a(i, i)));
    const double tiny = 1e-13 * std::max(scale, 1e-300);
    constexpr index_t nb = 64;
    MatrixCM w;
    for (index_t k0 = 0; k0 < n; k0 += nb) {
        const index_t kb = std::min(nb, n - k0);
        // unblocked on the diagonal block
        for (index_t j = k0; j < k0 + kb; ++j) {
            for (index_t p = k0; p < j; ++p) {
                const double ljp_dp = a(j, p) * d[p];
                for (index_t i = j; i < k0 + kb; ++i) a(i, j) -= a(i, p) * ljp_dp;
            }
            const double dj = a(j, j);
            if (!(std::abs(dj) > tiny)) return false;
            d[j] = dj;
            for (index_t i = j + 1; i < k0 + kb; ++i) a(i, j) /= dj;
        }
        const index_t nr = n - k0 - kb;
        if (nr == 0) break;
        // L21 = A21 L11^{-T} D1^{-1}
        auto a21 = a.block(k0 + kb, k0, nr, kb);
        trsm_right_rows(a.block(k0, k0, kb, kb), a21, /*unit=*/true, par);
        w = a21;  // L21 D1 (kept) before scaling by D1^{-1}
        for (index_t j = 0; j < kb; ++j) a21.col(j) /= d[k0 + j];
        // A22 -= L21 D1 L21^T = W L21^T (lower triangle)
        lower_update_rows(a.block(k0 + kb, k0 + kb, nr, nr), w, a21, par);
    }
    return true;
}

// ---- supernode solve kernels ---------------------------------------------------
// A supernode's factor is column-major [L11; L21] (nf x nj, nf = nj + nr); the
// right-hand sides are row-major with k values per row. Each column of L is
// streamed once, contiguously, and k-wide rows of the right-hand sides are
// updated with it (k FMAs per factor entry, vectorised over k). This avoids
// the general GEMM/TRSM paths, whose operand packing copied the factor on
// every solve (perf: ~12 % of the eigen stage at 640²). KC > 0 fixes k
// at compile time (the common block sizes); KC == 0 takes it at run time.
constexpr index_t kColBlock = 4;  // factor columns applied per pass over a row

// For k = 8 and 16 the kernels below hold a k-wide row in NV = k/W native
// vectors (simd::vd: W = 8 doubles, one zmm, with AVX-512; W = 4, one ymm,
// with AVX2). Left to the auto-vectoriser, GCC vectorised the triangular
// solves across rows with permutes and horizontal sums (the same row of y is
// read and written through one pointer) and kept update_backward's
// accumulators on the stack; with explicit vectors every FMA works on a row.
// The vectors must be the machine's own width: a 64-byte vector type on an
// AVX2 build is lowered through the stack (every broadcast and FMA operand
// spilled), which made the 640² solves ~20x slower than with ymm vectors.
using simd::vd;
constexpr int W = simd::kWidth;
// Column blocks sized so that kVecColBlock x NV accumulators plus the row
// being updated stay in registers (32 zmm with AVX-512, 16 ymm otherwise).
template <int NV>
constexpr int kVecColBlock = W == 8 ? 8 : (NV >= 4 ? 3 : 4);
template <int KC>
constexpr bool kVectorRows = KC > 0 && KC % 8 == 0;

// y (nj x k) <- L11⁻¹ y.
template <int KC>
void tri_forward(const double* l, index_t nf, index_t nj, double* y, index_t k) {
    if constexpr (kVectorRows<KC>) {
        constexpr int NV = KC / W;
        for (index_t j = 0; j < nj; ++j) {
            const double* col = l + j * nf;
            double* yj = y + j * KC;
            const double inv = 1.0 / col[j];
            vd v[NV];
            for (int q = 0; q < NV; ++q) {
                v[q] = simd::load(yj + W * q) * inv;
                simd::store(yj + W * q, v[q]);
            }
            for (index_t i = j + 1; i < nj; ++i) {
                const double a = col[i];
                double* yi = y + i * KC;
                for (int q = 0; q < NV; ++q) simd::store(yi + W * q, simd::load(yi + W * q) - a * v[q]);
            }
        }
        return;
    }
    const index_t kk = KC > 0 ? KC : k;
    for (index_t j = 0; j < nj; ++j) {
        const double* col = l + j * nf;
        double* yj = y + j * kk;
        const double inv = 1.0 / col[j];
        for (index_t c = 0; c < kk; ++c) yj[c] *= inv;
        for (index_t i = j + 1; i < nj; ++i) {
            const double a = col[i];
            double* yi = y + i * kk;
            for (index_t c = 0; c < kk; ++c) yi[c] -= a * yj[c];
        }
    }
}

// u (rows [i0, i1) of nr x k) -= L21[i0:i1, :] y.
template <int KC>
void update_forward(const double* __restrict l, index_t nf, index_t nj, const double* __restrict y,
                    double* __restrict u, index_t k, index_t i0, index_t i1) {
    if constexpr (kVectorRows<KC>) {
        constexpr int NV = KC / W;
        constexpr int CB = kVecColBlock<NV>;
        index_t j = 0;
        for (; j + CB <= nj; j += CB) {
            const double* c[CB];
            vd yv[CB][NV];
            for (int t = 0; t < CB; ++t) {
                c[t] = l + (j + t) * nf + nj;
                for (int q = 0; q < NV; ++q) yv[t][q] = simd::load(y + (j + t) * KC + W * q);
            }
            for (index_t i = i0; i < i1; ++i) {
                double* ui = u + i * KC;
                for (int q = 0; q < NV; ++q) {
                    vd acc = simd::load(ui + W * q);
                    for (int t = 0; t < CB; ++t) acc -= c[t][i] * yv[t][q];
                    simd::store(ui + W * q, acc);
                }
            }
        }
        for (; j < nj; ++j) {
            const double* c0 = l + j * nf + nj;
            vd y0[NV];
            for (int q = 0; q < NV; ++q) y0[q] = simd::load(y + j * KC + W * q);
            for (index_t i = i0; i < i1; ++i) {
                const double a0 = c0[i];
                double* ui = u + i * KC;
                for (int q = 0; q < NV; ++q) simd::store(ui + W * q, simd::load(ui + W * q) - a0 * y0[q]);
            }
        }
        return;
    }
    const index_t kk = KC > 0 ? KC : k;
    index_t j = 0;
    for (; j + kColBlock <= nj; j += kColBlock) {
        const double* c0 = l + j * nf + nj;
        const double* c1 = c0 + nf;
        const double* c2 = c1 + nf;
        const double* c3 = c2 + nf;
        const double* y0 = y + j * kk;
        const double* y1 = y0 + kk;
        const double* y2 = y1 + kk;
        const double* y3 = y2 + kk;
        for (index_t i = i0; i < i1; ++i) {
            const double a0 = c0[i], a1 = c1[i], a2 = c2[i], a3 = c3[i];
            double* ui = u + i * kk;
            for (index_t c = 0; c < kk; ++c) ui[c] -= a0 * y0[c] + a1 * y1[c] + a2 * y2[c] + a3 * y3[c];
        }
    }
    for (; j < nj; ++j) {
        const double* c0 = l + j * nf + nj;
        const double* y0 = y + j * kk;
        for (index_t i = i0; i < i1; ++i) {
            const double a0 = c0[i];
            double* ui = u + i * kk;
            for (index_t c = 0; c < kk; ++c) ui[c] -= a0 * y0[c];
        }
    }
}

// y (rows [j0, j1) of nj x k) -= L21[:, j0:j1]ᵀ x  (x: nr x k).
template <int KC>
void update_backward(const double* __restrict l, index_t nf, index_t nj, index_t nr, double* __restrict y,
                     const double* __restrict x, index_t k, index_t j0, index_t j1) {
    if constexpr (kVectorRows<KC>) {
        constexpr int NV = KC / W;
        constexpr int CB = kVecColBlock<NV>;
        index_t j = j0;
        for (; j + CB <= j1; j += CB) {
            const double* c[CB];
            vd sv[CB][NV] = {};
            for (int t = 0; t < CB; ++t) c[t] = l + (j + t) * nf + nj;
            for (index_t i = 0; i < nr; ++i) {
                for (int q = 0; q < NV; ++q) {
                    const vd xi = simd::load(x + i * KC + W * q);
                    for (int t = 0; t < CB; ++t) sv[t][q] += c[t][i] * xi;
                }
            }
            for (int t = 0; t < CB; ++t)
                for (int q = 0; q < NV; ++q)
                    simd::store(y + (j + t) * KC + W * q, simd::load(y + (j + t) * KC + W * q) - sv[t][q]);
        }
        for (; j < j1; ++j) {
            const double* c0 = l + j * nf + nj;
            vd s0[NV] = {};
            for (index_t i = 0; i < nr; ++i) {
                const double a0 = c0[i];
                for (int q = 0; q < NV; ++q) s0[q] += a0 * simd::load(x + i * KC + W * q);
            }
            for (int q = 0; q < NV; ++q) simd::store(y + j * KC + W * q, simd::load(y + j * KC + W * q) - s0[q]);
        }
        return;
    }
    const index_t kk = KC > 0 ? KC : k;
    constexpr index_t kMaxK = KC > 0 ? KC : 64;
    double acc[kColBlock][kMaxK];
    for (index_t c0k = 0; c0k < kk; c0k += kMaxK) {  // k > 64 (run-time k): slices of 64
        const index_t ck = std::min<index_t>(kMaxK, kk - c0k);
        index_t j = j0;
        for (; j + kColBlock <= j1; j += kColBlock) {
            const double* c0 = l + j * nf + nj;
            const double* c1 = c0 + nf;
            const double* c2 = c1 + nf;
            const double* c3 = c2 + nf;
            for (index_t t = 0; t < kColBlock; ++t)
                for (index_t c = 0; c < ck; ++c) acc[t][c] = 0.0;
            for (index_t i = 0; i < nr; ++i) {
                const double* xi = x + i * kk + c0k;
                const double a0 = c0[i], a1 = c1[i], a2 = c2[i], a3 = c3[i];
                for (index_t c = 0; c < ck; ++c) {
                    acc[0][c] += a0 * xi[c];
                    acc[1][c] += a1 * xi[c];
                    acc[2][c] += a2 * xi[c];
                    acc[3][c] += a3 * xi[c];
                }
            }
            for (index_t t = 0; t < kColBlock; ++t) {
                double* yj = y + (j + t) * kk + c0k;
                for (index_t c = 0; c < ck; ++c) yj[c] -= acc[t][c];
            }
        }
        for (; j < j1; ++j) {
            const double* c0 = l + j * nf + nj;
            for (index_t c = 0; c < ck; ++c) acc[0][c] = 0.0;
            for (index_t i = 0; i < nr; ++i) {
                const double* xi = x + i * kk + c0k;
                const double a0 = c0[i];
                for (index_t c = 0; c < ck; ++c) acc[0][c] += a0 * xi[c];
            }
            double* yj = y + j * kk + c0k;
            for (index_t c = 0; c < ck; ++c) yj[c] -= acc[0][c];
        }
    }
}

// y (nj x k) <- L11⁻ᵀ y.
template <int KC>
void tri_backward(const double* l, index_t nf, index_t nj, double* y, index_t k) {
    if constexpr (kVectorRows<KC>) {
        constexpr int NV = KC / W;
        for (index_t j = nj - 1; j >= 0; --j) {
            const double* col = l + j * nf;
            vd sum[NV] = {};
            for (index_t i = j + 1; i < nj; ++i) {
                const double a = col[i];
                for (int q = 0; q < NV; ++q) sum[q] += a * simd::load(y + i * KC + W * q);
            }
            const double inv = 1.0 / col[j];
            double* yj = y + j * KC;
            for (int q = 0; q < NV; ++q) simd::store(yj + W * q, (simd::load(yj + W * q) - sum[q]) * inv);
        }
        return;
    }
    const index_t kk = KC > 0 ? KC : k;
    for (index_t j = nj - 1; j >= 0; --j) {
        const double* col = l + j * nf;
        double* yj = y + j * kk;
        for (index_t i = j + 1; i < nj; ++i) {
            const double a = col[i];
            const double* yi = y + i * kk;
            for (index_t c = 0; c < kk; ++c) yj[c] -= a * yi[c];
        }
        const double inv = 1.0 / col[j];
        for (index_t c = 0; c < kk; ++c) yj[c] *= inv;
    }
}

// Updates of top-of-tree supernodes with at least kParallelEntries entries in
// L21 are split over threads (rows of L21 forward, its columns backward).
constexpr index_t kUpdateRows = 512;            // rows per task (forward)
constexpr index_t kUpdateCols = 16;             // columns per task (backward)
constexpr index_t kParallelEntries = 1 << 17;

template <int KC>
void node_forward(const double* l, index_t nj, index_t nr, double* y, double* u, index_t k, bool par) {
    const index_t nf = nj + nr;
    tri_forward<KC>(l, nf, nj, y, k);
    if (nr == 0) return;
    if (par && nr * nj >= kParallelEntries) {
        const index_t nt = (nr + kUpdateRows - 1) / kUpdateRows;
        parallel_for(0, nt, [&](index_t t) {
            const index_t i0 = t * kUpdateRows;
            update_forward<KC>(l, nf, nj, y, u, k, i0, std::min(nr, i0 + kUpdateRows));
        });
    } else {
        update_forward<KC>(l, nf, nj, y, u, k, 0, nr);
    }
}

template <int KC>
void node_backward(const double* l, index_t nj, index_t nr, double* y, const double* x, index_t k, bool par) {
    const index_t nf = nj + nr;
    if (nr > 0) {
        if (par && nr * nj >= kParallelEntries) {
            const index_t nt = (nj + kUpdateCols - 1) / kUpdateCols;
            parallel_for(0, nt, [&](index_t t) {
                const index_t j0 = t * kUpdateCols;
                update_backward<KC>(l, nf, nj, nr, y, x, k, j0, std::min(nj, j0 + kUpdateCols));
            });
        } else {
            update_backward<KC>(l, nf, nj, nr, y, x, k, 0, nj);
        }
    }
    tri_backward<KC>(l, nf, nj, y, k);
}

void dispatch_forward(const double* l, index_t nj, index_t nr, double* y, double* u, index_t k, bool par) {
    switch (k) {
        case 16: node_forward<16>(l, nj, nr, y, u, k, par); break;
        case 8: node_forward<8>(l, nj, nr, y, u, k, par); break;
        default: node_forward<0>(l, nj, nr, y, u, k, par); break;
    }
}

void dispatch_backward(const double* l, index_t nj, index_t nr, double* y, const double* x, index_t k, bool par) {
    switch (k) {
        case 16: node_backward<16>(l, nj, nr, y, x, k, par); break;
        case 8: node_backward<8>(l, nj, nr, y, x, k, par); break;
        default: node_backward<0>(l, nj, nr, y, x, k, par); break;
    }
}

}  // namespace

SupernodalCholesky::SupernodalCholesky(SupernodeTree tree) : tree_(std::move(tree)) {
    const index_t ns = tree_.size();
    children_.assign(static_cast<size_t>(ns), {});
    for (index_t s = 0; s < ns; ++s)
        if (tree_.parent[s] >= 0) children_[tree_.parent[s]].push_back(s);
    nodes_.assign(static_cast<size_t>(ns), Node{});
    schedule();
}

void SupernodalCholesky::schedule() {
    const index_t ns = tree_.size();
    // first supernode of each subtree (post-order)
    std::vector<index_t> first(static_cast<size_t>(ns));
    for (index_t s = 0; s < ns; ++s) {
        first[s] = s;
        for (index_t c : children_[s]) first[s] = std::min(first[s], first[c]);
    }
    // Subtree roots: the supernodes at depth d whose subtrees are separate;
    // d grows until there are enough subtrees for load balance.
    const int target = 8 * std::max(1, max_threads());
    int d = 0;
    for (; d < 64; ++d) {
        index_t count = 0;
        for (index_t s = 0; s < ns; ++s)
            if (tree_.depth[s] == d) ++count;
        if (count >= target || count == 0) break;
    }
    std::vector<char> in_subtree(static_cast<size_t>(ns), 0);
    for (index_t s = 0; s < ns; ++s) {
        if (tree_.depth[s] == d) {
            subtree_roots_.push_back(s);
            subtree_first_.push_back(first[s]);
            for (index_t t = first[s]; t <= s; ++t) in_subtree[t] = 1;
        }
    }
    // Leaves above depth d that are not inside a subtree are handled in top_.
    for (index_t s = 0; s < ns; ++s)
        if (!in_subtree[s]) top_.push_back(s);
    // The trunk (factorize): from the root down while a supernode has a
    // single child outside the subtrees, and the supernode where the tree
    // first forks.
    std::vector<char> in_trunk(static_cast<size_t>(ns), 0);
    if (ns > 0 && tree_.parent[ns - 1] < 0 && !in_subtree[ns - 1]) {
        for (index_t s = ns - 1;; s = children_[s][0]) {
            trunk_.insert(trunk_.begin(), s);
            in_trunk[s] = 1;
            if (children_[s].size() != 1 || in_subtree[children_[s][0]]) break;
        }
    }
    for (index_t s : top_)
        if (!in_trunk[s]) graph_.push_back(s);
    // Big subtrees first for dynamic scheduling.
    std::vector<index_t> order(subtree_roots_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<index_t>(i);
    std::sort(order.begin(), order.end(), [&](index_t a, index_t b) {
        const index_t sa = tree_.begin[subtree_roots_[a] + 1] - tree_.begin[subtree_first_[a]];
        const index_t sb = tree_.begin[subtree_roots_[b] + 1] - tree_.begin[subtree_first_[b]];
        return sa != sb ? sa > sb : a < b;
    });
    std::vector<index_t> r2, f2;
    for (index_t i : order) {
        r2.push_back(subtree_roots_[i]);
        f2.push_back(subtree_first_[i]);
    }
    subtree_roots_ = r2;
    subtree_first_ = f2;
}

template <class I>
void SupernodalCholesky::analyze(const CsrView<I>& a) {
    require(a.rows == tree_.n && a.cols == tree_.n, "matrix size does not match the ordering");
    const index_t ns = tree_.size();
    std::vector<index_t> mark(static_cast<size_t>(tree_.n), -1);
    for (index_t s = 0; s < ns; ++s) {
        const index_t b0 = tree_.begin[s], e0 = tree_.begin[s + 1];
        std::vector<index_t> rows;
        for (index_t v = b0; v < e0; ++v) {
            const index_t node = tree_.perm[v];
            for (I k = a.indptr[node]; k < a.indptr[node + 1]; ++k) {
                const index_t u = tree_.iperm[a.indices[k]];
                if (u >= e0 && mark[u] != s) {
                    mark[u] = s;
                    rows.push_back(u);
                }
            }
        }
        for (index_t c : children_[s])
            for (index_t u : nodes_[c].rows)
                if (u >= e0 && mark[u] != s) {
                    mark[u] = s;
                    rows.push_back(u);
                }
        std::sort(rows.begin(), rows.end());
        // every row of the structure must belong to an ancestor
        nodes_[s].rows = std::move(rows);
    }
    factor_size_ = 0;
    for (index_t s = 0; s < ns; ++s) {
        const index_t nj = tree_.begin[s + 1] - tree_.begin[s];
        nodes_[s].offset = factor_size_;
        factor_size_ += (nj + static_cast<index_t>(nodes_[s].rows.size())) * nj;
    }
    factor_.reset();
    analyzed_ = true;
    factored_ = false;
}

template <class I>
void SupernodalCholesky::factor_node(const CsrView<I>& a, index_t s,
                                     std::vector<std::vector<double>>& upd,
                                     std::vector<int>& map, bool par) const {
    const index_t b0 = tree_.begin[s], nj = tree_.begin[s + 1] - b0;
    const std::vector<index_t>& rows = nodes_[s].rows;
    const index_t nr = static_cast<index_t>(rows.size()), nf = nj + nr;
    for (index_t c = 0; c < nj; ++c) map[b0 + c] = static_cast<int>(c);
    for (index_t i = 0; i < nr; ++i) map[rows[i]] = static_cast<int>(nj + i);

    MatrixCM f = MatrixCM::Zero(nf, nf);
    for (index_t c = 0; c < nj; ++c) {
        const index_t node = tree_.perm[b0 + c];
        for (I k = a.indptr[node]; k < a.indptr[node + 1]; ++k) {
            const index_t u = tree_.iperm[a.indices[k]];
            if (u < b0) continue;  // assembled by a descendant's front
            const index_t lu = map[u];
            if (lu >= c) f(lu, c) += a.data[k];
        }
        f(c, c) -= shift_;
    }
    for (index_t ch : children_[s]) {
        const std::vector<index_t>& crows = nodes_[ch].rows;
        const index_t nc = static_cast<index_t>(crows.size());
        const double* u = upd[ch].data();
        for (index_t j = 0; j < nc; ++j) {
            const index_t lj = map[crows[j]];
            for (index_t i = j; i < nc; ++i) f(map[crows[i]], lj) += u[j * nc + i];
        }
        std::vector<double>().swap(upd[ch]);
    }
    if (nj > 0 && ldlt_root_ && s == tree_.size() - 1 && nr == 0) {
        std::vector<double> d;
        if (!ldlt_blocked(f, d, par)) throw NotPositiveDefinite{};
        root_d_ = std::move(d);
    } else if (nj > 0) {
        Eigen::Ref<MatrixCM> f11(f.topLeftCorner(nj, nj));
        Eigen::LLT<Eigen::Ref<MatrixCM>> llt(f11);
        if (llt.info() != Eigen::Success) throw NotPositiveDefinite{};
        if (nr > 0) {
            // L21 = A21 L11^-T, lower(A22) -= L21 L21^T; split over the
            // threads for a trunk front (the same bits either way)
            auto f21 = f.bottomLeftCorner(nr, nj);
            trsm_right_rows(f.topLeftCorner(nj, nj), f21, /*unit=*/false, par);
            lower_update_rows(f.bottomRightCorner(nr, nr), f21, f21, par);
        }
    }
    std::copy(f.data(), f.data() + nf * nj, factor_.get() + nodes_[s].offset);
    if (nr > 0) {
        upd[s].resize(static_cast<size_t>(nr * nr));
        MapCM(upd[s].data(), nr, nr) = f.bottomRightCorner(nr, nr);
    }
}

template <class I>
bool SupernodalCholesky::factorize(const CsrView<I>& a, double shift, bool ldlt_root) {
    require(a.rows == tree_.n, "matrix size does not match the ordering");
    require(analyzed_, "factorize() before analyze()");
    shift_ = shift;
    factored_ = false;
    ldlt_root_ = ldlt_root;
    root_d_.clear();
    negative_pivots_ = 0;
    const index_t ns = tree_.size();
    // uninitialised: each page is first touched by the thread that factors its front
    if (!factor_) factor_.reset(new double[static_cast<size_t>(std::max<index_t>(factor_size_, 1))]);
    std::vector<std::vector<double>> upd(static_cast<size_t>(ns));
    // Tasks: the independent subtrees (i < nsub), then the supernodes of the
    // top part below the trunk (nsub + j for graph[j]). Such a supernode is
    // ready once all its children are factored, so the top part runs as a
    // task graph over the threads (siblings side by side, and beside the
    // subtrees still running) instead of one supernode after another; the
    // trunk follows, one front at a time with split kernels. Every front is
    // factored with the same serial kernels whatever the schedule, or with
    // split kernels that give the same bits, so the factor does not depend
    // on the thread count.
    const std::vector<index_t>& graph = graph_;
    const index_t nsub = static_cast<index_t>(subtree_roots_.size());
    const index_t ntop = static_cast<index_t>(graph.size());
    const index_t ntask = nsub + ntop;
    std::vector<index_t> task_of(static_cast<size_t>(ns), -1);  // graph supernode -> task
    for (index_t j = 0; j < ntop; ++j) task_of[graph[j]] = nsub + j;
    std::vector<int> pending(static_cast<size_t>(ntask), 0);
    for (index_t j = 0; j < ntop; ++j)
        pending[nsub + j] = static_cast<int>(children_[graph[j]].size());
    std::deque<index_t> ready;
    for (index_t i = 0; i < nsub; ++i) ready.push_back(i);  // big subtrees first
    for (index_t j = 0; j < ntop; ++j)
        if (pending[nsub + j] == 0) ready.push_back(nsub + j);
    std::mutex mutex;
    std::condition_variable wake;
    index_t done = 0;
    bool quit = false;  // a failure or an interrupt: nothing more is started
    std::atomic<bool> not_pd{false};
    ExceptionCollector errors;
    std::atomic<bool> stop{false};
#pragma omp parallel
    {
        std::vector<int> map;
        for (;;) {
            index_t task = -1;
            bool finished = false;
            while (task < 0 && !finished) {
                // Ctrl-C, polled by thread 0 between fronts (outside the lock)
                const bool interrupted = thread_id() == 0 && poll_interrupt();
                std::unique_lock<std::mutex> lock(mutex);
                if (interrupted) {
                    stop.store(true);
                    quit = true;
                    wake.notify_all();
                }
                if (quit || done == ntask) {
                    finished = true;
                } else if (!ready.empty()) {
                    task = ready.front();
                    ready.pop_front();
                } else {
                    // woken by a finished task, or after 50 ms to poll again
                    wake.wait_for(lock, std::chrono::milliseconds(50));
                }
            }
            if (finished) break;
            errors.run([&] {
                if (map.empty()) map.assign(static_cast<size_t>(tree_.n), -1);
                try {
                    if (task < nsub) {
                        for (index_t s = subtree_first_[task]; s <= subtree_roots_[task]; ++s)
                            factor_node(a, s, upd, map);
                    } else {
                        factor_node(a, graph[task - nsub], upd, map);
                    }
                } catch (const NotPositiveDefinite&) {
                    not_pd.store(true);
                }
            });
            const bool ok = !errors.failed() && !not_pd.load();
            const index_t root = task < nsub ? subtree_roots_[task] : graph[task - nsub];
            const index_t parent = tree_.parent[root];
            const index_t next = parent >= 0 ? task_of[parent] : -1;  // -1: the trunk
            std::lock_guard<std::mutex> lock(mutex);
            ++done;
            if (!ok) quit = true;
            // A parent on the way to the root goes ahead of the waiting
            // subtrees: the top part is the critical path.
            if (ok && next >= 0 && --pending[next] == 0) ready.push_front(next);
            wake.notify_all();
        }
    }
    errors.rethrow();
    if (stop.load()) throw Interrupted();
    if (not_pd.load()) return false;
    std::vector<int> map(static_cast<size_t>(tree_.n), -1);
    try {
        for (index_t s : trunk_) {
            check_interrupt();
            factor_node(a, s, upd, map, /*par=*/true);
        }
    } catch (const NotPositiveDefinite&) {
        return false;
    }
    for (double v : root_d_)
        if (v < 0) ++negative_pivots_;
    factored_ = true;
    return true;
}

void SupernodalCholesky::forward_node(index_t s, double* xp, index_t k,
                                      std::vector<std::vector<double>>& upd, bool par) const {
    const index_t b0 = tree_.begin[s], nj = tree_.begin[s + 1] - b0;
    const std::vector<index_t>& rows = nodes_[s].rows;
    const index_t nr = static_cast<index_t>(rows.size()), nf = nj + nr;
    MapRM yj(xp + b0 * k, nj, k);
    std::vector<double> mine(static_cast<size_t>(nr * k), 0.0);
    for (index_t ch : children_[s]) {
        const std::vector<index_t>& crows = nodes_[ch].rows;
        const double* u = upd[ch].data();
        index_t q = 0;  // merge-walk into rows (both sorted)
        for (size_t i = 0; i < crows.size(); ++i) {
            const index_t pos = crows[i];
            const double* src = u + static_cast<index_t>(i) * k;
            if (pos < b0 + nj) {
                double* dst = xp + pos * k;
                for (index_t j = 0; j < k; ++j) dst[j] += src[j];
            } else {
                while (rows[q] != pos) ++q;
                double* dst = mine.data() + q * k;
                for (index_t j = 0; j < k; ++j) dst[j] += src[j];
            }
        }
        std::vector<double>().swap(upd[ch]);
    }
    if (nj > 0 && !root_d_.empty() && s == tree_.size() - 1) {
        CMapCM l(node_factor(s), nf, nj);
        l.topRows(nj).triangularView<Eigen::UnitLower>().solveInPlace(yj);
        for (index_t i = 0; i < nj; ++i) yj.row(i) /= root_d_[i];
    } else if (nj > 0) {
        dispatch_forward(node_factor(s), nj, nr, xp + b0 * k, mine.data(), k, par);
    }
    upd[s] = std::move(mine);
}

void SupernodalCholesky::backward_node(index_t s, double* xp, index_t k,
                                       std::vector<double>& tmp, bool par) const {
    const index_t b0 = tree_.begin[s], nj = tree_.begin[s + 1] - b0;
    if (nj == 0) return;
    const std::vector<index_t>& rows = nodes_[s].rows;
    const index_t nr = static_cast<index_t>(rows.size()), nf = nj + nr;
    const bool root_ldlt = !root_d_.empty() && s == tree_.size() - 1;
    if (nr > 0) {
        tmp.resize(static_cast<size_t>(nr * k));
        for (index_t i = 0; i < nr; ++i) {
            const double* src = xp + rows[i] * k;
            std::copy(src, src + k, tmp.data() + i * k);
        }
    }
    if (!root_ldlt) {
        dispatch_backward(node_factor(s), nj, nr, xp + b0 * k, tmp.data(), k, par);
        return;
    }
    MapRM yj(xp + b0 * k, nj, k);
    CMapCM l(node_factor(s), nf, nj);
    if (nr > 0) {
        MapRM xr(tmp.data(), nr, k);
        yj.noalias() -= l.bottomRows(nr).transpose() * xr;
    }
    l.topRows(nj).transpose().triangularView<Eigen::UnitUpper>().solveInPlace(yj);
}

void SupernodalCholesky::solve(double* x, index_t k, index_t ldx) const {
    require(factored_, "solve() before a successful factorize()");
    const index_t n = tree_.n, ns = tree_.size();
    // Permuted, row-major copy. Chunks of consecutive nodes: x is read in k
    // sequential streams and each xp row (k values) is written whole.
    constexpr index_t kPermChunk = 4096;
    const index_t nperm = (n + kPermChunk - 1) / kPermChunk;
    const std::vector<index_t>& iperm = tree_.iperm;
    // Kept between solves: a fresh n x k buffer costs page faults every call.
    std::vector<double>& xp = solve_buffer_;
    if (xp.size() < static_cast<size_t>(n * k)) {
        xp = std::vector<double>();
        xp.resize(static_cast<size_t>(n * k));
    }
    parallel_for(0, nperm, [&](index_t c) {
        const index_t v1 = std::min(n, (c + 1) * kPermChunk);
        for (index_t v = c * kPermChunk; v < v1; ++v) {
            double* row = xp.data() + iperm[static_cast<size_t>(v)] * k;
            for (index_t j = 0; j < k; ++j) row[j] = x[j * ldx + v];
        }
    });
    std::vector<std::vector<double>> upd(static_cast<size_t>(ns));
    const index_t nsub = static_cast<index_t>(subtree_roots_.size());
    parallel_for(
        0, nsub,
        [&](index_t i) {
            for (index_t s = subtree_first_[i]; s <= subtree_roots_[i]; ++s)
                forward_node(s, xp.data(), k, upd, false);
        },
        true);
    for (index_t s : top_) forward_node(s, xp.data(), k, upd, true);
    std::vector<double> tmp;
    for (auto it = top_.rbegin(); it != top_.rend(); ++it) backward_node(*it, xp.data(), k, tmp, true);
    parallel_for(
        0, nsub,
        [&](index_t i) {
            std::vector<double> t;
            for (index_t s = subtree_roots_[i]; s >= subtree_first_[i]; --s)
                backward_node(s, xp.data(), k, t, false);
        },
        true);
    parallel_for(0, nperm, [&](index_t c) {
        const index_t v1 = std::min(n, (c + 1) * kPermChunk);
        for (index_t v = c * kPermChunk; v < v1; ++v) {
            const double* row = xp.data() + iperm[static_cast<size_t>(v)] * k;
            for (index_t j = 0; j < k; ++j) x[j * ldx + v] = row[j];
        }
    });
}

index_t SupernodalCholesky::factor_nonzeros() const {
    index_t total = 0;
    for (index_t s = 0; s < tree_.size(); ++s) {
        const index_t nj = tree_.begin[s + 1] - tree_.begin[s];
        total += nj * (nj + 1) / 2 + nj * static_cast<index_t>(nodes_[s].rows.size());
    }
    return total;
}

double SupernodalCholesky::factor_flops() const {
    double f = 0;
    for (index_t s = 0; s < tree_.size(); ++s) {
        const double nj = static_cast<double>(tree_.begin[s + 1] - tree_.begin[s]);
        const double nr = static_cast<double>(nodes_[s].rows.size());
        f += nj * nj * nj / 3.0 + nr * nj * nj + nr * nr * nj;
    }
    return f;
}

template void SupernodalCholesky::analyze<std::int32_t>(const CsrView<std::int32_t>&);
template void SupernodalCholesky::analyze<std::int64_t>(const CsrView<std::int64_t>&);
template bool SupernodalCholesky::factorize<std::int32_t>(const CsrView<std::int32_t>&, double, bool);
template bool SupernodalCholesky::factorize<std::int64_t>(const CsrView<std::int64_t>&, double, bool);

}  // namespace sss::spectral
