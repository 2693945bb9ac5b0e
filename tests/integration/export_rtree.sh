#!/usr/bin/env bash
# diachi-export's packed GeoPackage spatial index (issue 21, shown item 4):
# the sample exported with it (the default), with GDAL's own
# (--lco SPATIAL_INDEX=YES) and without one (--lco SPATIAL_INDEX=NO), and
# joined onto the sample's households.shp; check_export_rtree compares them
# with SQLite's and GDAL's own answers.
#   export_rtree.sh BIN_DIR CHECK SAMPLE_DIR INDEX WORK
set -euo pipefail
bin=$1 check=$2 sample=$3 index=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
cd "$work"

"$bin/diachi-export" "$index" -o packed.gpkg -f GPKG --quiet
"$bin/diachi-export" "$index" -o gdal.gpkg -f GPKG --lco SPATIAL_INDEX=YES --quiet
"$bin/diachi-export" "$index" -o plain.gpkg -f GPKG --lco spatial_index=no --quiet
"$bin/diachi-export" "$index" --join "$sample/households.shp" -o joined.gpkg -f GPKG --quiet
if ls | grep -q '\.tmp\.'; then echo "FAIL: temporary files left: $(ls)" >&2; exit 1; fi
cp packed.gpkg edited.gpkg
"$check" "$work"
