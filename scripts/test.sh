#!/usr/bin/env bash
# Installs what is needed, builds from scratch with warnings as errors and
# runs every test. `scripts/test.sh --sanitize` does the same under
# AddressSanitizer + UBSan in build-asan/.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
flags=(-DDC_WERROR=ON)
if [ "${1:-}" = "--sanitize" ]; then
  build=build-asan
  flags+=(-DDC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DDC_BENCH=OFF)
fi

scripts/install-deps.sh
rm -rf "$build"
cmake -S . -B "$build" "${flags[@]}"
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
