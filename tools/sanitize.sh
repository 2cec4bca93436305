#!/usr/bin/env bash
# Runs a reduced test set against the native module built with
# AddressSanitizer + UndefinedBehaviorSanitizer.
#
#   tools/sanitize.sh                      # build (build/asan) + default test set
#   tools/sanitize.sh tests/test_x.py -k y # build + the given pytest arguments
#   SSS_SANITIZE_SKIP_BUILD=1 tools/sanitize.sh ...   # reuse build/asan
#
# The sanitized _core is copied into a temporary copy of the package, so the
# in-place Release module in python/sss_fast/ is left alone. Python itself is
# not instrumented, so libasan (and libstdc++) is preloaded; leak detection is
# off (CPython's arenas and interned objects look like leaks); huge allocation
# requests return NULL (MemoryError) as they would without ASan. Any ASan or UBSan report
# aborts the run with a non-zero exit status.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${SSS_ASAN_BUILD_DIR:-build/asan}
sanitizers=${SSS_SANITIZERS:-address,undefined}

if [ -z "${SSS_SANITIZE_SKIP_BUILD:-}" ]; then
  # RelWithDebInfo: -O2 -g, no LTO (faster to build, readable reports).
  SSS_BUILD_DIR=$build SSS_BUILD_TYPE=${SSS_BUILD_TYPE:-RelWithDebInfo} SSS_JOBS=${SSS_JOBS:-1} \
    tools/dev-build.sh -DSSS_SANITIZE="$sanitizers" -DSSS_INPLACE=OFF
fi
so=$(ls "$build"/_core*.so 2>/dev/null | head -n1 || true)
[ -n "$so" ] || { echo "sanitize.sh: no _core*.so in $build" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sss_asan.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -r python/sss_fast "$tmp/sss_fast"
rm -f "$tmp"/sss_fast/_core*.so
cp "$so" "$tmp/sss_fast/"

preload=""
case ",$sanitizers," in
  *,address,*)
    preload=$(${CXX:-g++} -print-file-name=libasan.so)
    [ -f "$preload" ] || { echo "sanitize.sh: libasan.so not found ($preload)" >&2; exit 2; }
    ;;
esac
case ",$sanitizers," in
  *,undefined,*)
    if [ -z "$preload" ]; then preload=$(${CXX:-g++} -print-file-name=libubsan.so); fi
    ;;
esac
# python does not link libstdc++: without it loaded at start-up ASan cannot
# resolve the real __cxa_throw and aborts on the first C++ exception.
preload="$preload $(${CXX:-g++} -print-file-name=libstdc++.so)"

if [ $# -eq 0 ]; then
  # The reduced set: every native stage's tests on small inputs (features:
  # the guided filter / PCA ones, not the PyTorch networks), plus the
  # pipeline, baseline, reliability and property tests (which drive the
  # public entry points end to end). Ctrl-C tests are timing based.
  set -- tests/test_superpixels.py tests/test_affinity.py tests/test_laplacian.py \
         tests/test_features.py tests/test_spectral.py tests/test_constrained.py tests/test_colors.py \
         tests/test_grouping.py tests/test_relaxed.py tests/test_pipeline.py \
         tests/test_baselines.py tests/test_reliability.py tests/test_properties.py \
         tests/test_threads.py tests/test_io.py tests/test_files.py \
         -m "not slow and not torch" \
         -k "not interrupt and not torch and not default_ and not sss_ and not tf_helpers"
fi

echo "sanitize.sh: $so with $sanitizers; pytest $*"
# -p no:cacheprovider: never write .pytest_cache from the sanitized run.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=0:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1} \
SSS_SANITIZED=1 \
PYTHONPATH="$tmp${PYTHONPATH:+:$PYTHONPATH}" \
LD_PRELOAD="$preload${LD_PRELOAD:+ $LD_PRELOAD}" \
  python -m pytest -q -p no:cacheprovider "$@"
