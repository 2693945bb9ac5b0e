#!/usr/bin/env bash
# Did a change cost speed? Builds BASE (a commit) beside the build, then
# runs the same benchmarks with both builds, alternating BASE, the working
# tree, BASE, the working tree, on one national map of N households
# (default 1,000,000): the import (each build imports the map into its own
# index, so a format change is measured too), `diachi batch` of N rows on
# 2 threads, and bench_geocoder (forward, reverse 50 m limit 1, zone-only
# reverse, each with 1 and 2 threads, beside a raw LMDB get in the same
# process: each lookup rate is given as a fraction of that raw get, which
# takes the machine's noise out). Prints every figure and the working
# tree's speed over BASE's, from the best of each build's two rounds.
# Not a test.
#   scripts/bench-compare.sh BASE [N] [SECONDS_PER_RUN]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/measure.sh
base=${1:?usage: scripts/bench-compare.sh BASE [N] [SECONDS_PER_RUN]}
n=${2:-1000000} secs=${3:-2}
need_bins diachi diachi-import diachi-gen-national bench_geocoder batch_bench_input
root=$PWD cmp=$work/compare
src=$cmp/base-src
mkdir -p "$cmp"
git worktree remove --force "$src" 2> /dev/null || rm -rf "$src"
git worktree prune
git worktree add --detach -q "$src" "$base"
{ cmake -S "$src" -B "$cmp/base-build" -DDC_BENCH=ON \
    && cmake --build "$cmp/base-build" -j "$(nproc)"; } \
  > "$cmp/base-build.log" 2>&1 || { tail -20 "$cmp/base-build.log"; exit 2; }
map=$work/national-$n
[ -d "$map" ] || "$bin/diachi-gen-national" --out "$map" --households "$n" --seed 1 > /dev/null

# run NAME BIN_DIR ROUND: one round of every benchmark with one build.
run() {
  local name=$1 b=$2 round=$3 index=$cmp/$1.diachi csv=$cmp/batch-$1.csv
  rm -f "$index"
  measure "$b/diachi-import" --zones "$map" --households "$map" -o "$index" --quiet \
    --report "$cmp/report-$name.csv"
  echo "$name $round import_secs $MEASURE_SECS"
  [ -s "$csv" ] || "$b/batch_bench_input" "$index" "$n" > "$csv"
  measure "$b/diachi" batch "$csv" -o "$cmp/out-$name.csv" --index "$index" --threads 2 \
    --quiet || [ $? = 1 ]
  echo "$name $round batch_secs $MEASURE_SECS"
  rm -f "$cmp/out-$name.csv"
  # each rate as a fraction of the raw LMDB get of the same process and run
  "$b/bench_geocoder" "$index" "$secs" | awk -v n="$name" -v r="$round" '
    NF > 5 && $NF ~ /^[0-9]+$/ && $(NF - 3) ~ /^[0-9]+$/ { k = $1
      for (i = 2; i <= NF - 5; i++) k = k "_" $i
      gsub(/[^A-Za-z0-9_]/, "", k)
      if (k ~ /^raw/) { c1 = $(NF - 4); c2 = $(NF - 3); next }
      printf "%s %s %s_1t_over_raw %.4f\n", n, r, k, $(NF - 4) / c1
      printf "%s %s %s_2t_over_raw %.4f\n", n, r, k, $(NF - 3) / c2 }'
}

results=$cmp/results.txt
: > "$results"
for round in 1 2; do
  run base "$cmp/base-build/bin" "$round" | tee -a "$results"
  run head "$root/$bin" "$round" | tee -a "$results"
done
git worktree remove --force "$src"

echo
echo "bench-compare: $base against the working tree, $n households (best of 2 rounds)"
awk '{ k = $1 SUBSEP $3; v = $4 + 0; keys[$3] = 1
       if (!(k in best) || ($3 ~ /_secs$/ ? v < best[k] : v > best[k])) best[k] = v }
     END { for (k in keys) {
             b = best["base", k]; h = best["head", k]
             r = (k ~ /_secs$/) ? b / h : h / b
             printf "  %-34s base %8.3f  head %8.3f  head/base speed %.2f\n", k, b, h, r } }' \
  "$results" | sort
