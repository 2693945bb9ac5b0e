#!/usr/bin/env bash
# Soak test of `diachi serve` (not part of CI's run): SECONDS (default 60)
# of mixed forward, reverse and JSON batch requests at saturation (wrk,
# 2 threads, 64 connections, keep-alive, on loopback) while the index is
# replaced by a fresh copy and reloaded with SIGHUP every 5 s. Prints the
# requests, errors (connect/read/write/timeout errors and non-2xx answers:
# must be 0), p50/p99 latency, the reloads done, and the server's
# anonymous RSS (its heap, where a leak shows) after a warm-up and at the
# end (growth must stay under 5%), beside the whole RSS, which also counts
# the pages of the mapped index. Exits 1 when a limit is broken.
#   scripts/soak.sh [SECONDS] [INDEX]
# INDEX defaults to the sample index, imported into build/ when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
. scripts/measure.sh
work=$build/soak
index=${2:-$build/dien-bien-phu.diachi}
need_cmds wrk
need_bins diachi diachi-import
mkdir -p "$work"
if [ ! -f "$index" ]; then
  "$bin/diachi-import" --zones sample-data/dien-bien-phu/zones.shp \
    --households sample-data/dien-bien-phu/households.shp -o "$index" --quiet
fi
cp "$index" "$work/live.diachi"

# Request paths: every 50th household's code and position, from a batch run.
"$bin/diachi" info "$work/live.diachi" >/dev/null
"$bin/diachi" reverse 21.3862 103.0179 --index "$work/live.diachi" >/dev/null || true
cat > "$work/soak.lua" <<'LUA'
-- A mix: 6 forward, 3 reverse, 1 JSON batch of 20 items in every 10.
local codes = {"32105927CJ93", "3210192P5RF5", "32101 92P9+F5C", "3210592GCX56",
               "3210392V8CJ5", "32199 92P9+F5C", "32101-92P4+222"}
local points = {{21.3640201, 103.0209141}, {21.3870166, 103.0087454},
                {21.3862, 103.0179}, {21.40, 103.03}, {21.0, 105.0}}
local batch = "[" .. string.rep('"32105927CJ93", {"lat": 21.39, "lon": 103.02}, ', 9)
              .. '"3210192P5RF5", {"lat": 21.3862, "lng": 103.0179}]'
local n = 0
function request()
  n = n + 1
  local k = n % 10
  if k < 6 then
    return wrk.format("GET", "/v1/codes/" .. codes[n % #codes + 1]:gsub(" ", "%%20"):gsub("+", "%%2B"))
  elseif k < 9 then
    local p = points[n % #points + 1]
    return wrk.format("GET", string.format("/v1/reverse?lat=%.7f&lon=%.7f&limit=3", p[1], p[2]))
  end
  return wrk.format("POST", "/v1/batch", {["Content-Type"] = "application/json"}, batch)
end
-- Unregistered codes and out-of-coverage points are 404s by design: only
-- 5xx and failures count as errors here.
local bad = 0
function response(status)
  if status >= 500 then bad = bad + 1 end
end
function done(summary, latency, requests)
  io.write(string.format("soak-errors %d %d %d %d %d\n", summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout, bad))
  io.write(string.format("soak-latency %d %d %d\n", summary.requests,
    latency:percentile(50), latency:percentile(99)))
end
LUA

port=18093
"$bin/diachi" serve --index "$work/live.diachi" --listen 127.0.0.1:$port --threads 2 \
  2>"$work/serve.log" &
serve=$!
trap 'kill $serve $reloader 2>/dev/null || true' EXIT
reloader=
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
# Anonymous memory (the heap: what a leak grows) and the whole RSS (with
# the mapped index, whose pages come and go with reloads and page cache).
rss() { awk -v k="$1" '$1 == k ":" { print $2 }' "/proc/$serve/status"; }

# Reloads from the start, and a warm-up of 30 s (six reloads) before the
# measured run: the allocator's arenas grow over the first few reloads, as
# each new index is opened beside the old one by another thread, and then
# stay (measured: 2.4 MB of heap before any reload, 3.8 MB after two, 4.7 MB
# after three to eighteen on the sample index).
( n=0; while sleep 5; do
    cp "$index" "$work/next.diachi" && mv "$work/next.diachi" "$work/live.diachi"
    kill -HUP $serve; n=$((n + 1)); echo $n > "$work/reloads"
  done ) &
reloader=$!
wrk -t2 -c64 -d30s -s "$work/soak.lua" "http://127.0.0.1:$port" >/dev/null
rss_start=$(rss RssAnon) total_start=$(rss VmRSS)
reloads_before=$(cat "$work/reloads" 2>/dev/null || echo 0)
wrk -t2 -c64 -d"${secs}s" -s "$work/soak.lua" "http://127.0.0.1:$port" > "$work/wrk.txt"
kill $reloader 2>/dev/null || true
rss_end=$(rss RssAnon) total_end=$(rss VmRSS)
reloads=$(($(cat "$work/reloads" 2>/dev/null || echo 0) - reloads_before))
read -r _ ec er ew et e5 < <(grep soak-errors "$work/wrk.txt")
read -r _ requests p50 p99 < <(grep soak-latency "$work/wrk.txt")
errors=$((ec + er + ew + et + e5))
growth=$(awk -v a="$rss_start" -v b="$rss_end" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')
failed_reloads=$(grep -c "reload failed" "$work/serve.log" || true)
echo "soak: ${secs} s, $requests requests ($((requests / secs))/s), $errors errors" \
  "(connect $ec, read $er, write $ew, timeout $et, 5xx $e5)"
echo "soak: p50 ${p50} us, p99 ${p99} us; $reloads reloads, $failed_reloads failed"
echo "soak: anonymous RSS ${rss_start} kB after warm-up, ${rss_end} kB at the end" \
  "(${growth}%); whole RSS ${total_start} kB, ${total_end} kB"
ok=$(awk -v g="$growth" 'BEGIN { print (g < 5) }')
[ "$errors" -eq 0 ] && [ "$failed_reloads" -eq 0 ] && [ "$ok" -eq 1 ]
