#!/usr/bin/env bash
# Installs what is needed, builds, imports the sample map of Dien Bien Phu
# and serves it. Each step runs as soon as the part it needs exists.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build
cmake --build build -j "$(nproc)"
echo "quickstart: built $(ls build/bin 2>/dev/null | tr '\n' ' ')"
