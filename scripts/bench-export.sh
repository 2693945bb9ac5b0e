#!/usr/bin/env bash
# Benchmark of diachi-export (not a test): the national index's households
# to GPKG, beside the anchor, ogr2ogr writing the same rows (read from the
# CSV diachi-export writes of them) to GPKG, in the same run: with the
# spatial index GPKG has by default, and without it (SQLite's R*Tree
# inserts cost about 11 s of CPU a million points in GDAL 3.6).
#   scripts/bench-export.sh            the 1,000,000-household national index
#   INDEX=path scripts/bench-export.sh another index
# Needs a build in build/ (or $DIACHI_BUILD); its files go to build/bench
# (or $BENCH_DIR), removed at the end but for the index.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/measure.sh
need_bins diachi-export diachi-import diachi-gen-national
need_cmds ogr2ogr ogrinfo /usr/bin/time
index=${INDEX:-$(national_index 1000000)}
out=$work/export
rm -rf "$out" && mkdir -p "$out"

count() { ogrinfo -ro -so "$1" households | sed -n 's/^Feature Count: //p'; }
# run LABEL OUTPUT COMMAND...: wall and CPU seconds (user + system: on a
# shared machine the steadier figure), each beside the anchor's.
run() {
  local label=$1 file=$2
  shift 2
  /usr/bin/time -f '%e %U %S' -o "$out/time" "$@"
  read -r wall user sys < "$out/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')
  if [ -z "${anchor_wall:-}" ]; then anchor_wall=$wall anchor_cpu=$cpu; fi
  awk -v l="$label" -v w="$wall" -v c="$cpu" -v aw="$anchor_wall" -v ac="$anchor_cpu" \
      -v n="$(count "$file")" -v mb="$(( $(stat -c %s "$file") / 1000000 ))" 'BEGIN {
    printf "%-52s %6.2f s wall (%4.2fx)  %6.2f s CPU (%4.2fx)  %d rows, %d MB\n",
           l, w, w / aw, c, c / ac, n, mb }'
}

echo "index: $index ($(stat -c %s "$index") bytes), load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin/diachi-export" "$index" -o "$out/rows.csv" -f CSV --layer households --quiet

echo "-- with the GPKG spatial index (the driver's default); anchor first:"
anchor_wall=
run "ogr2ogr CSV -> GPKG (the same rows)" "$out/anchor.gpkg" \
  ogr2ogr -f GPKG "$out/anchor.gpkg" "$out/rows.csv" -nln households \
  -oo X_POSSIBLE_NAMES=X -oo Y_POSSIBLE_NAMES=Y -oo KEEP_GEOM_COLUMNS=NO \
  -oo AUTODETECT_TYPE=YES -a_srs EPSG:4326
run "diachi-export -f GPKG --layer households" "$out/households.gpkg" \
  "$bin/diachi-export" "$index" -o "$out/households.gpkg" -f GPKG --layer households --quiet
run "diachi-export -f GPKG (households and zones)" "$out/all.gpkg" \
  "$bin/diachi-export" "$index" -o "$out/all.gpkg" -f GPKG --quiet
rm -f "$out"/*.gpkg

echo "-- without it (-lco SPATIAL_INDEX=NO); anchor first:"
anchor_wall=
run "ogr2ogr CSV -> GPKG -lco SPATIAL_INDEX=NO" "$out/anchor.gpkg" \
  ogr2ogr -f GPKG "$out/anchor.gpkg" "$out/rows.csv" -nln households \
  -oo X_POSSIBLE_NAMES=X -oo Y_POSSIBLE_NAMES=Y -oo KEEP_GEOM_COLUMNS=NO \
  -oo AUTODETECT_TYPE=YES -a_srs EPSG:4326 -lco SPATIAL_INDEX=NO
run "diachi-export -f GPKG --layer households (no index)" "$out/households.gpkg" \
  "$bin/diachi-export" "$index" -o "$out/households.gpkg" -f GPKG --layer households \
  --lco SPATIAL_INDEX=NO --quiet
run "  the same, --t-srs EPSG:9205" "$out/vn2000.gpkg" \
  "$bin/diachi-export" "$index" -o "$out/vn2000.gpkg" -f GPKG --layer households \
  --lco SPATIAL_INDEX=NO --t-srs EPSG:9205 --quiet

rm -rf "$out"
