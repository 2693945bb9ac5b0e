#!/usr/bin/env bash
# Are the sample's outputs unchanged by a change? Builds BASE (a commit,
# default HEAD; from 2026-12 on, when the importer reads SOURCE_DATE_EPOCH)
# in a worktree beside the build, then runs the same fixed
# set of commands with both builds: the sample import (index bytes and
# report), `diachi` lookup, reverse, zone, info, check and batch (CSV of
# 11,200 points and of the codes they give), and HTTP requests to
# `diachi serve` (GET and POST, JSON, GeoJSON, CSV, errors). Prints one
# line per output and a verdict; exit 0 when every output is byte-identical.
#   scripts/compare-outputs.sh [BASE]
# Uses build/ (or $DIACHI_BUILD) for the current tree, building it first.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
base=${1:-HEAD}
build=${DIACHI_BUILD:-build}
work=$root/$build/compare
base_src=$work/base-src
rm -rf "$work/out-base" "$work/out-head"
mkdir -p "$work"

cmake --build "$build" -j "$(nproc)" > /dev/null
git worktree remove --force "$base_src" 2> /dev/null || rm -rf "$base_src"
git worktree prune
git worktree add --detach -q "$base_src" "$base"
{ cmake -S "$base_src" -B "$work/base-build" && cmake --build "$work/base-build" -j "$(nproc)"; } \
  > "$work/base-build.log" 2>&1 || { tail -20 "$work/base-build.log"; exit 2; }

# Outputs BIN OUT: every output of the fixed set into the folder OUT.
outputs() {
  local bin=$1 out=$2 port pid
  mkdir -p "$out"
  local idx=$out/sample.diachi
  SOURCE_DATE_EPOCH=1796538000 "$bin/diachi-import" --zones sample-data/dien-bien-phu/zones.shp \
    --households sample-data/dien-bien-phu/households.shp -o "$idx" \
    --report "$out/import-report.csv" 2>&1 | grep -v '^time ' | sed "s|$out/||g" > "$out/import.out"
  export DIACHI_INDEX=$idx
  local codes=(32105927CJ93 '32101 92P5+RF5' 32104927CJ93 32105927CJ9X 99999927CJ93
    3210592 '32105 927С+J93' 'https://plus.codes/7PH5927C+J93' '927C+J93 Nam Thanh, Điện Biên'
    geo:21.39,103.02 7PH592P5+RF5)
  local i=0 c
  for c in "${codes[@]}"; do
    i=$((i + 1))
    "$bin/diachi" lookup "$c" > "$out/lookup-$i.txt" 2>&1 || :
    "$bin/diachi" lookup --json "$c" > "$out/lookup-$i.json" 2>&1 || :
  done
  "$bin/diachi" reverse 21.3640201 103.0209141 > "$out/reverse-1.txt" 2>&1 || :
  "$bin/diachi" reverse --json --radius 200 --limit 20 21.387 103.02 > "$out/reverse-2.json" 2>&1 || :
  "$bin/diachi" reverse '21°23′13″N 103°01′07″E' > "$out/reverse-3.txt" 2>&1 || :
  "$bin/diachi" reverse 10.0 106.0 > "$out/reverse-4.txt" 2>&1 || :
  "$bin/diachi" zone 32105 > "$out/zone-1.txt" 2>&1 || :
  "$bin/diachi" zone --json 32101 > "$out/zone-2.json" 2>&1 || :
  "$bin/diachi" info "$idx" 2>&1 | sed "s|$out/||g" > "$out/info.txt" || :
  "$bin/diachi" check "$idx" 2>&1 | sed "s|$out/||g" > "$out/check.txt" || :
  cut -d, -f1,2 tests/data/olc-points/points.csv > "$out/points.csv"
  "$bin/diachi" batch "$out/points.csv" -o "$out/batch-points.csv" --quiet || :
  { echo code; sed -n '2,3001p' "$out/batch-points.csv" | cut -d, -f4; } > "$out/codes.csv"
  "$bin/diachi" batch "$out/codes.csv" -o "$out/batch-codes.csv" --quiet || :

  port=$((20000 + RANDOM % 20000))
  "$bin/diachi" serve --index "$idx" --listen "127.0.0.1:$port" 2> "$out/serve.err" &
  pid=$!
  for _ in $(seq 100); do curl -sf "127.0.0.1:$port/readyz" > /dev/null && break; sleep 0.05; done
  local urls=(/v1/codes/32105927CJ93 '/v1/codes/32105927CJ93?format=geojson'
    /v1/codes/32104927CJ93 /v1/codes/32105927CJ9X /v1/codes/3210 '/v1/codes/927C+J93?postcode=32105'
    '/v1/reverse?lat=21.3640201&lon=103.0209141' '/v1/reverse?lat=21.387&lon=103.02&radius=300&limit=30'
    '/v1/reverse?lat=21.387&lon=103.02&format=geojson' '/v1/reverse?lat=91&lon=103'
    /v1/zones/32105 '/v1/zones/32101?format=geojson' /v1/zones/99999 /v1/nowhere /healthz /readyz)
  i=0
  for c in "${urls[@]}"; do
    i=$((i + 1))
    curl -s -D - "127.0.0.1:$port$c" | grep -v -i -e '^date:' > "$out/http-get-$i.txt"
  done
  curl -s -D - -H 'Content-Type: application/json' --data-binary \
    '["32105927CJ93",{"lat":21.387,"lon":103.02,"radius":300,"limit":30},"bad",{"lat":95,"lon":1}]' \
    "127.0.0.1:$port/v1/batch" | grep -v -i '^date:' > "$out/http-batch-json.txt"
  # a batch whose answer (about 2 MB) is past the server's 64 KiB slice
  awk -F, 'NR > 1 { printf "%s\"%s\",{\"lat\":%s,\"lon\":%s,\"radius\":300,\"limit\":5}", \
    (NR > 2 ? "," : "["), $1, 21.36 + (NR % 97) / 500, 103.0 + (NR % 89) / 500 }
    END { print "]" }' "$out/codes.csv" > "$out/batch-big.json"
  curl -s -D - -H 'Content-Type: application/json' --data-binary @"$out/batch-big.json" \
    "127.0.0.1:$port/v1/batch" | grep -v -i '^date:' > "$out/http-batch-big.txt"
  curl -s -D - -H 'Content-Type: text/csv' --data-binary @"$out/codes.csv" \
    "127.0.0.1:$port/v1/batch" | grep -v -i '^date:' > "$out/http-batch-csv.txt"
  kill "$pid"; wait "$pid" || :
  rm -f "$out/serve.err"
}

outputs "$work/base-build/bin" "$work/out-base"
outputs "$root/$build/bin" "$work/out-head"

same=0 differ=0
for f in "$work/out-base"/*; do
  name=${f##*/}
  if cmp -s "$f" "$work/out-head/$name"; then
    same=$((same + 1))
    printf '%-24s %9d bytes  identical\n' "$name" "$(stat -c %s "$f")"
  else
    differ=$((differ + 1))
    printf '%-24s DIFFERS: %s\n' "$name" "$(cmp "$f" "$work/out-head/$name" 2>&1 | head -1)"
  fi
done
git worktree remove --force "$base_src"
echo "compare-outputs: $base vs the working tree: $same identical, $differ differ"
[ "$differ" = 0 ]
