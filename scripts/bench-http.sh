#!/usr/bin/env bash
# Benchmark of `diachi serve` (not a test): requests per second and p50/p99
# latency for forward, reverse (50 m, limit 1) and address search
# (/v1/search, a household's address written in each of the forms of
# bench_search in turn) with wrk (keep-alive, 64 connections, 2 threads),
# in the same run as a bare libmicrohttpd server returning a fixed
# 300-byte JSON body with the same daemon options: the ceiling. The
# ceiling is measured with each lookup's paths (wrk's work per request
# follows the path), before and after the lookups, and each lookup's
# ratio is to the mean of the two ceiling runs around it. A second bare
# server answers with a body as long as the forward answers (their mean
# length, over 200 of them): what the answers' bytes alone cost. Each run
# also prints the server's CPU a request (user and system, from
# /proc/PID/stat), which moves much less with the machine's load than
# requests a second do.
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

# BENCH_PORT moves the three servers (BENCH_PORT and the next two), so
# that two runs on one machine do not meet.
ceiling_port=${BENCH_PORT:-18090}
serve_port=$((ceiling_port + 1)) sized_port=$((ceiling_port + 2))
"$bin/bench_http_ceiling" $ceiling_port 2 2>/dev/null &
ceiling=$!
"$bin/diachi" serve --index "$index" --listen 127.0.0.1:$serve_port --threads 2 2>/dev/null &
serve=$!
sized=
trap 'kill $ceiling $serve $sized 2>/dev/null || true' EXIT
wait_up() {
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$1/healthz" && break; sleep 0.1; done
}
wait_up $ceiling_port
wait_up $serve_port
answer_bytes=$(head -n 200 "$work/http-codes.txt" | sed "s|^|http://127.0.0.1:$serve_port|" |
  xargs -n 1 curl -s -o /dev/null -w '%{size_download}\n' | awk '{ n++; b += $1 } END { printf "%d", b / n }')
"$bin/bench_http_ceiling" $sized_port 2 "$answer_bytes" 2>/dev/null &
sized=$!
wait_up $sized_port

# cpu_ticks PID: the process's user and system CPU so far, in clock ticks.
cpu_ticks() {
  local f
  read -r -a f < "/proc/$1/stat"
  # Fields 14 and 15, counted after the command name's closing parenthesis.
  local i=0
  while [[ ${f[i]} != *')' ]]; do i=$((i + 1)); done
  echo "${f[i + 12]} ${f[i + 13]}"
}
tick=$(getconf CLK_TCK)

# run NAME PID URL [PATHS]: prints "NAME req/s p50 p99" and the server's
# (PID's) CPU a request.
run() {
  local name=$1 pid=$2 url=$3 paths=${4:-} u0 s0 u1 s1
  local args=(-t2 -c64 -d"${secs}s" --latency "$url")
  [ -n "$paths" ] && args+=(-s "$work/http-paths.lua" -- "$paths")
  read -r u0 s0 < <(cpu_ticks "$pid")
  wrk "${args[@]}" > "$work/wrk-$name.txt"
  read -r u1 s1 < <(cpu_ticks "$pid")
  awk -v name="$name" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v tick="$tick" '
    /Requests\/sec/ { rps = $2 }
    / requests in / { n = $1 }
    $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
    /Non-2xx/ { bad = $NF }
    END { printf "%-10s %10.0f req/s   p50 %-8s p99 %-8s server CPU a request: user %5.1f us, system %5.1f us%s\n",
                 name, rps, p50, p99, n ? u / tick / n * 1e6 : 0, n ? s / tick / n * 1e6 : 0,
                 bad ? "  non-2xx: " bad : "" }' "$work/wrk-$name.txt"
}

echo "wrk: 2 threads, 64 connections, keep-alive, ${secs} s each; index $index"
# The ceiling gets the same Lua path picking as the lookups: wrk shares
# the machine, and its Lua costs it requests per second.
run ceiling $ceiling "http://127.0.0.1:$ceiling_port" "$work/http-codes.txt"
run forward $serve "http://127.0.0.1:$serve_port" "$work/http-codes.txt"
run reverse $serve "http://127.0.0.1:$serve_port" "$work/http-reverse.txt"
run ceiling2 $ceiling "http://127.0.0.1:$ceiling_port" "$work/http-reverse.txt"
run sized $sized "http://127.0.0.1:$sized_port" "$work/http-codes.txt"
run search $serve "http://127.0.0.1:$serve_port" "$work/http-search.txt"
run ceiling3 $ceiling "http://127.0.0.1:$ceiling_port" "$work/http-search.txt"
awk '
  FNR == 1 { file++ }
  /Requests\/sec/ { rps[file] = $2 }
  END { c = (rps[1] + rps[4]) / 2; d = (rps[4] + rps[6]) / 2
        printf "ratio to the ceiling (mean of the ceiling runs around it): forward %.2f and reverse %.2f (%.0f req/s), search %.2f (%.0f req/s)\n",
               rps[2] / c, rps[3] / c, c, rps[5] / d, d }' \
  "$work/wrk-ceiling.txt" "$work/wrk-forward.txt" "$work/wrk-reverse.txt" "$work/wrk-ceiling2.txt" \
  "$work/wrk-search.txt" "$work/wrk-ceiling3.txt"
awk -v bytes="$answer_bytes" '
  FNR == 1 { file++ }
  /Requests\/sec/ { rps[file] = $2 }
  END { c = (rps[1] + rps[2]) / 2
        printf "a bare server sending %d-byte bodies (the forward answers'"'"' mean length): %.0f req/s, %.2f of the ceiling\n",
               bytes, rps[3], rps[3] / c }' "$work/wrk-ceiling.txt" "$work/wrk-ceiling2.txt" "$work/wrk-sized.txt"
