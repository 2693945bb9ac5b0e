#!/usr/bin/env bash
# Replicas behind nginx (issue 22), end to end: deploy/nginx-diachi.conf run
# by a real nginx (only its ports and paths changed) in front of three
# `diachi serve` replicas on loopback, under a steady keep-alive load of 32
# connections (replica_load, libcurl), while:
#   1. scripts/rollout.sh rolls a new index out (first interrupted half way,
#      then rerun): zero failed requests, only the old and the new
#      fingerprints, then only the new; a file failing `diachi check` is
#      never placed;
#   2. a replica is killed with SIGKILL and restarted: zero failed requests
#      (GETs and, since every endpoint only reads, POSTs are retried on
#      another replica), and it is sent requests again;
#   3. a replica drains on SIGTERM: zero failed requests, exit 0 within 5 s;
#   4. a replica is started on a damaged index: it exits 3 with the reason,
#      is never ready, and nginx never has an answer from it;
# then prints requests, failures and p99 through nginx beside direct to one
# replica (and wrk's throughput both ways when wrk is installed). Also:
# `nginx -t` on the configuration, `systemd-analyze verify` on
# deploy/diachi@.service, nginx's limits (body size, the batch rate limit),
# gzip of GeoJSON, and its JSON access log.
#
#   replicas.sh DIACHI REPLICA_LOAD OLD_INDEX NEW_INDEX SOURCE_DIR WORK_DIR
#
# Exit 77 (skipped) when nginx is not installed.
set -euo pipefail
if [ $# -ne 6 ]; then
  echo "usage: replicas.sh DIACHI REPLICA_LOAD OLD_INDEX NEW_INDEX SOURCE_DIR WORK_DIR" >&2
  exit 2
fi
diachi=$(realpath "$1") load_bin=$(realpath "$2") old_index=$(realpath "$3")
new_index=$(realpath "$4") src=$(realpath "$5") parent=$6
nginx_bin=$(command -v nginx || true)
[ -n "$nginx_bin" ] || [ ! -x /usr/sbin/nginx ] || nginx_bin=/usr/sbin/nginx
if [ -z "$nginx_bin" ]; then
  echo "SKIPPED: nginx is not installed (scripts/install-deps.sh installs it)"
  exit 77
fi

mkdir -p "$parent"
work=$(mktemp -d "$parent/replicas.XXXXXX")
pids=()
nginx_pid='' load_pid=''
cleanup() {
  local p
  # nginx's master stops its workers on TERM (a KILL would leave them).
  [ -z "$nginx_pid" ] || kill -TERM "$nginx_pid" 2>/dev/null || true
  for p in "${pids[@]}" $load_pid; do
    kill -KILL "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ "${failed:-1}" = 0 ]; then rm -rf "$work"; else echo "(kept $work)"; fi
}
trap cleanup EXIT
failed=1
fail() { echo "FAIL: $*" >&2; exit 1; }
say() { printf '%s\n' "$*"; }

# Free loopback ports: nginx's, the three replicas'.
read -r port_nginx port1 port2 port3 < <(python3 - <<'EOF'
import socket
socks = []
for _ in range(4):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(*(s.getsockname()[1] for s in socks))
EOF
)
ports=("" "$port1" "$port2" "$port3")
front="http://127.0.0.1:$port_nginx"
# GETs of a code, a point and a zone, and a POST of a small batch.
paths=(/v1/codes/32105927CJ93 "/v1/reverse?lat=21.3640201&lon=103.0209141&limit=1"
       "/v1/zones/32105?format=geojson"
       'POST:/v1/batch:["32105927CJ93", {"lat": 21.3640201, "lon": 103.0209141}]')
fp_old=$("$diachi" info "$old_index" | awk '$1 == "fingerprint" { print $2 }')
fp_new=$("$diachi" info "$new_index" | awk '$1 == "fingerprint" { print $2 }')
[ -n "$fp_old" ] && [ -n "$fp_new" ] && [ "$fp_old" != "$fp_new" ] ||
  fail "the two indexes need two fingerprints ($fp_old, $fp_new)"

# ---- the configuration --------------------------------------------------------

# deploy/nginx-diachi.conf with the test's ports and log path: each change
# must find its line, so the file cannot drift from what is tested.
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
conf=$work/nginx/diachi.conf
sed -e "s/127\.0\.0\.1:8081 /127.0.0.1:$port1 /" \
    -e "s/127\.0\.0\.1:8082 /127.0.0.1:$port2 /" \
    -e "s/127\.0\.0\.1:8083 /127.0.0.1:$port3 /" \
    -e "s/^\( *\)listen 80;/\1listen 127.0.0.1:$port_nginx;/" \
    -e "s#/var/log/nginx/diachi.json#$work/nginx/access.json#" \
    "$src/deploy/nginx-diachi.conf" > "$conf"
for want in "127.0.0.1:$port1 " "127.0.0.1:$port2 " "127.0.0.1:$port3 " \
            "listen 127.0.0.1:$port_nginx;" "$work/nginx/access.json"; do
  grep -qF "$want" "$conf" || fail "deploy/nginx-diachi.conf changed: no line for '$want'"
done
# The main context around it; as root, nginx's workers would otherwise run
# as nobody, who cannot enter the test's directory.
user_line=
[ "$(id -u)" != 0 ] || user_line="user root;"
cat > "$work/nginx/nginx.conf" <<EOF
daemon off;
$user_line
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    include $conf;
}
EOF
nginx_args=(-p "$work/nginx/" -c "$work/nginx/nginx.conf")
"$nginx_bin" -t -q "${nginx_args[@]}" || fail "nginx -t refuses deploy/nginx-diachi.conf"
say "nginx -t: deploy/nginx-diachi.conf is valid"

# The unit, with ExecStart pointing at the binary under test.
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$work/systemd"
  sed "s#/usr/local/bin/diachi#$diachi#" "$src/deploy/diachi@.service" \
    > "$work/systemd/diachi@.service"
  if ! out=$(systemd-analyze verify "$work/systemd/diachi@1.service" 2>&1); then
    fail "systemd-analyze verify deploy/diachi@.service: $out"
  fi
  # Unknown keys are only warnings to systemd-analyze: any word about the unit fails.
  if grep -F 'diachi@' <<< "$out"; then
    fail "systemd-analyze verify warns about deploy/diachi@.service"
  fi
  say "systemd-analyze verify: deploy/diachi@.service is valid"
else
  say "systemd-analyze not installed: deploy/diachi@.service not verified"
fi

# ---- the replicas and nginx --------------------------------------------------

# Each replica has its own directory, as on its own host.
start_replica() { # N INDEX_FILE_TO_SERVE
  local n=$1
  "$diachi" serve --index "$work/r$n/index.diachi" --listen "127.0.0.1:${ports[$n]}" \
    --threads 2 2>> "$work/r$n.log" &
  pids[n]=$!
}
ready_fingerprint() { # URL
  curl -fsS --max-time 2 "$1/readyz" 2>/dev/null |
    sed -n 's/.*"fingerprint": *"\([0-9a-f]*\)".*/\1/p'
}
wait_ready() { # N
  for _ in $(seq 100); do
    [ -z "$(ready_fingerprint "http://127.0.0.1:${ports[$1]}")" ] || return 0
    kill -0 "${pids[$1]}" 2>/dev/null || fail "replica $1 exited: $(cat "$work/r$1.log")"
    sleep 0.1
  done
  fail "replica $1 is not ready after 10 s"
}
for n in 1 2 3; do
  mkdir -p "$work/r$n"
  cp "$old_index" "$work/r$n/index.diachi"
  start_replica "$n"
done
for n in 1 2 3; do wait_ready "$n"; done
"$nginx_bin" "${nginx_args[@]}" &
nginx_pid=$!
for _ in $(seq 100); do
  [ -z "$(ready_fingerprint "$front")" ] || break
  sleep 0.1
done
[ -n "$(ready_fingerprint "$front")" ] || fail "nginx does not answer /readyz"
say "3 replicas on ports $port1 $port2 $port3, nginx on $port_nginx"

# ---- nginx's own limits, gzip, the access log (no load yet) ------------------

status_of() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
head -c $((17 * 1024 * 1024)) /dev/zero > "$work/big.json"
s=$(status_of -H 'Content-Type: application/json' --data-binary @"$work/big.json" "$front/v1/batch")
[ "$s" = 413 ] || fail "a 17 MiB body through nginx: $s, not 413"
rm -f "$work/big.json"
enc=$(curl -s -o /dev/null -D - -H 'Accept-Encoding: gzip' \
        "$front/v1/zones/32105?format=geojson" | tr -d '\r' |
      awk -F': ' 'tolower($1) == "content-encoding" { print $2 }')
[ "$enc" = gzip ] || fail "GeoJSON through nginx is not gzipped (Content-Encoding '$enc')"
# The batch limit: a burst of 10, then 429, per client address (127.0.0.1,
# this host's tools, is not limited: the load below runs from it).
statuses=
for _ in $(seq 14); do
  statuses+=" $(status_of --interface 127.0.0.2 -H 'Content-Type: application/json' \
                  -d '["32105927CJ93"]' "$front/v1/batch")"
done
ok=$(tr ' ' '\n' <<< "$statuses" | grep -c '^200$' || true)
limited=$(tr ' ' '\n' <<< "$statuses" | grep -c '^429$' || true)
[ "$ok" -ge 10 ] && [ "$limited" -ge 1 ] && [ $((ok + limited)) = 14 ] ||
  fail "14 batches at once from 127.0.0.2: statuses$statuses (want 10 or 11 200s, then 429)"
say "nginx: 413 past 16 MiB, GeoJSON gzipped, batches from one client:$statuses"

# ---- the load ----------------------------------------------------------------

report=$work/load.txt
: > "$report"
# Paced at 1,000 requests a second: steady, and leaving the machine room for
# the rollout, restarts and checks meanwhile.
"$load_bin" -c 32 --rate 1000 --report "$report" "$front" "${paths[@]}" 2> "$work/load.err" &
load_pid=$!
phase_line=
# End the load's current phase and read its line.
end_phase() { # NAME
  local before after
  before=$(wc -l < "$report")
  kill -USR1 "$load_pid"
  for _ in $(seq 100); do
    after=$(wc -l < "$report")
    [ "$after" -gt "$before" ] && break
    sleep 0.05
  done
  phase_line=$(tail -n 1 "$report")
  printf '%-28s %s\n' "$1:" "$phase_line"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$phase_line"; }
expect_clean() { # NAME ALLOWED_FINGERPRINT...
  local name=$1 fp seen failures
  shift
  failures=$(field failures)
  [ "$(field requests)" -gt 0 ] || fail "$name: no request was answered"
  [ "$failures" = 0 ] || fail "$name: $failures failed requests: $(head -5 "$work/load.err")"
  for seen in $(field fingerprints | tr ',' ' '); do
    fp=${seen%%:*}
    local allowed=no f
    for f in "$@"; do [ "$fp" = "${f:0:16}" ] && allowed=yes; done
    [ $allowed = yes ] || fail "$name: an answer from index $fp (allowed: $(printf '%.16s ' "$@"))"
  done
}
sleep 1
end_phase "warm-up"
expect_clean "warm-up" "$fp_old"

# ---- 1. rollout ---------------------------------------------------------------

replicas=$work/replicas.txt
write_replicas() { # [RELOAD_COMMAND_OF_REPLICA_2]
  : > "$replicas"
  for n in 1 2 3; do
    local reload="kill -HUP ${pids[$n]}"
    [ "$n" != 2 ] || [ -z "${1:-}" ] || reload=$1
    echo "http://127.0.0.1:${ports[$n]} $work/r$n/index.diachi $reload" >> "$replicas"
  done
}
rollout() { "$src/scripts/rollout.sh" --diachi "$diachi" --timeout 30 "$@"; }

# A damaged file is never placed.
cp "$new_index" "$work/damaged.diachi"
printf '\x55' | dd of="$work/damaged.diachi" bs=1 seek=100000 conv=notrunc 2>/dev/null
write_replicas
set +e
rollout "$work/damaged.diachi" "$replicas" 2> "$work/rollout-damaged.log"
rc=$?
set -e
[ $rc = 3 ] || fail "rollout of a damaged file exits $rc, not 3: $(cat "$work/rollout-damaged.log")"
for n in 1 2 3; do
  cmp -s "$old_index" "$work/r$n/index.diachi" || fail "the damaged file reached replica $n"
done
say "rollout of a damaged file: refused (exit 3), nothing placed"

# Interrupted half way: replica 2's reload fails, so the rollout stops
# after replica 1; replicas 2 and 3 keep serving the old index, and the
# file placed for replica 2 is put back.
write_replicas "exit 1"
set +e
rollout "$new_index" "$replicas" 2> "$work/rollout-1.log"
rc=$?
set -e
[ $rc = 1 ] || fail "the interrupted rollout exits $rc, not 1: $(cat "$work/rollout-1.log")"
[ "$(ready_fingerprint "http://127.0.0.1:$port1")" = "$fp_new" ] ||
  fail "after the interrupted rollout, replica 1 does not serve the new index"
for n in 2 3; do
  [ "$(ready_fingerprint "http://127.0.0.1:${ports[$n]}")" = "$fp_old" ] ||
    fail "after the interrupted rollout, replica $n does not serve the old index"
done
# The file placed for replica 2, which did not take it, is put back.
cmp -s "$old_index" "$work/r2/index.diachi" ||
  fail "after the interrupted rollout, replica 2's path does not hold the old file"
say "rollout interrupted at replica 2: replica 1 new, replicas 2 and 3 old (and their files)"
# Rerun: replica 1 is skipped, 2 and 3 reloaded one at a time.
write_replicas
rollout "$new_index" "$replicas" 2> "$work/rollout-2.log" ||
  fail "the rerun rollout failed: $(cat "$work/rollout-2.log")"
grep -q "127.0.0.1:$port1 already serves" "$work/rollout-2.log" ||
  fail "the rerun did not skip replica 1: $(cat "$work/rollout-2.log")"
for n in 1 2 3; do
  [ "$(ready_fingerprint "http://127.0.0.1:${ports[$n]}")" = "$fp_new" ] ||
    fail "after the rollout, replica $n does not serve the new index"
done
# Replica 3 serves the new fingerprint, but its path now holds a file this
# diachi does not open (as after an upgrade that changed the index format,
# which keeps the fingerprint; here the damaged copy, renamed in, so that
# the replica's own map is untouched): the rollout places the file again.
cp "$work/damaged.diachi" "$work/r3/.swap"
mv -f "$work/r3/.swap" "$work/r3/index.diachi"
rollout "$new_index" "$replicas" 2> "$work/rollout-3.log" ||
  fail "the rollout over a path holding an unreadable file failed: $(cat "$work/rollout-3.log")"
grep -q "127.0.0.1:$port1 already serves" "$work/rollout-3.log" ||
  fail "the third rollout did not skip replica 1: $(cat "$work/rollout-3.log")"
grep -q "placed $work/r3/index.diachi" "$work/rollout-3.log" ||
  fail "the third rollout did not place replica 3's file: $(cat "$work/rollout-3.log")"
cmp -s "$new_index" "$work/r3/index.diachi" || fail "replica 3's path does not hold the new file"
say "a replica whose path holds a file that does not open: the file placed again"
end_phase "1. rollout"
expect_clean "1. rollout" "$fp_old" "$fp_new"
sleep 1
end_phase "1. after the rollout"
expect_clean "1. after the rollout" "$fp_new"

# ---- 2. SIGKILL and restart ---------------------------------------------------

served_by() { # N: requests replica N has answered with a lookup
  curl -fsS --max-time 2 "http://127.0.0.1:${ports[$1]}/metrics" |
    awk '/^diachi_requests_total\{endpoint="(codes|reverse|zones)"/ { n += $2 } END { print n + 0 }'
}
kill -KILL "${pids[2]}"
wait "${pids[2]}" 2>/dev/null || true
sleep 1
start_replica 2
wait_ready 2
# nginx tries a failed replica again after fail_timeout (3 s).
for _ in $(seq 100); do
  [ "$(served_by 2)" -gt 0 ] && break
  sleep 0.1
done
[ "$(served_by 2)" -gt 0 ] || fail "the restarted replica 2 is sent no request in 10 s"
end_phase "2. SIGKILL, restart"
expect_clean "2. SIGKILL, restart" "$fp_new"
say "replica 2 rejoined: $(served_by 2) lookups answered since its restart"

# ---- 3. drain -----------------------------------------------------------------

t0=$(date +%s%N)
kill -TERM "${pids[3]}"
set +e
wait "${pids[3]}"
rc=$?
set -e
ms=$((($(date +%s%N) - t0) / 1000000))
[ $rc = 0 ] || fail "replica 3 drained and exited $rc, not 0"
[ $ms -lt 5000 ] || fail "replica 3 took $ms ms to drain, more than 5 s"
sleep 0.5
end_phase "3. SIGTERM drain"
expect_clean "3. SIGTERM drain" "$fp_new"
say "replica 3 drained and exited 0 in $ms ms"

# ---- 4. a damaged index -------------------------------------------------------

cp "$work/damaged.diachi" "$work/r3/index.diachi"
flush_log() { kill -USR1 "$nginx_pid"; sleep 0.5; }
flush_log
log_lines=$(wc -l < "$work/nginx/access.json")
start_replica 3
set +e
wait "${pids[3]}"
rc=$?
set -e
[ $rc = 3 ] || fail "replica 3 on a damaged index exits $rc, not 3"
grep -q "is damaged" "$work/r3.log" || fail "replica 3's log does not say why: $(cat "$work/r3.log")"
[ -z "$(ready_fingerprint "http://127.0.0.1:$port3")" ] || fail "replica 3 answers /readyz"
sleep 1
end_phase "4. a damaged index"
expect_clean "4. a damaged index" "$fp_new"
# nginx's log since: replica 3 (a refused connection, 502, at most) never
# answered, and every request was answered by another. (USR1: nginx
# reopens its logs, writing out what it buffered.)
flush_log
python3 - "$work/nginx/access.json" "$log_lines" "127.0.0.1:$port3" <<'EOF' ||
import json, sys
path, skip, addr = sys.argv[1], int(sys.argv[2]), sys.argv[3]
tried = 0
with open(path) as f:
    for i, line in enumerate(f):
        if i < skip:
            continue
        e = json.loads(line)
        ups = [u.strip() for u in e["upstream"].split(",")]
        sts = [s.strip() for s in e["upstream_status"].split(",")]
        for u, s in zip(ups, sts):
            if u == addr:
                tried += 1
                if s != "502":
                    sys.exit(f"nginx had an answer {s} from the damaged replica: {line}")
        if e["status"] != 200:
            sys.exit(f"a request failed through nginx: {line}")
print(f"nginx's log: {tried} connections to the damaged replica refused, no answer from it")
EOF
  fail "nginx's access log"
tail -n 1 "$work/r3.log"

# The access log is JSON, and keeps a code's postcode only.
python3 - "$work/nginx/access.json" <<'EOF' || fail "nginx's access log is not as documented"
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    n += 1
    if "927CJ93" in e["path"] or "lat=" in e["path"]:
        sys.exit(f"the access log keeps a code or a query: {line}")
print(f"nginx's access log: {n} JSON lines, codes cut to their postcode")
EOF

# The replica back on the new index, for the figures below.
cp "$new_index" "$work/r3/index.diachi"
start_replica 3
wait_ready 3

# ---- the figures --------------------------------------------------------------

kill -TERM "$load_pid"
wait "$load_pid" || true
load_pid=
phase_line=$(tail -n 1 "$report")
read -r total failures post_failures < <(awk '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); n[kv[1]] += kv[2] } }
  END { print n["requests"], n["failures"], n["post_failures"] }' "$report")
say "under load through nginx: $total requests, $failures failed ($post_failures POSTs)"
[ "$failures" = 0 ] || fail "requests failed"

# Throughput and p99, 32 keep-alive connections, 3 s each, one after the
# other: through nginx (3 replicas) beside direct to replica 1.
bench() { # NAME BASE_URL
  phase_line=$("$load_bin" -c 32 --seconds 3 "$2" "${paths[0]}" "${paths[1]}")
  printf '%-22s requests %s  failures %s  %s req/s  p50 %s us  p99 %s us\n' "$1" \
    "$(field requests)" "$(field failures)" "$(field rps)" "$(field p50_us)" "$(field p99_us)"
  [ "$(field failures)" = 0 ] || fail "$1: requests failed"
}
bench "through nginx" "$front"
bench "direct to replica 1" "http://127.0.0.1:$port1"
if command -v wrk >/dev/null; then
  wrk_rps() { wrk -t2 -c32 -d3s "$1${paths[0]}" | awk '/^Requests\/sec/ { print $2 }'; }
  via=$(wrk_rps "$front")
  direct=$(wrk_rps "http://127.0.0.1:$port1")
  awk -v v="$via" -v d="$direct" 'BEGIN {
    printf "wrk, 32 connections, 3 s: through nginx %.0f req/s, direct %.0f req/s: nginx costs %.0f%% of throughput (aim: at most 25%%)\n", v, d, (1 - v / d) * 100 }'
else
  say "wrk not installed: no throughput figure"
fi
failed=0
say "replicas: ok"
