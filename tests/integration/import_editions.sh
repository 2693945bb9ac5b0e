#!/usr/bin/env bash
# Editions of the zones and the history table (issue 19): the sample with
# its 2025 edition imports without a report row; each bad input of the
# issue gives its row (naming the history file and line, or the zone), and
# overlapping editions or a reused postcode write no index. One edition
# without dates keeps the fingerprint of the sample as format 7 gave it.
#   import_editions.sh BIN_DIR SAMPLE_DATA_DIR WORK_DIR
set -uo pipefail
bin=$1 data=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failed=0
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
old=$data/dien-bien-phu/zones.shp new=$data/dien-bien-phu-2025/zones.shp
cp "$data/dien-bien-phu-2025/history.csv" history.csv

run() { # NAME EXPECTED_EXIT IMPORT_ARGS...
  local name=$1 want=$2; shift 2
  "$bin/diachi-import" "$@" --households "$data/dien-bien-phu/households.shp" \
    -o "$name.diachi" --report "$name.csv" --quiet 2>"$name.err"
  local got=$?
  [ "$got" = "$want" ] || fail "$name: exit $got, want $want: $(cat "$name.err")"
  current=$name
}
compare() { # WHAT WANT GOT
  [ "$2" = "$3" ] || { fail "$current: $1 differs"; diff <(echo "$2") <(echo "$3"); }
}
expect_report() { compare report "$1" "$(tail -n +2 "$current.csv" | tr -d '\r')"; }
expect_error() { compare error "$1" "$(cat "$current.err")"; }
two() { echo --zones "$old" --valid-until "$1" --zones "$2" --valid-from 2025-07-01; }

# The sample's two editions and their history agree with the households.
run both 0 $(two 2025-06-30 "$new") --history history.csv
expect_report ""
"$bin/diachi" check both.diachi >/dev/null || fail "both: diachi check"

# One edition, no dates: the index of format 7's content (FORMAT.md).
run one 0 --zones "$old"
"$bin/diachi" info one.diachi | grep -q 'a355eac2a7e262c94af10552dc45873bb4800acbd8cfe49e53c8301b168d873e' ||
  fail "one: the fingerprint of one undated edition changed"

# A day between the editions: reported, the index written.
run gap 0 $(two 2025-06-29 "$new")
expect_report "warning,,,,edition_gap,no edition is valid between 2025-06-29 (edition 1 ends) and 2025-07-01 (edition 2 starts)"

# Overlapping editions would give a door two current codes: no index.
run overlap 3 $(two 2025-07-01 "$new")
expect_error "diachi-import: invalid_argument: edition 2 (from 2025-07-01) overlaps edition 1 (until 2025-07-01): a door would have two current codes; no index written"
[ -e overlap.diachi ] && fail "overlap: an index was written"

run baddate 3 $(two 2025-06-31 "$new")
expect_error "diachi-import: invalid_argument: edition date '2025-06-31' is not a day written YYYY-MM-DD"

# History rows: one unknown postcode, one the geometry contradicts, one
# unreadable, and one left out (32112 -> 32153).
grep -v '^32112' history.csv >edited.csv
printf '32199,32150,merged,2025-07-01\n32102,32151,merged,2025-07-01\n32101,32150,moved,2025-07-01\n' >>edited.csv
run rows 0 $(two 2025-06-30 "$new") --history edited.csv
expect_report "warning,edited.csv,,16,history_bad_row,\"line 16 '32101,32150,moved,2025-07-01': kind is missing or does not read (postcodes are 5 digits, kinds unchanged|renamed|merged|split, dates YYYY-MM-DD)\"
warning,edited.csv,,14,history_unknown_postcode,line 14: old postcode 32199 is in no edition's zones; the row is left out
warning,edited.csv,,15,history_contradicted,\"line 15: 32102 -> 32151 (merged), but none of the 1424 households of 32102 lies in 32151\"
warning,edited.csv,,,history_missing,\"1036 households went from 32112 to 32153, which no history row names\""

# A postcode reused for another place (the new 32152 renamed 32101): no index.
ogr2ogr -lco ENCODING=UTF-8 -dialect SQLite -sql "SELECT geometry, CASE POSTCODE
  WHEN '32152' THEN '32101' ELSE POSTCODE END AS POSTCODE, NAME, KIND, COMMUNE,
  DISTRICT, PROVINCE FROM zones" reused.shp "$new" || fail ogr2ogr
run reused 3 $(two 2025-06-30 reused.shp)
expect_report "warning,,,,postcode_reused,postcode 32101 of edition 1 names another place in edition 2 (neither holds the other's reference point); a postcode is never reused"
expect_error "diachi-import: rejected: a postcode names two places (postcode_reused in the report); no index written"
[ -e reused.diachi ] && fail "reused: an index was written"

# A new zone over no old zone's households (the old edition without the
# two communes merged into 32153); their history rows then name nothing.
ogr2ogr -lco ENCODING=UTF-8 -where "POSTCODE NOT IN ('32111','32112')" old-less.shp \
  "$old" || fail ogr2ogr
run noold 0 --zones old-less.shp --valid-until 2025-06-30 --zones "$new" \
  --valid-from 2025-07-01 --history history.csv
expect_report "warning,history.csv,,13,history_unknown_postcode,line 13: old postcode 32111 is in no edition's zones; the row is left out
warning,history.csv,,14,history_unknown_postcode,line 14: old postcode 32112 is in no edition's zones; the row is left out
warning,,,,zone_no_old_households,\"zone 32153 'Mường Phăng' of edition 2 holds no household of edition 1's zones (2058 households, none in an earlier zone)\""

# An edition's folder, its history.csv inside: the table is read as the
# history, not tried as a layer (no layer_skipped row).
run folder 0 $(two 2025-06-30 "$data/dien-bien-phu-2025") \
  --history "$data/dien-bien-phu-2025/history.csv"
expect_report ""
"$bin/diachi" check folder.diachi >/dev/null || fail "folder: diachi check"

# An output over the history table is refused before anything is read.
"$bin/diachi-import" $(two 2025-06-30 "$new") --history history.csv --report ./history.csv \
  --households "$data/dien-bien-phu/households.shp" -o over.diachi --quiet 2>over.err
got=$?
[ "$got" = 2 ] || fail "over: exit $got, want 2"
current=over
expect_error "diachi-import: --report './history.csv' is the --history table: it would be written over
Try 'diachi-import --help'."
cmp -s history.csv "$data/dien-bien-phu-2025/history.csv" || fail "over: history.csv was written"

run historyonly 3 --zones "$old" --history history.csv
expect_error "diachi-import: invalid_argument: --history needs editions: --zones OLD --valid-until DATE --zones NEW --valid-from DATE"

[ "$failed" = 0 ] && echo "import_editions: all passed"
exit "$failed"
