#!/usr/bin/env bash
# Which source files of one part depend on which, from the built objects:
# file A depends on file B when A's object uses a symbol B's object defines
# (nm; an include of B's header that uses none, only its types, macros or
# inline functions, is not seen). Prints each part's pairs, and
# any pair that goes both ways (exit 1): a part's files must call each
# other one way only. Test and generator programs are left out.
#   scripts/deps.sh        (needs a build in build/ or $DIACHI_BUILD)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${DIACHI_BUILD:-build}
[ -d "$build" ] || { echo "deps: $build missing: build first" >&2; exit 2; }

# One line "PART FILE DEFINED|USED SYMBOL" per symbol of every object.
symbols() {
  local o part file src
  find "$build"/{index,importer,geocoder,plates} -path '*/CMakeFiles/*' -name '*.c.o' \
    -not -path '*/compare/*' | sort | while read -r o; do
    file=${o##*/}; file=${file%.o}
    # an object left in the build by a source since removed or moved
    src=${o#"$build"/}; src=${src/CMakeFiles\/*.dir\//}; src=${src%.o}
    [ -f "$src" ] || continue
    case $o in
      */index/*) part=index ;;
      */importer/*) part=importer ;;
      */plates/*) part=plates ;;
      */geocoder/CMakeFiles/diachi.dir/*) part=geocoder-cli ;;
      *) part=geocoder ;;
    esac
    nm "$o" | awk -v p="$part" -v f="$file" '
      $1 == "U" { print p, f, "U", $2; next }
      NF == 3 && $2 ~ /^[TDBR]$/ { print p, f, "D", $3 }'
  done | sort -u
}

symbols | awk '
  $3 == "D" { def[$1 SUBSEP $4] = $2 }
  $3 == "U" { use[++n] = $1 SUBSEP $2 SUBSEP $4 }
  END {
    for (i = 1; i <= n; i++) {
      split(use[i], u, SUBSEP)
      k = u[1] SUBSEP u[3]
      if (!(k in def) || def[k] == u[2]) continue
      pair[u[1] SUBSEP u[2] SUBSEP def[k]] = 1
    }
    bad = 0
    for (p in pair) {
      split(p, a, SUBSEP)
      printf "%s: %s -> %s\n", a[1], a[2], a[3]
      if ((a[1] SUBSEP a[3] SUBSEP a[2]) in pair && a[2] < a[3]) {
        printf "TWO-WAY %s: %s <-> %s\n", a[1], a[2], a[3] > "/dev/stderr"; bad++
      }
    }
    printf "deps: %d pairs, %d two-way\n", length(pair), bad > "/dev/stderr"
    exit bad > 0
  }' | sort
