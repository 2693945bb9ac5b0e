#!/usr/bin/env bash
# An --encoding that contradicts a layer's .cpg, or that decodes its text
# to invalid characters, is one warning row naming the layer and both
# encodings (the import goes on, read as told, unless --strict).
#   import_encoding.sh BIN_DIR EDGE_DIR WORK_DIR
set -uo pipefail
bin=$1 edge=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failed=0
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

run() { # NAME EXPECTED_EXIT ENCODING ZONES [ARGS...]
  local name=$1 want=$2 enc=$3 zones=$4; shift 4
  "$bin/diachi-import" --zones "$zones" --encoding "$enc" -o "$name.diachi" --allow-shrink \
    --report "$name.csv" --quiet "$@" 2>"$name.err"
  local got=$?
  [ "$got" = "$want" ] || fail "$name: exit $got, want $want: $(cat "$name.err")"
  current=$name
}
expect_report() {
  local got
  got=$(tail -n +2 "$current.csv" | tr -d '\r')
  [ "$got" = "$1" ] || { fail "$current: report differs"; diff <(echo "$1") <(echo "$got"); }
}

# zones-cp1258 has a .cpg of "1258"; a copy without it.
cp "$edge"/encoding/zones-cp1258.* . || exit 1
for ext in shp shx dbf prj; do cp "zones-cp1258.$ext" "no-cpg.$ext"; done
row="warning,zones-cp1258.shp,zones-cp1258,,encoding_mismatch"

run agrees 0 CP1258 zones-cp1258.shp
expect_report ""
run utf8 0 UTF-8 zones-cp1258.shp
expect_report "$row,\"--encoding UTF-8 contradicts the .cpg of layer 'zones-cp1258', which names 1258; read as UTF-8; 44 strings of its first 1000 features are invalid text in UTF-8 (the first in feature 0)\""
run tcvn3 0 TCVN3 zones-cp1258.shp
expect_report "$row,\"--encoding TCVN3 contradicts the .cpg of layer 'zones-cp1258', which names 1258; read as TCVN3\""
run no-cpg 0 UTF-8 no-cpg.shp
expect_report "warning,no-cpg.shp,no-cpg,,encoding_mismatch,\"--encoding UTF-8, read for layer 'no-cpg' (its .cpg: none); 44 strings of its first 1000 features are invalid text in UTF-8 (the first in feature 0)\""
run no-cpg-right 0 CP1258 no-cpg.shp
expect_report ""
run strict 3 UTF-8 zones-cp1258.shp --strict
[ -e strict.diachi ] && fail "strict: index written"

echo "import encoding: $failed failed"
[ "$failed" -eq 0 ]
