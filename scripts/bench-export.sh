#!/usr/bin/env bash
# Benchmark of diachi-export (not a test): the national index's households
# to GPKG, beside the anchor, ogr2ogr writing the same rows (read from the
# CSV diachi-export writes of them) to GPKG, in the same run.
#   scripts/bench-export.sh            the 1,000,000-household national index
#   INDEX=path scripts/bench-export.sh another index
# Needs a build in build/ (or $DIACHI_BUILD); its files go to build/bench
# (or $BENCH_DIR), removed at the end but for the index.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/measure.sh
need_bins diachi-export diachi-import diachi-gen-national
need_cmds ogr2ogr ogrinfo
index=${INDEX:-$(national_index 1000000)}
out=$work/export
rm -rf "$out" && mkdir -p "$out"

count() { ogrinfo -ro -so "$1" households | sed -n 's/^Feature Count: //p'; }
report() { # LABEL GPKG
  printf '%-58s %7.2f s  %8.0f rows/s  %5.2fx the anchor  (%s rows, %s MB)\n' "$1" \
    "$MEASURE_SECS" "$(awk -v n="$(count "$2")" -v s="$MEASURE_SECS" 'BEGIN {print n / s}')" \
    "$(awk -v s="$MEASURE_SECS" -v a="$anchor" 'BEGIN {print s / a}')" "$(count "$2")" \
    "$(( $(stat -c %s "$2") / 1000000 ))"
}

echo "index: $index ($(stat -c %s "$index") bytes)"
measure "$bin/diachi-export" "$index" -o "$out/rows.csv" -f CSV --layer households --quiet
echo "diachi-export -f CSV --layer households (the anchor's input): $MEASURE_SECS s"

measure ogr2ogr -f GPKG "$out/anchor.gpkg" "$out/rows.csv" -nln households \
  -oo X_POSSIBLE_NAMES=X -oo Y_POSSIBLE_NAMES=Y -oo KEEP_GEOM_COLUMNS=NO \
  -oo AUTODETECT_TYPE=YES -a_srs EPSG:4326
anchor=$MEASURE_SECS
report "anchor: ogr2ogr CSV -> GPKG (same rows)" "$out/anchor.gpkg"

measure "$bin/diachi-export" "$index" -o "$out/households.gpkg" -f GPKG \
  --layer households --quiet
report "diachi-export -f GPKG --layer households" "$out/households.gpkg"

measure "$bin/diachi-export" "$index" -o "$out/all.gpkg" -f GPKG --quiet
report "diachi-export -f GPKG (households and zones)" "$out/all.gpkg"

measure "$bin/diachi-export" "$index" -o "$out/vn2000.gpkg" -f GPKG --t-srs EPSG:9205 \
  --layer households --quiet
report "diachi-export -f GPKG --t-srs EPSG:9205 --layer households" "$out/vn2000.gpkg"

rm -rf "$out"
