#!/usr/bin/env bash
# Developer build without installing: builds python/sss_fast/_core*.so in place.
#   tools/dev-build.sh            # Release
#   tools/dev-build.sh -DSSS_SANITIZE=address,undefined   (extra CMake args)
# Then: PYTHONPATH=python python -m pytest tests
# SSS_BUILD_DIR=build/x builds elsewhere and leaves python/sss_fast/_core*.so alone.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${SSS_BUILD_DIR:-build/dev}
inplace=ON
[ "$build" = build/dev ] || inplace=OFF   # other build dirs keep their module to themselves
cmake -S . -B "$build" -DSSS_INPLACE=$inplace -G Ninja -DCMAKE_BUILD_TYPE=${SSS_BUILD_TYPE:-Release} "$@" >/dev/null
cmake --build "$build" -j "${SSS_JOBS:-2}"
