#!/usr/bin/env bash
# diachi-export's round trip on the sample (issue 21): the index exported to
# GPKG (WGS 84), FlatGeobuf (a folder of one file per layer) and shapefiles
# in VN-2000 / TM-3 (EPSG:9205), each read back with ogr2ogr, never with our
# own code. Every household of the sample's households.shp is there once,
# with the code `diachi lookup` gives for it (the lookup lists its id at
# that code), at the lookup's point within 1 cm (in VN-2000: cs2cs of the
# lookup's WGS 84 point), and within 1.7 cm of PROJ's own reprojection of
# the sample shapefile (ogr2ogr -t_srs EPSG:4326). Then --join on the
# sample's own households.shp: all 22,243 features get that same code, into
# a GPKG and into a single shapefile whose side files are all in place.
#   export_sample.sh BIN_DIR SAMPLE_DIR INDEX WORK
set -euo pipefail
bin=$1 sample=$2 index=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
cd "$work"
export LC_ALL=C.UTF-8

# The references: PROJ's WGS 84 of every household of the map, and every
# code's households as `diachi lookup` answers.
ogr2ogr -f CSV ref.csv "$sample/households.shp" -t_srs EPSG:4326 -lco GEOMETRY=AS_XY

"$bin/diachi-export" "$index" -o sample.gpkg -f GPKG --quiet
"$bin/diachi-export" "$index" -o fgb -f FlatGeobuf --quiet
"$bin/diachi-export" "$index" -o shp -f "ESRI Shapefile" --t-srs EPSG:9205 --quiet
ogr2ogr -f CSV gpkg.csv sample.gpkg households -lco GEOMETRY=AS_XY
ogr2ogr -f CSV fgb.csv fgb/households.fgb -lco GEOMETRY=AS_XY
ogr2ogr -f CSV shp.csv shp/households.shp -lco GEOMETRY=AS_XY
ogr2ogr -f CSV zones.csv sample.gpkg zones
ogrinfo -ro -so shp/households.shp households | grep -q 'ID\["EPSG",9205\]\|VN_2000_TM_3_103_00\|VN-2000 / TM-3 103-00'

cut -d, -f4 gpkg.csv | tail -n +2 | "$bin/diachi" lookup - --index "$index" --json > lookup.json

# cs2cs of the lookup's WGS 84 points, in the order of lookup.json's doors.
python3 - <<'EOF' > lookup-points.txt
import json
for line in open("lookup.json", encoding="utf-8"):
    d = json.loads(line)
    for h in d["households"]:
        print(h["lat"], h["lon"])
EOF
cs2cs -f %.5f EPSG:4326 EPSG:9205 < lookup-points.txt > lookup-vn2000.txt

# The joins: into a GPKG, and into one shapefile (several files, renamed).
"$bin/diachi-export" "$index" --join "$sample/households.shp" --key HH_ID \
  -o joined.gpkg -f GPKG --report join-report.csv --quiet
"$bin/diachi-export" "$index" --join "$sample/households.shp" \
  -o joined.shp -f "ESRI Shapefile" --quiet
for ext in shp shx dbf prj cpg; do
  [ -f "joined.$ext" ] || { echo "FAIL: joined.$ext missing" >&2; exit 1; }
done
ogr2ogr -f CSV joined.csv joined.gpkg -lco GEOMETRY=AS_XY
ogr2ogr -f CSV joined-shp.csv joined.shp -lco GEOMETRY=AS_XY
if ls | grep -q '\.tmp\.'; then echo "FAIL: temporary files left: $(ls)" >&2; exit 1; fi

python3 - <<'EOF'
import csv, json, math, sys
fail = []
def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
ref = {r["HH_ID"]: (float(r["Y"]), float(r["X"])) for r in rows("ref.csv")}
assert len(ref) == 22243, len(ref)

# lookup.json: one answer per code, in the order of gpkg.csv's rows.
lookups, points = [], []
for line in open("lookup.json", encoding="utf-8"):
    d = json.loads(line)
    lookups.append(d)
vn = [tuple(map(float, l.split()[:2])) for l in open("lookup-vn2000.txt")]
at_code, k = {}, 0
for d in lookups:
    assert d["status"] == "ok", d
    for h in d["households"]:
        at_code.setdefault(d["place"]["code"], {})[h["id"]] = (h["lat"], h["lon"], vn[k])
        k += 1

def metres(lat1, lon1, lat2, lon2):
    return math.hypot((lat1 - lat2) * 110574.0,
                      (lon1 - lon2) * 111320.0 * math.cos(math.radians(lat1)))

def check(name, path, projected):
    rs = rows(path)
    ids = [r["hh_id"] for r in rs]
    if len(ids) != 22243 or set(ids) != set(ref):
        fail.append(f"{name}: {len(ids)} households, {len(set(ids) ^ set(ref))} ids differ")
    worst = worst_map = 0.0
    for r in rs:
        door = at_code.get(r["code"], {}).get(r["hh_id"])
        if door is None:
            fail.append(f"{name}: {r['hh_id']} has {r['code']}, which lookup does not give it")
            continue
        lat, lon = float(r["lat"]), float(r["lon"])
        worst_map = max(worst_map, metres(lat, lon, *ref[r["hh_id"]]))
        if abs(lat - door[0]) > 1e-9 or abs(lon - door[1]) > 1e-9:
            fail.append(f"{name}: {r['hh_id']} at {lat},{lon}, lookup says {door[:2]}")
        x, y = float(r["X"]), float(r["Y"])
        if projected:
            d = math.hypot(x - door[2][0], y - door[2][1])
        else:
            d = metres(y, x, door[0], door[1])
        worst = max(worst, d)
        if r["code_cmp"] != r["code"].replace(" ", "").replace("+", ""):
            fail.append(f"{name}: {r['hh_id']} compact {r['code_cmp']} of {r['code']}")
        if not r["plus_code"].endswith(r["code"][6:]) or not r["address"]:
            fail.append(f"{name}: {r['hh_id']} plus code {r['plus_code']} / address")
    if worst > 0.01:
        fail.append(f"{name}: a household {worst:.4f} m from the lookup's point")
    # The index holds each door in e7 inside its own code's cell (rounded,
    # then moved at most 1e-7 degree: dc_code_e7_of_point), so up to 1.7 cm
    # from PROJ's exact answer for the map's point.
    if worst_map > 0.017:
        fail.append(f"{name}: a household {worst_map:.4f} m from PROJ's point of the map")
    print(f"{name}: {len(rs)} households, worst {worst * 1000:.3f} mm from the lookup's "
          f"point, {worst_map * 1000:.2f} mm from PROJ's of the map")
    return {r["hh_id"]: r["code"] for r in rs}

codes = check("gpkg", "gpkg.csv", False)
check("flatgeobuf", "fgb.csv", False)
check("shapefile VN-2000", "shp.csv", True)

zones = rows("zones.csv")
if not zones or any(len(z["postcode"]) != 5 or not z["zone_name"] for z in zones):
    fail.append(f"zones: {len(zones)} rows, or a bad one")
if sum(int(z["households"]) for z in zones) != 22243:
    fail.append("zones: household counts do not add up to 22243")

for name, path in (("join gpkg", "joined.csv"), ("join shp", "joined-shp.csv")):
    js = rows(path)
    bad = [r["HH_ID"] for r in js if r["CODE"] != codes.get(r["HH_ID"])]
    if len(js) != 22243 or bad:
        fail.append(f"{name}: {len(js)} features, {len(bad)} without the right code: {bad[:3]}")
    elif set(r["HH_ID"] for r in js) != set(ref) or "STREET" not in js[0]:
        fail.append(f"{name}: the user's fields or features are not all there")
if rows("join-report.csv"):
    fail.append("join report: rows for a perfect join")

for f in fail[:20]:
    print("FAIL:", f, file=sys.stderr)
sys.exit(1 if fail else 0)
EOF
