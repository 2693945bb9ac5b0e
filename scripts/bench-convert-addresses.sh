#!/usr/bin/env bash
# Benchmark of diachi batch --convert --address-column (not a test): rows
# per second and per CPU second with 1 and 2 threads for a list of old
# addresses, and as the anchor, in the same script and alternating with it,
# the same rows through the plain address batch (--address-column without
# --convert: the same search, no conversion). Then the list repeated
# REPEAT and twice REPEAT times, converted on 2 threads: memory stays flat.
#   scripts/bench-convert-addresses.sh INDEX ADDRESSES_CSV [REPEAT]   (default 10)
# ADDRESSES_CSV has a column named address, as check_history writes for the
# sample with both editions (build/test-work/old-addresses/old-addresses.csv
# after ctest -R history_sample; its INDEX is build/test-work/sample-2025.diachi).
# Needs a build in build/, or in $DIACHI_BUILD; scratch files go to
# $BENCH_DIR (default build/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/measure.sh
need_bins diachi
[ $# -ge 2 ] || { echo "usage: ${0##*/} INDEX ADDRESSES_CSV [REPEAT]" >&2; exit 2; }
index=$1 csv=$2 repeat=${3:-10}
n=$(($(wc -l < "$csv") - 1))
out="$work/convert-addresses.out.csv" big="$work/convert-addresses-x$repeat.csv"
times_file=$(mktemp)
trap 'rm -f "$out" "$big" "$times_file"' EXIT

# CPU: the CPU seconds (user + system) of the children waited for so far.
children_cpu() {
  local _ cu cs
  times > "$times_file"
  { read -r _; read -r cu cs; } < "$times_file"
  CPU=$(awk -v u="$cu" -v s="$cs" 'function sec(t) { split(t, p, "m"); sub("s", "", p[2]); return p[1] * 60 + p[2] }
    BEGIN { printf "%.3f", sec(u) + sec(s) }')
}

# run LABEL INPUT ROWS THREADS ARGS...: one run, its line printed; sets
# RATE and CPU_RATE.
run() {
  local label=$1 input=$2 rows=$3 threads=$4 load cpu0
  shift 4
  read -r load _ < /proc/loadavg
  children_cpu; cpu0=$CPU
  measure "$bin/diachi" batch "$input" -o "$out" --index "$index" --threads "$threads" \
    --quiet --address-column address "$@" || [ $? = 1 ] # exit 1: some rows not ok
  children_cpu
  RATE=$(awk -v n="$rows" -v s="$MEASURE_SECS" 'BEGIN { printf "%.0f", n / s }')
  CPU_RATE=$(awk -v n="$rows" -v c="$(awk -v a="$cpu0" -v b="$CPU" 'BEGIN { print b - a }')" 'BEGIN { printf "%.0f", n / c }')
  printf '  %-8s %7d rows, %d thread%s: %6.2f s, %7d rows/s, %7d rows per CPU s; load before %s; peak %.0f MB anonymous\n' \
    "$label" "$rows" "$threads" "$([ "$threads" = 1 ] && echo ' ' || echo s)" "$MEASURE_SECS" \
    "$RATE" "$CPU_RATE" "$load" "$(awk -v k="$MEASURE_ANON_KB" 'BEGIN { print k / 1024 }')"
}

printf '%d rows of %s, index %s\n' "$n" "$csv" "$index"
for threads in 1 2; do
  run address "$csv" "$n" "$threads"
  anchor=$RATE anchor_cpu=$CPU_RATE
  run convert "$csv" "$n" "$threads" --convert
  awk -v a="$RATE" -v c="$anchor" -v ac="$CPU_RATE" -v cc="$anchor_cpu" \
    'BEGIN { printf "  convert over address, '"$threads"' thread(s): %.3fx; per CPU second %.3fx (%.1f us of CPU a row against %.1f)\n", a / c, ac / cc, 1e6 / ac, 1e6 / cc }'
done
awk -F';' 'NR > 1 { n++; s[$4]++ } END { for (k in s) printf "  %s %d", k, s[k]; printf " (of %d)\n", n }' "$out"
for times in "$repeat" $((2 * repeat)); do
  { head -1 "$csv"; for ((i = 0; i < times; i++)); do tail -n +2 "$csv"; done; } > "$big"
  run convert "$big" $((n * times)) 2 --convert
done
