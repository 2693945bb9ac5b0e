#!/usr/bin/env bash
# diachi round on the sample index: the ordered list, the GeoJSON line and
# the unresolved letters written complete (each letter that names a door
# once, running distances that add up), the letters' column found or
# named, and every bad input with its exit code, stable code and no file
# left under the output's name.
#   cli_round.sh DIACHI INDEX WORKDIR
set -uo pipefail
diachi=$1
export DIACHI_INDEX=$2
work=$3
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
rm -rf "$work" && mkdir -p "$work" || exit 2
cd "$work" || exit 2
start=21.386,103.017

# 1. Codes in several forms, an address, and two letters that name no door.
printf 'name,code\nA,32107 CX5Q+4HW\nB,3210192P9G54\nC,21/3 vo nguyen giap\nD,nowhere 999\nE,32107-cx5q-5jc\n' > letters.csv
"$diachi" round letters.csv --start "$start" -o round.csv --geojson round.geojson 2> err.txt
rc=$?
[ "$rc" = 1 ] || fail "mixed letters: exit $rc, want 1"
grep -q '^diachi round: 3 stops, .*; 2 unresolved$' err.txt || fail "summary: $(cat err.txt)"
[ "$(head -1 round.csv)" = "stop,row,letter,code,address,lat,lon,leg_m,distance_m" ] ||
  fail "header: $(head -1 round.csv)"
# every letter with a door once (rows 1, 3, 5), stops 1..3, then the return
[ "$(sed -n '2,4p' round.csv | cut -d, -f2 | sort | tr '\n' ' ')" = "1 3 5 " ] ||
  fail "rows: $(cat round.csv)"
[ "$(sed -n '2,5p' round.csv | cut -d, -f1 | tr '\n' ' ')" = "1 2 3 return " ] ||
  fail "stops: $(cat round.csv)"
# the running distance is the sum of the legs
awk -F, 'NR > 1 { sum += $(NF-1); if (sum - $NF > 0.2 || $NF - sum > 0.2) bad = 1 }
         END { exit bad }' round.csv || fail "running distance: $(cat round.csv)"
grep -q '^[0-9],1,32107 CX5Q+4HW,32107 CX5Q+4HW,"số 21/3, Ngõ 21 Võ Nguyên Giáp, Tổ dân phố 2, phường Thanh Trường, Thành phố Điện Biên Phủ, Điện Biên",21.4078674,102.9889640,' round.csv ||
  fail "door of row 1: $(cat round.csv)"
want='row,letter,by,status,message
2,3210192P9G54,code,unregistered,32101 92P9+G54 names no registered household
4,nowhere 999,address,no_match,"not a code, and no household has this address"'
[ "$(cat round.unresolved.csv)" = "$want" ] || fail "unresolved: $(cat round.unresolved.csv)"
python3 - round.geojson <<'PY' || fail "geojson: $(head -c 300 round.geojson)"
import json, sys
g = json.load(open(sys.argv[1]))
line = g["features"][0]
assert line["geometry"]["type"] == "LineString"
c = line["geometry"]["coordinates"]
assert len(c) == 5 and c[0] == c[-1] == [103.017, 21.386], c
assert line["properties"]["stops"] == 3
assert line["properties"]["length_m"] <= line["properties"]["nearest_neighbour_m"]
assert [f["properties"].get("stop") for f in g["features"][2:]] == [1, 2, 3]
PY
ls ./*.tmp.* >/dev/null 2>&1 && fail "a temporary file was left: $(ls)"

# 2. Every letter a door: exit 0, the unresolved list empty; --no-return,
#    --keep door, the column by number, semicolons and a byte-order mark.
printf '\xef\xbb\xbfx;y\n1;32107CX5Q4HF\n2;32107 CX5Q+4HW\n' > semi.csv
"$diachi" round semi.csv --start "$start" --column 2 --no-return --keep door \
  -o semi-round.csv --quiet 2> err.txt
rc=$?
[ "$rc" = 0 ] || fail "all resolved: exit $rc: $(cat err.txt)"
[ "$(wc -l < semi-round.csv)" = 3 ] || fail "no-return rows: $(cat semi-round.csv)"
[ "$(cat semi-round.unresolved.csv)" = "row,letter,by,status,message" ] ||
  fail "empty unresolved list: $(cat semi-round.unresolved.csv)"
[ -s err.txt ] && fail "--quiet said: $(cat err.txt)"
"$diachi" round semi.csv --start "$start" --column y --unresolved un.csv -o by-name.csv \
  --quiet || fail "--column y"
[ "$(sed -n 2,3p by-name.csv | cut -d, -f4 | sort | tr '\n' ' ')" = "32107 CX5Q+4HF 32107 CX5Q+4HW " ] ||
  fail "--column y: $(cat by-name.csv)"

# 3. To stdout: the unresolved letters on stderr.
out=$("$diachi" round letters.csv --start "$start" 2> err.txt)
[ "$(printf '%s\n' "$out" | wc -l)" = 5 ] || fail "stdout: $out"
grep -q '^4,nowhere 999,address,no_match,' err.txt || fail "stderr list: $(cat err.txt)"

# 4. Bad input: the exit code, the stable code, no output file.
expect_refused() { # WANT_EXIT CODE ARGS...
  local want_rc=$1 code=$2; shift 2
  rm -f out.csv out.unresolved.csv
  "$diachi" round "$@" -o out.csv 2> err.txt
  local rc=$?
  [ "$rc" = "$want_rc" ] || fail "round $*: exit $rc, want $want_rc: $(cat err.txt)"
  grep -q "$code" err.txt || fail "round $*: no '$code' in: $(cat err.txt)"
  [ -e out.csv ] && fail "round $*: out.csv written"
  ls ./*.tmp.* >/dev/null 2>&1 && fail "round $*: a temporary file was left"
}
printf 'code\n' > empty.csv
expect_refused 3 round_empty empty.csv --start "$start"
{ echo code; for i in $(seq 1001); do echo 32107CX5Q4HW; done; } > many.csv
expect_refused 3 round_too_many many.csv --start "$start"
expect_refused 2 round_start letters.csv --start "post office"
expect_refused 2 round_start letters.csv --start 95,103
expect_refused 2 "no --start" letters.csv
expect_refused 2 "give group or door" letters.csv --start "$start" --keep street
expect_refused 2 "no such column" letters.csv --start "$start" --column nope
printf 'code\n"32107CX5Q4HW\n' > open.csv
expect_refused 3 "never closed" open.csv --start "$start"
# none of the letters names a door: no round, the list written, exit 1
printf 'code\n3210192P9G54\n' > none.csv
"$diachi" round none.csv --start "$start" -o none-round.csv 2> err.txt
rc=$?
[ "$rc" = 1 ] || fail "no door: exit $rc"
grep -q 'round_empty: none of the 1 letters names a door' err.txt || fail "no door: $(cat err.txt)"
[ -e none-round.csv ] && fail "no door: a round was written"
[ "$(wc -l < none-round.unresolved.csv)" = 2 ] || fail "no door: the list"

# A letters file that cannot be read, or is over 64 MiB: the reason, exit 2,
# and nothing written.
"$diachi" round missing.csv --start "$start" -o gone.csv 2> err.txt
rc=$?
[ "$rc" = 2 ] || fail "missing letters: exit $rc, want 2"
[ "$(cat err.txt)" = "diachi round: cannot read missing.csv: No such file or directory" ] ||
  fail "missing letters: $(cat err.txt)"
printf 'code\n' > huge.csv && truncate -s $((64 * 1024 * 1024 + 1)) huge.csv
"$diachi" round huge.csv --start "$start" -o gone.csv 2> err.txt
rc=$?
[ "$rc" = 2 ] || fail "huge letters: exit $rc, want 2"
[ "$(cat err.txt)" = "diachi round: cannot read huge.csv: File too large" ] ||
  fail "huge letters: $(cat err.txt)"
rm -f huge.csv
[ -e gone.csv ] && fail "unreadable letters: a round was written"

[ "$failures" = 0 ] && echo "cli_round: ok"
exit $((failures > 0))
