#!/usr/bin/env bash
# An import that yields no household, or fewer than half the households of
# the index it replaces, writes nothing (exit 3) unless --allow-shrink:
# before, a zones-only import exited 0 with an empty index, which a server
# then served, answering "unregistered" for every door.
#   import_shrink.sh BIN_DIR SAMPLE_DIR WORK_DIR
set -uo pipefail
bin=$1 sample=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
import() { # EXPECTED_EXIT ARGS...
  local want=$1; shift
  "$bin/diachi-import" --zones "$sample/zones.shp" "$@" -o index.diachi --quiet 2>err
  local got=$?
  [ "$got" = "$want" ] || fail "diachi-import $*: exit $got, want $want: $(cat err)"
}
households() { "$bin/diachi" info --json index.diachi | grep -o '"households": *[0-9]*' | grep -o '[0-9]*$'; }
# A quarter and three quarters of the sample's households (22,243).
ogr2ogr quarter.shp "$sample/households.shp" -where "HH_ID < 'DBP-005561'" || exit 1
ogr2ogr most.shp "$sample/households.shp" -where "HH_ID < 'DBP-016683'" || exit 1

import 3
grep -q "no household to write (0 read).*--allow-shrink" err || fail "zones only: $(cat err)"
[ ! -e index.diachi ] || fail "zones only: an index was written"
import 0 --allow-shrink
[ "$(households)" = 0 ] || fail "zones only with --allow-shrink: $(households) households"

import 0 --households "$sample/households.shp"
[ "$(households)" = 22243 ] || fail "the sample: $(households) households"
cp index.diachi full.diachi
import 3 --households quarter.shp
grep -q "5560 households would replace the 22243 of index.diachi, fewer than half" err ||
  fail "a quarter: $(cat err)"
cmp -s index.diachi full.diachi || fail "a quarter: the index changed"
import 0 --households most.shp
[ "$(households)" = 16682 ] || fail "three quarters: $(households) households"
cp full.diachi index.diachi
import 0 --households quarter.shp --allow-shrink
[ "$(households)" = 5560 ] || fail "a quarter with --allow-shrink: $(households) households"
echo "import shrink: $failed failures"
[ "$failed" -eq 0 ]
