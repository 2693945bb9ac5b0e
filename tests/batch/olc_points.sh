#!/usr/bin/env bash
# The points of tests/data/olc-points/points.csv (made from the OLC
# reference rules by make_points.py) through `diachi batch`: the Plus Code
# column of every row must be the table's.
#
#   olc_points.sh DIACHI INDEX POINTS.csv WORKDIR
set -euo pipefail
diachi=$1 index=$2 points=$3 work=$4
mkdir -p "$work"
cut -d, -f1,2 "$points" >"$work/points-in.csv"
status=0
"$diachi" batch "$work/points-in.csv" -o "$work/points-out.csv" --index "$index" \
  --radius 0 --quiet || status=$?
# Exit 1: complete, some rows not ok (out of coverage, unregistered).
[ "$status" -le 1 ] || { echo "FAIL: diachi batch exited $status"; exit 1; }
# The output's plus_code column, found by name (the last one so named).
paste -d, <(cut -d, -f4 "$points") <(awk -F, 'NR == 1 {
    for (i = 1; i <= NF; i++) if ($i ~ /plus_code$/) col = i
  } { print $col }' "$work/points-out.csv") |
  awk -F, 'NR == 1 { next }
    $1 != $2 { bad++; if (bad <= 10) printf "MISMATCH row %d: want %s, got %s\n", NR, $1, $2 }
    END { printf "olc points through diachi batch: %d rows, %d mismatches\n", NR - 1, bad
          exit (bad > 0 || NR < 10001) }'
