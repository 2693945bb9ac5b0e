#!/usr/bin/env bash
# diachi lookup, reverse and zone on the forms people paste: each case
# with the exact answer (first lines, or the JSON member) and exit code.
#   cli_lookup.sh DIACHI INDEX
set -uo pipefail
diachi=$1
export DIACHI_INDEX=$2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# expect WANT_EXIT WANT_OUTPUT_PREFIX ARGS...: stdout must start with the text.
expect() {
  local want_rc=$1 want=$2; shift 2
  local out rc
  out=$("$diachi" "$@" 2>&1); rc=$?
  [ "$rc" = "$want_rc" ] || fail "diachi $*: exit $rc, want $want_rc"
  [ "${out:0:${#want}}" = "$want" ] || fail "diachi $*: got
$out
want
$want"
}
ok_k='32105 927C+J93  (Plus Code 7PH5927C+J93)
Hộ DBP-005602: số 1138, 7/5, Tổ dân phố 7, phường Nam Thanh, Thành phố Điện Biên Phủ, Điện Biên
21.3640201, 103.0209141   geo:21.3640201,103.0209141'

# 1. Codes pasted from Excel, a web page, a word processor.
expect 0 "$ok_k" lookup $'32105927CJ93\r\n'
expect 0 "$ok_k" lookup $'32105\u00a0927C\u2013J93'
expect 0 "$ok_k" lookup $'\uff13\uff12\uff11\uff10\uff15\u3000\uff19\uff12\uff17\uff23\uff0b\uff2a\uff19\uff13'
expect 1 "32105 927С+J93: not a code: character 10 'С' (Cyrillic) looks like 'C': did you mean 32105 927C+J93?" \
  lookup '32105 927С+J93'
expect 1 '{"input":"32105 927Χ+J93","status":"malformed","parse_error":{"code":"code_lookalike","message":"character 10 '"'"'Χ'"'"' (Greek) looks like '"'"'X'"'"': did you mean 32105 927X+J93?"}' \
  lookup --json '32105 927Χ+J93'

# 2. Postcodes as leniently.
expect 0 '32101 phường Mường Thanh, Thành phố Điện Biên Phủ, Điện Biên' zone '32 101'
expect 0 '32101 phường Mường Thanh, Thành phố Điện Biên Phủ, Điện Biên' zone 32 101
expect 0 '32101 phường Mường Thanh, Thành phố Điện Biên Phủ, Điện Biên' zone $'\uff13\uff12\uff11\uff10\uff11'
expect 2 'diachi zone: postcode: expected 5 digits, got 4' zone 3210
expect 1 '99999: no postal zone has this postcode' zone 99-999

# 3. The forms lookup reads.
expect 0 "$ok_k" lookup https://plus.codes/7PH5927C+J93
expect 0 "$ok_k" lookup 'https://plus.codes/7PH5927C%2BJ93?utm_source=x'
expect 0 "$ok_k" lookup '927C+J93 Nam Thanh, Điện Biên'
expect 0 "$ok_k" lookup 927C+J93 phường Nam Thanh, Thành phố Điện Biên Phủ
expect 0 "$ok_k" lookup '927C+J93 P. NAM THANH'
# A district or province is near enough to recover the code.
expect 0 "$ok_k" lookup '927C+J93 TP. Điện Biên Phủ, Điện Biên'
expect 0 "$ok_k" lookup '927C+J93 Dien Bien'
# Decomposed (NFD) text, as macOS pastes it.
expect 0 "$ok_k" lookup $'927C+J93 Nam Thanh, \u0110ie\u0302\u0323n Bie\u0302n'
expect 0 "$ok_k" lookup 927C+J93 --zone 32105
expect 0 "$ok_k" lookup 927C+J93 --zone '32 105'
# --zone keeps the typo check: the place is not in 32104.
expect 1 '32104 927C+J93  (Plus Code 7PH5927C+J93)
not a valid code: its place lies outside zone 32104' lookup 927C+J93 --zone 32104
expect 1 '927C+J93 Hà Nội: a short Plus Code needs a place this index knows' \
  lookup '927C+J93 Hà Nội'
expect 0 '32103 92RC+222  (Plus Code 7PH592RC+222)
in zone 32103 phường Tân Thanh, Thành phố Điện Biên Phủ, Điện Biên
21.3900000, 103.0200000   geo:21.3900000,103.0200000' lookup 'geo:21.39,103.02;u=10'
expect 1 'geo:21.39: not a point: expected '"','"' after the latitude' lookup geo:21.39
# stdin, one code a line, CR LF and blank lines; exit the worst.
out=$(printf '32105927CJ93\r\n\r\n32105 927C+J9\r\n' | "$diachi" lookup - --json); rc=$?
[ "$rc" = 1 ] || fail "lookup -: exit $rc, want 1"
[ "$(printf '%s\n' "$out" | wc -l)" = 2 ] || fail "lookup -: $(printf '%s\n' "$out" | wc -l) answers, want 2"
printf '%s\n' "$out" | sed -n 1p | grep -q '^{"input":"32105927CJ93","status":"ok"' \
  || fail "lookup -: first answer: $out"
printf '%s\n' "$out" | sed -n 2p | grep -q '^{"input":"32105 927C+J9","status":"malformed"' \
  || fail "lookup -: second answer: $out"
out=$(printf '32105927CJ93\n' | "$diachi" lookup -); rc=$?
[ "$rc" = 0 ] && [ "${out:0:${#ok_k}}" = "$ok_k" ] || fail "lookup - (all ok): exit $rc: $out"
# --version on the command and every subcommand, and said in every help.
expect 0 'diachi 0.1.0' --version
for cmd in lookup reverse zone batch serve info check; do
  expect 0 'diachi 0.1.0' $cmd --version
  # The whole help first: grep -q stops reading at its match, and under
  # pipefail the help's next write would fail the pipe with SIGPIPE.
  help=$("$diachi" $cmd --help)
  grep -q -- '--version' <<< "$help" || fail "diachi $cmd --help: no --version"
done

# 6. A registered code with registered doors of its zone one slip away.
expect 0 "$ok_k
confirm the door: these registered codes of the zone are one slip away:
  32105 927C+J9J  (substitute, character 12, 9 m away)  Hộ DBP-005601: số 1136, 7/5, Tổ dân phố 7, phường Nam Thanh, Thành phố Điện Biên Phủ, Điện Biên
  32105 927C+W93  (substitute, character 10, 83 m away)  Hộ DBP-004211: số 1107, 7/5, Tổ dân phố 7, phường Nam Thanh, Thành phố Điện Biên Phủ, Điện Biên" \
  lookup 32105927CJ93
"$diachi" lookup --json 32105927CJ93 | grep -qF '"similar_codes":[{"code":"32105 927C+J9J","plus_code":"7PH5927C+J9J","edit":"substitute","position":12,"distance_m":9.4,"household_count":1,"household_id":"DBP-005601"},{"code":"32105 927C+W93","plus_code":"7PH5927C+W93","edit":"substitute","position":10,"distance_m":82.5,"household_count":1,"household_id":"DBP-004211"}]}' \
  || fail "lookup --json: similar_codes: $("$diachi" lookup --json 32105927CJ93)"
# Only for ok answers.
out=$("$diachi" lookup --json 32105927CJ9)
case $out in *similar_codes*) fail "similar_codes on a malformed code: $out" ;; esac

# 4. Points as people copy them.
pt='32103 92RC+222  (Plus Code 7PH592RC+222)
in zone 32103 phường Tân Thanh, Thành phố Điện Biên Phủ, Điện Biên
21.3900000, 103.0200000   geo:21.3900000,103.0200000'
expect 0 "$pt" reverse '21.39,103.02'
expect 0 "$pt" reverse '21.39, 103.02'
expect 0 "$pt" reverse 21.39, 103.02
expect 0 "$pt" reverse 21,39 103,02
expect 0 "$pt" reverse '21.39° N' '103.02° E'
expect 0 "$pt" reverse geo:21.39,103.02
expect 0 '32101 92P9+F5C  (Plus Code 7PH592P9+F5C)' reverse "21°23'10.3\"N 103°01'04.4\"E"
expect 2 'diachi reverse: 103.02 21.39: latitude must be in -90..90 and longitude in -180..180
with latitude and longitude swapped, 21.3900000, 103.0200000 lies in zone 32103: did you mean diachi reverse 21.3900000 103.0200000?' \
  reverse 103.02 21.39
expect 2 'diachi reverse: not a point: expected a number at character 1' reverse abc
expect 1 'Plus Code 7FHG92RC+222: in no postal zone of this index (out of coverage)
21.3900000, 10.0200000   geo:21.3900000,10.0200000' reverse 21.39 10.02

# 5. --limit 0 asked for no household: it does not say there is none.
out=$("$diachi" reverse 21.39 103.02 --limit 0); rc=$?
[ "$rc" = 0 ] && [ "$out" = "$pt" ] || fail "reverse --limit 0: exit $rc: $out"
"$diachi" reverse 21.4 103.05 --radius 1 | grep -q '^no registered household within 1 m$' \
  || fail "reverse --radius 1: no 'no registered household' line"

[ "$failures" = 0 ] && echo "cli_lookup: all cases pass"
exit $((failures > 0))
