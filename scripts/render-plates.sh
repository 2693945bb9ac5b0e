#!/usr/bin/env bash
# Draws the README's pictures of the door plates from the sample map:
# docs/img/plates-sheet.png (the first A4 sheet of zone 32105, Nam Thanh)
# and docs/img/plate.png (its first plate, one a page, at print size
# 150 dpi), through pdftoppm; and docs/img/round-sheet.png, the first page
# of a printed delivery round (diachi-plates --round) of 36 letters written
# as addresses across zone 32105, every 20th of its households as the
# sample's shapefile lists them (GDAL's ogr2ogr), and two that name no
# door. Imports the sample into the build folder when its index is missing.
#   scripts/render-plates.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${DIACHI_BUILD:-build}
bin=$build/bin
for b in diachi-plates diachi-import; do
  [ -x "$bin/$b" ] || { echo "render-plates: $bin/$b missing: cmake --build $build" >&2; exit 2; }
done
command -v pdftoppm > /dev/null || { echo "render-plates: pdftoppm missing: scripts/install-deps.sh" >&2; exit 2; }
work=$build/render-plates
mkdir -p "$work"
index=$work/sample.diachi
[ -f "$index" ] || "$bin/diachi-import" --zones sample-data/dien-bien-phu/zones.shp \
  --households sample-data/dien-bien-phu/households.shp -o "$index" --quiet
"$bin/diachi-plates" --index "$index" --zone 32105 -o "$work/sheet.pdf" --overwrite
"$bin/diachi-plates" --index "$index" --zone 32105 --one-per-page -o "$work/one.pdf" --overwrite
pdftoppm -f 1 -l 1 -r 50 -png -singlefile "$work/sheet.pdf" docs/img/plates-sheet
pdftoppm -f 1 -l 1 -r 150 -png -singlefile "$work/one.pdf" docs/img/plate
{
  echo address
  ogr2ogr -f CSV /vsistdout/ sample-data/dien-bien-phu/households.shp \
    -where "POSTCODE = '32105'" |
    awk -F, 'NR > 1 && NR % 20 == 2 && ++n <= 36 { gsub(/"/, "", $2); printf "\"%s %s, %s\"\n", $2, $3, $4 }'
  echo '"99 Phố Không Có"'
  echo 3210192P9G54
} > "$work/letters.csv"
"$bin/diachi-plates" --index "$index" --round "$work/letters.csv" --start 21.3731,103.0210 \
  -o "$work/round.pdf" --overwrite || [ $? = 1 ] # 1: two letters name no door, as meant
pdftoppm -f 1 -l 1 -r 60 -png -singlefile "$work/round.pdf" docs/img/round-sheet
ls -l docs/img/plates-sheet.png docs/img/plate.png docs/img/round-sheet.png
