#!/usr/bin/env bash
# The README's tour ("The source, folder by folder") names every source
# file of the programs and libraries and every script, so a newcomer finds
# where a behaviour lives; a file added without a line there fails here.
#   readme_tour.sh SOURCE_DIR
set -uo pipefail
cd "$1" || exit 2
tour=$(sed -n '/^## The source, folder by folder/,/^## /p' README.md)
[ -n "$tour" ] || { echo "README.md has no 'The source, folder by folder' section"; exit 1; }
missing=0 checked=0
while read -r path; do
  checked=$((checked + 1))
  name=${path##*/}
  if ! grep -qF "\`$name\`" <<< "$tour" && ! grep -qF "/$name\`" <<< "$tour"; then
    echo "not in the README's tour: $path"
    missing=$((missing + 1))
  fi
done < <(find index importer geocoder plates sample-data scripts -type f \
           \( -name '*.c' -o -name '*.sh' \) | sort)
echo "readme_tour: $checked files, $missing not named"
[ "$missing" = 0 ]
