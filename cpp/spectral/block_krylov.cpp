#include "spectral/block_krylov.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <algorithm>
#include <numeric>
#include <vector>

#include "common/errors.hpp"
#include "common/parallel.hpp"
#include "common/random.hpp"

namespace sss::spectral {
namespace {

using Mat = Eigen::MatrixXd;

// Fills columns [c0, c0 + k) of v with seeded standard normal values.
void randomize(Mat& v, index_t c0, index_t k, std::uint64_t seed) {
    const index_t n = v.rows();
    parallel_for(0, k, [&](index_t j) {
        SplitMix64 rng(seed * 0x100000001B3ull + static_cast<std::uint64_t>(c0 + j));
        for (index_t i = 0; i < n; ++i) v(i, c0 + j) = rng.normal();
    });
}

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

// A[:, a0:a0+p]^T B  (p x B.cols()), summed over fixed row chunks in order.
Mat gemm_tn(const Mat& a, index_t a0, index_t p, const Mat& b) {
    return sum_over_chunks(a.rows(), p, b.cols(), [&](index_t r0, index_t nr) -> Mat {
        return a.block(r0, a0, nr, p).transpose() * b.middleRows(r0, nr);
    });
}

// B -= A[:, a0:a0+p] C, by row chunks.
void gemm_nn_sub(const Mat& a, index_t a0, index_t p, const Mat& c, Mat& b) {
    const index_t n = a.rows();
    parallel_for(0, n_chunks(n), [&](index_t ci) {
        const index_t r0 = ci * kChunk, nr = std::min(kChunk, n - r0);
        b.middleRows(r0, nr).noalias() -= a.block(r0, a0, nr, p) * c;
    });
}

// B -= A[:, :p] C by row chunks and, while each chunk is in cache, the
// coefficients A[:, :p]^T B of the updated B (summed over fixed chunks in
// order): one pass over A for the subtraction and the next projection.
Mat gemm_nn_sub_tn(const Mat& a, index_t p, const Mat& c, Mat& b) {
    return sum_over_chunks(a.rows(), p, b.cols(), [&](index_t r0, index_t nr) -> Mat {
        b.middleRows(r0, nr).noalias() -= a.block(r0, 0, nr, p) * c;
        return a.block(r0, 0, nr, p).transpose() * b.middleRows(r0, nr);
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
Mat project_out(const Mat& v, index_t p, Mat& w, index_t local) {
    Mat c = Mat::Zero(p, w.cols());
    if (p == 0) return c;
    auto col_norms = [&]() -> Eigen::VectorXd { return gemm_tn(w, 0, w.cols(), w).diagonal().cwiseSqrt(); };
    Mat ci;
    Eigen::VectorXd before;
    if (local > 0 && local < p) {
        const index_t q = p - local;
        Mat cl = gemm_tn(v, local, q, w);
        gemm_nn_sub(v, local, q, cl, w);
        c.bottomRows(q) += cl;
        before = col_norms();
        ci = gemm_tn(v, 0, p, w);
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
// twice (BLAS-3: one Gram matrix and one triangular solve per pass); when w
// is numerically rank deficient, falls back to Householder QR and replaces
// the dependent directions by fresh random ones orthogonal to v[:, :p] and to
// the rest of w (their rows of R are zero).
Mat orthonormalize(const Mat& v, index_t p, Mat& w, std::uint64_t seed) {
    const index_t n = w.rows(), k = w.cols();
    Mat r = Mat::Identity(k, k);
    bool ok = true;
    for (int pass = 0; pass < 2 && ok; ++pass) {
        Mat g = gemm_tn(w, 0, k, w);
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
        parallel_for(0, n_chunks(n), [&](index_t ci) {
            const index_t r0 = ci * kChunk, nr = std::min(kChunk, n - r0);
            Eigen::Ref<Mat> rows = w.middleRows(r0, nr);
            ri.triangularView<Eigen::Upper>().solveInPlace<Eigen::OnTheRight>(rows);
        });
        r = ri * r;
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
            if (p > 0) z -= v.leftCols(p) * (v.leftCols(p).transpose() * z);
            z -= q * (q.transpose() * z);
        }
        q.col(j) = z / z.norm();
        r.row(j).setZero();
    }
    w = q;
    return r;
}

}  // namespace

BlockKrylovResult block_krylov_largest(index_t n, const BlockOperator& op,
                                       const BlockKrylovOptions& opt, const WantedCount& wanted) {
    const index_t nev = opt.nev;
    const index_t b = std::max<index_t>(1, std::min(opt.block, n));
    index_t pmax = opt.max_basis > 0 ? opt.max_basis : nev + 3 * b;
    pmax = std::min(pmax, n);
    require(nev >= 1 && nev + b <= pmax, "block Krylov: need nev + block <= max_basis <= n");

    Mat v(n, pmax);
    Mat h = Mat::Zero(pmax, pmax);
    BlockKrylovResult res;

    {
        Mat w(n, b);
        randomize(w, 0, b, opt.seed);
        orthonormalize(v, 0, w, opt.seed + 1);
        v.leftCols(b) = w;
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
        w = v.middleCols(cur, b);
        op(w.data(), b, n);
        res.n_applied += b;
        // The recurrence couples block cur to the block before it only when
        // that one is a Krylov block too (not the kept Ritz vectors).
        const index_t local = cur >= kept + b ? cur - b : 0;
        Mat c = project_out(v, p, w, local);
        h.block(0, cur, p, b) = c;
        Mat r = orthonormalize(v, p, w, reseed++);
        if (p + b <= pmax) {
            v.middleCols(p, b) = w;
            h.block(p, cur, b, b) = r;
            cur = p;
            p += b;
            continue;
        }
        // Basis full: Rayleigh-Ritz on the symmetric part of H.
        Mat hs = 0.5 * (h.topLeftCorner(p, p) + h.topLeftCorner(p, p).transpose());
        Eigen::SelfAdjointEigenSolver<Mat> es(hs);
        if (es.info() != Eigen::Success) throw NumericalError("Rayleigh-Ritz eigensolver failed");
        // by decreasing |theta| (T may be indefinite: shift inside the spectrum)
        std::vector<index_t> ord(static_cast<size_t>(p));
        std::iota(ord.begin(), ord.end(), 0);
        std::stable_sort(ord.begin(), ord.end(), [&](index_t a, index_t b) {
            return std::abs(es.eigenvalues()(a)) > std::abs(es.eigenvalues()(b));
        });
        Eigen::VectorXd theta(p);
        Mat y(p, p);
        for (index_t i = 0; i < p; ++i) {
            theta(i) = es.eigenvalues()(ord[i]);
            y.col(i) = es.eigenvectors().col(ord[i]);
        }
        // residual of Ritz pair i: || W R y_i[cur:cur+b] ||  (W orthonormal)
        Mat ry = r * y.middleRows(cur, b);
        Eigen::VectorXd rn = ry.colwise().norm().transpose();
        index_t need = wanted ? wanted(theta.head(nev)) : nev;
        if (need <= 0 || need > nev) need = nev;
        bool done = true;
        if (opt.inverse_op) {
            Mat aw(n, b);
            opt.inverse_op(w.data(), b, n, aw.data());
            const Mat g = gemm_tn(aw, 0, b, aw);
            for (index_t i = 0; i < need; ++i) {
                const double q = ry.col(i).dot(g * ry.col(i));
                if (!(std::sqrt(std::max(q, 0.0)) <= opt.residual_tol * std::abs(theta(i))))
                    done = false;
            }
        } else {
            for (index_t i = 0; i < need; ++i)
                if (!(rn(i) <= opt.tol * std::abs(theta(i)))) done = false;
        }
        const bool out_of_restarts = res.n_restarts >= opt.max_restarts;
        if (done || out_of_restarts) {
            res.converged = done;
            res.theta = theta.head(nev);
            res.residuals = rn.head(nev);
            // X = V[:, :p] Y[:, :nev], in place by row chunks (no second n x nev buffer)
            const index_t chunk = 4096;
            const Mat yk = y.leftCols(nev);
            parallel_for(0, (n + chunk - 1) / chunk, [&](index_t ci) {
                const index_t r0 = ci * chunk, nr = std::min(chunk, n - r0);
                Mat tmp = v.block(r0, 0, nr, p) * yk;
                v.block(r0, 0, nr, nev) = tmp;
            });
            res.vectors = std::move(v);  // first nev columns hold the Ritz vectors
            return res;
        }
        // Thick restart: keep the leading k Ritz vectors, then the residual block.
        const index_t k = std::min(p - b, std::max(nev, need));
        const Mat yk = y.leftCols(k);
        const index_t chunk = 4096;
        parallel_for(0, (n + chunk - 1) / chunk, [&](index_t ci) {
            const index_t r0 = ci * chunk, nr = std::min(chunk, n - r0);
            Mat tmp = v.block(r0, 0, nr, p) * yk;
            v.block(r0, 0, nr, k) = tmp;
        });
        h.setZero();
        h.diagonal().head(k) = theta.head(k);
        const Mat coupling = ry.leftCols(k);  // b x k
        v.middleCols(k, b) = w;
        h.block(k, 0, b, k) = coupling;
        h.block(0, k, k, b) = coupling.transpose();
        cur = k;
        kept = k;
        p = k + b;
        ++res.n_restarts;
    }
}

}  // namespace sss::spectral
