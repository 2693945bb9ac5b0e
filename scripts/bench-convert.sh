#!/usr/bin/env bash
# Benchmark of diachi batch --convert (issue 19, shown item 3; not a test):
# every household's old code of a national map with its 2025 edition,
# converted on 2 threads, every row checked against the truth, beside the
# anchor of the same run: a plain diachi batch of the same households'
# current codes. Peak RSS (/usr/bin/time) and anonymous memory of the full
# list beside a list a tenth as long and one three times as long show the
# memory flat.
#   scripts/bench-convert.sh [HOUSEHOLDS]     (default 1000000)
# Makes (once) in $BENCH_DIR (default build/bench) the map
# (diachi-gen-national --seed 1), its 2025 edition (--edition 2025), the
# index of both (the map's zones until 2025-06-30, the edition's from
# 2025-07-01, with its history.csv), and the lists and their truth
# (convert_truth: GEOS on the 2025 zones, apart from the index). ROUNDS
# (default 2) alternates the anchor and the conversion. Then both lists
# scattered alike (a fixed seed), the same pair, each output checked.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/measure.sh
need_bins diachi diachi-import diachi-gen-national convert_truth
n=${1:-1000000} rounds=${ROUNDS:-2}
dir=$work/convert-$n map=$work/convert-$n/map edition=$work/convert-$n/2025
index=$work/convert-$n.diachi
mkdir -p "$dir"
if [ ! -s "$index" ]; then
  "$bin/diachi-gen-national" --out "$map" --households "$n" --seed 1 > /dev/null
  "$bin/diachi-gen-national" --out "$edition" --households "$n" --seed 1 \
    --edition 2025 > /dev/null
  "$bin/diachi-import" --zones "$map" --valid-until 2025-06-30 --zones "$edition" \
    --valid-from 2025-07-01 --history "$edition/history.csv" --households "$map" \
    -o "$index" --report "$dir/report.csv" --quiet > /dev/null
fi
if [ ! -s "$dir/truth.csv" ]; then
  "$bin/convert_truth" "$map" "$edition" "$index" "$dir" | tee "$dir/truth.txt"
else
  cat "$dir/truth.txt"
fi
rows=$(($(wc -l < "$dir/old.csv") - 1)) small=$((n / 10))
head -n $((small + 1)) "$dir/old.csv" > "$dir/old-small.csv"
# The same lists scattered alike (a fixed seed), as a list gathered from many
# offices comes: the batch orders each block by where its codes are.
if [ ! -s "$dir/truth-shuf.csv" ]; then
  paste -d '|' <(tail -n +2 "$dir/old.csv") <(tail -n +2 "$dir/truth.csv") |
    awk 'BEGIN { srand(7) } { printf "%.12f|%s\n", rand(), $0 }' | sort -t '|' -k 1,1 |
    cut -d '|' -f 2- > "$dir/shuf.txt"
  { echo id,code; cut -d '|' -f 1 "$dir/shuf.txt"; } > "$dir/old-shuf.csv"
  { echo code,change; cut -d '|' -f 2 "$dir/shuf.txt"; } > "$dir/truth-shuf.csv"
  { echo id,code; awk -F, 'NR == FNR { c[$1] = $2; next } ($1 in c) { print $1 "," c[$1] }' \
      "$dir/new.csv" <(cut -d '|' -f 1 "$dir/shuf.txt"); } > "$dir/new-shuf.csv"
  rm -f "$dir/shuf.txt"
fi

# anon_peak PID: ANON_KB, the peak anonymous memory of PID's child (diachi
# under /usr/bin/time), sampled every 50 ms with builtins only: the RSS
# /usr/bin/time gives also counts the pages of the index mapped.
anon_peak() {
  local child key value _ tick
  ANON_KB=0
  exec {tick}<> <(:)
  until child=$(cat "/proc/$1/task/$1/children" 2> /dev/null) && [ -n "$child" ]; do
    kill -0 "$1" 2> /dev/null || break
    read -r -t 0.01 -u "$tick" _ || :
  done
  child=${child%% *}
  while [ -n "$child" ] && [ -r "/proc/$child/status" ]; do
    while read -r key value _; do
      case $key in RssAnon:) ((value > ANON_KB)) && ANON_KB=$value ;; esac
    done 2> /dev/null < "/proc/$child/status" || break
    read -r -t 0.05 -u "$tick" _ || :
  done
  exec {tick}<&-
}

# run LABEL INPUT OUTPUT ROWS [OPTION]: one batch on 2 threads, its line
# printed; sets RATE.
run() {
  local label=$1 input=$2 output=$3 count=$4 load
  shift 4
  read -r load _ < /proc/loadavg
  /usr/bin/time -f '%e %U %S %M' -o "$dir/time" "$bin/diachi" batch "$input" -o "$output" \
    --index "$index" --threads 2 --quiet "$@" &
  local pid=$!
  anon_peak "$pid"
  wait "$pid" || [ $? = 1 ] # 1: some rows not ok
  read -r secs user sys rss < <(tail -n 1 "$dir/time") # after "exited with status 1"
  RATE=$(awk -v n="$count" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
  awk -v l="$label" -v n="$count" -v s="$secs" -v u="$user" -v y="$sys" -v m="$rss" \
      -v a="$ANON_KB" -v load="$load" 'BEGIN {
    printf "  %-34s %9d rows %6.2f s %9.0f rows/s; CPU %.2f s (%.0f rows per CPU s); peak RSS %.0f MB (anonymous %.0f MB); load before %s\n",
           l, n, s, n / s, u + y, n / (u + y), m / 1024, a / 1024, load }'
}

echo "$rows households; 2 threads each run"
for r in $(seq "$rounds"); do
  run "anchor: batch of the current codes" "$dir/new.csv" "$dir/new.out.csv" \
    "$(($(wc -l < "$dir/new.csv") - 1))"
  anchor=$RATE
  run "batch --convert of the old codes" "$dir/old.csv" "$dir/old.out.csv" "$rows" \
    --convert
  awk -v a="$anchor" -v b="$RATE" 'BEGIN { printf "  round '"$r"': convert over the anchor %.2fx\n", b / a }'
done
run "anchor, the current codes scattered" "$dir/new-shuf.csv" "$dir/new-shuf.out.csv" \
  "$(($(wc -l < "$dir/new-shuf.csv") - 1))"
anchor=$RATE
run "batch --convert, the old scattered" "$dir/old-shuf.csv" "$dir/old-shuf.out.csv" "$rows" \
  --convert
awk -v a="$anchor" -v b="$RATE" 'BEGIN { printf "  scattered: convert over the anchor %.2fx\n", b / a }'
run "batch --convert, a tenth of them" "$dir/old-small.csv" "$dir/small.out.csv" "$small" \
  --convert
# and three times as many: the blocks in flight bound the memory, not the rows
{ cat "$dir/old.csv"; tail -n +2 "$dir/old.csv"; tail -n +2 "$dir/old.csv"; } > "$dir/old-3x.csv"
run "batch --convert, the list 3 times" "$dir/old-3x.csv" "$dir/3x.out.csv" $((3 * rows)) \
  --convert
rm -f "$dir/old-3x.csv" "$dir/3x.out.csv"

# Every row against the truth: the current code and the change, or, for a
# door in no 2025 zone, no code and a status that says so. A row GEOS
# judges otherwise is also held to the index's own current code of the
# household (new.csv): convert_truth lists those doors, each within a
# centimetre of a border, where the index's 1e-7 degree door and GEOS's
# reprojected one fall on either side.
check() { # OUTPUT TRUTH
  tail -n +2 "$1" | paste -d '|' - <(tail -n +2 "$2") | awk -F'|' -v new="$dir/new.csv" -v what="${1##*/}" '
  BEGIN { while ((getline line < new) > 0) { split(line, f, ","); own[f[1]] = f[2] } }
  { split($1, o, ","); split($2, t, ",")
    if (t[1] == "") { ok = o[4] == "" && o[3] != "ok" && o[3] != "unregistered"; none++ }
    else ok = o[3] == "ok" && o[4] == t[1] && o[8] == t[2]
    if (ok) right++
    else if (o[3] == "ok" && o[4] == own[o[1]]) { index_right++; print "  GEOS otherwise, the index agrees: " $0 }
    else if (wrong++ < 5) print "  wrong: " $0
    status[o[3]]++ }
  END { printf "%s: checked %d rows: %d right by GEOS, %d by the index where GEOS differs, %d wrong (%d doors in no 2025 zone); statuses:", what, NR, right, index_right, wrong, none
        for (s in status) printf " %s %d", s, status[s]; printf "\n" }'
}
check "$dir/old.out.csv" "$dir/truth.csv"
check "$dir/old-shuf.out.csv" "$dir/truth-shuf.csv"
rm -f "$dir"/*.out.csv "$dir/time"
