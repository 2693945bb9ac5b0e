#!/usr/bin/env bash
# Benchmark of diachi-import on the national synthetic map (not a test):
# households per second, peak memory and index bytes per household.
#   scripts/bench-import.sh [HOUSEHOLDS...]     (default: 1000000 27000000)
# Needs a build (scripts/test.sh or cmake) in build/, or in $DIACHI_BUILD,
# and, for 27 million households, about 7 GB of free disk under its bench/
# (or $BENCH_DIR, shared with bench-batch.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/measure.sh
need_bins diachi-import diachi-gen-national
[ $# -gt 0 ] || set -- 1000000 27000000

for n in "$@"; do
  map="$work/national-$n" index="$work/national-$n.diachi"
  [ -d "$map" ] || "$bin/diachi-gen-national" --out "$map" --households "$n" --seed 1 >/dev/null
  rm -f "$index"
  sync
  measure "$bin/diachi-import" --zones "$map" --households "$map" -o "$index" \
    --report "$work/report-$n.csv" > "$work/summary-$n.txt"
  bytes=$(stat -c %s "$index")
  households=$(awk '/^households/ {print $2}' "$work/summary-$n.txt")
  awk -v n="$households" -v s="$MEASURE_SECS" -v kb="$MEASURE_RSS_KB" \
      -v an="$MEASURE_ANON_KB" -v b="$bytes" 'BEGIN {
    printf "%d households: %.1f s, %.0f households/s, peak memory %.0f MB anonymous (%.0f MB RSS with the mapped index), index %.1f bytes/household\n",
           n, s, n / s, an / 1024, kb / 1024, b / n }'
  grep '^time' "$work/summary-$n.txt"
done
