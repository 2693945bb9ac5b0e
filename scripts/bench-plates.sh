#!/usr/bin/env bash
# Benchmark (not a test): door plates per second for one zone, beside an
# anchor in the same run. The anchor is `diachi lookup --json` of the very
# codes the plates carry (the same doors through the engine, answered as
# JSON: what a program printing plates by itself would start from); then
# diachi-plates draws the zone as an A4 PDF sheet, as SVG pages and one
# plate a page. Each is run ROUNDS times (default 3), alternately, so the
# ratios share the machine's load; figures are per CPU second (user +
# system) and per wall second. Last, the printed round: 300 of those codes
# as a day's letters, diachi-plates --round beside `diachi round` of the same
# letters and start (the anchor: the same resolving and ordering, to CSV).
#   scripts/bench-plates.sh [INDEX [POSTCODE]]
# Default: the sample map imported into the bench folder, zone 32105
# (Nam Thanh, 2,389 households).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/measure.sh
need_bins diachi diachi-plates diachi-import
need_cmds pdftotext awk
index=${1:-$work/plates-sample.diachi} zone=${2:-32105} rounds=${ROUNDS:-3}
if [ $# -eq 0 ] && [ ! -f "$index" ]; then
  "$bin/diachi-import" --zones sample-data/dien-bien-phu/zones.shp \
    --households sample-data/dien-bien-phu/households.shp -o "$index" --quiet
fi
out=$work/plates
mkdir -p "$out"
rm -f "$out"/*

# The codes on the zone's plates, from the sheet's own text layer.
"$bin/diachi-plates" --index "$index" --zone "$zone" -o "$out/codes.pdf" 2> /dev/null
pdftotext "$out/codes.pdf" - | grep -oE '[0-9]{5} [2-9CFGHJMPQRVWX]{4}\+[2-9CFGHJMPQRVWX]{3}' \
  > "$out/codes.txt"
n=$(wc -l < "$out/codes.txt")
echo "zone $zone: $n plates, index $index"

# timed COMMAND...: sets WALL and CPU (user + system seconds of the command
# and its children): on a shared machine CPU seconds move less than wall.
timed() {
  local TIMEFORMAT='%R %U %S' t
  t=$( { time "$@" > /dev/null 2>&1; } 2>&1 ) || :
  read -r WALL user sys <<< "$t"
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
}
rate() { awk -v n="$n" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
lookup() { "$bin/diachi" lookup - --json --index "$index" < "$out/codes.txt"; }
for r in $(seq "$rounds"); do
  timed lookup
  aw=$WALL ac=$CPU
  line="round $r: anchor lookup --json $(rate "$ac")/CPU-s ($(rate "$aw")/s wall)"
  for kind in pdf svg one; do
    case $kind in
      pdf) timed "$bin/diachi-plates" --index "$index" --zone "$zone" -o "$out/sheet.pdf" --overwrite ;;
      svg) timed "$bin/diachi-plates" --index "$index" --zone "$zone" -o "$out/sheet.svg" --overwrite ;;
      one) timed "$bin/diachi-plates" --index "$index" --zone "$zone" -o "$out/one.pdf" --one-per-page --overwrite ;;
    esac
    line="$line; $kind $(rate "$CPU")/CPU-s ($(ratio "$ac" "$CPU")x the anchor), $(rate "$WALL")/s wall ($(ratio "$aw" "$WALL")x)"
  done
  echo "$line"
done
ls -l "$out/sheet.pdf" "$out/one.pdf" | awk '{ print $5, "bytes", $9 }'
du -cb "$out"/sheet*.svg | tail -1 | awk '{ print $1, "bytes of SVG pages" }'

# The printed round: 300 letters, the sheet against diachi round's CSV.
{ echo code; awk 'NR % 7 == 1' "$out/codes.txt" | head -300; } > "$out/letters.csv"
start=21.3731,103.0210 # inside zone 32105, as scripts/render-plates.sh
for r in $(seq "$rounds"); do
  timed "$bin/diachi" round "$out/letters.csv" --start "$start" --index "$index" -o "$out/round.csv"
  aw=$WALL ac=$CPU
  rm -f "$out/round.csv" "$out/round.unresolved.csv"
  timed "$bin/diachi-plates" --index "$index" --round "$out/letters.csv" --start "$start" \
    -o "$out/round.pdf" --overwrite
  echo "round $r: 300 letters: anchor diachi round ${ac} CPU-s (${aw} s wall); diachi-plates --round ${CPU} CPU-s (${WALL} s wall), $(ratio "$CPU" "$ac")x the anchor's CPU ($(ratio "$WALL" "$aw")x wall)"
done
pdfinfo "$out/round.pdf" 2> /dev/null | awk '/^Pages:/ { print "round sheet:", $2, "pages" }'
