#!/usr/bin/env bash
# --memory: households beyond the budget are sorted in runs written beside
# the index and merged, and the index, the report and the counts are the
# same as when everything fits: on a national map of 120,000 households
# with one province given twice (its 10,000-odd households each rejected as
# a duplicate id, found across runs), 8 MiB against the default. A size
# that is not one is a usage error (exit 2) naming the option.
#   import_memory.sh BIN_DIR WORK_DIR
set -uo pipefail
bin=$1 work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

"$bin/diachi-gen-national" --out map --households 120000 --seed 3 >/dev/null ||
  { echo "FAIL: generating the map"; exit 1; }
import() { # NAME ARGS...
  local name=$1; shift
  SOURCE_DATE_EPOCH=1796538000 "$bin/diachi-import" --zones map \
    --households map map/10-ha-noi "$@" -o "$name.diachi" --report "$name.csv" \
    > "$name.out" 2> "$name.err" || fail "$name: exit $?: $(cat "$name.err")"
}
import default
import small --memory 8M

grep -q '^sorting       in memory$' default.out || fail "default: $(grep sorting default.out)"
grep -Eq '^sorting       [0-9]+ runs, [0-9.]+ MB written beside the index' small.out ||
  fail "8M: $(grep sorting small.out)"
cmp default.diachi small.diachi || fail "the indexes differ"
cmp default.csv small.csv || fail "the reports differ"
summary() { grep -Ev '^(sorting|time|index|report) ' "$1"; }
diff <(summary default.out) <(summary small.out) || fail "the summaries differ"
dups=$(grep -c ',duplicate_id,' small.csv)
hanoi=$("$bin/dump_index" default.diachi | grep -c '^household' || true)
[ "$dups" -gt 5000 ] || fail "$dups duplicate_id rows, want the province's households"
grep -q "^households    $((hanoi)) of $((hanoi + dups)) read" default.out ||
  fail "counts: $(grep '^households' default.out), $hanoi written, $dups duplicates"
"$bin/diachi" check small.diachi > check.out || fail "check: $(cat check.out)"

for bad in 0 5X -1 1T ''; do
  "$bin/diachi-import" --zones map --households map -o bad.diachi --memory "$bad" \
    2> bad.err
  rc=$?
  [ "$rc" = 2 ] || fail "--memory '$bad': exit $rc, want 2"
  grep -q "option '--memory' needs a valid value" bad.err || fail "--memory '$bad': $(cat bad.err)"
done
[ ! -e bad.diachi ] || fail "an index was written with a bad --memory"
echo "import_memory: $failed failures"
[ "$failed" = 0 ]
