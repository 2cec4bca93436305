#include "sparsify/relaxed.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <string>

#include "common/errors.hpp"
#include "common/fastmath.hpp"
#include "common/parallel.hpp"
#include "sparsify/gradient.hpp"

namespace sss {
namespace {

// Rows of L per reduction chunk (fixed: results do not depend on threads).
constexpr index_t kRowChunk = 4096;

template <class F>
std::array<double, 1> row_sums1(index_t rows, F&& f) {
    return chunked_sums<1>(rows, kRowChunk, std::forward<F>(f));
}

// s[j] = (L x_j)_r for the K interleaved layers of row r, and returns Σ_j x_rj
// (the row's layer sum, for the sum-to-one term). Shared by the operator and
// the fused pass: the same sums in the same order.
template <int KC, class I>
inline double row_product(const CsrView<I>& l, index_t k_rt, const double* x, index_t r, double* s) {
    const index_t k = KC > 0 ? KC : k_rt;
    for (index_t j = 0; j < k; ++j) s[j] = 0.0;
    for (I q = l.indptr[r]; q < l.indptr[r + 1]; ++q) {
        const double v = l.data[q];
        const double* xc = x + static_cast<index_t>(l.indices[q]) * k;
        for (index_t j = 0; j < k; ++j) s[j] += v * xc[j];
    }
    double sum = 0.0;
    for (index_t j = 0; j < k; ++j) sum += x[r * k + j];
    return sum;
}

// (A x) for rows [rb, re) of the interleaved operator; returns Σ x·(A x) there.
// KC > 0: K known at compile time (accumulators in registers); KC == 0: any K.
template <int KC, class I>
double operator_rows(const CsrView<I>& l, index_t k_rt, const double* w, double lambda,
                     const double* x, double* y, index_t rb, index_t re) {
    const index_t k = KC > 0 ? KC : k_rt;
    std::vector<double> heap(KC > 0 ? 0 : static_cast<std::size_t>(k));
    double stack[KC > 0 ? KC : 1];
    double* s = KC > 0 ? stack : heap.data();
    double acc = 0.0;
    for (index_t r = rb; r < re; ++r) {
        const double ls = lambda * row_product<KC>(l, k, x, r, s);
        const double* xr = x + r * k;
        const double* wr = w + r * k;
        double* yr = y + r * k;
        for (index_t j = 0; j < k; ++j) {
            const double v = s[j] + wr[j] * xr[j] + ls;
            yr[j] = v;
            acc += xr[j] * v;
        }
    }
    return acc;
}

// Dispatches a kernel templated on the number of layers.
template <template <int> class Kernel, class... Args>
auto dispatch_k(index_t k, Args&&... args) {
    switch (k) {
        case 1: return Kernel<1>::run(std::forward<Args>(args)...);
        case 2: return Kernel<2>::run(std::forward<Args>(args)...);
        case 3: return Kernel<3>::run(std::forward<Args>(args)...);
        case 4: return Kernel<4>::run(std::forward<Args>(args)...);
        case 5: return Kernel<5>::run(std::forward<Args>(args)...);
        case 6: return Kernel<6>::run(std::forward<Args>(args)...);
        case 7: return Kernel<7>::run(std::forward<Args>(args)...);
        case 8: return Kernel<8>::run(std::forward<Args>(args)...);
        default: return Kernel<0>::run(std::forward<Args>(args)...);
    }
}

template <int KC>
struct OperatorKernel {
    template <class I>
    static double run(const RelaxedOperator<I>& op, const double* x, double* y) {
        return row_sums1(op.l.rows, [&](index_t b, index_t e, double* s) {
            s[0] += operator_rows<KC>(op.l, op.k, op.w, op.lambda, x, y, b, e);
        })[0];
    }
};

// One fused pass over L per outer iteration, at the interleaved iterate a:
//  * the energy terms at a;
//  * optionally the true residual of the system just solved (its w and rhs
//    are read before being overwritten);
//  * optionally the next system: IRLS (w = u + v + 1, rhs = v + â + λ) or the
//    final pass (w = 1, rhs = a + λ), its block preconditioner on diag(L) + w,
//    and its initial residual rhs − A a for the warm-started PCG.
struct PassTerms {
    double fidelity = 0, sum_to_one = 0, laplacian = 0, sparsity = 0, majorised = 0;
    double residual_sq = 0, rhs_sq = 0;
};

enum class NextSystem { none, irls, final_pass };

struct SystemArrays {
    double* w = nullptr;
    double* rhs = nullptr;
    double* inv_delta = nullptr;
    double* coupling = nullptr;
    double* residual = nullptr;
};

// ψ-terms of one value with |x| = ax and t = ax^(γ-2) (any value when ax = 0).
// Returns the IRLS weight max(|x|, ε)^(γ-2) and adds |x|^γ to e_true and the
// majorised term to e_major. t_eps = ε^(γ-2) and c_eps = (2/γ - 1) ε^γ are
// per-pixel constants.
inline double sparsity_term(double ax, double t, double eps, double two_over_gamma,
                            double t_eps, double c_eps, double& e_true, double& e_major) {
    if (ax >= eps) {
        const double a_g = t * ax * ax;  // |x|^γ
        e_true += a_g;
        e_major += two_over_gamma * a_g;
        return t;
    }
    e_true += ax > 0.0 ? t * ax * ax : 0.0;
    e_major += t_eps * ax * ax + c_eps;
    return t_eps;
}

// Rows per batch of powers in the fused pass: the 2K + 1 powers of each row
// (|α|^(γ-2), |1-α|^(γ-2) per layer, ε^(γ-2)) are formed together by the
// vectorised pow_positive. With libm's exp and log, one pair per value, the
// stage took 2.28–2.33 s at docia 640² (2 threads); with this, 1.83–1.92 s.
constexpr index_t kPowRows = 256;

template <int KC>
struct PassKernel {
    template <class I>
    static PassTerms run(const CsrView<I>& l, index_t k_rt, const double* a, const double* a_hat,
                         const double* gamma, const double* diag_l, double lambda, double eps,
                         bool measure_previous, NextSystem next, const SystemArrays& sys) {
        const index_t k = KC > 0 ? KC : k_rt;
        const auto t = chunked_sums<7>(l.rows, kRowChunk, [&](index_t rb, index_t re, double* out) {
            std::vector<double> heap(KC > 0 ? 0 : static_cast<std::size_t>(k));
            double stack[KC > 0 ? KC : 1];
            double* s = KC > 0 ? stack : heap.data();
            const index_t per = 2 * k + 1;  // powers per row
            std::vector<double> pbase(static_cast<std::size_t>(kPowRows * per)), pexp(pbase.size()),
                pw(pbase.size());
            double ef = 0, ec = 0, el = 0, es = 0, em = 0, rr = 0, bb = 0;
            for (index_t r0 = rb; r0 < re; r0 += kPowRows) {
                const index_t r1 = std::min(re, r0 + kPowRows);
                for (index_t r = r0; r < r1; ++r) {
                    const index_t o = r * k, q0 = (r - r0) * per;
                    const double ge = gamma[r] - 2.0;
                    for (index_t j = 0; j < k; ++j) {
                        const double a0 = std::fabs(a[o + j]), a1 = std::fabs(1.0 - a[o + j]);
                        pbase[q0 + 2 * j] = a0 > 0.0 ? a0 : 1.0;  // 0: the power is not used
                        pbase[q0 + 2 * j + 1] = a1 > 0.0 ? a1 : 1.0;
                        pexp[q0 + 2 * j] = ge;
                        pexp[q0 + 2 * j + 1] = ge;
                    }
                    pbase[q0 + 2 * k] = eps;
                    pexp[q0 + 2 * k] = ge;
                }
                pow_positive(pbase.data(), pexp.data(), pw.data(), (r1 - r0) * per);
                for (index_t r = r0; r < r1; ++r) {
                    const double sum = row_product<KC>(l, k, a, r, s);
                    const index_t o = r * k;
                    const double* pr = pw.data() + (r - r0) * per;
                    const double ls = lambda * sum;
                    const double g = gamma[r];
                    const double tg = 2.0 / g;
                    const double t_eps = pr[2 * k];                       // ε^(γ-2)
                    const double c_eps = (tg - 1.0) * eps * eps * t_eps;  // (2/γ - 1) ε^γ
                    double inv_sum = 0.0;
                    for (index_t j = 0; j < k; ++j) {
                        const double x = a[o + j];
                        const double lx = s[j] + ls;  // (I⊗L + λCᵀC) a, this entry
                        if (measure_previous) {
                            const double res = sys.rhs[o + j] - (lx + sys.w[o + j] * x);
                            rr += res * res;
                            bb += sys.rhs[o + j] * sys.rhs[o + j];
                        }
                        const double d = x - a_hat[o + j];
                        ef += d * d;
                        el += x * s[j];
                        const double u = sparsity_term(std::fabs(x), pr[2 * j], eps, tg, t_eps, c_eps, es, em);
                        const double v = sparsity_term(std::fabs(1.0 - x), pr[2 * j + 1], eps, tg, t_eps,
                                                       c_eps, es, em);
                        if (next == NextSystem::none) continue;
                        double w, rhs;
                        if (next == NextSystem::irls) {
                            w = u + v + 1.0;
                            rhs = v + a_hat[o + j] + lambda;
                        } else {
                            w = 1.0;
                            rhs = x + lambda;
                        }
                        sys.w[o + j] = w;
                        sys.rhs[o + j] = rhs;
                        sys.residual[o + j] = rhs - (lx + w * x);
                        double delta = diag_l[r] + w;
                        if (!(delta > 0.0)) delta = w;  // indefinite L: keep the block SPD
                        sys.inv_delta[o + j] = 1.0 / delta;
                        inv_sum += 1.0 / delta;
                    }
                    if (next != NextSystem::none)
                        sys.coupling[r] = lambda / (1.0 + lambda * inv_sum);
                    ec += (sum - 1.0) * (sum - 1.0);
                }
            }
            out[0] += ef;
            out[1] += ec;
            out[2] += el;
            out[3] += es;
            out[4] += em;
            out[5] += rr;
            out[6] += bb;
        });
        return {t[0], t[1], t[2], t[3], t[4], t[5], t[6]};
    }
};

}  // namespace

template <class I>
double RelaxedOperator<I>::apply_dot(const double* x, double* y) const {
    return dispatch_k<OperatorKernel>(k, *this, x, y);
}

void clean_initial_layers(const double* in, index_t k, index_t n, double low, double high,
                          double* out) {
    require(k >= 1 && n >= 0, "layers must have at least one layer");
    require(low <= high, "clean-up thresholds need low <= high");
    for_each_chunk(n, 1, [&](index_t b, index_t e) {
        for (index_t p = b; p < e; ++p) {
            double sum = 0.0;
            for (index_t j = 0; j < k; ++j) {
                const double v = in[j * n + p];
                sum += v < low ? 0.0 : (v > high ? 1.0 : v);
            }
            if (sum > 0.0) {
                for (index_t j = 0; j < k; ++j) {
                    const double v = in[j * n + p];
                    out[j * n + p] = (v < low ? 0.0 : (v > high ? 1.0 : v)) / sum;
                }
                continue;
            }
            double raw = 0.0;
            for (index_t j = 0; j < k; ++j) raw += in[j * n + p];
            for (index_t j = 0; j < k; ++j)
                out[j * n + p] = raw > 0.0 ? in[j * n + p] / raw : 1.0 / static_cast<double>(k);
        }
    });
}

template <class I>
void check_square_csr(const CsrView<I>& l, index_t n, const char* name) {
    const std::string nm(name);
    require(l.rows == n && l.cols == n,
            nm + " must be N x N with N = " + std::to_string(n) + " pixels, got " +
                std::to_string(l.rows) + " x " + std::to_string(l.cols));
    require(n == 0 || l.indptr[0] == 0, nm + ": indptr[0] must be 0");
    std::atomic<bool> bad_ptr{false}, bad_idx{false}, bad_val{false};
    for_each_chunk(n, 1, [&](index_t b, index_t e) {
        for (index_t r = b; r < e; ++r) {
            if (l.indptr[r + 1] < l.indptr[r]) {
                bad_ptr = true;
                return;
            }
            for (I q = l.indptr[r]; q < l.indptr[r + 1]; ++q) {
                const auto c = static_cast<index_t>(l.indices[q]);
                if (c < 0 || c >= n) bad_idx = true;
                if (!std::isfinite(l.data[q])) bad_val = true;
            }
        }
    });
    require(!bad_ptr, nm + ": indptr must be nondecreasing (a valid CSR matrix)");
    require(!bad_idx, nm + ": column indices out of range [0, N)");
    require(!bad_val, nm + " contains NaN or inf");
}

template <class I>
RelaxedResult relaxed_sparsify(const double* layers, index_t k, const CsrView<I>& l,
                               const ImageView<double>& image, const RelaxedOptions& prm) {
    reset_interrupt();
    using clock = std::chrono::steady_clock;
    const auto seconds_since = [](clock::time_point t0) {
        return std::chrono::duration<double>(clock::now() - t0).count();
    };
    const auto t_start = clock::now();
    const index_t n = image.pixels();
    require(k >= 1, "layers must have at least one layer");
    require(n >= 1, "image must not be empty");
    require(prm.iterations >= 0 && prm.cg_max_iterations >= 0,
            "iteration counts must be >= 0");
    require(prm.lambda >= 0 && prm.floor > 0 && prm.cg_tolerance >= 0,
            "lambda >= 0, floor > 0 and cg_tolerance >= 0 are required");
    check_square_csr(l, n, "laplacian");

    const index_t nk = n * k;
    auto vec = [&](index_t m) { return std::vector<double>(static_cast<std::size_t>(m)); };

    // Clean-up (layer-major), then interleave: a_hat[p*K + j].
    std::vector<double> cleaned = vec(nk);
    clean_initial_layers(layers, k, n, prm.clean_low, prm.clean_high, cleaned.data());
    std::vector<double> a_hat = vec(nk), a = vec(nk);
    for_each_chunk(n, 1, [&](index_t b, index_t e) {
        for (index_t p = b; p < e; ++p)
            for (index_t j = 0; j < k; ++j) a_hat[p * k + j] = cleaned[j * n + p];
    });
    cleaned = {};
    a = a_hat;

    std::vector<double> gamma = vec(n);
    sparsity_exponent(image, prm.gamma_base, prm.gamma_cap, gamma.data());
    std::vector<double> diag_l = vec(n);
    for_each_chunk(n, 1, [&](index_t b, index_t e) {
        for (index_t r = b; r < e; ++r) {
            double d = 0.0;
            for (I q = l.indptr[r]; q < l.indptr[r + 1]; ++q)
                if (static_cast<index_t>(l.indices[q]) == r) d += l.data[q];
            diag_l[r] = d;
        }
    });

    std::vector<double> w = vec(nk), rhs = vec(nk), inv_delta = vec(nk), coupling = vec(n);
    PcgWorkspace ws;
    ws.resize(nk);
    const SystemArrays sys{w.data(), rhs.data(), inv_delta.data(), coupling.data(), ws.r.data()};
    const RelaxedOperator<I> op{l, k, w.data(), prm.lambda};
    const BlockPreconditioner prec{k, inv_delta.data(), coupling.data()};
    PcgOptions opts;
    opts.tolerance = prm.cg_tolerance;
    opts.max_iterations = prm.cg_max_iterations;
    opts.verify_residual = false;  // the next fused pass measures the true residual
    opts.residual_given = true;    // ... and provides the next initial residual

    RelaxedResult res;
    // The fused pass at the current a; returns {E, irls energy}. With
    // `measure_previous`, replaces the last solve's reported residual by the
    // true one (and marks it unconverged if that is above the tolerance).
    auto pass = [&](bool measure_previous, NextSystem next) {
        const PassTerms t =
            dispatch_k<PassKernel>(k, l, k, a.data(), a_hat.data(), gamma.data(), diag_l.data(),
                                   prm.lambda, prm.floor, measure_previous, next, sys);
        if (measure_previous && !res.cg_residuals.empty()) {
            const double rel = t.rhs_sq > 0.0 ? std::sqrt(t.residual_sq / t.rhs_sq) : 0.0;
            res.cg_residuals.back() = rel;
            if (res.cg_status.back() == static_cast<int>(PcgStatus::converged) &&
                !(rel <= prm.cg_tolerance))
                res.cg_status.back() = static_cast<int>(PcgStatus::max_iterations);
        }
        const double base = t.fidelity + prm.lambda * t.sum_to_one + t.laplacian;
        return std::array<double, 2>{base + t.sparsity, base + t.majorised};
    };
    auto solve = [&]() {
        const auto t0 = clock::now();
        const PcgResult r = pcg(op, prec, rhs.data(), a.data(), opts, ws);
        res.cg_seconds.push_back(seconds_since(t0));
        res.cg_iterations.push_back(r.iterations);
        res.cg_residuals.push_back(r.residual);
        res.cg_status.push_back(static_cast<int>(r.status));
    };
    auto record = [&](const std::array<double, 2>& e) {
        res.energy.push_back(e[0]);
        res.irls_energy.push_back(e[1]);
    };

    // IRLS (SPEC §9.4), then the final pass (SPEC §9.5):
    // (I⊗L + λCᵀC + Id) a = a_prev + λ, built by the last fused pass.
    const auto next_after = [&](index_t it) {
        return it + 1 < prm.iterations ? NextSystem::irls : NextSystem::final_pass;
    };
    record(pass(false, prm.iterations > 0 ? NextSystem::irls : NextSystem::final_pass));
    for (index_t it = 0; it < prm.iterations; ++it) {
        solve();
        record(pass(true, next_after(it)));
    }
    solve();
    res.final_energy = pass(true, NextSystem::none)[0];

    res.k = k;
    res.layers = vec(nk);
    for_each_chunk(n, 1, [&](index_t b, index_t e) {
        for (index_t p = b; p < e; ++p)
            for (index_t j = 0; j < k; ++j) res.layers[j * n + p] = a[p * k + j];
    });
    res.seconds = seconds_since(t_start);
    for (std::size_t t = 0; t < res.cg_status.size(); ++t)
        accumulate(res.status, {static_cast<SolveStatus>(res.cg_status[t]), res.cg_iterations[t],
                                res.cg_residuals[t]});
    return res;
}

template struct RelaxedOperator<std::int32_t>;
template struct RelaxedOperator<std::int64_t>;
template void check_square_csr(const CsrView<std::int32_t>&, index_t, const char*);
template void check_square_csr(const CsrView<std::int64_t>&, index_t, const char*);
template RelaxedResult relaxed_sparsify(const double*, index_t, const CsrView<std::int32_t>&,
                                        const ImageView<double>&, const RelaxedOptions&);
template RelaxedResult relaxed_sparsify(const double*, index_t, const CsrView<std::int64_t>&,
                                        const ImageView<double>&, const RelaxedOptions&);

}  // namespace sss
