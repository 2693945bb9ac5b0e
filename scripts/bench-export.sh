#!/usr/bin/env bash
# Benchmark of diachi-export (not a test): the national index's households
# to GPKG, beside the anchor, ogr2ogr writing the same rows (read from the
# CSV diachi-export writes of them) to GPKG, in the same run: with the
# spatial index GPKG has by default (diachi-export packs it; with --lco
# SPATIAL_INDEX=YES GDAL 3.6 fills it, SQLite's R*Tree inserts costing
# about 11 s of CPU a million points), and without it.
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
run "  the same, GDAL's index (--lco SPATIAL_INDEX=YES)" "$out/gdal.gpkg" \
  "$bin/diachi-export" "$index" -o "$out/gdal.gpkg" -f GPKG --lco SPATIAL_INDEX=YES --quiet
echo "-- searching the households' rtree: the packed one beside GDAL's, the same boxes:"
python3 - "$out/all.gpkg" "$out/gdal.gpkg" <<'PY'
import random, sqlite3, sys, time
dbs = [sqlite3.connect(f) for f in sys.argv[1:]]
x0, x1, y0, y1 = dbs[0].execute("SELECT min(minx), max(maxx), min(miny), max(maxy) "
                                "FROM rtree_households_geom").fetchone()
rnd, boxes = random.Random(7), []
for _ in range(3000):  # 0.005 to 0.2 degrees a side, inside the extent
    s = rnd.uniform(0.005, 0.2)
    x, y = rnd.uniform(x0, x1 - s), rnd.uniform(y0, y1 - s)
    boxes.append((x + s, x, y + s, y))
q = ("SELECT id FROM rtree_households_geom "
     "WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?")
for path, db in zip(sys.argv[1:], dbs):
    nodes = db.execute("SELECT count(*) FROM rtree_households_geom_node").fetchone()[0]
    t, rows = time.process_time(), 0
    for b in boxes:
        rows += len(db.execute(q, b).fetchall())
    print(f"  {path.rsplit('/', 1)[-1]:<12} {nodes:7d} nodes  {len(boxes)} boxes  "
          f"{rows} rows  {time.process_time() - t:6.3f} CPU-s")
PY
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
