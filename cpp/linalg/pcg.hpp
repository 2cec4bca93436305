// Preconditioned conjugate gradients, written against an operator and a
// preconditioner (Spectra style), never against a particular matrix.
//
// Operator concept (SPD, n x n):
//     index_t rows() const;
//     void apply(const double* x, double* y) const;              // y = A x
//   optional, used when present (one memory pass instead of two):
//     double apply_dot(const double* x, double* y) const;        // y = A x, returns x.y
//
// Preconditioner concept (SPD approximation of A^-1):
//     void apply(const double* r, double* z) const;              // z = M r
//   optional, "local" preconditioners (block diagonal with blocks of
//   granularity() consecutive entries) also provide
//     index_t granularity() const;
//     void apply_range(const double* r, double* z, index_t begin, index_t end) const;
//   and PCG then fuses the x/r update, z = M r and both dot products into one
//   pass over the vectors, chunk by chunk while the chunk is in cache.
//
// Determinism: every reduction is a sum of per-chunk partial sums over chunks
// of a FIXED size, added in chunk order, so results are bit-identical for any
// number of threads. apply_dot implementations must follow the same rule
// (chunked_sums below does it for them).
//
// Numerical outcome is a status (PcgResult), never an exception; bad
// arguments (size mismatches) are InvalidArgument.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/errors.hpp"
#include "common/parallel.hpp"
#include "common/status.hpp"
#include "common/types.hpp"
#include "linalg/csr.hpp"

namespace sss {

// ---- deterministic reductions ------------------------------------------------

// Entries per reduction chunk (rounded down to a multiple of the granule).
// Large enough that a chunk amortises the parallel loop's per-chunk work, and
// that small problems (a single chunk) run inline without a parallel region.
inline constexpr index_t kReduceChunk = 16384;

// Calls f(begin, end, partial) on consecutive chunks [begin, end) of [0, n),
// each chunk a multiple of `granule` entries (except the last), in parallel;
// f adds its M partial sums into partial[0..M). Returns the M totals, the
// chunk partials added in chunk order: independent of the thread count.
template <int M, class F>
std::array<double, M> chunked_sums(index_t n, index_t granule, F&& f) {
    const index_t g = granule > 0 ? granule : 1;
    const index_t chunk = g * std::max<index_t>(1, kReduceChunk / g);
    const index_t nc = (n + chunk - 1) / chunk;
    if (nc <= 1) {
        std::array<double, M> s{};
        if (n > 0) f(index_t{0}, n, s.data());
        return s;
    }
    std::vector<std::array<double, M>> partial(static_cast<std::size_t>(nc));
    parallel_for(0, nc, [&](index_t c) {
        std::array<double, M> s{};
        const index_t b = c * chunk;
        const index_t e = std::min(n, b + chunk);
        f(b, e, s.data());
        partial[static_cast<std::size_t>(c)] = s;
    });
    std::array<double, M> total{};
    for (const auto& s : partial)
        for (int j = 0; j < M; ++j) total[j] += s[j];
    return total;
}

// Calls f(begin, end) on the same fixed chunks as chunked_sums, in parallel
// (no reduction). Element loops go through this, not a per-element
// parallel_for, so the interrupt poll runs once per chunk.
template <class F>
void for_each_chunk(index_t n, index_t granule, F&& f) {
    const index_t g = granule > 0 ? granule : 1;
    const index_t chunk = g * std::max<index_t>(1, kReduceChunk / g);
    const index_t nc = (n + chunk - 1) / chunk;
    if (nc <= 1) {
        if (n > 0) f(index_t{0}, n);
        return;
    }
    parallel_for(0, nc, [&](index_t c) {
        const index_t b = c * chunk;
        f(b, std::min(n, b + chunk));
    });
}

inline double dot(const double* a, const double* b, index_t n) {
    return chunked_sums<1>(n, 1, [&](index_t lo, index_t hi, double* s) {
        double acc = 0.0;
        for (index_t i = lo; i < hi; ++i) acc += a[i] * b[i];
        s[0] += acc;
    })[0];
}

// ---- simple preconditioners ----------------------------------------------------

struct IdentityPreconditioner {
    index_t granularity() const { return 1; }
    void apply_range(const double* r, double* z, index_t b, index_t e) const {
        for (index_t i = b; i < e; ++i) z[i] = r[i];
    }
};

// Jacobi: z = r / diag(A). `inverse_diagonal` must outlive the preconditioner.
struct DiagonalPreconditioner {
    const double* inverse_diagonal = nullptr;
    index_t granularity() const { return 1; }
    void apply_range(const double* r, double* z, index_t b, index_t e) const {
        for (index_t i = b; i < e; ++i) z[i] = inverse_diagonal[i] * r[i];
    }
};

// ---- a plain CSR matrix as an operator ------------------------------------------

// y = A x for a square CsrView (the view's arrays must outlive the operator).
template <class I>
struct CsrOperator {
    CsrView<I> a;
    index_t rows() const { return a.rows; }
    double apply_dot(const double* x, double* y) const {
        return chunked_sums<1>(a.rows, 1, [&](index_t b, index_t e, double* s) {
            double acc = 0.0;
            for (index_t r = b; r < e; ++r) {
                double v = 0.0;
                for (I k = a.indptr[r]; k < a.indptr[r + 1]; ++k) v += a.data[k] * x[a.indices[k]];
                y[r] = v;
                acc += x[r] * v;
            }
            s[0] += acc;
        })[0];
    }
    void apply(const double* x, double* y) const { (void)apply_dot(x, y); }
};

// ---- PCG -----------------------------------------------------------------------

struct PcgOptions {
    // Stop when the TRUE relative residual ||b - A x|| / ||b|| is at or below
    // this (the recursive residual triggers a check against the true one).
    double tolerance = 1e-6;
    // Cap on the number of iterations (operator applications in the loop).
    index_t max_iterations = 1000;
    // Check convergence against the true residual b - A x (one extra operator
    // application per solve). When false, the recursively updated residual
    // decides and is reported; callers that compute b - A x anyway (e.g. in a
    // fused pass after the solve) can skip the extra application.
    bool verify_residual = true;
    // The workspace's r already holds b - A x for the initial x (computed by
    // the caller in a fused pass): the initial operator application is skipped.
    bool residual_given = false;
};

// PCG's outcome is the common solver status (common/status.hpp); residual is
// ‖b − A x‖/‖b‖ at exit (the true one if verify_residual).
using PcgStatus = SolveStatus;
using PcgResult = SolverStatus;

// Scratch vectors, reusable across solves of the same size (saves allocation
// and first-touch page faults when PCG runs inside an outer loop).
struct PcgWorkspace {
    std::vector<double> r, z, p, q;
    void resize(index_t n) {
        const auto s = static_cast<std::size_t>(n);
        if (r.size() != s) {
            r.assign(s, 0.0);
            z.assign(s, 0.0);
            p.assign(s, 0.0);
            q.assign(s, 0.0);
        }
    }
};

namespace detail {

template <class Op, class = void>
struct has_apply_dot : std::false_type {};
template <class Op>
struct has_apply_dot<Op, std::void_t<decltype(std::declval<const Op&>().apply_dot(
                             std::declval<const double*>(), std::declval<double*>()))>>
    : std::true_type {};

template <class P, class = void>
struct is_local_preconditioner : std::false_type {};
template <class P>
struct is_local_preconditioner<
    P, std::void_t<decltype(std::declval<const P&>().granularity()),
                   decltype(std::declval<const P&>().apply_range(
                       std::declval<const double*>(), std::declval<double*>(), index_t{},
                       index_t{}))>> : std::true_type {};

template <class Op>
double apply_and_dot(const Op& a, const double* x, double* y, index_t n) {
    if constexpr (has_apply_dot<Op>::value) {
        return a.apply_dot(x, y);
    } else {
        a.apply(x, y);
        return dot(x, y, n);
    }
}

template <class P>
index_t granule_of(const P& m) {
    if constexpr (is_local_preconditioner<P>::value) {
        return m.granularity();
    } else {
        (void)m;
        return 1;
    }
}

// Given r - alpha*q as the new residual (and x + alpha*p as the new iterate),
// computes z = M r and returns {r.r, r.z}. With update_x false (a fresh start
// from the residual already in r; alpha is then 0) it also sets p = z.
template <class P>
std::array<double, 2> update_and_precondition(const P& m, index_t n, double alpha, bool update_x,
                                              double* x, double* p, double* r,
                                              const double* q, double* z) {
    if constexpr (is_local_preconditioner<P>::value) {
        return chunked_sums<2>(n, m.granularity(), [&](index_t b, index_t e, double* s) {
            if (update_x)
                for (index_t i = b; i < e; ++i) x[i] += alpha * p[i];
            if (alpha != 0.0)
                for (index_t i = b; i < e; ++i) r[i] -= alpha * q[i];
            m.apply_range(r, z, b, e);
            if (!update_x)
                for (index_t i = b; i < e; ++i) p[i] = z[i];
            double rr = 0.0, rz = 0.0;
            for (index_t i = b; i < e; ++i) {
                rr += r[i] * r[i];
                rz += r[i] * z[i];
            }
            s[0] += rr;
            s[1] += rz;
        });
    } else {
        const double rr = chunked_sums<1>(n, 1, [&](index_t b, index_t e, double* s) {
            if (update_x)
                for (index_t i = b; i < e; ++i) x[i] += alpha * p[i];
            if (alpha != 0.0)
                for (index_t i = b; i < e; ++i) r[i] -= alpha * q[i];
            double acc = 0.0;
            for (index_t i = b; i < e; ++i) acc += r[i] * r[i];
            s[0] += acc;
        })[0];
        m.apply(r, z);
        if (!update_x)
            for_each_chunk(n, 1, [&](index_t lo, index_t hi) {
                for (index_t i = lo; i < hi; ++i) p[i] = z[i];
            });
        return {rr, dot(r, z, n)};
    }
}

}  // namespace detail

// Solves A x = b by PCG from the initial guess in x (warm start). x is
// overwritten with the last iterate whatever the status.
template <class Op, class Prec>
PcgResult pcg(const Op& a, const Prec& m, const double* b, double* x, const PcgOptions& options,
              PcgWorkspace& ws) {
    const index_t n = a.rows();
    require(n >= 0, "pcg: operator has negative size");
    require(options.max_iterations >= 0, "pcg: max_iterations must be >= 0");
    require(n % detail::granule_of(m) == 0, "pcg: size is not a multiple of the preconditioner "
                                            "granularity");
    require(!options.residual_given || static_cast<index_t>(ws.r.size()) == n,
            "pcg: residual_given needs a workspace of the operator's size");
    ws.resize(n);
    double* r = ws.r.data();
    double* z = ws.z.data();
    double* p = ws.p.data();
    double* q = ws.q.data();
    PcgResult res;

    const double bnorm = std::sqrt(dot(b, b, n));
    if (!(bnorm > 0.0)) {  // b = 0 (or NaN): x = 0 solves exactly
        for_each_chunk(n, 1, [&](index_t lo, index_t hi) {
            for (index_t i = lo; i < hi; ++i) x[i] = 0.0;
        });
        res.status = std::isfinite(bnorm) ? PcgStatus::converged : PcgStatus::breakdown;
        return res;
    }
    const double target = options.tolerance * bnorm;

    // r = b - A x, z = M r. Used at the start and to replace the recursive
    // residual by the true one when the former claims convergence.
    auto true_residual = [&]() {
        detail::apply_and_dot(a, x, q, n);
        for_each_chunk(n, 1, [&](index_t lo, index_t hi) {
            for (index_t i = lo; i < hi; ++i) r[i] = b[i] - q[i];
        });
        return detail::update_and_precondition(m, n, 0.0, false, x, p, r, q, z);
    };

    auto [rr, rz] = options.residual_given
                        ? detail::update_and_precondition(m, n, 0.0, false, x, p, r, q, z)
                        : true_residual();
    res.residual = std::sqrt(rr) / bnorm;
    if (std::sqrt(rr) <= target) return res;
    if (!(rz > 0.0) || !std::isfinite(rr)) {
        res.status = PcgStatus::breakdown;
        return res;
    }

    while (res.iterations < options.max_iterations) {
        const double pq = detail::apply_and_dot(a, p, q, n);
        ++res.iterations;
        if (!(pq > 0.0) || !std::isfinite(pq)) {
            res.status = PcgStatus::breakdown;
            break;
        }
        const double alpha = rz / pq;
        const auto s = detail::update_and_precondition(m, n, alpha, true, x, p, r, q, z);
        double rz_new = s[1];
        if (std::sqrt(s[0]) <= target) {
            if (!options.verify_residual) {
                res.residual = std::sqrt(s[0]) / bnorm;
                return res;
            }
            const auto t = true_residual();
            res.residual = std::sqrt(t[0]) / bnorm;
            if (std::sqrt(t[0]) <= target) return res;  // converged
            // Recursive residual drifted: restart from the true residual.
            rz = t[1];
            if (!(rz > 0.0)) {
                res.status = PcgStatus::breakdown;
                return res;
            }
            continue;  // p = z was set by true_residual()
        }
        res.residual = std::sqrt(s[0]) / bnorm;
        if (!(rz_new > 0.0) || !std::isfinite(rz_new)) {
            res.status = PcgStatus::breakdown;
            break;
        }
        const double beta = rz_new / rz;
        rz = rz_new;
        for_each_chunk(n, 1, [&](index_t lo, index_t hi) {
            for (index_t i = lo; i < hi; ++i) p[i] = z[i] + beta * p[i];
        });
    }
    if (res.status == PcgStatus::converged) res.status = PcgStatus::max_iterations;
    if (!options.verify_residual) return res;
    const auto t = true_residual();
    res.residual = std::sqrt(t[0]) / bnorm;
    if (std::sqrt(t[0]) <= target && res.status == PcgStatus::max_iterations)
        res.status = PcgStatus::converged;
    return res;
}

template <class Op, class Prec>
PcgResult pcg(const Op& a, const Prec& m, const double* b, double* x, const PcgOptions& options) {
    PcgWorkspace ws;
    return pcg(a, m, b, x, options, ws);
}

}  // namespace sss
