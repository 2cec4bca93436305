// Multifrontal supernodal Cholesky of (A - shift*I) for a symmetric sparse A,
// with dense frontal matrices (Eigen LLT / TRSM / SYRK / GEMM), parallel
// over independent subtrees of the supernode tree.
//
//   SupernodalCholesky chol(tree);   // ordering from spectral/ordering.hpp
//   chol.analyze(A);                 // symbolic: row structure per supernode
//   bool ok = chol.factorize(A, shift);   // false: A - shift*I not positive definite
//   chol.solve(X, k);                // X (n x k, column-major) <- (A - shift*I)^{-1} X
//
// A solve with k right-hand sides makes one pass over the factor, with
// BLAS-3 shaped kernels, so blocks of vectors cost far less per vector.
#pragma once
#include <memory>
#include <vector>

#include "common/types.hpp"
#include "linalg/csr.hpp"
#include "spectral/ordering.hpp"

namespace sss::spectral {

class SupernodalCholesky {
public:
    explicit SupernodalCholesky(SupernodeTree tree);

    template <class I>
    void analyze(const CsrView<I>& a);

    // Returns false (and leaves the factor invalid) when a pivot is not
    // positive, i.e. A - shift*I is not positive definite.
    // With ldlt_root, the root supernode (last, nothing above it) is factored
    // as L D L^T (blocked, without pivoting) and may be indefinite: every
    // other front stays Cholesky. Then negative_pivots() is the number of
    // eigenvalues of A below `shift` (Sylvester's law of inertia).
    template <class I>
    bool factorize(const CsrView<I>& a, double shift, bool ldlt_root = false);
    index_t negative_pivots() const { return negative_pivots_; }

    // X is n x k column-major with leading dimension ldx (>= n), overwritten
    // by (A - shift I)^{-1} X. Not reentrant: one solve at a time per object
    // (it keeps its work buffer between calls).
    void solve(double* x, index_t k, index_t ldx) const;

    index_t rows() const { return tree_.n; }
    double shift() const { return shift_; }
    index_t factor_nonzeros() const;  // entries stored in the factor
    double factor_flops() const;      // flops of one factorisation
    const SupernodeTree& tree() const { return tree_; }

private:
    struct Node {
        std::vector<index_t> rows;  // structure below the diagonal block (positions, sorted)
        index_t offset = 0;         // of its (nj + nr) x nj column-major [L11; L21] in factor_
    };
    const double* node_factor(index_t s) const { return factor_.get() + nodes_[s].offset; }
    // par: the front is factored alone (the trunk), its dense kernels split
    // over the threads (to the same bits, see spectral/split_kernels.hpp).
    template <class I>
    void factor_node(const CsrView<I>& a, index_t s, std::vector<std::vector<double>>& upd,
                     std::vector<int>& map, bool par = false) const;
    // par: the node is processed alone (top of the tree), its updates may
    // use all threads; otherwise it runs inside a parallel subtree.
    void forward_node(index_t s, double* xp, index_t k,
                      std::vector<std::vector<double>>& upd, bool par) const;
    void backward_node(index_t s, double* xp, index_t k, std::vector<double>& tmp, bool par) const;
    // Supernodes to run as independent parallel subtrees, and the rest (top part).
    void schedule();

    SupernodeTree tree_;
    std::vector<std::vector<index_t>> children_;
    mutable std::vector<Node> nodes_;
    std::vector<index_t> subtree_roots_;     // processed in parallel
    std::vector<index_t> subtree_first_;     // first supernode (post-order) of each subtree
    std::vector<index_t> top_;               // remaining supernodes, post-order
    // The root and its chain of only children (post-order): nothing can run
    // beside them, so each is factored alone with split kernels.
    std::vector<index_t> trunk_;
    std::vector<index_t> graph_;             // top_ less the trunk: factorize's task graph
    double shift_ = 0.0;
    bool factored_ = false;
    bool ldlt_root_ = false;
    // All fronts' factor columns in one allocation (sized by analyze): not
    // interleaved on the heap with the transient update matrices, so that
    // their pages go back to the system once the factorisation is done.
    mutable std::unique_ptr<double[]> factor_;
    index_t factor_size_ = 0;
    bool analyzed_ = false;
    mutable std::vector<double> root_d_;  // D of the root's L D L^T
    mutable std::vector<double> solve_buffer_;  // permuted right-hand sides (solve)
    index_t negative_pivots_ = 0;
};

}  // namespace sss::spectral
