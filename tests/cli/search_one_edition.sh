#!/bin/sh
# The answers of an index of one edition are what format 8 gave: the former
# names (format 9) exist only with earlier editions, so on the sample index
# each of the queries of tests/data/search-queries-sample.txt (342: households
# written out in full, without tones and abbreviated, every zone's name)
# answers `diachi search --json` byte for byte as before. The digest below is
# of the output of the format-8 diachi (commit 78f4397) on the same queries:
# a deliberate change of the search's answers records its new digest here.
#
# usage: search_one_edition.sh DIACHI INDEX QUERIES
diachi=$1 index=$2 queries=$3
want=0ce489a8942d0ade4ce13b63b98095fe16a1a5062c360e61a57386eb89b5d0f5
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
n=0
while IFS= read -r q; do
  "$diachi" search "$q" --index "$index" --json --limit 10 >>"$out" 2>&1
  echo "rc=$?" >>"$out"
  n=$((n + 1))
done <"$queries"
got=$(sha256sum "$out" | cut -d' ' -f1)
echo "$n queries, $(wc -c <"$out") bytes of answers, sha256 $got"
if [ "$got" != "$want" ]; then
  echo "FAIL: the answers differ from format 8's (sha256 $want)" >&2
  exit 1
fi
