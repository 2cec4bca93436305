"""How every stage reports a solver that stopped short: one warning, one error.

Each iterative native solver returns the same ``SolverStatus`` (status,
iterations, residual; ``cpp/common/status.hpp``). A stage that finds its
solver short of the tolerance calls :func:`report`: a
:class:`ConvergenceWarning` by default, a :class:`ConvergenceError` when the
caller asked for ``strict=True``.
"""

from __future__ import annotations

import warnings

__all__ = ["ConvergenceWarning", "ConvergenceError", "report", "describe"]


class ConvergenceWarning(UserWarning, RuntimeWarning):
    """A solver stopped before reaching its tolerance; the result is the best it reached.

    A ``UserWarning`` (as the eigen and colour stages have always warned) and
    a ``RuntimeWarning`` (as the relaxed stage did), so filters on either
    category still catch it; filter on this class to catch every stage.
    """


class ConvergenceError(ArithmeticError):
    """``strict=True``: a solver did not converge (the message says which and by how much)."""


def describe(status) -> str:
    """One line for a native ``SolverStatus``: how it stopped, iterations, residual."""
    return (f"{status.status.name.replace('_', ' ')} after {status.iterations} iteration(s), "
            f"relative residual {status.residual:.3g}")


def report(message: str, *, strict: bool, stacklevel: int = 2) -> None:
    """Raise :class:`ConvergenceError` (strict) or warn :class:`ConvergenceWarning`.

    ``stacklevel`` counts from the caller of ``report`` (2: the caller's caller).
    """
    if strict:
        raise ConvergenceError(message)
    warnings.warn(message, ConvergenceWarning, stacklevel=stacklevel + 1)
