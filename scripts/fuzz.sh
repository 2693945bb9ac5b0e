#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each over
# its committed corpus for SECONDS (default 60). A crash fails the run and
# leaves the input in build-fuzz/.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
scripts/install-deps.sh
CC=clang cmake -S . -B build-fuzz -DDC_FUZZ=ON -DDC_WERROR=ON -DDC_BENCH=OFF >/dev/null
for corpus in tests/fuzz/corpus/*/; do
  target=$(basename "$corpus")
  cmake --build build-fuzz -j "$(nproc)" --target "fuzz_$target" >/dev/null
  work=$(mktemp -d)
  cp "$corpus"* "$work"/
  (cd build-fuzz && "bin/fuzz_$target" -max_total_time="$seconds" "$work" 2>&1 | tail -n 1)
  rm -rf "$work"
done
