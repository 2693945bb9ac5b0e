#!/usr/bin/env bash
# The same maps imported twice with SOURCE_DATE_EPOCH give the same bytes,
# and the index states that time as its build time; a value that is not a
# count of seconds is refused (exit 3, the variable named, nothing written).
#   import_reproducible.sh BIN_DIR SAMPLE_DIR WORK_DIR
set -uo pipefail
bin=$1 sample=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
import() { # OUTPUT
  "$bin/diachi-import" --zones "$sample/zones.shp" --households "$sample/households.shp" \
    -o "$1" --quiet 2> err
}
SOURCE_DATE_EPOCH=1796538000 import a.diachi || fail "first import: $(cat err)"
sleep 1.1
SOURCE_DATE_EPOCH=1796538000 import b.diachi || fail "second import: $(cat err)"
cmp a.diachi b.diachi || fail "two imports with one SOURCE_DATE_EPOCH differ"
built=$("$bin/diachi" info a.diachi | sed -n 's/^built *//p')
[ "$built" = 2026-12-06T06:20:00Z ] || fail "built: '$built', want 2026-12-06T06:20:00Z"

SOURCE_DATE_EPOCH=1796538000x import c.diachi
rc=$?
[ "$rc" = 3 ] || fail "SOURCE_DATE_EPOCH=1796538000x: exit $rc, want 3"
grep -q "SOURCE_DATE_EPOCH='1796538000x' is not a count of seconds" err || fail "message: $(cat err)"
[ ! -e c.diachi ] || fail "an index was written with a bad SOURCE_DATE_EPOCH"
echo "import_reproducible: $failed failures"
[ "$failed" = 0 ]
