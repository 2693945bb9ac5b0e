#!/usr/bin/env bash
# Household ids: of the households sharing an id the first in reading
# order (the paths in the order given, a folder's files in path order, then
# feature order) is kept; each later one is one rejected row naming the
# id, itself and the household kept. --strict fails as on any row.
#   import_duplicates.sh BIN_DIR EDGE_DIR WORK_DIR
set -uo pipefail
bin=$1 edge=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failed=0
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

run() { # NAME EXPECTED_EXIT IMPORT_ARGS...
  local name=$1 want=$2; shift 2
  "$bin/diachi-import" --zones "$edge/shared-door/zones.shp" "$@" -o "$name.diachi" \
    --report "$name.csv" --quiet 2>"$name.err"
  local got=$?
  [ "$got" = "$want" ] || fail "$name: exit $got, want $want: $(cat "$name.err")"
  current=$name
}
compare() { # WHAT WANT GOT
  [ "$2" = "$3" ] || { fail "$current: $1 differs"; diff <(echo "$2") <(echo "$3"); }
}
expect_report() { compare report "$1" "$(tail -n +2 "$current.csv" | tr -d '\r')"; }
expect_index() { compare index "$1" "$("$bin/dump_index" "$current.diachi" | grep '^household')"; }

# 1-first: H-1, H-2, H-3 (shared-door); 2-second: the same points as
# H-9, H-1, H-1.
mkdir map
ogr2ogr -lco ENCODING=UTF-8 map/1-first.shp "$edge/shared-door/households.shp" ||
  fail ogr2ogr
ogr2ogr -lco ENCODING=UTF-8 -dialect SQLite -sql "SELECT geometry, CASE HH_ID
  WHEN 'H-1' THEN 'H-9' ELSE 'H-1' END AS HH_ID, HOUSE_NO, STREET FROM households" \
  map/2-second.shp "$edge/shared-door/households.shp" || fail ogr2ogr
dup() { # FILE FEATURE KEPT_FILE KEPT_FEATURE; a shapefile's layer is its base name
  local layer kept
  layer=$(basename "$1" .shp) kept=$(basename "$3" .shp)
  echo "rejected,$1,$layer,$2,duplicate_id,\"household id 'H-1' is already used by feature $4 of layer $kept in $3, which is kept\""
}

# A folder: 1-first.shp is read before 2-second.shp.
run folder 0 --households map
expect_report "$(dup map/2-second.shp 1 map/1-first.shp 0)
$(dup map/2-second.shp 2 map/1-first.shp 0)"
expect_index "household H-1 32101 3210192MC3FP
household H-2 32101 3210192MC3FP
household H-9 32101 3210192MC3FP
household H-3 32101 3210192MC3JP"

# Paths in the order given: 2-second first, so its feature 1 is kept.
run given-order 0 --households map/2-second.shp map/1-first.shp
expect_report "$(dup map/2-second.shp 2 map/2-second.shp 1)
$(dup map/1-first.shp 0 map/2-second.shp 1)"
expect_index "household H-1 32101 3210192MC3FP
household H-2 32101 3210192MC3FP
household H-9 32101 3210192MC3FP
household H-3 32101 3210192MC3JP"

# --strict: the duplicates fail the import, with no index written.
run strict 3 --households map --strict
expect_report "$(dup map/2-second.shp 1 map/1-first.shp 0)
$(dup map/2-second.shp 2 map/1-first.shp 0)"
grep -q -- '--strict: 2 rejected and 0 warnings' strict.err || fail "strict: $(cat strict.err)"
[ -e strict.diachi ] && fail "strict: index written"

echo "import duplicates: $failed failed"
[ "$failed" -eq 0 ]
