#!/usr/bin/env bash
# Benchmark (not a test) of our own VN-2000 / TM-3 reprojection against an
# anchor build (e.g. the code before it), alternating, in one run: the
# import of the realistic national map (3,300 zones of ~10,400 vertices)
# and of the 1 M national map, each build RUNS times in turn. Prints each
# import's wall and CPU seconds, the load average at its start, its `time`
# line (the phases) and its fingerprint.
#   ANCHOR=DIR [RUNS=2] [OUT=DIR] scripts/bench-reproject.sh REAL_MAP MAP_1M
# e.g. ANCHOR=/work/base scripts/bench-reproject.sh /tmp/nat/real3300 \
#        /work/rev-bench/national-1000000
set -euo pipefail
cd "$(dirname "$0")/.."
new=${DIACHI_BUILD:-build}/bin/diachi-import
anchor=${ANCHOR:?ANCHOR=DIR names the anchor build}/bin/diachi-import
out=${OUT:-$(mktemp -d)}
runs=${RUNS:-2}
[ $# -eq 2 ] || { echo "usage: ANCHOR=DIR $0 REAL_MAP MAP_1M" >&2; exit 2; }
export SOURCE_DATE_EPOCH=1700000000
one() { # label binary map
  local label=$1 bin=$2 map=$3 index="$out/bench.diachi"
  rm -f "$index"
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f '%e %U %S' -o "$out/time.txt" "$bin" --zones "$map" \
    --households "$map" -o "$index" --report "$out/report.csv" > "$out/summary.txt"
  read -r wall user sys < "$out/time.txt"
  printf '%-7s %-17s wall %6.2f s, CPU %6.2f s, load %s | %s | %s\n' "$label" \
    "$(basename "$map")" "$wall" "$(echo "$user + $sys" | bc)" "$load" \
    "$(grep '^time' "$out/summary.txt" | tr -s ' ' | sed 's/ ([^)]*)//')" \
    "$(awk '/^fingerprint/ {print substr($2, 1, 16)}' "$out/summary.txt")"
}
for run in $(seq "$runs"); do
  for map in "$1" "$2"; do
    one anchor "$anchor" "$map"
    one new "$new" "$map"
  done
done
rm -f "$out/bench.diachi"
