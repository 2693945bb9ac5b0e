#!/usr/bin/env bash
# Benchmark of diachi batch --address-column (not a test): rows per second
# with 1 and 2 threads for ROWS households of INDEX written as addresses
# (a third each in full with tones, without tones and abbreviated), and as
# the anchor, in the same script, the same rows run by their codes
# (--code-column). Also the share of address rows that came back with the
# row's own code.
#   scripts/bench-batch-address.sh INDEX [ROWS]     (default 100000)
# Needs a build in build/, or in $DIACHI_BUILD; the CSV goes to $BENCH_DIR
# (default build/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/measure.sh
need_bins diachi batch_bench_input
[ $# -ge 1 ] || { echo "usage: ${0##*/} INDEX [ROWS]" >&2; exit 2; }
index=$1 n=${2:-100000}
csv="$work/batch-address-$n.csv" out="$work/batch-address-$n.out.csv"
[ -s "$csv" ] || "$bin/batch_bench_input" "$index" "$n" address > "$csv"
printf '%d rows of %s, %.1f MB of CSV\n' "$n" "$index" "$(stat -c %s "$csv" | awk '{ print $1 / 1e6 }')"

times_file=$(mktemp)
trap 'rm -f "$out" "$times_file"' EXIT

# CPU: the CPU seconds (user + system) of the children waited for so far,
# from bash's times in this shell.
children_cpu() {
  local _ cu cs
  times > "$times_file"
  { read -r _; read -r cu cs; } < "$times_file"
  CPU=$(awk -v u="$cu" -v s="$cs" 'function sec(t) { split(t, p, "m"); sub("s", "", p[2]); return p[1] * 60 + p[2] }
    BEGIN { printf "%.3f", sec(u) + sec(s) }')
}

# run LABEL THREADS ARGS...: one run, its line printed; sets RATE and
# CPU_RATE (rows per CPU second, which moves much less with the machine's
# load than rows per second).
run() {
  local label=$1 threads=$2 load cpu0
  shift 2
  read -r load _ < /proc/loadavg
  children_cpu; cpu0=$CPU
  measure "$bin/diachi" batch "$csv" -o "$out" --index "$index" --threads "$threads" \
    --quiet "$@" || [ $? = 1 ] # exit 1: some rows not ok
  children_cpu
  RATE=$(awk -v n="$n" -v s="$MEASURE_SECS" 'BEGIN { printf "%.0f", n / s }')
  CPU_RATE=$(awk -v n="$n" -v c="$(awk -v a="$cpu0" -v b="$CPU" 'BEGIN { print b - a }')" 'BEGIN { printf "%.0f", n / c }')
  printf '  %-8s %d thread%s: %6.2f s, %7d rows/s, %7d rows per CPU s; load before %s; peak %.0f MB anonymous\n' \
    "$label" "$threads" "$([ "$threads" = 1 ] && echo ' ' || echo s)" "$MEASURE_SECS" \
    "$RATE" "$CPU_RATE" "$load" "$(awk -v k="$MEASURE_ANON_KB" 'BEGIN { print k / 1024 }')"
}

for threads in 1 2; do
  run code "$threads" --code-column ma_so
  code_rate[$threads]=$RATE code_cpu=$CPU_RATE
  run address "$threads" --address-column dia_chi
  address_rate[$threads]=$RATE
  awk -v a="${address_rate[$threads]}" -v c="${code_rate[$threads]}" -v ac="$CPU_RATE" -v cc="$code_cpu" \
    'BEGIN { printf "  address over code, %s: %.4fx (%.1f us a row against %.2f); per CPU second %.4fx (%.1f us of CPU a row against %.2f)\n", "'"$threads"' thread(s)", a / c, 1e6 / a, 1e6 / c, ac / cc, 1e6 / ac, 1e6 / cc }'
done
awk -v a1="${address_rate[1]}" -v a2="${address_rate[2]}" -v c1="${code_rate[1]}" -v c2="${code_rate[2]}" \
  'BEGIN { printf "  2 threads over 1: address %.2fx, code %.2fx\n", a2 / a1, c2 / c1 }'
# the last run was the address run: its code (column 6) against the row's (3)
awk -F';' 'NR > 1 { n++; ok += $5 == "ok"; own += $6 == $3 }
  END { printf "  address rows: %d, %d ok, %d with the row'"'"'s own code (%.2f%%)\n", n, ok, own, 100 * own / n }' "$out"
