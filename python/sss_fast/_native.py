"""The one module that imports the compiled extension.

Two builds of the extension may ship: ``_core`` (the baseline, x86-64-v3 on
x86-64) and ``_core_v4`` (x86-64-v4: AVX-512). The AVX-512 copy is used when
the CPU has AVX-512 and it was built; ``SSS_FAST_ISA=baseline`` (or ``v4``)
in the environment forces the choice. ``VARIANT`` says which one is loaded.

``testing`` (loaded on first use) is the matching ``_core_testing`` /
``_core_v4_testing``: kernels bound only for the tests and benchmarks.
Type stubs: ``_core.pyi`` and ``_core_testing.pyi`` (tools/make_stubs.py).
"""

import importlib
import os

# OpenMP threads that wait for work sleep instead of spinning: on a machine
# shared with other processes (notebooks, batch workers) spinning threads make
# small parallel regions orders of magnitude slower. Set OMP_WAIT_POLICY before
# importing sss_fast to override.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

#: CPU flags (as Linux names them in /proc/cpuinfo) that x86-64-v4 requires.
_V4_FLAGS = frozenset({"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"})
_CHOICES = ("auto", "baseline", "v4")


def _cpu_has_v4() -> bool:
    """True when the CPU (and the OS, which hides what it cannot save) has AVX-512."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return _V4_FLAGS <= set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return False  # not Linux, or no flags line: the baseline is always safe


def _load():
    choice = os.environ.get("SSS_FAST_ISA", "auto").strip().lower() or "auto"
    if choice not in _CHOICES:
        raise ImportError(f"SSS_FAST_ISA must be one of {_CHOICES}, got {choice!r}")
    if choice == "v4" or (choice == "auto" and _cpu_has_v4()):
        try:
            return importlib.import_module("._core_v4", __package__), "v4"
        except ImportError:
            if choice == "v4":
                raise ImportError("SSS_FAST_ISA=v4 but this build of sss_fast has no AVX-512 "
                                  "module (_core_v4); unset SSS_FAST_ISA") from None
    try:
        return importlib.import_module("._core", __package__), "baseline"
    except ImportError as exc:  # pragma: no cover - only when the build is missing
        raise ImportError(
            "sss_fast's compiled extension is missing. Install the package with "
            "`pip install .` (or build in place with tools/dev-build.sh)."
        ) from exc


core, VARIANT = _load()


def __getattr__(name):
    if name == "testing":  # the test-only kernels, from the same build variant as core
        suffix = "_core_v4_testing" if VARIANT == "v4" else "_core_testing"
        module = importlib.import_module(f".{suffix}", __package__)
        globals()["testing"] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["core", "VARIANT", "testing"]
