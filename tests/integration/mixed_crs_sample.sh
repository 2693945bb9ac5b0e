#!/usr/bin/env bash
# The sample zones reprojected to VN-2000 / UTM 48N (EPSG:3405) with
# ogr2ogr, imported with the sample households still in VN-2000 / TM-3
# 103-00: each layer is reprojected on its own, so every household must get
# the same zone and code as in the all-TM-3 sample index.
#   mixed_crs_sample.sh BIN_DIR SAMPLE_DIR SAMPLE_INDEX WORK_DIR
set -euo pipefail
bin=$1 sample=$2 reference=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
ogr2ogr -t_srs EPSG:3405 "$work/zones-utm48n.shp" "$sample/zones.shp"
grep -q 'UTM' "$work/zones-utm48n.prj"
"$bin/diachi-import" --zones "$work/zones-utm48n.shp" --households "$sample/households.shp" \
  -o "$work/mixed.diachi" --strict --quiet
"$bin/dump_index" "$reference" | grep '^household' > "$work/want.txt"
"$bin/dump_index" "$work/mixed.diachi" | grep '^household' > "$work/got.txt"
if ! cmp -s "$work/want.txt" "$work/got.txt"; then
  echo "households differ between the TM-3 and the UTM 48N zone layers:"
  diff "$work/want.txt" "$work/got.txt" | head -20
  exit 1
fi
echo "mixed CRS: $(wc -l < "$work/got.txt") households, same zones and codes"
