#include "spectral/eigs.hpp"

#include <Spectra/SymEigsShiftSolver.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <numeric>

#include "common/errors.hpp"
#include "common/memory.hpp"
#include "common/parallel.hpp"
#include "spectral/block_krylov.hpp"
#include "spectral/ordering.hpp"
#include "spectral/supernodal.hpp"

namespace sss::spectral {
namespace {

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

// G = (A w)^T (A w) for A = L - sigma I and a block w (n x k, leading dim
// ld), by fixed row chunks summed in order (A w is never held whole).
template <class I>
Eigen::MatrixXd shifted_gram(const CsrView<I>& l, double sigma, const double* w, index_t k,
                             index_t ld) {
    const index_t n = l.rows;
    constexpr index_t kRows = 8192;
    const index_t nc = (n + kRows - 1) / kRows;
    std::vector<Eigen::MatrixXd> part(static_cast<size_t>(nc));
    parallel_for(0, nc, [&](index_t c) {
        const index_t r0 = c * kRows, nr = std::min(kRows, n - r0);
        Eigen::MatrixXd aw(nr, k);
        for (index_t r = 0; r < nr; ++r) {
            const index_t row = r0 + r;
            for (index_t j = 0; j < k; ++j) {
                double s = 0.0;
                for (I q = l.indptr[row]; q < l.indptr[row + 1]; ++q)
                    s += l.data[q] * w[j * ld + l.indices[q]];
                aw(r, j) = s - sigma * w[j * ld + row];
            }
        }
        part[c] = aw.transpose() * aw;
    });
    Eigen::MatrixXd g = Eigen::MatrixXd::Zero(k, k);
    for (const auto& m : part) g += m;
    return g;
}

// True residuals ||L x - lambda x|| / l1 (l1 = ||L||_1) of out.values /
// out.vectors, a few vectors at a time.
template <class I>
void true_residuals(const CsrView<I>& l, double l1, EigsResult& out) {
    const index_t n = l.rows;
    const index_t m = out.values.size();
    out.residuals.resize(m);
    constexpr index_t kGroup = 8;
    std::vector<double> lx(static_cast<size_t>(std::min(m, kGroup) * n));
    for (index_t j0 = 0; j0 < m; j0 += kGroup) {
        const index_t g = std::min(kGroup, m - j0);
        spmm_layers(l, g, out.vectors.data() + j0 * n, n, lx.data(), n);
        for (index_t j = 0; j < g; ++j) {
            const double* xv = out.vectors.data() + (j0 + j) * n;
            const double* yv = lx.data() + j * n;
            const double lam = out.values(j0 + j);
            double s = 0.0;
            for (index_t i = 0; i < n; ++i) {
                const double d = yv[i] - lam * xv[i];
                s += d * d;
            }
            out.residuals(j0 + j) = std::sqrt(s) / l1;
        }
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
                return shifted_gram(l, sigma, w, k, ld);
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
    true_residuals(l, l1, out);
    out.time_residuals = seconds_since(tr);
    out.time_solve = seconds_since(t0);
    return out;
}

template EigsResult smallest_magnitude_eigs<std::int32_t>(const CsrView<std::int32_t>&, index_t,
                                                          index_t, const EigsOptions&);
template EigsResult smallest_magnitude_eigs<std::int64_t>(const CsrView<std::int64_t>&, index_t,
                                                          index_t, const EigsOptions&);

}  // namespace sss::spectral
