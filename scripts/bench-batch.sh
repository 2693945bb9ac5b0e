#!/usr/bin/env bash
# Benchmark of diachi batch (not a test): rows per second with 1 and 2
# threads, and peak memory, geocoding a CSV of N rows against the national
# synthetic index of N households (every household once, scattered).
#   scripts/bench-batch.sh [ROWS...]       (default: 1000000 27000000)
# Needs a build in build/, or in $DIACHI_BUILD. Work files go to
# $BENCH_DIR (default build/bench, shared with bench-import.sh): for 27
# million rows about 7 GB of index and 3 GB of CSV.
#
# The machine is shared, so each rate comes with its anchors from the same
# run: the time to read the file at all (cat), the CPU seconds the run took
# (user + system, all its threads: rows per CPU second move much less with
# the load than rows per second do), the load average before it, and the
# 2-thread rate over the 1-thread one. With DIACHI_BASE=PATH (another
# build's diachi, e.g. of main) that binary runs too, alternating with
# this one, and its rates are printed beside, with this build's over its.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/measure.sh
need_bins diachi diachi-import diachi-gen-national batch_bench_input
[ $# -gt 0 ] || set -- 1000000 27000000
times_file=$(mktemp)
trap 'rm -f "$times_file"' EXIT

# CPU: the CPU seconds of the children waited for so far: bash's times, run in
# this shell (in a subshell it would count that subshell's children).
children_cpu() {
  local _ cu cs
  times > "$times_file"
  { read -r _; read -r cu cs; } < "$times_file"
  CPU=$(awk -v u="$cu" -v s="$cs" 'function sec(t) { split(t, p, "m"); sub("s", "", p[2]); return p[1] * 60 + p[2] }
    BEGIN { printf "%.3f", sec(u) + sec(s) }')
}

# run_one LABEL BINARY CSV INDEX THREADS N: one run, its line printed;
# sets RATE.
run_one() {
  local label=$1 exe=$2 csv=$3 index=$4 threads=$5 n=$6 out="$work/batch-$6.out.csv"
  local load cpu0 cpu1
  read -r load _ < /proc/loadavg
  children_cpu; cpu0=$CPU
  measure "$exe" batch "$csv" -o "$out" --index "$index" --threads "$threads" \
    --quiet || [ $? = 1 ] # exit 1: some rows not ok
  children_cpu; cpu1=$CPU
  RATE=$(awk -v n="$n" -v s="$MEASURE_SECS" 'BEGIN { printf "%.0f", n / s }')
  awk -v l="$label" -v n="$n" -v t="$threads" -v s="$MEASURE_SECS" -v an="$MEASURE_ANON_KB" \
      -v kb="$MEASURE_RSS_KB" -v c0="$cpu0" -v c1="$cpu1" -v load="$load" 'BEGIN { c = c1 - c0
    printf "  %s%d thread%s: %.2f s, %.0f rows/s; CPU %.2f s (%.2f cores), %.0f rows per CPU s; load before %s; peak %.0f MB anonymous, %.0f MB RSS with the mapped index\n",
           l, t, (t > 1 ? "s" : ""), s, n / s, c, c / s, n / c, load, an / 1024, kb / 1024 }'
  rm -f "$out"
}

for n in "$@"; do
  index=$(national_index "$n") csv="$work/batch-$n.csv"
  [ -s "$csv" ] || "$bin/batch_bench_input" "$index" "$n" > "$csv"
  bytes=$(stat -L -c %s "$csv")
  # the floor: reading the file at all
  start=$(date +%s.%N); cat "$csv" > /dev/null; end=$(date +%s.%N)
  awk -v n="$n" -v b="$bytes" -v s0="$start" -v s1="$end" 'BEGIN { s = s1 - s0
    printf "%d rows, %.0f MB of CSV (cat: %.2f s, %.0f rows/s)\n", n, b / 1e6, s, n / s }'
  for threads in 1 2; do
    run_one "" "$bin/diachi" "$csv" "$index" "$threads" "$n"
    rate[$threads]=$RATE
    if [ -n "${DIACHI_BASE:-}" ]; then
      run_one "base " "$DIACHI_BASE" "$csv" "$index" "$threads" "$n"
      awk -v a="${rate[$threads]}" -v b="$RATE" 'BEGIN { printf "  this build over the base: %.2fx\n", a / b }'
      base[$threads]=$RATE
    fi
  done
  awk -v a="${rate[1]}" -v b="${rate[2]}" 'BEGIN { printf "  2 threads over 1: %.2fx\n", b / a }'
  if [ -n "${DIACHI_BASE:-}" ]; then
    awk -v a="${base[1]}" -v b="${base[2]}" 'BEGIN { printf "  base, 2 threads over 1: %.2fx\n", b / a }'
  fi
done
