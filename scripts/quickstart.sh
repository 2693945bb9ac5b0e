#!/usr/bin/env bash
# Installs what is needed, builds, imports the sample map of Dien Bien Phu
# and serves it on 127.0.0.1:8080 in the foreground.
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

echo "quickstart: serving $index on http://127.0.0.1:8080 (try: curl 127.0.0.1:8080/v1/codes/32105927CJ93; Ctrl-C stops)"
exec build/bin/diachi serve --index "$index" --listen 127.0.0.1:8080
