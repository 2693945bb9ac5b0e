#!/usr/bin/env bash
# Refreshes the README's pictures of the map page, docs/img/map-desktop.png
# and docs/img/map-phone.png: runs the browser test (tests/browser/
# test_map_page.py, headless Chromium) on the sample index with its server
# on a fixed port, 8080 as in the quickstart (PORT to change it), so that
# the QR code in the pictures reads the same link from one refresh to the
# next, then copies its pictures from the build tree into docs/img. ctest's
# run of the test writes only into the build tree. Imports the sample into
# the build folder when its index is missing.
#   scripts/render-map-page.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${DIACHI_BUILD:-build}
bin=$build/bin
port=${PORT:-8080}
for b in diachi diachi-import; do
  [ -x "$bin/$b" ] || { echo "render-map-page: $bin/$b missing: cmake --build $build" >&2; exit 2; }
done
for p in /usr/bin/python3 /usr/bin/chromium /usr/bin/chromedriver; do
  [ -x "$p" ] || { echo "render-map-page: $p missing: scripts/install-deps.sh" >&2; exit 2; }
done
work=$build/render-map-page
mkdir -p "$work"
index=$work/sample.diachi
[ -f "$index" ] || "$bin/diachi-import" --zones sample-data/dien-bien-phu/zones.shp \
  --households sample-data/dien-bien-phu/households.shp -o "$index" --quiet
/usr/bin/python3 tests/browser/test_map_page.py "$bin/diachi" "$index" "$work" "$port"
cp "$work/map-desktop.png" "$work/map-phone.png" docs/img/
ls -l docs/img/map-desktop.png docs/img/map-phone.png
