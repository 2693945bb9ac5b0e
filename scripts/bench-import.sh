#!/usr/bin/env bash
# Benchmark of diachi-import on the national synthetic map (not a test):
# households per second, peak memory and index bytes per household.
#   scripts/bench-import.sh [HOUSEHOLDS...]     (default: 1000000 27000000)
# Needs a build (scripts/test.sh or cmake) in build/, or in $DIACHI_BUILD,
# and, for 27 million households, about 7 GB of free disk under its bench/
# (or $BENCH_DIR, shared with bench-batch.sh).
#
# BORDERS=realistic imports maps of 3,300 zones (or $ZONES) with realistic
# borders (diachi-gen-national --borders realistic: about 10,000 vertices
# a zone), kept as national-real-N beside the simple maps national-N;
# BORDERS=simple (the default) gives the maps of the earlier figures.
# ANCHOR=DIR names another build whose diachi-import runs first on each
# map, as the anchor of the figures (e.g. the base of a change).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/measure.sh
need_bins diachi-import diachi-gen-national
[ $# -gt 0 ] || set -- 1000000 27000000
borders=${BORDERS:-simple}
case $borders in
  simple) prefix=national gen=() ;;
  realistic) prefix=national-real gen=(--zones "${ZONES:-3300}" --borders realistic) ;;
  *) echo "BORDERS must be simple or realistic, not '$borders'" >&2; exit 2 ;;
esac
builds=("$bin")
if [ -n "${ANCHOR:-}" ]; then
  [ -x "$ANCHOR/bin/diachi-import" ] || { echo "no $ANCHOR/bin/diachi-import" >&2; exit 2; }
  builds=("$ANCHOR/bin" "$bin")
fi

for n in "$@"; do
  map="$work/$prefix-$n" index="$work/$prefix-$n.diachi"
  [ -d "$map" ] || "$bin/diachi-gen-national" --out "$map" --households "$n" \
    "${gen[@]}" --seed 1 >/dev/null
  for b in "${builds[@]}"; do
    rm -f "$index"
    sync
    measure "$b/diachi-import" --zones "$map" --households "$map" -o "$index" \
      --report "$work/report-$prefix-$n.csv" > "$work/summary-$prefix-$n.txt"
    bytes=$(stat -c %s "$index")
    households=$(awk '/^households/ {print $2}' "$work/summary-$prefix-$n.txt")
    [ ${#builds[@]} -eq 1 ] || echo "$b/diachi-import, $borders borders:"
    awk -v n="$households" -v s="$MEASURE_SECS" -v kb="$MEASURE_RSS_KB" \
        -v an="$MEASURE_ANON_KB" -v b="$bytes" 'BEGIN {
      printf "%d households: %.1f s, %.0f households/s, peak memory %.0f MB anonymous (%.0f MB RSS with the mapped index), index %.1f bytes/household\n",
             n, s, n / s, an / 1024, kb / 1024, b / n }'
    grep -E '^(time|fingerprint)' "$work/summary-$prefix-$n.txt"
  done
done
