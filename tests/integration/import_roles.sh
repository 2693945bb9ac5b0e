#!/usr/bin/env bash
# Every field role that `diachi-import --help` lists is accepted, mapped to
# its default field, and the README lists the same roles. The roles are
# read from the help text, never from a second list kept here.
#   import_roles.sh BIN_DIR EDGE_DIR README WORK_DIR
set -uo pipefail
bin=$1 edge=$2 readme=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
failed=0
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

help=$("$bin/diachi-import" --help) || fail "--help exits non-zero"
# The ROLE=FIELD pairs of one option's block of the help (up to the next option).
pairs() {
  echo "$help" | awk -v opt="  $1 " 'index($0, opt) == 1 {on = 1; print; next}
    on && /^  -/ {on = 0} on {print}' | grep -oE '\b[a-z_]+=[A-Z_]+\b'
}
zone_pairs=$(pairs --zone-field)
household_pairs=$(pairs --household-field)
[ "$(echo "$zone_pairs" | wc -w)" -ge 6 ] || fail "help lists zone roles: '$zone_pairs'"
[ "$(echo "$household_pairs" | wc -w)" -ge 5 ] ||
  fail "help lists household roles: '$household_pairs'"

# The README's "(roles `...`)" lists: zones first, then households.
readme_roles=$(grep -oE 'roles `[^`]*`' "$readme" | sed 's/roles `//; s/`$//')
want=$(printf '%s\n%s' "$(echo $zone_pairs | sed -E 's/=[A-Z_]+//g')" \
  "$(echo $household_pairs | sed -E 's/=[A-Z_]+//g')")
[ "$readme_roles" = "$want" ] || fail "README roles differ from --help:
$readme_roles
--- help:
$want"

# Households with every field a role reads by default (CODE included).
ogr2ogr -lco ENCODING=UTF-8 -dialect SQLite \
  -sql "SELECT *, '32101 92MC+3FP' AS CODE FROM households" \
  "$work/households.shp" "$edge/shared-door/households.shp" || fail "ogr2ogr"
import() {
  "$bin/diachi-import" --zones "$edge/shared-door/zones.shp" \
    --households "$work/households.shp" -o "$work/roles.diachi" --quiet "$@" \
    2>"$work/err"
}
for p in $zone_pairs; do
  import --zone-field "$p" || fail "--zone-field $p refused: $(cat "$work/err")"
done
for p in $household_pairs; do
  import --household-field "$p" || fail "--household-field $p refused: $(cat "$work/err")"
done

# A role the help does not list is refused, naming the roles there are.
import --zone-field commune=COMMUNE
got=$?
[ "$got" = 3 ] || fail "unknown role: exit $got, want 3"
grep -qF "unknown zone role 'commune' in 'commune=COMMUNE'; roles: postcode name kind commune_code district province" \
  "$work/err" || fail "unknown role message: $(cat "$work/err")"

echo "import roles: $(echo $zone_pairs $household_pairs | wc -w) roles checked, $failed failed"
[ "$failed" -eq 0 ]
