#!/usr/bin/env bash
# Installs what is needed, builds, imports the sample map of Dien Bien Phu
# and serves it. Each step runs as soon as the part it needs exists.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build
cmake --build build -j "$(nproc)"

index=build/dien-bien-phu.diachi
build/bin/diachi-import \
  --zones sample-data/dien-bien-phu/zones.shp \
  --households sample-data/dien-bien-phu/households.shp \
  -o "$index" --report build/dien-bien-phu-report.csv
build/bin/diachi info "$index"

if build/bin/diachi serve --help >/dev/null 2>&1; then
  exec build/bin/diachi serve --index "$index" --listen 127.0.0.1:8080
fi
echo "quickstart: index ready at $index (the HTTP service arrives with 'diachi serve')"
