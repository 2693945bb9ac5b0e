#!/usr/bin/env bash
# An import onto a full disk: a real ENOSPC on a small tmpfs (not a
# ulimit, which fails differently from a full disk under a shared map).
# The import must exit 3 naming the space it needed, leave no temporary
# file, and leave the index it was replacing as it was. Before the build
# reserved its map (index_build.c, reserve_map), it died of SIGBUS with no
# message and left its temporary file behind.
#   full_disk.sh BIN_DIR EDGE_DIR SAMPLE_DIR WORK_DIR
# Needs root to mount the tmpfs: exits 77 (skipped) otherwise.
set -uo pipefail
bin=$1 edge=$2 sample=$3 work=$4
rm -rf "$work" && mkdir -p "$work/disk"
"$bin/diachi-import" --zones "$edge/shared-door/zones.shp" \
  --households "$edge/shared-door/households.shp" -o "$work/old.diachi" --quiet || exit 1
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=1m diachi-full "$work/disk" 2>/dev/null; then
  echo "SKIP: mounting a tmpfs needs root"
  exit 77
fi
trap 'umount "$work/disk"' EXIT
cp "$work/old.diachi" "$work/disk/index.diachi"
"$bin/diachi-import" --zones "$sample/zones.shp" --households "$sample/households.shp" \
  -o "$work/disk/index.diachi" --quiet 2>"$work/err"
status=$?
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
[ "$status" -eq 3 ] || fail "exit $status, want 3"
grep -q "cannot reserve .* MiB for building .*index.diachi.tmp.*No space left on device" \
  "$work/err" || fail "message: $(cat "$work/err")"
left=$(ls "$work/disk")
[ "$left" = "index.diachi" ] || fail "left in the directory: $left"
cmp -s "$work/old.diachi" "$work/disk/index.diachi" || fail "the old index changed"
"$bin/diachi" check "$work/disk/index.diachi" >/dev/null || fail "the old index fails check"
echo "full disk: exit $status, $(cat "$work/err")"
echo "full disk: $failed failures"
[ "$failed" -eq 0 ]
