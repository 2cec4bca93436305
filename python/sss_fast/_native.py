"""The one module that imports the compiled extension ``sss_fast._core``."""

try:
    from . import _core as core  # noqa: F401
except ImportError as exc:  # pragma: no cover - only when the build is missing
    raise ImportError(
        "sss_fast's compiled extension is missing. Install the package with "
        "`pip install .` (or build in place with tools/dev-build.sh)."
    ) from exc

__all__ = ["core"]
