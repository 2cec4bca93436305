#ifndef EIGEN_DONT_PARALLELIZE
#define EIGEN_DONT_PARALLELIZE  // threads come from parallel.hpp only
#endif
#include "sparsify/constrained.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

#include "common/errors.hpp"
#include "common/fastmath.hpp"
#include "common/parallel.hpp"
#include "sparsify/gram.hpp"

namespace sss {
namespace {

using MatX = Eigen::MatrixXd;
using VecX = Eigen::VectorXd;
using CMap = Eigen::Map<const MatX>;
using Map = Eigen::Map<MatX>;

constexpr index_t kPixelBlock = 8192;    // per-pixel passes
constexpr index_t kReduceSlab = 32768;   // fixed slabs of Eᵀ R (thread-count invariant)
constexpr int kRefineSteps = 4;          // iterative refinement of the arrow solve
constexpr index_t kOpSlab = 1024;        // pixel slabs of the matrix-free operator (E slab stays in L2)
constexpr double kRebuildFraction = 0.5; // rebuild (not update) the Grams above this
constexpr double kMinReduction = 1e-2;   // pcg: each solve also cuts its own residual by this

// A symmetric factor: Cholesky, or pivoted LDLᵀ when Cholesky fails.
struct SymFactor {
    Eigen::LLT<MatX> llt;
    Eigen::LDLT<MatX> ldlt;
    bool use_ldlt = false;

    void compute(const MatX& A) {
        llt.compute(A);
        use_ldlt = llt.info() != Eigen::Success;
        if (use_ldlt) {
            ldlt.compute(A);
            if (ldlt.info() != Eigen::Success ||
                ldlt.vectorD().cwiseAbs().minCoeff() <= 1e-300)
                throw NumericalError("constrained sparsification: singular IRLS block");
        }
    }
    template <class Rhs>
    MatX solve(const Rhs& b) const {
        if (use_ldlt) return ldlt.solve(b);
        return llt.solve(b);
    }
};

// Exact inverse of H = blockdiag(A_0..A_{K-2}) + 𝟙𝟙ᵀ ⊗ A_{K-1} through the
// Schur complement on t = A_{K-1} s (see solve_block_arrow).
class ArrowFactor {
public:
    void factor(const double* A, index_t K, index_t M) {
        require(K >= 2 && M >= 1, "solve_block_arrow: need K >= 2 blocks of size M >= 1");
        K_ = K;
        M_ = M;
        const index_t MM = M * M, Km1 = K - 1;
        factors_ = std::vector<SymFactor>(static_cast<size_t>(K));
        std::vector<MatX> inverses(static_cast<size_t>(K));
        parallel_for(0, K, [&](index_t k) {
            SymFactor& f = factors_[static_cast<size_t>(k)];
            f.compute(CMap(A + k * MM, M, M));
            inverses[static_cast<size_t>(k)] = f.solve(MatX::Identity(M, M));
        }, /*dynamic=*/true);
        // S = A_{K-1}⁻¹ + Σ_k A_k⁻¹, summed in k order.
        MatX S = inverses[static_cast<size_t>(Km1)];
        for (index_t k = 0; k < Km1; ++k) S += inverses[static_cast<size_t>(k)];
        S = 0.5 * (S + S.transpose()).eval();
        fs_.compute(S);
    }
    // Y = H⁻¹ R for R (M x (K-1)): g = Σ A_k⁻¹ r_k, t = S⁻¹ g, y_k = A_k⁻¹ (r_k − t).
    void apply(const MatX& R, MatX& Y) const {
        const index_t M = M_, Km1 = K_ - 1;
        MatX AinvR(M, Km1);
        parallel_for(0, Km1, [&](index_t k) {
            AinvR.col(k) = factors_[static_cast<size_t>(k)].solve(R.col(k));
        });
        VecX g = VecX::Zero(M);
        for (index_t k = 0; k < Km1; ++k) g += AinvR.col(k);
        const VecX t = fs_.solve(g);
        Y.resize(M, Km1);
        parallel_for(0, Km1, [&](index_t k) {
            Y.col(k) = factors_[static_cast<size_t>(k)].solve(R.col(k) - t);
        });
    }

private:
    index_t K_ = 0, M_ = 0;
    std::vector<SymFactor> factors_;
    SymFactor fs_;
};

// α_k = E y_k (k < K-1) and α_{K-1} = 1 − Σ the others, into alpha (K x N,
// each component contiguous), by fixed pixel blocks.
template <class Coefs>
void components_from_coefficients(const CMap& En, const Coefs& Y, index_t K, double* alpha) {
    const index_t N = En.rows(), Km1 = K - 1;
    const index_t nblocks = (N + kPixelBlock - 1) / kPixelBlock;
    parallel_for(0, nblocks, [&](index_t blk) {
        const index_t p0 = blk * kPixelBlock, n = std::min(N, p0 + kPixelBlock) - p0;
        Map an(alpha, N, K);
        an.middleRows(p0, n).leftCols(Km1).noalias() = En.middleRows(p0, n) * Y;
        // 1 − α_0 − α_1 − … in k order, a contiguous row at a time.
        double* last = alpha + Km1 * N + p0;
        std::fill(last, last + n, 1.0);
        for (index_t k = 0; k < Km1; ++k) {
            const double* ak = alpha + k * N + p0;
            for (index_t i = 0; i < n; ++i) last[i] -= ak[i];
        }
    });
}

}  // namespace

void solve_block_arrow(const double* A, const double* b, index_t K, index_t M, double* y) {
    require(K >= 2 && M >= 1, "solve_block_arrow: need K >= 2 blocks of size M >= 1");
    const index_t MM = M * M, Km1 = K - 1;
    ArrowFactor af;
    af.factor(A, K, M);
    // Residual R − (blockdiag(A_k) + 𝟙𝟙ᵀ ⊗ A_{K-1}) Y.
    auto residual = [&](const MatX& R, const MatX& Y, MatX& res) {
        const VecX t = CMap(A + Km1 * MM, M, M) * Y.rowwise().sum();
        parallel_for(0, Km1, [&](index_t k) {
            res.col(k) = R.col(k) - CMap(A + k * MM, M, M) * Y.col(k) - t;
        });
    };

    MatX C(M, Km1);  // c_k = b_k + b_{K-1}
    const Eigen::Map<const VecX> bK(b + Km1 * M, M);
    for (index_t k = 0; k < Km1; ++k) C.col(k) = Eigen::Map<const VecX>(b + k * M, M) + bK;
    MatX Y(M, Km1), res(M, Km1), dY(M, Km1);
    af.apply(C, Y);
    // Iterative refinement: the Schur complement of explicit inverses loses
    // digits when the blocks are ill-conditioned (IRLS weights span ~1e12);
    // a few O(K M²) correction steps bring the residual to rounding level.
    double last = std::numeric_limits<double>::infinity();
    for (int step = 0; step < kRefineSteps; ++step) {
        residual(C, Y, res);
        const double rn = res.norm();
        if (!(rn < 0.5 * last)) break;  // stalled: rounding level reached
        last = rn;
        af.apply(res, dY);
        Y += dY;
    }
    Eigen::Map<MatX>(y, M, Km1) = Y;
}

ConstrainedResult constrained_sparsify(const double* E, index_t M, index_t N, const double* eigvals,
                                       const std::int32_t* init_labels,
                                       const ConstrainedOptions& P) {
    require(M >= 1 && N >= 1, "constrained_sparsify: need M >= 1 eigenvectors of N >= 1 pixels");
    require(P.iterations >= 0, "constrained_sparsify: iterations must be >= 0");
    require(P.gamma > 0 && P.w0 > 0 && P.w1 > 0 && P.floor > 0,
            "constrained_sparsify: gamma, weights and floor must be > 0");
    reset_interrupt();

    // Components = labels present, in increasing label order (empty clusters drop).
    std::map<std::int32_t, index_t> present;
    for (index_t p = 0; p < N; ++p) {
        require(init_labels[p] >= 0, "constrained_sparsify: init_labels must be >= 0");
        present.emplace(init_labels[p], 0);
    }
    index_t K = 0;
    for (auto& kv : present) kv.second = K++;

    const index_t MM = M * M;
    std::vector<double> alpha(static_cast<size_t>(K * N), 0.0);
    {
        std::vector<index_t> lut(static_cast<size_t>(present.rbegin()->first) + 1, -1);
        for (auto& kv : present) lut[static_cast<size_t>(kv.first)] = kv.second;
        for (index_t p = 0; p < N; ++p) alpha[static_cast<size_t>(lut[init_labels[p]] * N + p)] = 1.0;
    }
    std::vector<double> W(alpha.size()), R(alpha.size());
    const double g2 = P.gamma - 2.0;
    const double w0g = std::pow(P.w0, P.gamma), w1g = std::pow(P.w1, P.gamma);
    const index_t nblocks = (N + kPixelBlock - 1) / kPixelBlock;
    std::vector<double> part_energy, part_max;

    // Weights W = e0 + e1, right-hand-side weights R (e1, or e0 for the last
    // component), the sparsity energy and max |α| per component.
    std::vector<double> comp_energy, comp_max;
    auto weight_pass = [&]() {
        part_energy.assign(static_cast<size_t>(K * nblocks), 0.0);
        part_max.assign(static_cast<size_t>(K * nblocks), 0.0);
        parallel_for(0, K * nblocks, [&](index_t task) {
            const index_t k = task / nblocks, blk = task % nblocks;
            const index_t p0 = blk * kPixelBlock, p1 = std::min(N, p0 + kPixelBlock);
            const double* a = alpha.data() + k * N;
            double* w = W.data() + k * N;
            double* r = R.data() + k * N;
            const bool last = k == K - 1;
            const index_t n = p1 - p0;
            // |α|^(γ−2) and |1−α|^(γ−2) by the vectorised pow_positive (libm's
            // scalar pow was ~10 % of the whole stage, Eigen's exp∘log ~12 %).
            Eigen::ArrayXd l0(n), l1(n);
            for (index_t i = 0; i < n; ++i) {
                const double x = a[p0 + i];
                l0[i] = std::max(std::abs(x), P.floor);
                l1[i] = std::max(std::abs(x - 1.0), P.floor);
            }
            Eigen::ArrayXd t0s(n), t1s(n);
            pow_positive(l0.data(), g2, t0s.data(), n);
            pow_positive(l1.data(), g2, t1s.data(), n);
            double en = 0.0, mx = 0.0;
            for (index_t i = 0; i < n; ++i) {
                const index_t p = p0 + i;
                const double x = a[p];
                const double a0 = std::abs(x), a1 = std::abs(x - 1.0);
                const double t0 = t0s[i], t1 = t1s[i];
                // Energy w|a|^γ = w·t·a² above the floor (t = a^(γ−2)); below it
                // the weight is floored but the energy is still |a|^γ.
                en += a0 >= P.floor ? w0g * t0 * a0 * a0 : w0g * std::pow(a0, P.gamma);
                en += a1 >= P.floor ? w1g * t1 * a1 * a1 : w1g * std::pow(a1, P.gamma);
                const double e0 = w0g * t0, e1 = w1g * t1;
                w[p] = e0 + e1;
                r[p] = last ? e0 : e1;
                mx = std::max(mx, a0);
            }
            part_energy[static_cast<size_t>(task)] = en;
            part_max[static_cast<size_t>(task)] = mx;
        });
        comp_energy.assign(static_cast<size_t>(K), 0.0);
        comp_max.assign(static_cast<size_t>(K), 0.0);
        for (index_t k = 0; k < K; ++k)
            for (index_t b = 0; b < nblocks; ++b) {
                comp_energy[static_cast<size_t>(k)] += part_energy[static_cast<size_t>(k * nblocks + b)];
                comp_max[static_cast<size_t>(k)] =
                    std::max(comp_max[static_cast<size_t>(k)], part_max[static_cast<size_t>(k * nblocks + b)]);
            }
    };

    ConstrainedResult res;
    const CMap En(E, N, M);  // column m = eigenvector m
    // Pixel-major E for the Gram kernels, made once: otherwise every Gram
    // build or update transposed E again, block by block, in every thread
    // (~6 % of the stage at 640², perf). Costs one more copy of E while the stage runs.
    std::vector<double> Et;
    if (K > 1) {
        Et.resize(static_cast<size_t>(gram_padded_rows(M) * N));
        gram_pixel_major(E, M, N, Et.data());
    }
    const Eigen::Map<const VecX> lam(eigvals, M);
    const bool use_pcg = P.solver == ConstrainedSolver::pcg;
    if (use_pcg)
        require(P.precond_ratio >= 1.0 && P.pcg_tolerance > 0 && P.pcg_max_iter >= 1,
                "constrained_sparsify: need precond_ratio >= 1, pcg_tolerance > 0, pcg_max_iter >= 1");
    std::vector<double> A, bvec, y;
    const index_t nslabs = (N + kReduceSlab - 1) / kReduceSlab;

    // ---- pcg state: reference weights wt, their Grams G (no Λ), last iterate.
    std::vector<double> wt, G;
    MatX Yprev;  // M x (K-1), warm start; empty when unknown
    bool alpha_is_EY = false;  // alpha = [E Yprev, 1 − Σ] exactly as computed
    ArrowFactor pre;
    const index_t nslabs_op = (N + kOpSlab - 1) / kOpSlab;
    std::vector<double> op_partial;
    // V = Eᵀ (W ∘ (E Z)) for Z (M x K); with B, also B = Eᵀ R. Fixed pixel
    // slabs summed in slab order: thread-count invariant.
    // With from_alpha, E Z is not formed: Z is the last iterate, whose
    // E [Y, Σ Y] = [α_0 .. α_{K-2}, 1 − α_{K-1}] is already in alpha.
    auto apply_op = [&](const MatX& Z, MatX& V, MatX* B, bool from_alpha) {
        const index_t ncol = B ? 2 * K : K;
        op_partial.resize(static_cast<size_t>(nslabs_op * M * ncol));
        const CMap Wn(W.data(), N, K), Rn(R.data(), N, K);
        parallel_for(0, nslabs_op, [&](index_t sl) {
            const index_t p0 = sl * kOpSlab, n = std::min(N, p0 + kOpSlab) - p0;
            const auto Es = En.middleRows(p0, n);
            MatX X(n, ncol);
            if (from_alpha) {
                const CMap An(alpha.data(), N, K);
                X.leftCols(K - 1) = An.middleRows(p0, n).leftCols(K - 1);
                X.col(K - 1).array() = 1.0 - An.col(K - 1).segment(p0, n).array();
            } else {
                X.leftCols(K).noalias() = Es * Z;
            }
            X.leftCols(K).array() *= Wn.middleRows(p0, n).array();
            if (B) X.rightCols(K) = Rn.middleRows(p0, n);
            Map(op_partial.data() + sl * M * ncol, M, ncol).noalias() = Es.transpose() * X;
        }, /*dynamic=*/true);
        MatX tot = CMap(op_partial.data(), M, ncol);
        for (index_t sl = 1; sl < nslabs_op; ++sl) tot += CMap(op_partial.data() + sl * M * ncol, M, ncol);
        V = tot.leftCols(K);
        if (B) *B = tot.rightCols(K);
    };
    // Q = H Y (and, with C, the right-hand side c_k = b_k + b_{K-1}).
    auto op = [&](const MatX& Y, MatX& Q, MatX* C, bool from_alpha) {
        const index_t Km1 = K - 1;
        MatX Z(M, K), V, Bm;
        Z.leftCols(Km1) = Y;
        Z.col(Km1) = Y.rowwise().sum();
        apply_op(Z, V, C ? &Bm : nullptr, from_alpha);
        const VecX tail = V.col(Km1) + lam.cwiseProduct(Z.col(Km1));
        Q.resize(M, Km1);
        for (index_t k = 0; k < Km1; ++k) Q.col(k) = V.col(k) + lam.cwiseProduct(Y.col(k)) + tail;
        if (C) {
            C->resize(M, Km1);
            for (index_t k = 0; k < Km1; ++k) C->col(k) = Bm.col(k) + Bm.col(Km1);
        }
    };
    auto full_grams = [&]() {
        wt.assign(W.begin(), W.begin() + K * N);
        G.resize(static_cast<size_t>(K * MM));
        weighted_grams(E, M, N, wt.data(), K, G.data(), Et.data());
    };
    auto factor_pre = [&]() {
        A.resize(static_cast<size_t>(K * MM));
        std::copy(G.begin(), G.begin() + K * MM, A.begin());
        for (index_t k = 0; k < K; ++k)
            for (index_t m = 0; m < M; ++m) A[static_cast<size_t>(k * MM + m * M + m)] += eigvals[m];
        pre.factor(A.data(), K, M);
    };
    auto mdot = [](const MatX& a, const MatX& b) { return (a.array() * b.array()).sum(); };

    weight_pass();

    for (index_t it = 1; it <= P.iterations; ++it) {
        check_interrupt();
        res.components_per_iter.push_back(K);
        double lap_energy = 0.0;
        index_t pcg_its = 0;
        double work = 0.0;
        if (K == 1) {
            std::fill(alpha.begin(), alpha.begin() + N, 1.0);
            Yprev.resize(0, 0);
            alpha_is_EY = false;
        } else if (!use_pcg) {
            const index_t Km1 = K - 1;
            work = 1.0;
            // A_k = Eᵀ diag(W_k) E + Λ
            A.resize(static_cast<size_t>(K * MM));
            weighted_grams(E, M, N, W.data(), K, A.data(), Et.data());
            for (index_t k = 0; k < K; ++k)
                for (index_t m = 0; m < M; ++m) A[static_cast<size_t>(k * MM + m * M + m)] += eigvals[m];
            // b_k = Eᵀ R_k, reduced over fixed pixel slabs in slab order.
            std::vector<double> partial(static_cast<size_t>(nslabs * K * M));
            parallel_for(0, nslabs, [&](index_t s) {
                const index_t p0 = s * kReduceSlab, n = std::min(N, p0 + kReduceSlab) - p0;
                const CMap Rn(R.data(), N, K);
                Map out(partial.data() + s * K * M, M, K);
                out.noalias() = En.middleRows(p0, n).transpose() * Rn.middleRows(p0, n);
            }, /*dynamic=*/true);
            bvec.assign(static_cast<size_t>(K * M), 0.0);
            for (index_t s = 0; s < nslabs; ++s)
                for (index_t i = 0; i < K * M; ++i) bvec[static_cast<size_t>(i)] += partial[static_cast<size_t>(s * K * M + i)];
            y.resize(static_cast<size_t>(Km1 * M));
            solve_block_arrow(A.data(), bvec.data(), K, M, y.data());
        } else {
            const index_t Km1 = K - 1;
            // Preconditioner: Grams of reference weights within a factor ρ of W.
            if (wt.empty()) {
                // First solve: one constant reference weight, Grams c·EᵀE.
                const double c0 = W[0];
                wt.assign(static_cast<size_t>(K * N), c0);
                // EᵀE over fixed pixel slabs, summed in slab order.
                std::vector<double> part(static_cast<size_t>(nslabs * MM));
                parallel_for(0, nslabs, [&](index_t sl) {
                    const index_t p0 = sl * kReduceSlab, n = std::min(N, p0 + kReduceSlab) - p0;
                    Map(part.data() + sl * MM, M, M).noalias() =
                        En.middleRows(p0, n).transpose() * En.middleRows(p0, n);
                }, /*dynamic=*/true);
                MatX EtE = CMap(part.data(), M, M);
                for (index_t sl = 1; sl < nslabs; ++sl) EtE += CMap(part.data() + sl * MM, M, M);
                G.resize(static_cast<size_t>(K * MM));
                for (index_t k = 0; k < K; ++k) Map(G.data() + k * MM, M, M) = c0 * EtE;
            }
            {
                // Update the pixels whose weight left the factor ρ, or rebuild
                // when more than kRebuildFraction of them did (update_grams
                // counts first and then leaves everything as it was).
                const index_t limit = static_cast<index_t>(kRebuildFraction * static_cast<double>(K * N));
                const index_t total = update_grams(E, M, N, W.data(), K, P.precond_ratio, wt.data(),
                                                   G.data(), Et.data(), limit);
                work = static_cast<double>(total) / static_cast<double>(K * N);
                if (total > limit) {
                    full_grams();
                    work = 1.0;
                }
            }
            factor_pre();
            const bool warm = Yprev.cols() == Km1 && Yprev.rows() == M;
            MatX X = warm ? Yprev : MatX::Zero(M, Km1);
            MatX Q, C, Rr, Zp, Pd, Qp;
            op(X, Q, &C, warm && alpha_is_EY);
            Rr = C - Q;
            double rn = Rr.norm();
            // The warm start alone may already meet the tolerance late in
            // the loop, where one step moves y little: the step would then be
            // skipped and the IRLS stall. So the step's own residual must
            // also drop by kMinReduction.
            const double cnorm = C.norm();
            const double target = std::min(P.pcg_tolerance * cnorm, kMinReduction * rn);
            index_t since = 0;
            int rebuilds = 0;
            double rz = 0.0;
            bool restart = true;
            while (rn > target) {
                if (since >= P.pcg_max_iter) {
                    if (rebuilds++ >= 1) break;  // tolerance below reach: keep the best
                    full_grams();  // stale preconditioner: rebuild it exactly
                    work += 1.0;
                    factor_pre();
                    since = 0;
                    restart = true;
                }
                if (restart) {
                    pre.apply(Rr, Zp);
                    Pd = Zp;
                    rz = mdot(Rr, Zp);
                    restart = false;
                }
                op(Pd, Qp, nullptr, false);
                const double pq = mdot(Pd, Qp);
                if (!(pq > 0.0)) throw NumericalError("constrained sparsification: IRLS system not positive definite");
                const double step = rz / pq;
                X += step * Pd;
                Rr -= step * Qp;
                rn = Rr.norm();
                ++pcg_its;
                ++since;
                if (rn <= target) break;
                pre.apply(Rr, Zp);
                const double rz2 = mdot(Rr, Zp);
                Pd = Zp + (rz2 / rz) * Pd;
                rz = rz2;
            }
            accumulate(res.status, {rn > target ? SolveStatus::max_iterations
                                                : SolveStatus::converged,
                                    0, cnorm > 0.0 ? rn / cnorm : 0.0});
            Yprev = X;
            y.assign(X.data(), X.data() + Km1 * M);
            alpha_is_EY = true;
        }
        if (K > 1) {
            // α_k = E y_k (k < K-1), α_{K-1} = 1 − Σ.
            const index_t Km1 = K - 1;
            const CMap Y(y.data(), M, Km1);
            components_from_coefficients(En, Y, K, alpha.data());
            VecX ysum = VecX::Zero(M);
            for (index_t k = 0; k < Km1; ++k) {
                lap_energy += Y.col(k).dot(lam.cwiseProduct(Y.col(k)));
                ysum += Y.col(k);
            }
            lap_energy += ysum.dot(lam.cwiseProduct(ysum));
        }
        res.pcg_iterations.push_back(pcg_its);
        res.gram_work.push_back(work);
        weight_pass();
        double energy = lap_energy;
        for (index_t k = 0; k < K; ++k) energy += comp_energy[static_cast<size_t>(k)];
        res.energy.push_back(energy);

        if (std::find(P.prune_after.begin(), P.prune_after.end(), it) != P.prune_after.end()) {
            std::vector<index_t> keep;
            for (index_t k = 0; k < K; ++k)
                if (comp_max[static_cast<size_t>(k)] > P.prune_threshold) keep.push_back(k);
            if (keep.empty())
                keep.push_back(static_cast<index_t>(
                    std::max_element(comp_max.begin(), comp_max.end()) - comp_max.begin()));
            if (static_cast<index_t>(keep.size()) != K) {
                const index_t Knew = static_cast<index_t>(keep.size());
                alpha_is_EY = false;
                if (use_pcg && !wt.empty()) {
                    // Warm start of the survivors: their y, and for the old
                    // dependent component the projection Eᵀ α of its α.
                    MatX Yall(M, K);
                    if (Yprev.cols() == K - 1 && K > 1) {
                        Yall.leftCols(K - 1) = Yprev;
                        Yall.col(K - 1) = En.transpose() * Eigen::Map<const VecX>(alpha.data() + (K - 1) * N, N);
                    } else {
                        Yall.setZero();
                    }
                    Yprev.resize(M, std::max<index_t>(Knew - 1, 0));
                    for (index_t j = 0; j + 1 < Knew; ++j) Yprev.col(j) = Yall.col(keep[static_cast<size_t>(j)]);
                    for (index_t j = 0; j < Knew; ++j) {
                        const index_t k = keep[static_cast<size_t>(j)];
                        if (k == j) continue;
                        std::copy_n(wt.begin() + k * N, N, wt.begin() + j * N);
                        std::copy_n(G.begin() + k * MM, MM, G.begin() + j * MM);
                    }
                    wt.resize(static_cast<size_t>(Knew * N));
                    G.resize(static_cast<size_t>(Knew * MM));
                }
                for (index_t j = 0; j < Knew; ++j) {
                    const index_t k = keep[static_cast<size_t>(j)];
                    if (k == j) continue;
                    std::copy_n(alpha.begin() + k * N, N, alpha.begin() + j * N);
                }
                K = Knew;
                // Weights of the survivors; the last survivor is now the
                // dependent component, so its right-hand-side weights are e0.
                weight_pass();
            }
        }
    }
    alpha.resize(static_cast<size_t>(K * N));
    alpha.shrink_to_fit();
    res.alpha = std::move(alpha);
    res.n_components = K;
    res.status.iterations = static_cast<index_t>(res.energy.size());
    return res;
}

namespace {
// First sampled row (column) of a side of n pixels: centred, inside the image.
index_t grid_first(index_t n, index_t stride) { return std::min((stride - 1) / 2, n - 1); }
index_t grid_count(index_t n, index_t stride) { return (n - grid_first(n, stride) + stride - 1) / stride; }
}  // namespace

index_t grid_sample_count(index_t height, index_t width, index_t stride) {
    require(height >= 1 && width >= 1 && stride >= 1, "grid_sample: need H, W, stride >= 1");
    return grid_count(height, stride) * grid_count(width, stride);
}

std::vector<index_t> grid_sample(index_t height, index_t width, index_t stride) {
    std::vector<index_t> idx;
    idx.reserve(static_cast<size_t>(grid_sample_count(height, width, stride)));
    for (index_t y = grid_first(height, stride); y < height; y += stride)
        for (index_t x = grid_first(width, stride); x < width; x += stride)
            idx.push_back(y * width + x);
    return idx;
}

ConstrainedResult constrained_sparsify_grid(const double* E, index_t M, index_t height,
                                            index_t width, const double* eigvals,
                                            const std::int32_t* sample_labels, index_t stride,
                                            const ConstrainedOptions& P) {
    const index_t N = height * width;
    require(M >= 1 && N >= 1 && stride >= 1,
            "constrained_sparsify_grid: need M >= 1 eigenvectors, H, W >= 1 and stride >= 1");
    if (stride == 1) return constrained_sparsify(E, M, N, eigvals, sample_labels, P);
    const std::vector<index_t> idx = grid_sample(height, width, stride);
    const index_t Ns = static_cast<index_t>(idx.size());
    require(Ns >= M, "constrained_sparsify_grid: the subsample has fewer pixels than eigenvectors; "
                     "use a smaller stride");
    // E on the sample (M x Ns, each eigenvector contiguous) and scaled eigenvalues.
    std::vector<double> Es(static_cast<size_t>(M * Ns));
    parallel_for(0, M, [&](index_t m) {
        const double* src = E + m * N;
        double* dst = Es.data() + m * Ns;
        for (index_t j = 0; j < Ns; ++j) dst[j] = src[idx[static_cast<size_t>(j)]];
    });
    std::vector<double> lam(eigvals, eigvals + M);
    const double frac = static_cast<double>(Ns) / static_cast<double>(N);
    for (double& v : lam) v *= frac;

    ConstrainedResult res = constrained_sparsify(Es.data(), M, Ns, lam.data(), sample_labels, P);
    const index_t K = res.n_components;
    check_interrupt();
    std::vector<double> alpha(static_cast<size_t>(K * N));
    if (K == 1) {
        std::fill(alpha.begin(), alpha.end(), 1.0);
    } else {
        // Coefficients of the first K-1 components: the least-squares fit on
        // the sample, which reproduces the IRLS's own y (α_k = E_s y_k there).
        const index_t Km1 = K - 1;
        const CMap Esn(Es.data(), Ns, M);
        const CMap As(res.alpha.data(), Ns, K);
        MatX G(M, M);
        G.setZero();
        G.selfadjointView<Eigen::Lower>().rankUpdate(Esn.transpose());  // LLT / LDLT read the lower part
        const MatX B = Esn.transpose() * As.leftCols(Km1);
        SymFactor f;
        f.compute(G);
        const MatX Y = f.solve(B);  // M x (K-1)
        components_from_coefficients(CMap(E, N, M), Y, K, alpha.data());
    }
    res.alpha = std::move(alpha);
    return res;
}

}  // namespace sss
