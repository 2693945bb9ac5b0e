#!/usr/bin/env bash
# Installs every Debian package diachi needs to build, test and run.
# The one place anything is installed: README and .ci/run both call it.
# Idempotent: a second run installs nothing new.
set -euo pipefail

packages=(
  build-essential cmake pkg-config         # C11 toolchain
  clang libclang-rt-dev                    # libFuzzer and sanitizer runtimes for clang
  libgdal-dev gdal-bin                     # importer: OGR reads the map layers
  libproj-dev proj-bin                     # importer: VN-2000 -> WGS 84
  liblmdb-dev lmdb-utils                   # the index
  libmicrohttpd-dev                        # the HTTP service
  libjansson-dev                           # JSON output
  libutf8proc-dev                          # NFC normalisation of names
  libcmocka-dev                            # unit tests
  libcurl4-openssl-dev curl                # HTTP tests use a real client
  python3                                  # tests: remake the OLC reference points table
  time                                     # peak memory in the benchmarks
  wrk                                      # HTTP benchmark (scripts/bench-http.sh)
  python3-geopy                            # tests: a real Nominatim client against GET /search, /reverse
  libjs-leaflet                            # the map page's Leaflet, served from /usr/share/javascript
  chromium chromium-driver python3-selenium  # tests: the map page in a real headless browser
  libqrencode-dev                          # QR codes: the map page's link, door plates
  libcairo2-dev fonts-noto-core            # diachi-plates: PDF/SVG sheets, a font with every Vietnamese glyph
  zbar-tools poppler-utils                 # tests: decode the plates' QR codes, read their PDF text
  nginx                                    # tests: replicas behind a real load balancer (deploy/)
  libsqlite3-dev                           # diachi-export: bulk-load a GeoPackage's R-tree (the SQLite GDAL itself uses)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
