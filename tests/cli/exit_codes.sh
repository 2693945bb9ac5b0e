#!/usr/bin/env bash
# Every command that opens an index exits 3 when the index is missing,
# not an index, or damaged, as docs/CLI.md says (info and check used to
# exit 1 for a missing file while the lookups exited 3).
#   exit_codes.sh DIACHI INDEX WORK_DIR
set -uo pipefail
diachi=$1 index=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
echo "code" >"$work/list.csv"
head -c 100000 "$index" >"$work/cut.diachi"
echo "32101 92P5+RF5" >"$work/text.diachi"
failed=0 runs=0
for bad in "$work/missing.diachi" "$work/cut.diachi" "$work/text.diachi"; do
  for cmd in "lookup 32101-92P5+RF5" "reverse 21.387 103.0087" "zone 32101" \
    "batch $work/list.csv -o $work/out.csv" "info" "check" "serve --listen 127.0.0.1:0" \
    "search 12 vo nguyen giap"; do
    runs=$((runs + 1))
    # shellcheck disable=SC2086
    timeout 20 "$diachi" $cmd --index "$bad" >/dev/null 2>"$work/err"
    got=$?
    if [ "$got" -ne 3 ] || ! grep -q "$bad" "$work/err"; then
      echo "FAIL: diachi $cmd --index $(basename "$bad"): exit $got: $(cat "$work/err")"
      failed=$((failed + 1))
    fi
  done
done
echo "exit codes: $runs runs, $failed failures"
[ "$failed" -eq 0 ]
