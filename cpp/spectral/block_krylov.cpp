#include "spectral/block_krylov.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <algorithm>
#include <chrono>
#include <numeric>
#include <type_traits>
#include <vector>

#include "common/errors.hpp"
#include "common/parallel.hpp"
#include "common/random.hpp"
#include "common/simd.hpp"

namespace sss::spectral {
namespace {

using Mat = Eigen::MatrixXd;
using MatF = Eigen::MatrixXf;

// Rows [r0, r0 + nr) of columns [c0, c0 + p) of a basis, as double: a view
// of a double basis, a converted copy of a float one.
inline auto rows_d(const Mat& a, index_t r0, index_t nr, index_t c0, index_t p) {
    return a.block(r0, c0, nr, p);
}
inline Mat rows_d(const MatF& a, index_t r0, index_t nr, index_t c0, index_t p) {
    return a.block(r0, c0, nr, p).cast<double>();
}
// Rows of a float basis are converted in sub-blocks of this many rows (a
// 194-column sub-block stays in L2); a double basis is used in whole chunks.
template <class B>
constexpr index_t sub_rows() {
    return std::is_same_v<typename B::Scalar, double> ? (index_t{1} << 40) : 512;
}

// Fills columns [c0, c0 + k) of v with seeded standard normal values.
void randomize(Mat& v, index_t c0, index_t k, std::uint64_t seed) {
    const index_t n = v.rows();
    parallel_for(0, k, [&](index_t j) {
        SplitMix64 rng(seed * 0x100000001B3ull + static_cast<std::uint64_t>(c0 + j));
        for (index_t i = 0; i < n; ++i) v(i, c0 + j) = rng.normal();
    });
}

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// A convergence test that missed by less than this factor turns on tests
// after every block: late in the solve each block gains a factor 4-6, so a
// cycle of four blocks covers about 100-1000 and the bar is often reached
// within it (docia at 2048x1536: a test missing by 14 was followed by a whole
// cycle where two blocks sufficed).
constexpr double kNear = 100.0;

constexpr index_t kChunk = 8192;  // fixed row chunks: results independent of thread count

index_t n_chunks(index_t n) { return (n + kChunk - 1) / kChunk; }

// Sums f(r0, nr) (p x cols each) over the fixed row chunks, in chunk order.
template <class PerChunk>
Mat sum_over_chunks(index_t n, index_t p, index_t cols, PerChunk&& f) {
    const index_t nc = n_chunks(n);
    std::vector<Mat> part(static_cast<size_t>(nc));
    parallel_for(0, nc, [&](index_t c) {
        const index_t r0 = c * kChunk;
        part[c] = f(r0, std::min(kChunk, n - r0));
    });
    Mat out = Mat::Zero(p, cols);
    for (const Mat& m : part) out += m;
    return out;
}


// ---- float-basis kernels for 16-column blocks --------------------------------
// A float basis is used straight from memory, converted in registers: rows
// are taken in sub-blocks of kSub; the sub-block of the 16-column work block
// is transposed to row-major (16 doubles a row, in L1) so that both kernels
// run as register-blocked FMA loops the compiler vectorises (AVX2 or
// AVX-512). Every output is summed in a fixed order (row by row within a
// chunk): results do not depend on the thread count.
constexpr index_t kW = 16;
constexpr index_t kSub = 256;

// wt (nr x 16, row-major) <- rows [r0, r0 + nr) of w (column-major)
inline void load_rows(const Mat& w, index_t r0, index_t nr, double* wt) {
    for (index_t q = 0; q < kW; ++q) {
        const double* col = w.data() + q * w.rows() + r0;
        for (index_t i = 0; i < nr; ++i) wt[i * kW + q] = col[i];
    }
}
inline void store_rows(const double* wt, index_t r0, index_t nr, Mat& w) {
    for (index_t q = 0; q < kW; ++q) {
        double* col = w.data() + q * w.rows() + r0;
        for (index_t i = 0; i < nr; ++i) col[i] = wt[i * kW + q];
    }
}

// Register blocking (common/simd.hpp): a 16-column row is kR vectors of kV
// doubles; G rows or columns are blocked so that the 2G or kR*G accumulators
// fill about half the register file.
constexpr int kV = simd::kWidth, kR = simd::kRow16;
constexpr int kG = kV == 8 ? 8 : 2;
using simd::vd;
inline vd loadv(const double* p) { return simd::load(p); }
inline void storev(double* p, vd x) { simd::store(p, x); }

// c (p x 16, row-major) += V[r0:r0+nr, c0:c0+p]^T wt, V's columns in groups of
// G, each row of wt loaded once per group.
template <int G>
void tn_group(const float* vg, index_t ld, index_t nr, const double* wt, double* c) {
    vd acc[G][kR];
    for (int g = 0; g < G; ++g)
        for (int r = 0; r < kR; ++r) acc[g][r] = vd{};
    for (index_t i = 0; i < nr; ++i) {
        vd wr[kR];
        for (int r = 0; r < kR; ++r) wr[r] = loadv(wt + i * kW + r * kV);
        for (int g = 0; g < G; ++g) {
            const double x = vg[g * ld + i];
            for (int r = 0; r < kR; ++r) acc[g][r] += x * wr[r];
        }
    }
    for (int g = 0; g < G; ++g)
        for (int r = 0; r < kR; ++r)
            storev(c + g * kW + r * kV, loadv(c + g * kW + r * kV) + acc[g][r]);
}

void tn_f32(const MatF& v, index_t r0, index_t nr, index_t c0, index_t p, const double* wt,
            double* c) {
    const index_t ld = v.rows();
    const float* base = v.data() + c0 * ld + r0;
    index_t j = 0;
    for (; j + kG <= p; j += kG) tn_group<kG>(base + j * ld, ld, nr, wt, c + j * kW);
    for (; j < p; ++j) tn_group<1>(base + j * ld, ld, nr, wt, c + j * kW);
}

// wt -= V[r0:r0+nr, c0:c0+p] c (c p x 16 row-major), wt's rows in groups of
// G, each row of c loaded once per group. vt is the sub-block of V row-major
// (nr x p): read along a row, every step stays on the same few pages.
template <int G>
void nn_group(const float* vt, index_t p, const double* c, double* wt) {
    vd acc[G][kR];
    for (int g = 0; g < G; ++g)
        for (int r = 0; r < kR; ++r) acc[g][r] = vd{};
    for (index_t j = 0; j < p; ++j) {
        vd cr[kR];
        for (int r = 0; r < kR; ++r) cr[r] = loadv(c + j * kW + r * kV);
        for (int g = 0; g < G; ++g) {
            const double x = vt[g * p + j];
            for (int r = 0; r < kR; ++r) acc[g][r] += x * cr[r];
        }
    }
    for (int g = 0; g < G; ++g)
        for (int r = 0; r < kR; ++r)
            storev(wt + g * kW + r * kV, loadv(wt + g * kW + r * kV) - acc[g][r]);
}

// The sub-block is first copied row-major: walking a row of the
// column-major basis jumps p columns apart (1.6 MB at 640²), the copy reads
// each column sequentially (640² defaults: basis passes 6.4 -> 5.2 s; huge
// pages did not help, so not the TLB alone). The sums are the same, in the
// same order.
void nn_sub_f32(const MatF& v, index_t r0, index_t nr, index_t c0, index_t p, const double* c,
                double* wt) {
    const index_t ld = v.rows();
    const float* base = v.data() + c0 * ld + r0;
    thread_local std::vector<float> vt;
    vt.resize(static_cast<size_t>(nr * p));
    for (index_t j = 0; j < p; ++j) {
        const float* col = base + j * ld;
        float* out = vt.data() + j;
        for (index_t i = 0; i < nr; ++i) out[i * p] = col[i];
    }
    index_t i = 0;
    for (; i + kG <= nr; i += kG) nn_group<kG>(vt.data() + i * p, p, c, wt + i * kW);
    for (; i < nr; ++i) nn_group<1>(vt.data() + i * p, p, c, wt + i * kW);
}

// g (16 x 16, row-major) += wt^T wt for nr rows of wt (row-major, 16 wide).
void gram16(const double* wt, index_t nr, double* g) {
    vd acc[kW][kR];
    for (index_t a = 0; a < kW; ++a)
        for (int r = 0; r < kR; ++r) acc[a][r] = vd{};
    for (index_t i = 0; i < nr; ++i) {
        const double* wr = wt + i * kW;
        vd row[kR];
        for (int r = 0; r < kR; ++r) row[r] = loadv(wr + r * kV);
        for (index_t a = 0; a < kW; ++a)
            for (int r = 0; r < kR; ++r) acc[a][r] += wr[a] * row[r];
    }
    for (index_t a = 0; a < kW; ++a)
        for (int r = 0; r < kR; ++r) storev(g + a * kW + r * kV, loadv(g + a * kW + r * kV) + acc[a][r]);
}

// Row-major copy of a p x 16 coefficient block.
inline std::vector<double> row_major(const Mat& c) {
    std::vector<double> out(static_cast<size_t>(c.rows() * kW));
    for (index_t j = 0; j < c.rows(); ++j)
        for (index_t q = 0; q < kW; ++q) out[j * kW + q] = c(j, q);
    return out;
}
inline Mat from_row_major(const std::vector<double>& c, index_t p) {
    Mat out(p, kW);
    for (index_t j = 0; j < p; ++j)
        for (index_t q = 0; q < kW; ++q) out(j, q) = c[j * kW + q];
    return out;
}

// A[:, a0:a0+p]^T B  (p x B.cols()), summed over fixed row chunks in order.
template <class A>
Mat gemm_tn(const A& a, index_t a0, index_t p, const Mat& b) {
    return sum_over_chunks(a.rows(), p, b.cols(), [&](index_t r0, index_t nr) -> Mat {
        if constexpr (std::is_same_v<A, Mat>) {
            return a.block(r0, a0, nr, p).transpose() * b.middleRows(r0, nr);
        } else if (b.cols() == kW) {
            std::vector<double> c(static_cast<size_t>(p * kW), 0.0);
            alignas(64) double wt[kSub * kW];
            for (index_t s0 = 0; s0 < nr; s0 += kSub) {
                const index_t ns = std::min(kSub, nr - s0);
                load_rows(b, r0 + s0, ns, wt);
                tn_f32(a, r0 + s0, ns, a0, p, wt, c.data());
            }
            return from_row_major(c, p);
        } else {
            Mat out = Mat::Zero(p, b.cols());
            for (index_t s0 = 0; s0 < nr; s0 += sub_rows<A>()) {
                const index_t ns = std::min(sub_rows<A>(), nr - s0);
                out.noalias() += rows_d(a, r0 + s0, ns, a0, p).transpose() * b.middleRows(r0 + s0, ns);
            }
            return out;
        }
    });
}

// B -= A[:, a0:a0+p] C, by row chunks.
template <class A>
void gemm_nn_sub(const A& a, index_t a0, index_t p, const Mat& c, Mat& b) {
    const index_t n = a.rows();
    if constexpr (!std::is_same_v<A, Mat>) {
        if (b.cols() == kW) {
            const std::vector<double> cr = row_major(c);
            parallel_for(0, n_chunks(n), [&](index_t ci) {
                const index_t r0 = ci * kChunk, nr = std::min(kChunk, n - r0);
                alignas(64) double wt[kSub * kW];
                for (index_t s0 = 0; s0 < nr; s0 += kSub) {
                    const index_t ns = std::min(kSub, nr - s0);
                    load_rows(b, r0 + s0, ns, wt);
                    nn_sub_f32(a, r0 + s0, ns, a0, p, cr.data(), wt);
                    store_rows(wt, r0 + s0, ns, b);
                }
            });
            return;
        }
    }
    parallel_for(0, n_chunks(n), [&](index_t ci) {
        const index_t r0 = ci * kChunk, nr = std::min(kChunk, n - r0);
        for (index_t s0 = 0; s0 < nr; s0 += sub_rows<A>()) {
            const index_t ns = std::min(sub_rows<A>(), nr - s0);
            b.middleRows(r0 + s0, ns).noalias() -= rows_d(a, r0 + s0, ns, a0, p) * c;
        }
    });
}

// B -= A[:, :p] C by row chunks and, while each chunk is in cache, the
// coefficients A[:, :p]^T B of the updated B (summed over fixed chunks in
// order): one pass over A for the subtraction and the next projection.
template <class A>
Mat gemm_nn_sub_tn(const A& a, index_t p, const Mat& c, Mat& b) {
    std::vector<double> cr;
    if constexpr (!std::is_same_v<A, Mat>) cr = row_major(c);
    return sum_over_chunks(a.rows(), p, b.cols(), [&](index_t r0, index_t nr) -> Mat {
        if constexpr (std::is_same_v<A, Mat>) {
            b.middleRows(r0, nr).noalias() -= a.block(r0, 0, nr, p) * c;
            return a.block(r0, 0, nr, p).transpose() * b.middleRows(r0, nr);
        } else if (b.cols() == kW) {
            std::vector<double> out(static_cast<size_t>(p * kW), 0.0);
            alignas(64) double wt[kSub * kW];
            for (index_t s0 = 0; s0 < nr; s0 += kSub) {
                const index_t ns = std::min(kSub, nr - s0);
                load_rows(b, r0 + s0, ns, wt);
                nn_sub_f32(a, r0 + s0, ns, 0, p, cr.data(), wt);
                store_rows(wt, r0 + s0, ns, b);
                tn_f32(a, r0 + s0, ns, 0, p, wt, out.data());
            }
            return from_row_major(out, p);
        } else {
            Mat out = Mat::Zero(p, b.cols());
            for (index_t s0 = 0; s0 < nr; s0 += sub_rows<A>()) {
                const index_t ns = std::min(sub_rows<A>(), nr - s0);
                const Mat ad = rows_d(a, r0 + s0, ns, 0, p);
                b.middleRows(r0 + s0, ns).noalias() -= ad * c;
                out.noalias() += ad.transpose() * b.middleRows(r0 + s0, ns);
            }
            return out;
        }
    });
}

// Float basis, 16 columns: w -= V[:, c0:c0+q] cl, then (same pass, each
// sub-block in L1) the Gram matrix w^T w into gram and the projection
// V[:, :p]^T w, returned. Sums over fixed row chunks in order.
Mat local_sub_project(const MatF& v, index_t c0, index_t q, const Mat& cl, index_t p, Mat& w,
                      Mat& gram) {
    const std::vector<double> cr = row_major(cl);
    const index_t n = v.rows(), nc = n_chunks(n);
    std::vector<std::vector<double>> proj(static_cast<size_t>(nc)), gr(static_cast<size_t>(nc));
    parallel_for(0, nc, [&](index_t ci) {
        const index_t r0 = ci * kChunk, nr = std::min(kChunk, n - r0);
        std::vector<double>& out = proj[ci];
        std::vector<double>& g = gr[ci];
        out.assign(static_cast<size_t>(p * kW), 0.0);
        g.assign(static_cast<size_t>(kW * kW), 0.0);
        alignas(64) double wt[kSub * kW];
        for (index_t s0 = 0; s0 < nr; s0 += kSub) {
            const index_t ns = std::min(kSub, nr - s0);
            load_rows(w, r0 + s0, ns, wt);
            nn_sub_f32(v, r0 + s0, ns, c0, q, cr.data(), wt);
            store_rows(wt, r0 + s0, ns, w);
            gram16(wt, ns, g.data());
            tn_f32(v, r0 + s0, ns, 0, p, wt, out.data());
        }
    });
    std::vector<double> tot(static_cast<size_t>(p * kW), 0.0), gt(static_cast<size_t>(kW * kW), 0.0);
    for (index_t ci = 0; ci < nc; ++ci) {
        for (size_t i = 0; i < tot.size(); ++i) tot[i] += proj[ci][i];
        for (size_t i = 0; i < gt.size(); ++i) gt[i] += gr[ci][i];
    }
    gram = from_row_major(gt, kW);
    return from_row_major(tot, p);
}

// V[:, :k] = V[:, :p] Y (Y p x k, k <= p), in place by row chunks.
template <class A>
void combine_in_place(A& v, index_t p, const Mat& y) {
    const index_t n = v.rows(), k = y.cols();
    const index_t chunk = std::is_same_v<A, Mat> ? 4096 : 512;
    parallel_for(0, (n + chunk - 1) / chunk, [&](index_t ci) {
        const index_t r0 = ci * chunk, nr = std::min(chunk, n - r0);
        if constexpr (std::is_same_v<A, Mat>) {
            Mat tmp = v.block(r0, 0, nr, p) * y;
            v.block(r0, 0, nr, k) = tmp;
        } else {
            // per-thread buffers, reused: fresh ones would be fresh pages every chunk
            static thread_local Mat vd, tmp;
            vd.resize(nr, p);
            vd = v.block(r0, 0, nr, p).template cast<double>();
            tmp.resize(nr, k);
            tmp.noalias() = vd * y;
            v.block(r0, 0, nr, k) = tmp.cast<float>();
        }
    });
}

// Orthogonalises w (n x k) against v[:, :p] and returns the total
// coefficients (p x k). Passes over v are memory-bound (v is hundreds of MB),
// so their number is what counts:
//  - local > 0: w is the operator applied to a Krylov block whose recurrence
//    couples it only to v[:, local:p] (the previous and the current block).
//    Project against those first (cheap), then once against all of v to
//    remove what rounding left along the older vectors (full
//    reorthogonalisation): 2 passes.
//  - local == 0 (first block after a restart, coupled to every kept Ritz
//    vector): classical Gram-Schmidt twice, the second projection computed in
//    the same pass as the first subtraction: 3 passes.
// A further full pass runs only when the last one removed most of a column's
// norm (Daniel-Gragg-Kaufman-Stewart test): then rounding may have left
// components along v.
template <class B>
Mat project_out(const B& v, index_t p, Mat& w, index_t local, Mat& gram) {
    Mat c = Mat::Zero(p, w.cols());
    if (p == 0) return c;
    // the norms come from the Gram matrix; the last one (of w as returned) is
    // handed to orthonormalize, whose first pass needs exactly it
    auto col_norms = [&]() -> Eigen::VectorXd {
        gram = gemm_tn(w, 0, w.cols(), w);
        return gram.diagonal().cwiseSqrt();
    };
    Mat ci;
    Eigen::VectorXd before;
    if (local > 0 && local < p) {
        const index_t q = p - local;
        Mat cl = gemm_tn(v, local, q, w);
        c.bottomRows(q) += cl;
        if constexpr (std::is_same_v<B, MatF>) {
            if (w.cols() == kW) {
                // one pass over w: the local subtraction, the norms and the full projection
                Mat g;
                ci = local_sub_project(v, local, q, cl, p, w, g);
                before = g.diagonal().cwiseSqrt();
            }
        }
        if (ci.size() == 0) {
            gemm_nn_sub(v, local, q, cl, w);
            before = col_norms();
            ci = gemm_tn(v, 0, p, w);
        }
    } else {
        ci = gemm_tn(v, 0, p, w);
        Mat c2 = gemm_nn_sub_tn(v, p, ci, w);  // first subtraction, second projection
        c += ci;
        ci = std::move(c2);
        before = col_norms();
    }
    for (int pass = 0; pass < 2; ++pass) {
        gemm_nn_sub(v, 0, p, ci, w);
        c += ci;
        const Eigen::VectorXd after = col_norms();
        if ((after.array() > 0.7071 * before.array()).all()) break;
        before = after;
        ci = gemm_tn(v, 0, p, w);
    }
    return c;
}

// Orthonormalises w in place and returns R with w_in = w_out R. Cholesky QR
// twice (BLAS-3: one Gram matrix and one triangular solve per pass; the first
// Gram matrix is `gram` when given, the second is formed in the pass of the
// first triangular solve); when w
// is numerically rank deficient, falls back to Householder QR and replaces
// the dependent directions by fresh random ones orthogonal to v[:, :p] and to
// the rest of w (their rows of R are zero).
template <class B>
Mat orthonormalize(const B& v, index_t p, Mat& w, std::uint64_t seed, Mat gram = Mat()) {
    const index_t n = w.rows(), k = w.cols();
    Mat r = Mat::Identity(k, k);
    bool ok = true;
    Mat g = gram.size() == k * k ? std::move(gram) : gemm_tn(w, 0, k, w);
    for (int pass = 0; pass < 2 && ok; ++pass) {
        Eigen::LLT<Mat> llt(g);
        if (llt.info() != Eigen::Success) {
            ok = false;
            break;
        }
        Mat ri = llt.matrixU();
        const double dmin = ri.diagonal().cwiseAbs().minCoeff();
        const double dmax = ri.diagonal().cwiseAbs().maxCoeff();
        if (!(dmin > 1e-6 * dmax)) {
            ok = false;
            break;
        }
        const bool last = pass == 1;
        Mat next = sum_over_chunks(n, last ? 0 : k, last ? 0 : k, [&](index_t r0, index_t nr) -> Mat {
            Eigen::Ref<Mat> rows = w.middleRows(r0, nr);
            ri.triangularView<Eigen::Upper>().solveInPlace<Eigen::OnTheRight>(rows);
            if (last) return Mat();
            return w.block(r0, 0, nr, k).transpose() * w.middleRows(r0, nr);  // as gemm_tn
        });
        r = ri * r;
        g = std::move(next);
    }
    if (ok) return r;
    const double scale = std::max(w.norm(), 1e-300);
    Eigen::HouseholderQR<Mat> qr(w);
    r = qr.matrixQR().topRows(k).triangularView<Eigen::Upper>();
    Mat q = qr.householderQ() * Mat::Identity(n, k);
    for (index_t j = 0; j < k; ++j) {
        if (std::abs(r(j, j)) > 1e-12 * scale) continue;
        Mat z(n, 1);
        randomize(z, 0, 1, seed + 7919u * static_cast<std::uint64_t>(j + 1));
        for (int pass = 0; pass < 2; ++pass) {
            if (p > 0) gemm_nn_sub(v, 0, p, gemm_tn(v, 0, p, z), z);
            z -= q * (q.transpose() * z);
        }
        q.col(j) = z / z.norm();
        r.row(j).setZero();
    }
    w = q;
    return r;
}

}  // namespace

namespace {

// Rayleigh-Ritz on the symmetric part of H[:p, :p] and the convergence test
// of the wanted pairs.
struct RitzCheck {
    Eigen::VectorXd theta;  // p Ritz values by decreasing magnitude
    Mat y;                  // p x p coefficients
    Mat ry;                 // b x p: T x_i - theta_i x_i = W ry_i (W orthonormal)
    Eigen::VectorXd rn;     // ||ry_i||
    index_t need = 0;       // leading pairs that must converge
    bool done = false;
    double worst = 0.0;     // largest residual / (tolerance * |theta|) of the wanted pairs
};

RitzCheck rayleigh_ritz(const Mat& h, index_t p, index_t cur, index_t b, const Mat& r,
                        const Mat& w, index_t nev, const BlockKrylovOptions& opt,
                        const WantedCount& wanted) {
    RitzCheck rc;
    Mat hs = 0.5 * (h.topLeftCorner(p, p) + h.topLeftCorner(p, p).transpose());
    Eigen::SelfAdjointEigenSolver<Mat> es(hs);
    if (es.info() != Eigen::Success) throw NumericalError("Rayleigh-Ritz eigensolver failed");
    // by decreasing |theta| (T may be indefinite: shift inside the spectrum)
    std::vector<index_t> ord(static_cast<size_t>(p));
    std::iota(ord.begin(), ord.end(), 0);
    std::stable_sort(ord.begin(), ord.end(), [&](index_t a, index_t c) {
        return std::abs(es.eigenvalues()(a)) > std::abs(es.eigenvalues()(c));
    });
    rc.theta.resize(p);
    rc.y.resize(p, p);
    for (index_t i = 0; i < p; ++i) {
        rc.theta(i) = es.eigenvalues()(ord[i]);
        rc.y.col(i) = es.eigenvectors().col(ord[i]);
    }
    // residual of Ritz pair i: || W R y_i[cur:cur+b] ||  (W orthonormal)
    rc.ry = r * rc.y.middleRows(cur, b);
    rc.rn = rc.ry.colwise().norm().transpose();
    const index_t m = std::min(nev, p);
    rc.need = wanted ? wanted(rc.theta.head(m)) : m;
    if (rc.need <= 0 || rc.need > m) rc.need = m;
    Eigen::VectorXd ratio(rc.need);
    if (opt.inverse_gram) {
        const Mat g = opt.inverse_gram(w.data(), b, w.rows());
        for (index_t i = 0; i < rc.need; ++i) {
            const double q = rc.ry.col(i).dot(g * rc.ry.col(i));
            ratio(i) = std::sqrt(std::max(q, 0.0)) / (opt.residual_tol * std::abs(rc.theta(i)));
        }
    } else {
        for (index_t i = 0; i < rc.need; ++i)
            ratio(i) = rc.rn(i) / (opt.tol * std::abs(rc.theta(i)));
    }
    // NaN ratios fail the test
    rc.done = m == nev && (ratio.array() <= 1.0).all();
    rc.worst = rc.need > 0 ? ratio.maxCoeff() : 0.0;
    return rc;
}

// The selected Ritz vectors X = V[:, :p] Y[:, sel] into res.vectors.
template <class B>
void form_vectors(B& v, index_t p, const Mat& y, const BlockKrylovOptions& opt,
                  BlockKrylovResult& res) {
    const index_t n = v.rows(), nev = res.theta.size();
    std::vector<index_t> sel;
    if (opt.select) sel = opt.select(res.theta);
    if (sel.empty()) {
        sel.resize(static_cast<size_t>(nev));
        std::iota(sel.begin(), sel.end(), 0);
    }
    const index_t m = static_cast<index_t>(sel.size());
    Mat ys(p, m);
    for (index_t j = 0; j < m; ++j) {
        require(sel[j] >= 0 && sel[j] < nev, "block Krylov: selected Ritz pair out of range");
        ys.col(j) = y.col(sel[j]);
    }
    res.selected = sel;
    if (opt.before_vectors) opt.before_vectors();
    if constexpr (std::is_same_v<B, Mat>) {
        combine_in_place(v, p, ys);  // in place: no second n x p buffer
        res.vectors.assign(v.data(), v.data() + n * m);
        v.resize(0, 0);
    } else {
        res.vectors.resize(static_cast<size_t>(n * m));
        Eigen::Map<Mat> x(res.vectors.data(), n, m);
        const index_t chunk = 512;
        parallel_for(0, (n + chunk - 1) / chunk, [&](index_t ci) {
            const index_t r0 = ci * chunk, nr = std::min(chunk, n - r0);
            static thread_local Mat vd;
            vd.resize(nr, p);
            vd = v.block(r0, 0, nr, p).template cast<double>();
            x.middleRows(r0, nr).noalias() = vd * ys;
        });
    }
}

// The solver over a basis of scalar type B::Scalar (double, or float to halve
// the basis' memory and traffic; all arithmetic stays double).
template <class B>
BlockKrylovResult run(index_t n, const BlockOperator& op, const BlockKrylovOptions& opt,
                      const WantedCount& wanted) {
    const index_t nev = opt.nev;
    const index_t b = std::max<index_t>(1, std::min(opt.block, n));
    index_t pmax = opt.max_basis > 0 ? opt.max_basis : nev + 3 * b;
    pmax = std::min(pmax, n);
    require(nev >= 1 && nev + b <= pmax, "block Krylov: need nev + block <= max_basis <= n");

    B v(n, pmax);
    Mat h = Mat::Zero(pmax, pmax);
    BlockKrylovResult res;

    {
        Mat w(n, b);
        randomize(w, 0, b, opt.seed);
        orthonormalize(v, 0, w, opt.seed + 1);
        v.leftCols(b) = w.cast<typename B::Scalar>();
    }
    index_t p = b;    // basis size
    index_t cur = 0;  // newest block [cur, cur + b), not yet applied
    index_t kept = 0; // Ritz vectors kept at the last restart
    std::uint64_t reseed = opt.seed + 2;

    // One n x b work block for the whole run: a fresh 52 MB block per
    // iteration (at 640²) is fresh pages, faulted in and cleared every time.
    Mat w(n, b);
    for (;;) {
        check_interrupt();
        w = v.middleCols(cur, b).template cast<double>();
        op(w.data(), b, n);
        res.n_applied += b;
        // The recurrence couples block cur to the block before it only when
        // that one is a Krylov block too (not the kept Ritz vectors).
        const index_t local = cur >= kept + b ? cur - b : 0;
        auto t0 = Clock::now();
        Mat gram;
        Mat c = project_out(v, p, w, local, gram);
        h.block(0, cur, p, b) = c;
        Mat r = orthonormalize(v, p, w, reseed++, std::move(gram));
        res.time_orthogonalise += since(t0);
        // Basis full: Rayleigh-Ritz, then stop or restart. When the last test
        // missed by less than kNear, the pairs are tested after every block
        // too (a small eigenproblem and one product with the newest block),
        // so the solve stops within the cycle instead of running it out.
        const bool full = p + b > pmax;
        const bool near = !res.history.empty() && res.history.back() < kNear && p >= nev + b;
        if (full || near) {
            t0 = Clock::now();
            RitzCheck rc = rayleigh_ritz(h, p, cur, b, r, w, nev, opt, wanted);
            res.history.push_back(rc.worst);
            res.time_check += since(t0);
            t0 = Clock::now();
            if (rc.done || (full && res.n_restarts >= opt.max_restarts)) {
                res.converged = rc.done;
                res.theta = rc.theta.head(nev);
                res.residuals = rc.rn.head(nev);
                form_vectors(v, p, rc.y, opt, res);
                res.time_vectors = since(t0);
                return res;
            }
            if (!full) {
                // not yet: go on with the block
                v.middleCols(p, b) = w.cast<typename B::Scalar>();
                h.block(p, cur, b, b) = r;
                cur = p;
                p += b;
                continue;
            }
            // Thick restart: keep the leading k Ritz vectors, then the residual block.
            const index_t k = std::min(p - b, std::max(nev, rc.need));
            combine_in_place(v, p, rc.y.leftCols(k));
            h.setZero();
            h.diagonal().head(k) = rc.theta.head(k);
            const Mat coupling = rc.ry.leftCols(k);  // b x k
            v.middleCols(k, b) = w.cast<typename B::Scalar>();
            h.block(k, 0, b, k) = coupling;
            h.block(0, k, k, b) = coupling.transpose();
            cur = k;
            kept = k;
            p = k + b;
            ++res.n_restarts;
            res.time_restart += since(t0);
            continue;
        }
        v.middleCols(p, b) = w.cast<typename B::Scalar>();
        h.block(p, cur, b, b) = r;
        cur = p;
        p += b;
    }
}

}  // namespace

BlockKrylovResult block_krylov_largest(index_t n, const BlockOperator& op,
                                       const BlockKrylovOptions& opt, const WantedCount& wanted) {
    return opt.float_basis ? run<MatF>(n, op, opt, wanted) : run<Mat>(n, op, opt, wanted);
}

}  // namespace sss::spectral
