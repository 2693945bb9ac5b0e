#!/usr/bin/env bash
# Doors within a millimetre of a cell edge get the code of their own cell:
# in the index, in a lookup of that code, and in a reverse lookup at the
# door. The map is written here, through GDAL, in WGS 84 (no reprojection,
# so the surveyed position reaches the importer as written).
#
# The expected codes come from the OLC reference rules as
# tests/data/olc-points/make_points.py implements them (floor of the
# double product, then the digits), not from diachi. Before the importer
# took doors into their own cell (dc_code_e7_of_point), E-1, E-3, E-5 and
# E-6 got the code of the cell across the edge: rounded to 1e-7 degree,
# they landed on it.
#   cell_edges.sh BIN_DIR WORK_DIR
set -uo pipefail
bin=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
failed=0

cat >"$work/zones.csv" <<'CSV'
WKT,POSTCODE,NAME,KIND,COMMUNE,DISTRICT,PROVINCE
"POLYGON ((103.015 21.384,103.015 21.388,103.019 21.388,103.019 21.384,103.015 21.384))",32101,Mường Thanh,phường,03127,Thành phố Điện Biên Phủ,Điện Biên
CSV
# id, lat, lon, expected code: 0.5 mm (5e-9 degree) either side of the
# 21.386 N edge, the 103.017 E edge, their corner, a grid row edge
# (21.386025) and a grid column edge that is half a 1e-7 step (103.01703125).
doors='E-1 21.385999995 103.0170156 3210192P89RR
E-2 21.386000005 103.0170156 3210192P8CR2
E-3 21.3860125 103.016999995 3210192P8CQ5
E-4 21.3860125 103.017000005 3210192P8CR2
E-5 21.385999995 103.016999995 3210192P89QX
E-6 21.386024995 103.0170156 3210192P8CR2
E-7 21.3860125 103.017031245 3210192P8CR2
E-8 21.3860125 103.017031255 3210192P8CR3'
{
  echo "WKT,HH_ID,HOUSE_NO,STREET,GROUP"
  echo "$doors" | while read -r id lat lon _; do
    echo "\"POINT ($lon $lat)\",$id,1,Võ Nguyên Giáp,Tổ 1"
  done
} >"$work/households.csv"
for layer in zones households; do
  ogr2ogr -f "ESRI Shapefile" -a_srs EPSG:4326 -lco ENCODING=UTF-8 \
    "$work/$layer.shp" "$work/$layer.csv" -oo GEOM_POSSIBLE_NAMES=WKT \
    -oo KEEP_GEOM_COLUMNS=NO || { echo "FAIL: ogr2ogr $layer"; exit 1; }
done
"$bin/diachi-import" --zones "$work/zones.shp" --households "$work/households.shp" \
  -o "$work/edges.diachi" --quiet || { echo "FAIL: import exited $?"; exit 1; }

fail() { echo "FAIL $*"; failed=$((failed + 1)); }
dump=$("$bin/dump_index" "$work/edges.diachi")
export DIACHI_INDEX=$work/edges.diachi
while read -r id lat lon code; do
  echo "$dump" | grep -qx "household $id 32101 $code" ||
    fail "$id: index has '$(echo "$dump" | grep " $id ")', want $code"
  "$bin/diachi" lookup "$code" --json | grep -q "\"id\":\"$id\"" ||
    fail "$id: lookup $code does not return it"
  got=$("$bin/diachi" reverse "$lat" "$lon" --radius 0.01 --limit 1 --json)
  echo "$got" | grep -q "\"compact\":\"$code\"" || fail "$id: reverse $lat $lon: $got"
  echo "$got" | grep -q "\"households\":\[{\"id\":\"$id\"" ||
    echo "$got" | grep -q "\"code\":\"${code:0:5} ${code:5:4}+${code:9:3}\"" ||
    fail "$id: reverse $lat $lon finds no door of its code: $got"
done <<<"$doors"
echo "cell edges: 8 doors, $failed failures"
[ "$failed" -eq 0 ]
