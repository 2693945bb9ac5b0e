#!/bin/sh
# diachi search on the sample with its 2025 edition: an address of before the
# reform (ward Him Lam, city Điện Biên Phủ, both retired) finds its door in
# today's ward Điện Biên Phủ, says former, and shows the address both ways;
# the same door asked for by its 2025 address is not former.
#
# usage: cli_search_former.sh DIACHI INDEX
diachi=$1 index=$2
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$("$diachi" search --index "$index" --json --limit 1 \
  "1 7/5, P. Him Lam, TP. Điện Biên Phủ") || fail "search exit $?"
for want in '"match":"household"' '"id":"DBP-003025"' '"postcode":"32150"' \
  '"former":true' '"former_zone":{"postcode":"32102","name":"Him Lam"' \
  '"valid_until":"2025-06-30"}' \
  '"former_display_name":"số 1, 7/5, Tổ dân phố 1, phường Him Lam, Thành phố Điện Biên Phủ, Điện Biên, Việt Nam"' \
  '"former_district":"Thành phố Điện Biên Phủ"'; do
  case $out in *"$want"*) ;; *) fail "no $want in $out" ;; esac
done

out=$("$diachi" search --index "$index" --limit 1 "1 7/5, P. Him Lam, TP. Điện Biên Phủ")
case $out in
*"former: số 1, 7/5, Tổ dân phố 1, phường Him Lam, Thành phố Điện Biên Phủ, Điện Biên (32102, until 2025-06-30)"*) ;;
*) fail "no former line in: $out" ;;
esac

out=$("$diachi" search --index "$index" --json --limit 1 "1 7/5, P. Điện Biên Phủ")
case $out in *'"id":"DBP-003025"'*) ;; *) fail "today's address: $out" ;; esac
case $out in *'"former"'*) fail "today's address answered as former: $out" ;; esac

# autocomplete completes today's names only
out=$("$diachi" search --index "$index" --complete "him l")
case $out in *"Him Lam	zone"*) fail "completed a former name: $out" ;; esac
case $out in *"Bản Him Lam 1	group"*) ;; *) fail "no current group in: $out" ;; esac
echo "ok"
