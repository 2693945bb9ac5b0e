#!/usr/bin/env bash
# A running server sent SIGHUP after its index file was replaced by a
# damaged copy (cut short at a page boundary, cut by 64 bytes, one byte
# changed, garbage) keeps serving the old index: same fingerprint on
# /readyz, the same answer to a lookup, a log line naming the problem.
# Before the seal, a truncated copy killed the server with SIGBUS.
#   reload_damaged.sh DIACHI INDEX WORK_DIR
set -uo pipefail
diachi=$1 index=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cp "$index" "$work/live.diachi"
"$diachi" serve --index "$work/live.diachi" --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null' EXIT
for _ in $(seq 50); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.log" | head -1)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "FAIL: the server did not start: $(cat "$work/serve.log")"; exit 1; }
lookup() { curl -s "$url/v1/codes/32105927CJ93"; }
ready() { curl -s "$url/readyz"; }
want_lookup=$(lookup) want_ready=$(ready)
echo "$want_lookup" | grep -q '"status":"ok"' || { echo "FAIL: lookup: $want_lookup"; exit 1; }

size=$(stat -c %s "$index")
failed=0
damage() { # NAME, then the damage done to the copy
  local name=$1
  cp "$index" "$work/next.diachi"
  case $name in
  cut-page) truncate -s $(((size / 4096 / 2) * 4096)) "$work/next.diachi" ;;
  cut-seal) truncate -s $((size - 64)) "$work/next.diachi" ;;
  byte) printf '\x5a' | dd of="$work/next.diachi" bs=1 seek=$((size / 3)) conv=notrunc \
    status=none ;;
  garbage) head -c "$size" /dev/zero | tr '\0' 'x' >"$work/next.diachi" ;;
  esac
  mv "$work/next.diachi" "$work/live.diachi"
  local lines
  lines=$(wc -l <"$work/serve.log")
  kill -HUP "$pid"
  sleep 0.5
  kill -0 "$pid" 2>/dev/null || { echo "FAIL $name: the server died"; failed=$((failed + 1)); return; }
  [ "$(ready)" = "$want_ready" ] || { echo "FAIL $name: readyz $(ready)"; failed=$((failed + 1)); }
  [ "$(lookup)" = "$want_lookup" ] || { echo "FAIL $name: lookup $(lookup)"; failed=$((failed + 1)); }
  local said
  said=$(tail -n +$((lines + 1)) "$work/serve.log" | tr '\n' ' ')
  echo "$said" | grep -qE 'seal|damaged|not a diachi index|not an LMDB' ||
    { echo "FAIL $name: log says: $said"; failed=$((failed + 1)); }
  echo "$name: still serving the old index; log: $said"
}
for name in cut-page cut-seal byte garbage; do damage "$name"; done
echo "reload of damaged files: 4 cases, $failed failures"
[ "$failed" -eq 0 ]
