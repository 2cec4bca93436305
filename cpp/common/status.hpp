// The one numerical outcome every iterative solver returns (Spectra's CompInfo
// idea): how it stopped, after how many iterations, at what residual. Bad
// arguments are exceptions (errors.hpp); a solver that stops short of its
// tolerance is a status the caller sees and reports (a warning by default,
// an error in strict mode, in Python).
#pragma once
#include "common/types.hpp"

namespace sss {

enum class SolveStatus {
    converged = 0,
    max_iterations = 1,  // stopped at its cap with the residual above the tolerance
    breakdown = 2,       // the iteration could not go on (an operator not SPD, a non-finite value)
};

struct SolverStatus {
    SolveStatus status = SolveStatus::converged;
    index_t iterations = 0;  // the solver's own iterations (CG steps, Krylov restarts, IRLS steps)
    double residual = 0.0;   // its relative residual at exit (the worst one for a sequence of solves)
    bool converged() const { return status == SolveStatus::converged; }
};

// The outcome of a sequence of solves (the IRLS steps of a stage): the first
// non-converged status, the total iterations and the largest residual.
inline void accumulate(SolverStatus& total, const SolverStatus& one) {
    if (total.converged() && !one.converged()) total.status = one.status;
    total.iterations += one.iterations;
    if (one.residual > total.residual) total.residual = one.residual;
}

}  // namespace sss
