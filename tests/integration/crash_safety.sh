#!/usr/bin/env bash
# Kill diachi-import with SIGKILL at random moments while it replaces an
# index: the previous index must still open, pass `diachi check` and keep
# its fingerprint, and nothing but the finished index may appear at INDEX.
#   crash_safety.sh BIN_DIR WORK_DIR
set -euo pipefail
bin=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
"$bin/diachi-gen-national" --out "$work/map" --households 300000 --seed 7 >/dev/null
import=("$bin/diachi-import" --zones "$work/map" --households "$work/map" --quiet)

"${import[@]}" -o "$work/index.diachi"
"$bin/diachi" check "$work/index.diachi" >/dev/null
want=$("$bin/diachi" info --json "$work/index.diachi" | grep -o '"fingerprint": *"[0-9a-f]*"')

RANDOM=42
for round in 1 2 3 4 5 6; do
  "${import[@]}" -o "$work/index.diachi" &
  pid=$!
  sleep "0.$(( RANDOM % 9 + 1 ))$(( RANDOM % 10 ))"
  if kill -KILL "$pid" 2>/dev/null; then killed=yes; else killed="no (finished first)"; fi
  wait "$pid" 2>/dev/null || true
  "$bin/diachi" check "$work/index.diachi" >/dev/null
  got=$("$bin/diachi" info --json "$work/index.diachi" | grep -o '"fingerprint": *"[0-9a-f]*"')
  [ "$got" = "$want" ] || { echo "round $round: fingerprint changed: $got"; exit 1; }
  echo "round $round: killed $killed; index opens, checks, same fingerprint"
done
# A killed build leaves its temporary file, never a partial INDEX; the
# next build removes the leftovers of builds that are gone.
ls "$work" | grep -v -E '^(map|index\.diachi|index\.diachi\.tmp\.[0-9]+)$' && exit 1
"${import[@]}" -o "$work/index.diachi"
leftovers=$(ls "$work" | grep -c '\.tmp\.' || true)
[ "$leftovers" -eq 0 ] || { echo "stale temporary files left: $(ls "$work")"; exit 1; }
echo "crash_safety: 6 rounds passed"
