#!/usr/bin/env bash
# Zone editions through the diachi command (issue 19): an old code's door
# and current code (exit 0), --at before, on and after 2025-07-01, the typo
# check on an old code, reverse's former codes, a retired zone, info's
# editions; batch --convert, of codes and of old addresses; each with its exact answer and
# exit code. DBP-006529's door was 32105 92HG+CFG (Nam Thanh) and is 32151 92HG+CFG
# (Mường Thanh). With OLD_ADDRESSES_DIR (check_history's files), every household's old
# address of the sample through batch --convert --address-column: the bytes the library
# gave, and the share GEOS's code confirms, printed and held to the floor.
#   cli_history.sh DIACHI SAMPLE_2025_INDEX [OLD_ADDRESSES_DIR]
set -uo pipefail
diachi=$1
export DIACHI_INDEX=$2
addresses=${3:-}
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect() { # WANT_EXIT WANT_OUTPUT_PREFIX ARGS...
  local want_rc=$1 want=$2; shift 2
  local out rc
  out=$("$diachi" "$@" 2>&1); rc=$?
  [ "$rc" = "$want_rc" ] || fail "diachi $*: exit $rc, want $want_rc"
  [ "${out:0:${#want}}" = "$want" ] || fail "diachi $*: got
$out
want
$want"
}
json() { # WANT_EXIT PYTHON_EXPRESSION_OF_d WANT ARGS...
  local want_rc=$1 expr=$2 want=$3; shift 3
  local out rc got
  out=$("$diachi" "$@" --json 2>&1); rc=$?
  [ "$rc" = "$want_rc" ] || fail "diachi $* --json: exit $rc, want $want_rc"
  got=$(python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(($expr))" "$out")
  [ "$got" = "$want" ] || fail "diachi $* --json: $expr is '$got', want '$want'"
}
door='Hộ DBP-006529: số 205/27, Ngõ 205 Hoàng Văn Thái, Tổ dân phố 10, phường Mường Thanh, Điện Biên'

expect 0 "32105 92HG+CFG  (Plus Code 7PH592HG+CFG)
retired code: zone 32105 (phường Nam Thanh, Thành phố Điện Biên Phủ, Điện Biên) was valid until 2025-06-30
current code: 32151 92HG+CFG  (zone 32151 phường Mường Thanh, Điện Biên)
$door" lookup 3210592HGCFG
json 0 "d['status'], d['current_code'], d['zone']['valid_until']" \
  "('retired', '32151 92HG+CFG', '2025-06-30')" lookup 3210592HGCFG
for at in 2025-07-01 2026-01-01; do
  json 0 "d['status']" retired lookup 3210592HGCFG --at $at
done
for at in 2024-01-01 2025-06-30; do
  json 0 "d['status'], d['current_code']" "('ok', '32151 92HG+CFG')" lookup 3210592HGCFG --at $at
  json 1 "d['status']" unknown_postcode lookup 3215192HGCFG --at $at
done
json 0 "d['status']" ok lookup 3215192HGCFG --at 2025-07-01
# The typo check on an old code: 32112 is far from this door.
expect 1 "32112 92HG+CFG  (Plus Code 7PH592HG+CFG)
not a valid code: its place lies outside zone 32112 (xã Pá Khoang, Thành phố Điện Biên Phủ, Điện Biên)
the place lies in zone 32151 (phường Mường Thanh, Điện Biên): did you mean 32151 92HG+CFG?" \
  lookup 3211292HGCFG
expect 2 "diachi lookup: --at 2025-02-30 is not a day written YYYY-MM-DD" \
  lookup 3210592HGCFG --at 2025-02-30

expect 0 "32151 92HG+CFG  (Plus Code 7PH592HG+CFG)
in zone 32151 phường Mường Thanh, Điện Biên
formerly 32105 92HG+CFG  (zone 32105 phường Nam Thanh, Thành phố Điện Biên Phủ, Điện Biên, until 2025-06-30)" \
  reverse 21.3785504 103.0262184 --limit 0
json 0 "d['place']['code'], d['former'][0]['code'], d['former'][0]['edition']" \
  "('32151 92HG+CFG', '32105 92HG+CFG', 1)" reverse 21.3785504 103.0262184 --limit 0
json 0 "d['place']['code'], 'former' in d" "('32105 92HG+CFG', False)" \
  reverse 21.3785504 103.0262184 --limit 0 --at 2025-06-30

json 0 "d['status'], d['valid_until'], [(b['postcode'], b['kind']) for b in d['became']]" \
  "('retired', '2025-06-30', [('32150', 'split'), ('32151', 'split')])" zone 32101
expect 1 "32199: no postal zone has this postcode" zone 32199
out=$("$diachi" zone 32151 | grep '^formerly')
[ "$out" = "formerly 32101 (split, 2025-07-01)
formerly 32104 (merged, 2025-07-01)
formerly 32105 (merged, 2025-07-01)
formerly 32107 (merged, 2025-07-01)" ] || fail "diachi zone 32151: got
$out"

out=$("$diachi" info "$DIACHI_INDEX" | grep -A2 '^editions')
want="editions         2 (the last is current)
  1  (always)   .. 2025-06-30  12 zones"
[ "${out:0:${#want}}" = "$want" ] || fail "diachi info: got
$out"

# diachi batch --convert: old and current codes to today's with what
# changed (history.csv: 32105 merged into 32151; 32108 unchanged); an old
# code within its zone's 10 m tolerance but in no current zone
# (out_of_coverage, no code guessed); the typo check; a postcode of no
# edition. Exit 1: not every row ok.
out=$(printf 'id,code\n1,32105 92HG+CFG\n2,3215192HGCFG\n3,32108 C2GX+572\n4,32112 96X8+XHF\n5,32112 92HG+CFG\n6,32199 96X8+XHF\n' |
  "$diachi" batch - --convert --quiet); rc=$?
want="id,code,status,current_code,zone_name,district,province,change
1,32105 92HG+CFG,ok,32151 92HG+CFG,phường Mường Thanh,,Điện Biên,merged
2,3215192HGCFG,ok,32151 92HG+CFG,phường Mường Thanh,,Điện Biên,unchanged
3,32108 C2GX+572,ok,32108 C2GX+572,xã Thanh Minh,,Điện Biên,unchanged
4,32112 96X8+XHF,out_of_coverage,,,,,
5,32112 92HG+CFG,code_outside_zone,,,,,
6,32199 96X8+XHF,unknown_postcode,,,,,"
[ "$rc" = 1 ] || fail "batch --convert: exit $rc, want 1"
[ "$out" = "$want" ] || fail "batch --convert: got
$out
want
$want"
# With an address column: a code that converts answers (match code), else
# the old address finds the door, and what changed is from its old zone; a
# code outside its zone gives way to its address. An address that finds
# only a street (a number the street lacks, or none) is no_household, with
# no code; nothing, not_found; no words, bad_address.
out=$(printf 'code;address\n32105 92HG+CFG;\n;"số 205/27 Ngõ 205 Hoàng Văn Thái, Tổ dân phố 10, phường Nam Thanh, Thành phố Điện Biên Phủ"\n32112 92HG+CFG;số 205/27 Ngõ 205 Hoàng Văn Thái\n;số 9999 Võ Nguyên Giáp\n;Tổ dân phố 10, phường Mường Thanh\n;zzqx wwvv\n;!!!\n' |
  "$diachi" batch - --convert --address-column address --quiet); rc=$?
want='code;address;status;current_code;zone_name;district;province;change;match;score;error
32105 92HG+CFG;;ok;32151 92HG+CFG;phường Mường Thanh;;Điện Biên;merged;code;1.000;
;"số 205/27 Ngõ 205 Hoàng Văn Thái, Tổ dân phố 10, phường Nam Thanh, Thành phố Điện Biên Phủ";ok;32151 92HG+CFG;phường Mường Thanh;;Điện Biên;merged;household;1.000;
32112 92HG+CFG;số 205/27 Ngõ 205 Hoàng Văn Thái;ok;32151 92HG+CFG;phường Mường Thanh;;Điện Biên;merged;household;1.000;
;số 9999 Võ Nguyên Giáp;no_household;;phường Điện Biên Phủ;;Điện Biên;;street;0.556;
;Tổ dân phố 10, phường Mường Thanh;no_household;;phường Mường Thanh;;Điện Biên;;group;1.000;
;zzqx wwvv;not_found;;;;;;none;;
;!!!;bad_address;;;;;;none;;text_empty: the query has no words'
[ "$rc" = 1 ] || fail "batch --convert --address-column: exit $rc, want 1"
[ "$out" = "$want" ] || fail "batch --convert --address-column: got
$out
want
$want"
expect 2 "diachi batch: --convert reads codes (and addresses), not --lat-column" \
  batch - --convert --lat-column lat --lon-column lon

# Every household's old address of the sample, on 2 threads: the same bytes
# as the library's run in check_history, and GEOS's code for at least the
# floor (check_history's OLD_ADDRESS_FLOOR) of them.
if [ -n "$addresses" ]; then
  "$diachi" batch "$addresses/old-addresses.csv" --convert --address-column address \
    --threads 2 --quiet -o "$addresses/cli-converted.csv"; rc=$?
  [ "$rc" = 1 ] || fail "batch --convert of the old addresses: exit $rc, want 1"
  cmp -s "$addresses/cli-converted.csv" "$addresses/old-addresses-converted.csv" ||
    fail "batch --convert of the old addresses: not the library's bytes"
  python3 - "$addresses" 0.75 <<'PY' || fail "batch --convert of the old addresses: below the floor"
import csv, sys
d, floor = sys.argv[1], float(sys.argv[2])
truth = {r["row"]: r["current_code"] for r in csv.DictReader(open(f"{d}/old-addresses-truth.csv"), delimiter=";")}
rows = list(csv.DictReader(open(f"{d}/cli-converted.csv", newline=""), delimiter=";"))
assert len(rows) == len(truth) == 22243, len(rows)
right = sum(r["status"] == "ok" and r["current_code"] == truth[r["row"]] for r in rows)
print(f"old addresses through diachi batch --convert: {right} of {len(rows)} converted to GEOS's code ({100 * right / len(rows):.2f}%)")
sys.exit(0 if right / len(rows) >= floor else 1)
PY
fi

[ "$failures" = 0 ] && echo "cli_history: all passed"
exit "$failures"
