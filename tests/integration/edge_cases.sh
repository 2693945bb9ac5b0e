#!/usr/bin/env bash
# Imports every edge-case map of tests/data/edge and compares, line for
# line, the report rows (severity, feature, code) and the index's contents
# (zones and households with their postcodes and codes) with the expected
# tables below. See tests/data/README.md for what each map holds.
#   edge_cases.sh BIN_DIR EDGE_DIR WORK_DIR
set -uo pipefail
bin=$1 edge=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
failed=0 cases=0

# run CASE EXPECTED_EXIT IMPORT_ARGS... ; then expect_report / expect_index
run() {
  local name=$1 want_exit=$2; shift 2
  cases=$((cases + 1))
  "$bin/diachi-import" "$@" -o "$work/$name.diachi" --report "$work/$name.csv" --quiet \
    2>"$work/$name.err"
  local got=$?
  if [ "$got" != "$want_exit" ]; then
    echo "FAIL $name: exit $got, want $want_exit: $(cat "$work/$name.err")"
    failed=$((failed + 1))
  fi
  current=$name
}

compare() {
  local what=$1 want=$2 got=$3
  if [ "$want" != "$got" ]; then
    echo "FAIL $current: $what differs"
    diff <(echo "$want") <(echo "$got") | sed 's/^/  /'
    failed=$((failed + 1))
  fi
}

# Report rows as "severity feature code", in report order.
expect_report() {
  compare report "$1" "$(tail -n +2 "$work/$current.csv" | tr -d '\r' |
    awk -F, '{print $1, $4, $5}')"
}

expect_index() {
  compare index "$1" "$("$bin/dump_index" "$work/$current.diachi")"
}

zone_mt='zone 32101 Mường Thanh|phường|03127|Thành phố Điện Biên Phủ|Điện Biên'
zone_hl='zone 32102 Him Lam|phường|03127|Thành phố Điện Biên Phủ|Điện Biên'

# Two households at one door share a code; a lookup returns both.
run shared-door 0 --zones "$edge/shared-door/zones.shp" \
  --households "$edge/shared-door/households.shp"
expect_report ""
expect_index "$zone_mt
household H-1 32101 3210192MC3FP
household H-2 32101 3210192MC3FP
household H-3 32101 3210192MC3JP"

# Door-plate codes are verified: the right one passes, a wrong one and one
# that does not parse are reported, and every household is still imported
# with the code its position gives.
ogr2ogr -lco ENCODING=UTF-8 -dialect SQLite -sql "SELECT *, CASE HH_ID
  WHEN 'H-1' THEN '32101 92MC+3FP' WHEN 'H-2' THEN '3210192MC3FQ'
  ELSE '32101 92mc-3ji' END AS CODE FROM households" \
  "$work/door-codes.shp" "$edge/shared-door/households.shp"
run door-codes 0 --zones "$edge/shared-door/zones.shp" --households "$work/door-codes.shp"
expect_report "warning 1 code_mismatch
warning 2 bad_code"
expect_index "$zone_mt
household H-1 32101 3210192MC3FP
household H-2 32101 3210192MC3FP
household H-3 32101 3210192MC3JP"

# On a shared boundary (as stored, to 1e-7 degree) a household belongs to
# the zone east of it, or north of it on an east-west edge: H-2 on the
# vertex of four zones goes to the north-east one; H-1, on the north-south
# edge in the source CRS, lands 1e-7 degree west of it in WGS 84.
run on-boundary 0 --zones "$edge/on-boundary/zones.shp" \
  --households "$edge/on-boundary/households.shp"
expect_report ""
expect_index "$zone_mt
$zone_hl
zone 32103 Tân Thanh|phường|03127|Thành phố Điện Biên Phủ|Điện Biên
zone 32104 Thanh Bình|phường|03127|Thành phố Điện Biên Phủ|Điện Biên
household H-2 32102 3210292HCWFM
household H-3 32101 3210192JC73W
household H-1 32101 3210192JC7FV"

run outside 0 --zones "$edge/outside/zones.shp" --households "$edge/outside/households.shp"
expect_report "rejected 1 outside_zones"
expect_index "$zone_mt
household H-1 32101 3210192JFM65"

# The hole of 32101 is honoured: H-2 in it lies in the enclave 32102.
run enclave 0 --zones "$edge/enclave/zones.shp" --households "$edge/enclave/households.shp"
expect_report ""
expect_index "$zone_mt
$zone_hl
household H-1 32101 3210192MC2V6
household H-2 32102 3210292MF2J8"

run multipart 0 --zones "$edge/multipart/zones.shp" \
  --households "$edge/multipart/households.shp"
expect_report "warning 2 zone_merged"
expect_index "$zone_mt
$zone_hl
household H-1 32101 3210192JC7VR
household H-2 32101 3210192JJ7PV
household H-3 32102 3210292QCWV2
household H-4 32102 3210292QJWP3"

# A self-intersecting ring is repaired into its two lobes, not rejected.
run bowtie 0 --zones "$edge/bowtie/zones.shp" --households "$edge/bowtie/households.shp"
expect_report "warning 0 zone_repaired"
expect_index "$zone_mt
$zone_hl
household H-1 32101 3210192JC7MV
household H-2 32101 3210192JF7RV
household H-3 32102 3210292MCPVJ"

run postcode 0 --zones "$edge/postcode/zones.shp" --households "$edge/postcode/households.shp"
expect_report "rejected 0 zone_no_postcode
rejected 1 zone_no_postcode
rejected 2 zone_postcode_conflict
rejected 3 zone_postcode_conflict
rejected 0 outside_zones
rejected 1 outside_zones
rejected 2 outside_zones
rejected 3 outside_zones"
expect_index "zone 32103 Tân Thanh|phường|03127|Thành phố Điện Biên Phủ|Điện Biên
household H-5 32103 3210392JQ72W"

# Of the households sharing an id the first is kept, each later one
# rejected (import_duplicates.sh checks the rows in full).
run household-ids 0 --zones "$edge/household-ids/zones.shp" \
  --households "$edge/household-ids/households.shp"
expect_report "rejected 1 null_geometry
rejected 2 empty_id
rejected 4 duplicate_id"
expect_index "$zone_mt
household H-1 32101 3210192JC7VR
household H-4 32101 3210192JF76X"

# --max-errors and --strict stop the run and leave no index.
run household-ids-limit 3 --zones "$edge/household-ids/zones.shp" \
  --households "$edge/household-ids/households.shp" --max-errors 2
[ -e "$work/household-ids-limit.diachi" ] && { echo "FAIL: index written past --max-errors"; failed=$((failed + 1)); }
run household-ids-strict 3 --zones "$edge/household-ids/zones.shp" \
  --households "$edge/household-ids/households.shp" --strict
[ -e "$work/household-ids-strict.diachi" ] && { echo "FAIL: index written under --strict"; failed=$((failed + 1)); }

# Zones in WGS 84, households in VN-2000 / UTM 48N: each reprojected on its own.
# The doors were placed at 21.386 N (a cell edge) and rounded to the
# centimetre in UTM: cs2cs puts them at 21.385999954 and 21.385999973, just
# south of the edge (and H-2 just west of 103.021), so their codes are those
# of the cells south (and west) of it, not of a rounded copy on the edge.
run mixed-crs 0 --zones "$edge/mixed-crs/zones.shp" --households "$edge/mixed-crs/households.shp"
expect_report ""
expect_index "$zone_mt
$zone_hl
household H-1 32101 3210192P89RR
household H-2 32102 3210292PC99X"

# No .prj: an error naming the option, unless the CRS is given.
run no-prj 3 --zones "$edge/no-prj/zones.shp" --households "$edge/no-prj/households.shp"
grep -q 'no_crs' "$work/no-prj.err" || { echo "FAIL no-prj: $(cat "$work/no-prj.err")"; failed=$((failed + 1)); }
run no-prj-srs 0 --zones "$edge/no-prj/zones.shp" --zones-srs EPSG:9205 \
  --households "$edge/no-prj/households.shp"
expect_index "$zone_mt
household H-1 32101 3210192JFM65"

# TCVN3 and CP1258 attributes decode to the same UTF-8 NFC as the UTF-8 copy.
for enc in utf8 tcvn3 cp1258; do
  run "encoding-$enc" 0 --zones "$edge/encoding/zones-$enc.shp" --allow-shrink
done
utf8=$("$bin/dump_index" "$work/encoding-utf8.diachi")
current=encoding-tcvn3 expect_index "$utf8"
current=encoding-cp1258 expect_index "$utf8"
echo "$utf8" | grep -q '^zone 32109 Nà Tấu|xã|' || { echo "FAIL: Nà Tấu missing"; failed=$((failed + 1)); }

echo "edge cases: $((cases - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
