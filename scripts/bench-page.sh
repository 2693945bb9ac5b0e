#!/usr/bin/env bash
# Figures of the map page (issue 20, not a test): in headless Chromium on
# loopback, the page's first contentful paint and the moment its zones
# are drawn (Chromium's performance timing, ms from navigation start; the
# median of RUNS fresh loads), with the time to load about:blank and run
# a script in the same browser as the anchor; the bytes of the zones layer
# the page asks for at city zoom (13); and GET /v1/households for a 500 m
# square, median and p99 of keep-alive requests, beside GET /healthz on
# the same connection as the anchor.
#   scripts/bench-page.sh [INDEX] [RUNS]   (default the sample index of the build, 9)
# Needs build/bin/diachi (or $DIACHI_BUILD/bin/diachi) and the packages of
# the browser test (chromium, chromium-driver, python3-selenium).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${DIACHI_BUILD:-build}
index=${1:-$build/test-work/sample.diachi}
runs=${2:-9}
[ -f "$index" ] || { echo "bench-page: no index $index (ctest -R import_sample builds the sample's)"; exit 2; }
log=$(mktemp)
"$build/bin/diachi" serve --index "$index" --listen 127.0.0.1:0 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q listening "$log" && break; sleep 0.1; done
port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
[ -n "$port" ] || { cat "$log"; exit 3; }
echo "bench-page: $index on port $port, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
/usr/bin/python3 - "$port" "$runs" <<'PY'
import http.client, json, statistics, sys, time
sys.path.insert(0, "tests/browser")
import test_map_page as t

port, runs = int(sys.argv[1]), int(sys.argv[2])
base = "http://127.0.0.1:%d" % port
d = t.browser()
paint, zones, blank = [], [], []
try:
    for _ in range(runs):
        d.get("about:blank")
        t0 = time.perf_counter()
        d.get("about:blank")
        d.execute_script("return 1")
        blank.append((time.perf_counter() - t0) * 1000)
        d.get(base + "/")
        at = t.WebDriverWait(d, 20, poll_frequency=0.01).until(
            lambda drv: drv.execute_script("return window.dcZonesDrawnAt"))
        fcp = t.WebDriverWait(d, 20, poll_frequency=0.01).until(lambda drv: drv.execute_script(
            "const e = performance.getEntriesByName('first-contentful-paint');"
            " return e.length ? e[0].startTime : null"))
        paint.append(fcp)
        zones.append(at)
    view = d.execute_script("return window.dcMap.getBounds().toBBoxString()")
    d.execute_script("window.dcMap.setZoom(13, {animate: false})")
    time.sleep(0.5)
    b = d.execute_script("const b = window.dcMap.getBounds().pad(0.5); return "
                         "[b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(v => v.toFixed(6)).join(',')")
finally:
    d.quit()
med = statistics.median
print("page load (ms, median of %d): first paint %.1f, zones drawn %.1f; anchor about:blank %.1f"
      % (runs, med(paint), med(zones), med(blank)))

c = http.client.HTTPConnection("127.0.0.1", port)
def get(path):
    c.request("GET", path)
    r = c.getresponse()
    return r.status, r.read()
status, body = get("/v1/zones?bbox=%s&zoom=13" % b)
fc = json.loads(body)
print("zones layer at zoom 13 (1280x800 view around the sample, padded as the page asks): "
      "%d zones, %d bytes" % (fc["count"], len(body)))
# a 500 m square at the sample's densest place (household DBP-005602)
lat, lon, half_lat, half_lon = 21.3660, 103.0209, 0.00225, 0.0024
box = "%.5f,%.5f,%.5f,%.5f" % (lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat)
def timed(path, n=400):
    ms = []
    for _ in range(n):
        t0 = time.perf_counter()
        status, body = get(path)
        ms.append((time.perf_counter() - t0) * 1000)
        assert status == 200, (path, status)
    ms.sort()
    return ms[len(ms) // 2], ms[int(len(ms) * 0.99)], len(body)
for _ in range(2):
    h50, h99, hb = timed("/v1/households?bbox=" + box)
    a50, a99, ab = timed("/healthz")
    n = json.loads(get("/v1/households?bbox=" + box)[1])["total"]
    print("/v1/households 500 m square (%d households, %d bytes): p50 %.3f ms, p99 %.3f ms; "
          "anchor /healthz p50 %.3f ms, p99 %.3f ms (%.1fx)" % (n, hb, h50, h99, a50, a99, h50 / a50))
PY
