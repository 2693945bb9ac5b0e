#!/usr/bin/env bash
# Benchmark (not a test): the price of a second edition of the zones at
# import. Each map is imported with one undated edition (the anchor) and
# with two (its own zones, or OLD_ZONES, as the edition until 2025-06-30,
# the same zones from 2025-07-01), alternately, ROUNDS times (default 2),
# in this one run, so the ratios share the machine's load.
#   scripts/bench-editions.sh MAP_DIR [OLD_ZONES]
# The two-edition import stores every earlier zone again (past_zones) and
# places every household in the edition before as well: with the same
# zones in both, all of them, the most a real reform costs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/measure.sh
need_bins diachi-import
[ $# -ge 1 ] || { echo "usage: scripts/bench-editions.sh MAP_DIR [OLD_ZONES]" >&2; exit 2; }
map=$1 old=${2:-$1} rounds=${ROUNDS:-2}
one=$work/editions-one.diachi two=$work/editions-two.diachi
for r in $(seq "$rounds"); do
  for kind in one two; do
    index=$work/editions-$kind.diachi
    rm -f "$index"
    sync
    if [ "$kind" = one ]; then
      measure "$bin/diachi-import" --zones "$map" --households "$map" -o "$index" --quiet
    else
      measure "$bin/diachi-import" --zones "$old" --valid-until 2025-06-30 \
        --zones "$map" --valid-from 2025-07-01 --households "$map" -o "$index" --quiet
    fi
    eval "secs_$kind=$MEASURE_SECS anon_$kind=$MEASURE_ANON_KB"
    eval "bytes_$kind=$(stat -c %s "$index")"
  done
  awk -v a="$secs_one" -v b="$secs_two" -v sa="$bytes_one" -v sb="$bytes_two" \
      -v ma="$anon_one" -v mb="$anon_two" -v r="$r" 'BEGIN {
    printf "round %d: one edition %.2f s, %d bytes, %.0f MB; two editions %.2f s, %d bytes, %.0f MB: time %.3fx, size %.3fx\n",
           r, a, sa, ma / 1024, b, sb, mb / 1024, b / a, sb / sa }'
done
