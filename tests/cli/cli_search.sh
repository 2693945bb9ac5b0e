#!/usr/bin/env bash
# diachi search on the sample index: each case with the exact first lines
# (or JSON member) and exit code, the bad queries included.
#   cli_search.sh DIACHI INDEX
set -uo pipefail
diachi=$1
export DIACHI_INDEX=$2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# expect WANT_EXIT WANT_OUTPUT_PREFIX ARGS...: stdout and stderr start with it.
expect() {
  local want_rc=$1 want=$2; shift 2
  local out rc
  out=$("$diachi" search "$@" 2>&1); rc=$?
  [ "$rc" = "$want_rc" ] || fail "diachi search $*: exit $rc, want $want_rc"
  [ "${out:0:${#want}}" = "$want" ] || fail "diachi search $*: got
$out
want
$want"
}
door='read as: house "21/3" (guessed), street "vo nguyen giap" (guessed)
1. household 1.000  số 21/3, Ngõ 21 Võ Nguyên Giáp, Tổ dân phố 2, phường Thanh Trường, Thành phố Điện Biên Phủ, Điện Biên
   32107 CX5Q+4HW   Hộ DBP-000015   21.4078674, 102.9889640
   matched: house exact, street folded'

# 1. A door, unquoted or quoted, and as JSON.
expect 0 "$door" 21/3 vo nguyen giap
expect 0 "$door" '21/3 vo nguyen giap' --limit 1
expect 0 '{"query":"21/3 vo nguyen giap","parts":[{"kind":"house","text":"21/3","guess":true},{"kind":"street","text":"vo nguyen giap","guess":true}],"count":1,"results":[{"match":"household","score":1,"matched":["exact","folded"],"display_name":"số 21/3, Ngõ 21 Võ Nguyên Giáp, Tổ dân phố 2, phường Thanh Trường, Thành phố Điện Biên Phủ, Điện Biên, Việt Nam","lat":21.4078674,"lon":102.9889640,"name":"Ngõ 21 Võ Nguyên Giáp","postcode":"32107","household_count":1,' \
  21/3 vo nguyen giap --limit 1 --json

# 2. A house number the street does not have: the street, never a door.
expect 0 'read as: house "99999/9" (guessed), street "võ nguyên giáp" (guessed), zone "mường thanh"
1. street    0.' 99999/9 Võ Nguyên Giáp, phường Mường Thanh

# 3. Nothing matches: exit 1, the parts understood printed.
expect 1 'read as: free "hai bà trưng"
nothing matches' Hai Bà Trưng

# 4. Bad queries: exit 2 with the problem named.
expect 2 'diachi search: bad query: the query has no words' ' ,.;'
expect 2 'diachi search: bad query: invalid UTF-8 at byte 3 (0xC3)' $'M\xc6\xb0\xc3'
expect 2 'diachi search: bad query: control character U+001B at byte 3' $'L\xc3\xaa\x1b'
expect 2 'diachi search: bad query: text is 1100 bytes, over the limit of 1024' "$(head -c 1100 /dev/zero | tr '\0' a)"
expect 2 'diachi search: --limit 0 is not a whole number in 1..100' Lê Lợi --limit 0
expect 2 'diachi search: --near x is not a point LAT,LON in degrees' Lê Lợi --near x
expect 2 'diachi search: give the address to search for' --limit 3

# 5. Near: of the equal streets, the nearest first.
expect 0 'read as: free "võ nguyên giáp"
1. street    1.000  Võ Nguyên Giáp, phường Thanh Trường' Võ Nguyên Giáp --near 21.406,102.99 --limit 1

# 6. Autocomplete.
expect 0 $'Ngõ 21 Võ Nguyên Giáp\tstreet\t26' --complete ngo 21 vo
expect 1 '' --complete xyzzy

[ "$failures" = 0 ] && echo "cli_search: all cases pass"
exit $((failures > 0))
