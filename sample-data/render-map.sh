#!/bin/sh
# Draw the sample map as PNGs with GDAL's command-line tools only:
#   docs/img/sample-map.png         the whole city, 30 m a pixel
#   docs/img/sample-map-centre.png  the seven wards, 4 m a pixel
# Zones are pastel fills (one colour per postcode), boundaries dark grey,
# households red. Drawn in the files' own CRS (VN-2000 / TM-3, metres).
# usage: sample-data/render-map.sh [MAP_DIR] [OUT_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
map=${1:-$here/dien-bien-phu}
out=${2:-$here/../docs/img}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

# postcode and fill colour (r g b)
colours="32101 251 180 174
32102 179 205 227
32103 204 235 197
32104 222 203 228
32105 254 217 166
32106 255 255 204
32107 229 216 189
32108 253 218 236
32109 200 230 230
32110 230 245 201
32111 255 242 174
32112 241 226 204"

ogr2ogr -q -lco ENCODING=UTF-8 -nlt MULTILINESTRING "$tmp/borders.shp" "$map/zones.shp"

render() { # name xmin ymin xmax ymax pixel_metres point_burn_size
  name=$1; shift
  tif="$tmp/$name.tif"
  gdal_rasterize -q -init 255 -ot Byte -burn 255 -burn 255 -burn 255 \
    -te "$1" "$2" "$3" "$4" -tr "$5" "$5" "$map/zones.shp" "$tif"
  echo "$colours" | while read -r code r g b; do
    gdal_rasterize -q -where "POSTCODE='$code'" -b 1 -b 2 -b 3 \
      -burn "$r" -burn "$g" -burn "$b" "$map/zones.shp" "$tif"
  done
  gdal_rasterize -q -b 1 -b 2 -b 3 -burn 200 -burn 20 -burn 20 \
    "$map/households.shp" "$tif"
  gdal_rasterize -q -b 1 -b 2 -b 3 -burn 60 -burn 60 -burn 60 \
    "$tmp/borders.shp" "$tif"
  gdal_translate -q -of PNG "$tif" "$out/$name.png"
  rm -f "$out/$name.png.aux.xml"
}

render sample-map 497500 2359500 525700 2394900 30
render sample-map-centre 497800 2362500 505200 2369700 6
