"""The one module that imports the compiled extension ``sss_fast._core``."""

import os

# OpenMP threads that wait for work sleep instead of spinning: on a machine
# shared with other processes (notebooks, batch workers) spinning threads make
# small parallel regions orders of magnitude slower. Set OMP_WAIT_POLICY before
# importing sss_fast to override.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

try:
    from . import _core as core  # noqa: F401
except ImportError as exc:  # pragma: no cover - only when the build is missing
    raise ImportError(
        "sss_fast's compiled extension is missing. Install the package with "
        "`pip install .` (or build in place with tools/dev-build.sh)."
    ) from exc

__all__ = ["core"]
