#!/usr/bin/env bash
# Folder imports: what is not a layer of the kind read is skipped with one
# warning row, the import's own report and index are never read as maps,
# and a layer read without a usable feature gets a warning row. The maps
# are written here with ogr2ogr from the edge-case maps.
#   import_folders.sh BIN_DIR EDGE_DIR WORK_DIR
set -uo pipefail
bin=$1 edge=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failed=0
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# run NAME EXPECTED_EXIT REPORT IMPORT_ARGS...
run() {
  local name=$1 want=$2 report=$3; shift 3
  "$bin/diachi-import" "$@" --report "$report" --quiet 2>"$name.err"
  local got=$?
  [ "$got" = "$want" ] || fail "$name: exit $got, want $want: $(cat "$name.err")"
  current=$name current_report=$report
}
expect_report() { # the whole report, header excepted
  local got
  got=$(tail -n +2 "$current_report" | tr -d '\r')
  [ "$got" = "$1" ] || { fail "$current: report differs"; diff <(echo "$1") <(echo "$got"); }
}
expect_households() {
  local got
  got=$("$bin/dump_index" "$1" | grep -c '^household')
  [ "$got" = "$2" ] || fail "$current: $got households in $1, want $2"
}

# A delivery folder: zones, households and a plain CSV without geometry.
mkdir map && cp "$edge"/shared-door/* map/ || exit 1
printf 'HH_ID,NOTE\nH-1,gate on the left\n' >map/notes.csv
skipped="warning,map/notes.csv,notes,,layer_skipped,layer 'notes' has no geometry: skipped"

# The report and the index are written inside the folder; the second run
# finds them there and must not read them (nor the CSV) as maps.
for round in 1 2; do
  run "folder-$round" 0 map/report.csv --zones map --households map -o map/map.diachi
  expect_report "$skipped"
  expect_households map/map.diachi 3
done
# Another run's report is a CSV like any other: out of the way.
rm map/report.csv map/map.diachi
# --strict fails on the skipped layer as on any report row.
run folder-strict 3 strict.csv --zones map --households map -o strict.diachi --strict
expect_report "$skipped"
[ -e strict.diachi ] && fail "folder-strict: index written"

# A polygon layer given as households: skipped with one row, 0 households.
# With no household left, no index is written unless --allow-shrink.
run polygons-as-households 3 polygons.csv --zones map/zones.shp \
  --households map/zones.shp -o polygons.diachi
expect_report "warning,map/zones.shp,zones,,layer_skipped,\"layer 'zones' holds Polygon, not household points: skipped\""
[ ! -e polygons.diachi ] || fail "polygons-as-households: an index was written"
run polygons-as-households-allowed 0 polygons.csv --zones map/zones.shp \
  --households map/zones.shp -o polygons.diachi --allow-shrink
expect_report "warning,map/zones.shp,zones,,layer_skipped,\"layer 'zones' holds Polygon, not household points: skipped\""
expect_households polygons.diachi 0
run polygons-as-households-strict 3 polygons-strict.csv --zones map/zones.shp \
  --households map/zones.shp -o polygons-strict.diachi --strict

# Lines, an empty point layer, and a point layer of which no feature lies
# in a zone (GeoJSON, whose geometry type is read from its features).
mkdir more
ogr2ogr -lco ENCODING=UTF-8 more/empty.shp "$edge/shared-door/households.shp" \
  -where "HH_ID = 'none'" || fail "ogr2ogr empty"
ogr2ogr -lco ENCODING=UTF-8 -nlt LINESTRING -dialect SQLite \
  -sql "SELECT MakeLine(geometry, geometry) AS geometry, HH_ID FROM households" \
  more/lines.shp "$edge/shared-door/households.shp" || fail "ogr2ogr lines"
ogr2ogr -f GeoJSON -nln far more/far.geojson "$edge/outside/households.shp" \
  -where "HH_ID = 'H-2'" || fail "ogr2ogr far"
run more 0 more.csv --zones map/zones.shp --households map more -o more.diachi
expect_report "$skipped
warning,more/lines.shp,lines,,layer_skipped,\"layer 'lines' holds Line String, neither zone polygons nor household points: skipped\"
rejected,more/far.geojson,far,0,outside_zones,\"household 'H-2' at 21.3816297, 103.0346810 lies in no zone\"
warning,more/empty.shp,empty,,layer_empty,layer 'empty' has no features
warning,more/far.geojson,far,,layer_empty,none of the 1 features of layer 'far' is usable as household points"
expect_households more.diachi 3

echo "import folders: $failed failed"
[ "$failed" -eq 0 ]
