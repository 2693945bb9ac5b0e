#!/usr/bin/env bash
# Benchmark of diachi batch (not a test): rows per second with 1 and 2
# threads, and peak memory, geocoding a CSV of N rows against the national
# synthetic index of N households (every household once, scattered).
#   scripts/bench-batch.sh [ROWS...]       (default: 1000000 27000000)
# Needs a build in build/, or in $DIACHI_BUILD. Work files go to
# $BENCH_DIR (default build/bench, shared with bench-import.sh): for 27
# million rows about 7 GB of index and 3 GB of CSV.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/measure.sh
need_bins diachi diachi-import diachi-gen-national batch_bench_input
[ $# -gt 0 ] || set -- 1000000 27000000

for n in "$@"; do
  index=$(national_index "$n") csv="$work/batch-$n.csv"
  [ -s "$csv" ] || "$bin/batch_bench_input" "$index" "$n" > "$csv"
  bytes=$(stat -L -c %s "$csv")
  # the floor: reading the file at all
  start=$(date +%s.%N); cat "$csv" > /dev/null; end=$(date +%s.%N)
  awk -v n="$n" -v b="$bytes" -v s0="$start" -v s1="$end" 'BEGIN { s = s1 - s0
    printf "%d rows, %.0f MB of CSV (cat: %.2f s)\n", n, b / 1e6, s }'
  for threads in 1 2; do
    out="$work/batch-$n.out.csv"
    measure "$bin/diachi" batch "$csv" -o "$out" --index "$index" --threads "$threads" \
      --quiet || [ $? = 1 ] # exit 1: some rows not ok
    awk -v n="$n" -v t="$threads" -v s="$MEASURE_SECS" -v an="$MEASURE_ANON_KB" \
        -v kb="$MEASURE_RSS_KB" 'BEGIN {
      printf "  %d thread%s: %.2f s, %.0f rows/s, peak %.0f MB anonymous, %.0f MB RSS with the mapped index\n",
             t, (t > 1 ? "s" : ""), s, n / s, an / 1024, kb / 1024 }'
    rm -f "$out"
  done
done
