#!/usr/bin/env bash
# diachi-export's bad input (issue 21): each case's exit code, the stable
# error code it prints, and that nothing is left under the output's name
# (nor any temporary file beside it). Then the report rows of a join whose
# keys repeat, name no household or are empty, and of --codes that name no
# household, counted against what the inputs hold.
#   export_errors.sh BIN_DIR SAMPLE_DIR INDEX WORK
set -uo pipefail
bin=$1 sample=$2 index=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
cd "$work" || exit 1
export LC_ALL=C.UTF-8
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
export_expect() { # WANT_EXIT WANT_CODE ARGS...
  local want_rc=$1 want=$2 out rc
  shift 2
  out=$("$bin/diachi-export" "$@" 2>&1); rc=$?
  [ "$rc" = "$want_rc" ] || fail "diachi-export $*: exit $rc, want $want_rc ($out)"
  case "$out" in
    "diachi-export: $want: "*) ;;
    *) fail "diachi-export $*: printed '$out', want 'diachi-export: $want: ...'" ;;
  esac
}
no_leftovers() {
  if ls -a | grep -q '\.tmp\.'; then fail "temporary files left: $(ls -a | tr '\n' ' ')"; fi
}

export_expect 2 unknown_format "$index" -o a.gpkg -f NoSuchFormat
[ -e a.gpkg ] && fail "unknown format: a.gpkg written"
export_expect 2 bad_crs "$index" -o a.gpkg -f GPKG --t-srs EPSG:999999
export_expect 2 bad_crs "$index" -o a.gpkg -f GPKG --t-srs not-a-crs
[ -e a.gpkg ] && fail "bad crs: a.gpkg written"
export_expect 2 one_layer_format "$index" -o a.geojson -f GeoJSON
[ -e a.geojson ] && fail "one layer format: a.geojson written"
no_leftovers
export_expect 2 usage "$index" -o a.gpkg
export_expect 2 usage "$index" -f GPKG
export_expect 2 usage "$index" -o a.gpkg -f GPKG --lco SPATIAL_INDEX

# --lco reaches the driver: a GPKG with and without its R*Tree.
for index_option in YES NO; do
  "$bin/diachi-export" "$index" -o "lco-$index_option.gpkg" -f GPKG --layer households \
    --lco "SPATIAL_INDEX=$index_option" --quiet || fail "--lco SPATIAL_INDEX=$index_option"
  has=$(ogrinfo -ro -q "lco-$index_option.gpkg" \
    -sql "SELECT HasSpatialIndex('households', 'geom') AS has" | sed -n 's/.*(Integer) = //p')
  want=1; [ $index_option = NO ] && want=0
  [ "$has" = "$want" ] || fail "--lco SPATIAL_INDEX=$index_option: HasSpatialIndex '$has'"
done

# An existing output: refused, untouched; replaced with --overwrite.
echo "not a map" > exists.gpkg
export_expect 3 output_exists "$index" -o exists.gpkg -f GPKG
[ "$(cat exists.gpkg)" = "not a map" ] || fail "output_exists: exists.gpkg changed"
"$bin/diachi-export" "$index" -o exists.gpkg -f GPKG --overwrite --quiet ||
  fail "--overwrite: exit $?"
[ "$(ogrinfo -ro -so exists.gpkg households | sed -n 's/^Feature Count: //p')" = 22243 ] ||
  fail "--overwrite: exists.gpkg is not the export"
mkdir -p folder && echo keep > folder/old.txt
export_expect 3 output_exists "$index" -o folder -f "ESRI Shapefile"
[ -f folder/old.txt ] || fail "output_exists: the folder changed"
"$bin/diachi-export" "$index" -o folder -f "ESRI Shapefile" --overwrite --quiet ||
  fail "--overwrite folder: exit $?"
[ -f folder/households.shp ] && [ ! -e folder/old.txt ] || fail "--overwrite folder: $(ls folder)"
# A single shapefile replaced: its side files with it, a stale index gone.
"$bin/diachi-export" "$index" -o one.shp -f "ESRI Shapefile" --layer zones --quiet ||
  fail "one.shp: exit $?"
echo stale > one.qix
"$bin/diachi-export" "$index" -o one.shp -f "ESRI Shapefile" --layer zones --overwrite \
  --t-srs EPSG:9205 --quiet || fail "one.shp --overwrite: exit $?"
[ -e one.qix ] && fail "one.shp --overwrite: the old .qix is left"
grep -q VN-2000 one.prj || fail "one.shp --overwrite: one.prj is the old one"
[ "$(ls one.* | wc -l)" = 5 ] || fail "one.shp --overwrite: $(ls one.*)"
no_leftovers

# Never over an input, even with --overwrite.
cp "$index" copy.diachi
export_expect 3 output_is_input copy.diachi -o copy.diachi -f GPKG --overwrite
cmp -s "$index" copy.diachi || fail "output_is_input: the index changed"
cp "$sample"/households.* .
export_expect 3 output_is_input "$index" --join households.shp -o households.dbf \
  -f "ESRI Shapefile" --overwrite
export_expect 3 output_is_input "$index" --join households.shp -o . -f CSV --overwrite
cmp -s "$sample/households.dbf" households.dbf || fail "output_is_input: the .dbf changed"
no_leftovers

# The join key: missing from the layer; repeated, unknown and empty.
export_expect 2 join_key_missing "$index" --join households.shp --key MA_HO -o j.gpkg -f GPKG
[ -e j.gpkg ] && fail "join_key_missing: j.gpkg written"
cat > keys.geojson <<'EOF'
{"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"MA_HO": "DBP-000001"}, "geometry": {"type": "Point", "coordinates": [103.0, 21.38]}},
{"type": "Feature", "properties": {"MA_HO": "DBP-000002"}, "geometry": {"type": "Point", "coordinates": [103.0, 21.38]}},
{"type": "Feature", "properties": {"MA_HO": "DBP-000001"}, "geometry": {"type": "Point", "coordinates": [103.0, 21.38]}},
{"type": "Feature", "properties": {"MA_HO": "KHONG-CO"}, "geometry": {"type": "Point", "coordinates": [103.0, 21.38]}},
{"type": "Feature", "properties": {"MA_HO": ""}, "geometry": {"type": "Point", "coordinates": [103.0, 21.38]}}
]}
EOF
"$bin/diachi-export" "$index" --join keys.geojson --key MA_HO -o keys.gpkg -f GPKG \
  --report keys-report.csv --quiet || fail "join with bad keys: exit $?"
count() { grep -c ",$1," keys-report.csv; }
[ "$(count duplicate_key)" = 1 ] || fail "duplicate_key rows: $(count duplicate_key)"
[ "$(count unmatched)" = 1 ] || fail "unmatched rows: $(count unmatched)"
[ "$(count empty_key)" = 1 ] || fail "empty_key rows: $(count empty_key)"
[ "$(count missing)" = 22241 ] || fail "missing rows: $(count missing), want 22243 - 2"
grep -q '^warning,keys.geojson,keys,2,duplicate_key,' keys-report.csv ||
  fail "duplicate_key row: $(grep duplicate_key keys-report.csv)"
coded=$(ogr2ogr -f CSV /vsistdout/ keys.gpkg | awk -F, 'NR > 1 && $2 != ""' | wc -l)
[ "$coded" = 3 ] || fail "join with bad keys: $coded features with a code, want 3"

# --codes: two good codes (one twice), one that names no door, a malformed one.
good1=$(ogr2ogr -f CSV /vsistdout/ exists.gpkg households -where "hh_id='DBP-000001'" |
  tail -1 | cut -d, -f2)
good2=$(ogr2ogr -f CSV /vsistdout/ exists.gpkg households -where "hh_id='DBP-000500'" |
  tail -1 | cut -d, -f2)
printf '%s\n%s\r\n%s\n32101 2222+222\nnot a code\n\n' "$good1" "$good2" "$good1" > codes.txt
"$bin/diachi-export" "$index" --codes codes.txt -o codes.gpkg -f GPKG \
  --report codes-report.csv --quiet || fail "--codes: exit $?"
want=$(ogr2ogr -f CSV /vsistdout/ exists.gpkg households \
  -where "code IN ('$good1', '$good2')" | tail -n +2 | wc -l)
got=$(ogrinfo -ro -so codes.gpkg households | sed -n 's/^Feature Count: //p')
[ "$got" = "$want" ] || fail "--codes: $got households, want $want"
[ "$(tail -n +2 codes-report.csv | wc -l)" = 2 ] || fail "--codes report: $(cat codes-report.csv)"
grep -q ',5,malformed,' codes-report.csv || fail "--codes report: no malformed row on line 5"
no_leftovers

[ "$failures" = 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "export errors: all cases as expected"
