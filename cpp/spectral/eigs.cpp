#include "spectral/eigs.hpp"

#include <Spectra/SymEigsShiftSolver.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <memory>
#include <numeric>

#include "common/errors.hpp"
#include "common/memory.hpp"
#include "common/parallel.hpp"
#include "common/simd.hpp"
#include "spectral/block_krylov.hpp"
#include "spectral/ordering.hpp"
#include "spectral/supernodal.hpp"

namespace sss::spectral {
namespace {

constexpr index_t kRows16 = 8192;  // row chunks of the 16-wide products (fixed: deterministic sums)

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Spectra's shift-solve operator over the supernodal factor (one vector at a time).
class FactorShiftSolve {
public:
    using Scalar = double;
    explicit FactorShiftSolve(const SupernodalCholesky& chol) : chol_(chol) {}
    Eigen::Index rows() const { return chol_.rows(); }
    Eigen::Index cols() const { return chol_.rows(); }
    void set_shift(double sigma) {
        if (sigma != chol_.shift()) throw InvalidArgument("shift does not match the factorisation");
    }
    void perform_op(const double* x, double* y) const {
        const index_t n = chol_.rows();
        std::copy(x, x + n, y);
        chol_.solve(y, 1, n);
        ++applied;
    }
    mutable index_t applied = 0;

private:
    const SupernodalCholesky& chol_;
};

template <class I>
double norm1(const CsrView<I>& a) {
    std::vector<double> col(static_cast<size_t>(a.cols), 0.0);
    for (index_t r = 0; r < a.rows; ++r)
        for (I k = a.indptr[r]; k < a.indptr[r + 1]; ++k) col[a.indices[k]] += std::abs(a.data[k]);
    return col.empty() ? 0.0 : *std::max_element(col.begin(), col.end());
}

// Indices of the n_wanted values of lambda closest to zero.
std::vector<index_t> closest_to_zero(const Eigen::VectorXd& lambda, index_t n_wanted) {
    std::vector<index_t> idx(static_cast<size_t>(lambda.size()));
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](index_t a, index_t b) {
        return std::abs(lambda(a)) < std::abs(lambda(b));
    });
    idx.resize(static_cast<size_t>(std::min<index_t>(n_wanted, lambda.size())));
    return idx;
}

// The n_wanted Ritz pairs (of values theta of (L - sigma I)^{-1}) whose
// lambda = sigma + 1/theta lie closest to zero, by ascending lambda.
std::vector<index_t> select_closest(const Eigen::VectorXd& theta, double sigma, index_t n_wanted) {
    const Eigen::VectorXd lambda = (1.0 / theta.array()) + sigma;
    std::vector<index_t> sel = closest_to_zero(lambda, n_wanted);
    std::sort(sel.begin(), sel.end(), [&](index_t a, index_t b) { return lambda(a) < lambda(b); });
    return sel;
}

// L - sigma I factorised for shift-invert next to zero (automatic shift:
// indefinite L D L^T root first, then Cholesky below the spectrum), with
// the facts recorded in out. Returns the factor; sigma is out.shift.
template <class I>
std::unique_ptr<SupernodalCholesky> factor_near_zero(const CsrView<I>& l, index_t height,
                                                     index_t width, const EigsOptions& opt,
                                                     EigsResult& out) {
    const index_t n = l.rows;
    std::vector<char> special = off_stencil_nodes(l, width, 2);
    for (index_t v : opt.special) {
        require(v >= 0 && v < n, "special node index out of range");
        special[v] = 1;
    }
    auto chol_owner = std::make_unique<SupernodalCholesky>(grid_nested_dissection(height, width, 2, special));
    SupernodalCholesky& chol = *chol_owner;
    std::vector<char>().swap(special);
    chol.analyze(l);
    out.n_special = chol.tree().n_special;
    out.factor_nonzeros = chol.factor_nonzeros();
    out.factor_flops = chol.factor_flops();

    double sigma = 0.0;
    bool ok = false;
    if (opt.shift != 0.0) {
        sigma = opt.shift;
        ++out.shift_tries;
        ok = chol.factorize(l, sigma);
    } else {
        // Next to zero, indefinite root; every other front is a principal
        // submatrix of the PSD matting part and stays positive definite.
        sigma = opt.indefinite_shift;
        ++out.shift_tries;
        ok = chol.factorize(l, sigma, true);
        out.indefinite = ok;
        if (ok) out.below_shift = chol.negative_pivots();
        // Fallback: Cholesky below the spectrum.
        for (double s2 = opt.initial_shift; !ok && out.shift_tries <= opt.max_shift_tries; s2 *= 4.0) {
            sigma = s2;
            ++out.shift_tries;
            ok = chol.factorize(l, sigma);
            if (ok) out.below_shift = 0;
        }
    }
    if (!ok)
        throw NumericalError("L - sigma I could not be factorised for any tried shift down to " +
                             std::to_string(sigma));
    out.shift = sigma;
    // The multifrontal update matrices are gone; at 640² this returns about
    // 170 MB to the system before the Krylov basis is allocated.
    release_free_heap();
    return chol_owner;
}

// (L - shift I) X for up to 16 columns of X (column-major, leading dim ld),
// by fixed row chunks: f(c, r0, nr, ax, xr) gets chunk c's rows of the
// product and of X, both row-major nr x 16 (columns from k on are zero).
// The rows of X that a chunk's stencil reaches (within `halo` rows of it)
// are copied row-major first, so each entry of L is one 16-wide vector FMA;
// entries beyond the halo (nonlocal affinities) are gathered one by one.
template <class I, class F>
void shifted_rows16(const CsrView<I>& l, double shift, const double* x, index_t k, index_t ld,
                    index_t halo, F&& f) {
    using simd::vd;
    constexpr int R = simd::kRow16, V = simd::kWidth;
    const index_t n = l.rows;
    const index_t nc = (n + kRows16 - 1) / kRows16;
    parallel_for(0, nc, [&](index_t c) {
        const index_t r0 = c * kRows16, nr = std::min(kRows16, n - r0);
        const index_t a = std::max<index_t>(0, r0 - halo), b = std::min(n, r0 + nr + halo);
        static thread_local std::vector<double> xt, ax;
        xt.assign(static_cast<size_t>((b - a) * 16), 0.0);
        ax.resize(static_cast<size_t>(nr * 16));
        for (index_t j = 0; j < k; ++j) {
            const double* col = x + j * ld;
            for (index_t i = a; i < b; ++i) xt[(i - a) * 16 + j] = col[i];
        }
        for (index_t r = r0; r < r0 + nr; ++r) {
            vd acc[R];
            const double* xr = xt.data() + (r - a) * 16;
            for (int q = 0; q < R; ++q) acc[q] = -shift * simd::load(xr + q * V);
            for (I e = l.indptr[r]; e < l.indptr[r + 1]; ++e) {
                const index_t col = l.indices[e];
                const double v = l.data[e];
                if (col >= a && col < b) {
                    const double* xc = xt.data() + (col - a) * 16;
                    for (int q = 0; q < R; ++q) acc[q] += v * simd::load(xc + q * V);
                } else {
                    double g[16] = {};
                    for (index_t j = 0; j < k; ++j) g[j] = x[j * ld + col];
                    for (int q = 0; q < R; ++q) acc[q] += v * simd::load(g + q * V);
                }
            }
            for (int q = 0; q < R; ++q) simd::store(ax.data() + (r - r0) * 16 + q * V, acc[q]);
        }
        f(c, r0, nr, ax.data(), xt.data() + (r0 - a) * 16);
    });
}

// G = (A w)^T (A w) for A = L - sigma I and a block w (n x k, k <= 16,
// leading dim ld), by fixed row chunks summed in order (A w is never held
// whole). Larger blocks: by groups of 16 columns.
template <class I>
Eigen::MatrixXd shifted_gram(const CsrView<I>& l, double sigma, const double* w, index_t k,
                             index_t ld, index_t halo) {
    if (k > 16) {
        // A w for all columns (rare: blocks of more than 16 vectors)
        const index_t n = l.rows;
        Eigen::MatrixXd aw(n, k);
        spmm_layers(l, k, w, ld, aw.data(), n);
        for (index_t j = 0; j < k; ++j)
            for (index_t i = 0; i < n; ++i) aw(i, j) -= sigma * w[j * ld + i];
        return aw.transpose() * aw;
    }
    const index_t nc = (l.rows + kRows16 - 1) / kRows16;
    std::vector<Eigen::Matrix<double, 16, 16>> part(static_cast<size_t>(nc));
    shifted_rows16(l, sigma, w, k, ld, halo,
                   [&](index_t c, index_t, index_t nr, const double* ax, const double*) {
                       Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, 16, Eigen::RowMajor>> m(ax, nr, 16);
                       part[c].noalias() = m.transpose() * m;
                   });
    Eigen::Matrix<double, 16, 16> g = Eigen::Matrix<double, 16, 16>::Zero();
    for (const auto& m : part) g += m;
    return g.topLeftCorner(k, k);
}

// True residuals ||L x - lambda x|| / l1 (l1 = ||L||_1) of out.values /
// out.vectors, 16 vectors at a time, summed over fixed row chunks in order.
template <class I>
void true_residuals(const CsrView<I>& l, double l1, index_t halo, EigsResult& out) {
    const index_t n = l.rows;
    const index_t m = out.values.size();
    out.residuals.resize(m);
    const index_t nc = (n + kRows16 - 1) / kRows16;
    std::vector<std::array<double, 16>> part(static_cast<size_t>(nc));
    for (index_t j0 = 0; j0 < m; j0 += 16) {
        const index_t g = std::min<index_t>(16, m - j0);
        alignas(64) double lam[16] = {};
        for (index_t j = 0; j < g; ++j) lam[j] = out.values(j0 + j);
        shifted_rows16(l, 0.0, out.vectors.data() + j0 * n, g, n, halo,
                       [&](index_t c, index_t, index_t nr, const double* ax, const double* xr) {
                           std::array<double, 16> s{};
                           for (index_t i = 0; i < nr; ++i)
                               for (index_t j = 0; j < 16; ++j) {
                                   const double d = ax[i * 16 + j] - lam[j] * xr[i * 16 + j];
                                   s[j] += d * d;
                               }
                           part[c] = s;
                       });
        std::array<double, 16> s{};
        for (const auto& p : part)
            for (index_t j = 0; j < 16; ++j) s[j] += p[j];
        for (index_t j = 0; j < g; ++j) out.residuals(j0 + j) = std::sqrt(s[j]) / l1;
    }
}

}  // namespace

template <class I>
EigsResult smallest_magnitude_eigs(const CsrView<I>& l, index_t height, index_t width,
                                   const EigsOptions& opt) {
    const index_t n = l.rows;
    require(n == height * width && l.cols == n, "Laplacian size does not match the image");
    const index_t nev = std::min(opt.n_wanted + opt.extra, n - 1);
    require(opt.n_wanted >= 1 && opt.n_wanted <= nev, "n_wanted must be in [1, N-1]");
    EigsResult out;
    const double l1 = std::max(norm1(l), 1e-300);
    // rows of the image a row of L reaches through its 5x5 stencil
    const index_t halo = 2 * width + 2;

    auto t0 = std::chrono::steady_clock::now();
    auto chol_owner = factor_near_zero(l, height, width, opt, out);
    SupernodalCholesky& chol = *chol_owner;
    const double sigma = out.shift;
    out.time_factor = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();

    Eigen::VectorXd theta;
    Eigen::MatrixXd x;  // n x nev
    if (opt.method == Method::Block) {
        BlockKrylovOptions bo;
        bo.nev = nev;
        bo.block = std::min(opt.block, nev);
        bo.tol = opt.tol;
        if (opt.residual_tol > 0.0) {
            bo.residual_tol = opt.residual_tol * l1;
            bo.inverse_gram = [&](const double* w, index_t k, index_t ld) {
                return shifted_gram(l, sigma, w, k, ld, halo);
            };
        }
        bo.max_restarts = opt.max_restarts;
        bo.seed = opt.seed;
        bo.float_basis = opt.float_basis;
        // The factor is done with once the Ritz vectors are formed: free it
        // (and return its pages) before their buffer is allocated.
        bo.select = [&](const Eigen::VectorXd& th) { return select_closest(th, sigma, opt.n_wanted); };
        bo.before_vectors = [&]() {
            chol_owner.reset();
            release_free_heap();
        };
        // nev + 4 blocks: at 640² the basis is the second largest allocation after
        // the factor; 2 nev + block cost 0.16 GB more peak for 12 % less solve time.
        bo.max_basis = std::min(n, opt.max_basis > 0 ? opt.max_basis : nev + 4 * bo.block);
        if (bo.max_basis < nev + bo.block) {
            bo.block = std::max<index_t>(1, (n - nev) / 2);
            bo.max_basis = std::min(n, nev + 2 * bo.block);
        }
        // Only the Ritz values that end up among the n_wanted closest to zero
        // (lambda = sigma + 1/theta) have to converge.
        auto wanted = [&](const Eigen::VectorXd& th) -> index_t {
            Eigen::VectorXd lam = (1.0 / th.array()) + sigma;
            const auto sel = closest_to_zero(lam, opt.n_wanted);
            return *std::max_element(sel.begin(), sel.end()) + 1;
        };
        BlockKrylovResult br = block_krylov_largest(
            n,
            [&](double* v, index_t k, index_t ld) {
                const auto ta = std::chrono::steady_clock::now();
                chol.solve(v, k, ld);
                out.time_apply += seconds_since(ta);
            },
            bo, wanted);
        theta = br.theta;
        out.vectors = std::move(br.vectors);  // the selected pairs, in order
        out.n_applied = br.n_applied;
        out.n_restarts = br.n_restarts;
        out.converged = br.converged;
        out.history = std::move(br.history);
        out.time_orthogonalise = br.time_orthogonalise;
        out.time_check = br.time_check;
        out.time_restart = br.time_restart;
        out.time_vectors = br.time_vectors;
    } else {
        FactorShiftSolve op(chol);
        const index_t ncv = std::min(n, std::max<index_t>(2 * nev + 1, nev + 20));
        Spectra::SymEigsShiftSolver<FactorShiftSolve> solver(op, nev, ncv, sigma);
        Eigen::VectorXd init(n);
        for (index_t i = 0; i < n; ++i) init(i) = 1.0 + 0.5 * std::sin(0.7 * static_cast<double>(i));
        solver.init(init.data());
        solver.compute(Spectra::SortRule::LargestMagn, opt.max_restarts * 10, opt.tol,
                       Spectra::SortRule::SmallestAlge);
        out.converged = solver.info() == Spectra::CompInfo::Successful;
        Eigen::VectorXd lam = solver.eigenvalues();  // already lambda, ascending
        theta = 1.0 / (lam.array() - sigma);
        x = solver.eigenvectors();
        out.n_applied = op.applied;
        out.n_restarts = solver.num_iterations();
    }
    chol_owner.reset();  // the factor is no longer needed: free it before the copies below (if not yet)
    const Eigen::VectorXd lambda = (1.0 / theta.array()) + sigma;
    const std::vector<index_t> sel = select_closest(theta, sigma, opt.n_wanted);
    // Completeness: every eigenvalue in [-r, r] must be among the computed
    // ones, i.e. r must not exceed the largest computed lambda.
    // The computed values are all eigenvalues within d of sigma, d their
    // largest distance from it; complete when [-r, r] lies inside.
    double r = 0.0, d = 0.0;
    for (index_t i : sel) r = std::max(r, std::abs(lambda(i)));
    for (index_t i = 0; i < lambda.size(); ++i) d = std::max(d, std::abs(lambda(i) - sigma));
    out.complete = r + std::abs(sigma) <= d * (1.0 + 1e-12);

    const index_t m = static_cast<index_t>(sel.size());
    out.values.resize(m);
    for (index_t j = 0; j < m; ++j) out.values(j) = lambda(sel[j]);
    if (opt.method != Method::Block) {
        out.vectors.assign(static_cast<size_t>(m * n), 0.0);
        for (index_t j = 0; j < m; ++j)
            std::copy(x.col(sel[j]).data(), x.col(sel[j]).data() + n,
                      out.vectors.begin() + static_cast<std::ptrdiff_t>(j * n));
    }
    x.resize(0, 0);
    const auto tr = std::chrono::steady_clock::now();
    true_residuals(l, l1, halo, out);
    out.time_residuals = seconds_since(tr);
    out.time_solve = seconds_since(t0);
    return out;
}

template EigsResult smallest_magnitude_eigs<std::int32_t>(const CsrView<std::int32_t>&, index_t,
                                                          index_t, const EigsOptions&);
template EigsResult smallest_magnitude_eigs<std::int64_t>(const CsrView<std::int64_t>&, index_t,
                                                          index_t, const EigsOptions&);

}  // namespace sss::spectral
