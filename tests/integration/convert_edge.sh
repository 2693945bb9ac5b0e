#!/usr/bin/env bash
# diachi batch --convert where a ~3 m cell holds more than one door (issue
# 19): a tiny map of two editions, written here with ogr2ogr in VN-2000 /
# TM-3 (EPSG:9205) around E 502000, N 2365000. Edition 1: 32101 (west) and
# 32102 (east), 200 m squares side by side, and 32105 north of both. Edition
# 2: the same ground renamed 32150 and 32151, 32105 kept, and a new 32104
# overlapping 32105's south-west corner (the import warns; where zones
# overlap the lower postcode holds the households). Four pairs of doors 20 cm
# apart straddle the border at x = 200 m, each pair in one OLC cell: the old
# code of each door must give its own current code, whichever side the
# cell's centre lies on. The door in the overlap was 32105's; its code with
# 32105 (still current there, but registered as 32104's) must give 32104's.
#   convert_edge.sh BIN_DIR WORK_DIR
set -uo pipefail
bin=$1 work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
E=502000 N=2365000
sq() { # WEST SOUTH EAST NORTH, metres from E, N
  local w=$((E + $1)) s=$((N + $2)) e=$((E + $3)) n=$((N + $4))
  echo "\"POLYGON(($w $s,$e $s,$e $n,$w $n,$w $s))\""
}
zones='WKT,POSTCODE,NAME,KIND,COMMUNE,DISTRICT,PROVINCE'
{
  echo "$zones"
  echo "$(sq 0 0 200 200),32101,Tây,phường,00001,Huyện A,Điện Biên"
  echo "$(sq 200 0 400 200),32102,Đông,phường,00002,Huyện A,Điện Biên"
  echo "$(sq 0 200 400 400),32105,Bắc,phường,00005,Huyện A,Điện Biên"
} > old.csv
{
  echo "$zones"
  echo "$(sq 0 0 200 200),32150,Tây Mới,phường,00050,,Điện Biên"
  echo "$(sq 200 0 400 200),32151,Đông Mới,phường,00051,,Điện Biên"
  echo "$(sq 0 200 400 400),32105,Bắc,phường,00005,,Điện Biên"
  echo "$(sq 0 200 100 300),32104,Góc,phường,00004,,Điện Biên"
} > new.csv
{
  echo 'WKT,HH_ID,HOUSE_NO,STREET,GROUP,POSTCODE'
  for y in 40 80 120 160; do
    echo "\"POINT($((E + 199)).9 $((N + y)).0)\",W-$y,1,Đường A,,32101"
    echo "\"POINT($((E + 200)).1 $((N + y)).0)\",E-$y,2,Đường A,,32102"
  done
  echo "\"POINT($((E + 50)).0 $((N + 250)).0)\",C-1,3,Đường B,,32105"
} > households.csv
for layer in old new households; do
  ogr2ogr -q -f "ESRI Shapefile" -a_srs EPSG:9205 -oo GEOM_POSSIBLE_NAMES=WKT \
    -oo KEEP_GEOM_COLUMNS=NO -lco ENCODING=UTF-8 "$layer.shp" "$layer.csv" || exit 1
done
printf 'old_postcode,new_postcode,kind,effective_date\n32101,32150,renamed,2025-07-01
32102,32151,renamed,2025-07-01\n32105,32105,unchanged,2025-07-01\n' > history.csv
"$bin/diachi-import" --zones old.shp --valid-until 2025-06-30 --zones new.shp \
  --valid-from 2025-07-01 --history history.csv --households households.shp \
  -o edge.diachi --report report.csv --quiet || exit 1

failed=0
printf 'id,code\n' > in.csv
for c in 36H 669 969 G65; do # the four cells, as the import coded the doors
  printf 'W,32101 92JF+%s\nE,32102 92JF+%s\n' "$c" "$c" >> in.csv
done
printf 'C,32105 92JC+RMM\nN,32151 92JF+G65\n' >> in.csv
got=$("$bin/diachi" batch in.csv --convert --index edge.diachi --quiet)
want="id,code,status,current_code,zone_name,district,province,change"
for c in 36H 669 969 G65; do
  want+="
W,32101 92JF+$c,ok,32150 92JF+$c,phường Tây Mới,,Điện Biên,renamed
E,32102 92JF+$c,ok,32151 92JF+$c,phường Đông Mới,,Điện Biên,renamed"
done
want+="
C,32105 92JC+RMM,ok,32104 92JC+RMM,phường Góc,,Điện Biên,changed
N,32151 92JF+G65,ok,32151 92JF+G65,phường Đông Mới,,Điện Biên,unchanged"
if [ "$got" != "$want" ]; then
  echo "FAIL: diachi batch --convert:"
  diff <(echo "$want") <(echo "$got")
  failed=1
fi
[ "$failed" = 0 ] && echo "convert_edge: all passed"
exit "$failed"
