#!/usr/bin/env bash
# Benchmark of `diachi serve` (not a test): requests per second and p50/p99
# latency for forward, reverse (50 m, limit 1) and address search
# (/v1/search, a household's address written in each of the forms of
# bench_search in turn) with wrk (keep-alive, 64 connections, 2 threads),
# in the same run as a bare libmicrohttpd server returning a fixed
# 300-byte JSON body with the same daemon options: the ceiling. The
# ceiling is measured with each lookup's paths (wrk's work per request
# follows the path), before and after the lookups, and each lookup's
# ratio is to the mean of the two ceiling runs around it.
#   scripts/bench-http.sh [SECONDS] [HOUSEHOLDS]   (default 10 per run, 1000000)
# Uses the national index of that many households of scripts/bench-import.sh,
# building it first when it is missing. Needs a build with -DDC_BENCH=ON in build/
# (or in $DIACHI_BUILD).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10} households=${2:-1000000}
. scripts/measure.sh
need_bins bench_http_ceiling bench_http_targets diachi diachi-import diachi-gen-national
need_cmds wrk
index=$(national_index "$households")

"$bin/bench_http_targets" "$index" 100000 "$work/http-codes.txt" "$work/http-reverse.txt" \
  "$work/http-search.txt"
cat > "$work/http-paths.lua" <<'LUA'
-- Requests for the paths in the file given after --, formatted once in
-- init and then cycled through from a random start: the client's Lua work
-- per request is a table index, the same for every server measured.
local requests, n, i = {}, 0, 0
function init(args)
  for line in io.lines(args[1]) do
    n = n + 1
    requests[n] = wrk.format("GET", line)
  end
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
  i = math.random(n)
end
function request()
  i = i % n + 1
  return requests[i]
end
LUA

# BENCH_PORT moves the two servers (BENCH_PORT and the next), so that two
# runs on one machine do not meet.
ceiling_port=${BENCH_PORT:-18090}
serve_port=$((ceiling_port + 1))
"$bin/bench_http_ceiling" $ceiling_port 2 2>/dev/null &
ceiling=$!
"$bin/diachi" serve --index "$index" --listen 127.0.0.1:$serve_port --threads 2 2>/dev/null &
serve=$!
trap 'kill $ceiling $serve 2>/dev/null || true' EXIT
for p in $ceiling_port $serve_port; do
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$p/healthz" && break; sleep 0.1; done
done

# run NAME URL [PATHS]: prints "NAME req/s p50 p99".
run() {
  local name=$1 url=$2 paths=${3:-}
  local args=(-t2 -c64 -d"${secs}s" --latency "$url")
  [ -n "$paths" ] && args+=(-s "$work/http-paths.lua" -- "$paths")
  wrk "${args[@]}" > "$work/wrk-$name.txt"
  awk -v name="$name" '
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
    /Non-2xx/ { bad = $NF }
    END { printf "%-10s %10.0f req/s   p50 %-8s p99 %-8s%s\n", name, rps, p50, p99,
                 bad ? "  non-2xx: " bad : "" }' "$work/wrk-$name.txt"
}

echo "wrk: 2 threads, 64 connections, keep-alive, ${secs} s each; index $index"
# The ceiling gets the same Lua path picking as the lookups: wrk shares
# the machine, and its Lua costs it requests per second.
run ceiling "http://127.0.0.1:$ceiling_port" "$work/http-codes.txt"
run forward "http://127.0.0.1:$serve_port" "$work/http-codes.txt"
run reverse "http://127.0.0.1:$serve_port" "$work/http-reverse.txt"
run ceiling2 "http://127.0.0.1:$ceiling_port" "$work/http-reverse.txt"
run search "http://127.0.0.1:$serve_port" "$work/http-search.txt"
run ceiling3 "http://127.0.0.1:$ceiling_port" "$work/http-search.txt"
awk '
  FNR == 1 { file++ }
  /Requests\/sec/ { rps[file] = $2 }
  END { c = (rps[1] + rps[4]) / 2; d = (rps[4] + rps[6]) / 2
        printf "ratio to the ceiling (mean of the ceiling runs around it): forward %.2f and reverse %.2f (%.0f req/s), search %.2f (%.0f req/s)\n",
               rps[2] / c, rps[3] / c, c, rps[5] / d, d }' \
  "$work/wrk-ceiling.txt" "$work/wrk-forward.txt" "$work/wrk-reverse.txt" "$work/wrk-ceiling2.txt" \
  "$work/wrk-search.txt" "$work/wrk-ceiling3.txt"
