#!/usr/bin/env bash
# diachi batch as a clerk runs it: files and stdin, the exit codes, the
# output file that appears complete or not at all (a failed, interrupted
# or killed run leaves no OUTPUT), and a pipe closed early (| head).
#   batch_cli.sh DIACHI INDEX WORKDIR
set -uo pipefail
diachi=$1 index=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
export DIACHI_INDEX=$index
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_exit() { # WANT GOT WHAT
  [ "$1" = "$2" ] || fail "$3: exit $2, want $1"
}

k=32105927CJ93
ok_c='ok,32105 927C+J93,7PH5927C+J93,21.3640201,103.0209141,32105,phường Nam Thanh,"số 1138, 7/5, Tổ dân phố 7, phường Nam Thanh, Thành phố Điện Biên Phủ, Điện Biên",,1'
hdr_c='status,code,plus_code,lat,lon,postcode,zone_name,address,suggestion,households_at_door'

# 1. A file in, a file out; exit 0 when every row is ok; the summary.
printf 'Họ tên,Mã địa chỉ\r\nAn,%s\r\n' "$k" > one.csv
"$diachi" batch one.csv -o out.csv 2> err.txt
expect_exit 0 $? "all ok"
printf 'Họ tên,Mã địa chỉ,%s\r\nAn,%s,%s\r\n' "$hdr_c" "$k" "$ok_c" > want.csv
cmp -s out.csv want.csv || fail "one.csv: output differs: $(cat -A out.csv | head -3)"
grep -q '^diachi batch: 1 rows in .*: 1 ok$' err.txt || fail "summary: $(cat err.txt)"
ls out.csv.tmp.* > /dev/null 2>&1 && fail "a temporary file is left"

# 2. stdin to stdout, some rows not ok: exit 1, output complete; --quiet.
printf 'code\n%s\nxin chào\n\n' "$k" | "$diachi" batch - --quiet > out2.csv 2> err2.txt
expect_exit 1 $? "some rows not ok"
[ "$(wc -l < out2.csv)" = 4 ] && grep -q '^xin chào,malformed,' out2.csv \
  || fail "stdin: $(cat out2.csv)"
[ -s err2.txt ] && fail "--quiet wrote: $(cat err2.txt)"

# 3. No code column: exit 2, the columns seen named, no output file.
printf 'Họ tên;SĐT\nAn;0912\n' > nocol.csv
"$diachi" batch nocol.csv -o nocol.out 2> err3.txt
expect_exit 2 $? "no code column"
grep -q '"Họ tên", "SĐT"' err3.txt || fail "no column message: $(cat err3.txt)"
grep -q -- '--code-column' err3.txt || fail "no hint: $(cat err3.txt)"
[ -e nocol.out ] && fail "no code column: an output file was written"

# 4. An unterminated quote: exit 3 with the line, no output file, and an
# existing OUTPUT left as it was.
{ printf 'code,note\n'; for i in $(seq 1 5000); do printf '%s,x\n' "$k"; done
  printf '%s,"never closed\n%s,y\n' "$k" "$k"; } > broken.csv
echo previous > broken.out
"$diachi" batch broken.csv -o broken.out 2> err4.txt
expect_exit 3 $? "unterminated quote"
grep -q 'line 5002: a quoted field opens here and is never closed' err4.txt \
  || fail "unterminated quote message: $(cat err4.txt)"
[ "$(cat broken.out)" = previous ] || fail "unterminated quote: OUTPUT was replaced"
ls broken.out.tmp.* > /dev/null 2>&1 && fail "unterminated quote: a temporary file is left"

# 5. Usage and missing files.
"$diachi" batch 2> /dev/null; expect_exit 2 $? "no INPUT"
"$diachi" batch one.csv --threads 0 2> /dev/null; expect_exit 2 $? "--threads 0"
"$diachi" batch one.csv --lat-column a 2> /dev/null; expect_exit 2 $? "--lat-column alone"
"$diachi" batch missing.csv 2> /dev/null; expect_exit 2 $? "missing INPUT"
"$diachi" batch one.csv --index nowhere.diachi 2> /dev/null; expect_exit 3 $? "no index"
: > empty.csv
"$diachi" batch empty.csv -o empty.out 2> err5.txt; expect_exit 3 $? "empty INPUT"
grep -q 'empty' err5.txt && [ ! -e empty.out ] || fail "empty input: $(cat err5.txt)"

# A big input for the runs below: 200,000 rows.
awk -v k="$k" 'BEGIN { print "stt,code"; for (i = 1; i <= 200000; i++) print i "," k }' \
  > big.csv

# 6. A pipe closed early: exit 0, nothing on stderr.
"$diachi" batch big.csv --threads 2 2> err6.txt | head -n 3 > head.txt
codes=("${PIPESTATUS[@]}")
expect_exit 0 "${codes[0]}" "closed pipe"
[ -s err6.txt ] && fail "closed pipe wrote: $(cat err6.txt)"
[ "$(wc -l < head.txt)" = 3 ] || fail "head: $(cat head.txt)"

# 7. SIGTERM and SIGINT in the middle of a run (input from a FIFO kept
# open, so the run is still going): no OUTPUT, no temporary file.
for sig in TERM INT KILL; do
  rm -f fifo && mkfifo fifo
  "$diachi" batch fifo -o killed.csv --quiet &
  pid=$!
  exec 3> fifo
  head -n 1000 big.csv >&3
  for _ in $(seq 1 100); do [ -e "killed.csv.tmp.$pid" ] && break; sleep 0.05; done
  [ -e "killed.csv.tmp.$pid" ] || fail "SIG$sig: no temporary file while running"
  kill -s "$sig" "$pid"
  wait "$pid" 2> /dev/null
  code=$?
  exec 3>&-
  [ -e killed.csv ] && fail "SIG$sig: OUTPUT exists"
  if [ "$sig" = KILL ]; then
    # SIGKILL cannot be caught: the next run removes what it left.
    "$diachi" batch one.csv -o killed.csv --quiet
    ls killed.csv.tmp.* > /dev/null 2>&1 && fail "a killed run's temporary file stays"
    rm -f killed.csv
  else
    ls killed.csv.tmp.* > /dev/null 2>&1 && fail "SIG$sig: a temporary file is left"
    [ "$code" -gt 128 ] || fail "SIG$sig: exit $code"
  fi
done

# 8. The same rows with 1 and 2 threads, in order.
"$diachi" batch big.csv -o t1.csv --threads 1 --quiet
"$diachi" batch big.csv -o t2.csv --threads 2 --quiet
cmp -s t1.csv t2.csv || fail "1 and 2 threads differ"
[ "$(wc -l < t2.csv)" = 200001 ] && [ "$(tail -n 1 t2.csv | cut -d, -f1)" = 200000 ] \
  || fail "200,000 rows: $(wc -l < t2.csv) lines"

# 9. The disk fills up (a file size limit of 1 MB stands in for it): exit
# 3 naming the failed write, no OUTPUT, no temporary file, an older OUTPUT
# left as it was.
printf 'older\n' > full.csv
(ulimit -f 1000 && trap '' XFSZ && exec "$diachi" batch big.csv -o full.csv --quiet) \
  2> err9.txt
expect_exit 3 $? "file size limit"
grep -q 'cannot write the output: File too large' err9.txt || fail "full: $(cat err9.txt)"
[ "$(cat full.csv)" = older ] || fail "full: the older OUTPUT changed"
ls full.csv.tmp.* > /dev/null 2>&1 && fail "full: a temporary file is left"

# 10. OUTPUT is written with O_DIRECT where the filesystem allows it (a
# writer thread, 4 MiB buffers, the last partial block through the page
# cache) and through the page cache where it does not (tmpfs): the same
# bytes as on stdout either way.
"$diachi" batch big.csv --quiet > stdout.csv
cmp -s stdout.csv t2.csv || fail "OUTPUT differs from stdout's"
[ $(($(stat -c %s t2.csv) % 4096)) != 0 ] || fail "OUTPUT ends on a block: no partial block"
if [ "$(stat -f -c %T /dev/shm 2> /dev/null)" = tmpfs ]; then
  shm=$(mktemp -d /dev/shm/diachi-batch.XXXXXX)
  "$diachi" batch big.csv -o "$shm/out.csv" --quiet
  cmp -s "$shm/out.csv" t2.csv || fail "OUTPUT on tmpfs differs"
  rm -rf "$shm"
fi

# 11. A CP1258 list from old Excel, its code column by number, a BOM out:
# UTF-8 out, exit 0. A byte CP1258 leaves undefined: exit 3 with its line
# and byte. An unknown encoding, a column 0: usage.
printf 'Ho\xF2 t\xEAn;M\xE3 s\xF4\r\nAn;%s\r\n' "$k" > cp1258.csv
"$diachi" batch cp1258.csv --encoding CP1258 --code-column 2 --bom -o cp.out 2> /dev/null
expect_exit 0 $? "CP1258"
ok_s='ok;32105 927C+J93;7PH5927C+J93;21.3640201;103.0209141;32105;phường Nam Thanh;số 1138, 7/5, Tổ dân phố 7, phường Nam Thanh, Thành phố Điện Biên Phủ, Điện Biên;;1'
printf '\xEF\xBB\xBFHọ tên;Mă sô;%s\r\nAn;%s;%s\r\n' "${hdr_c//,/;}" "$k" "$ok_s" \
  > want-cp.csv
cmp -s cp.out want-cp.csv || fail "CP1258: $(cat -A cp.out | head -3)"
printf 'code,t\n%s,\x81\n' "$k" > bad1258.csv
"$diachi" batch bad1258.csv --encoding cp1258 -o bad.out 2> err11.txt
expect_exit 3 $? "a byte not in CP1258"
grep -q 'line 2, byte 14: byte 0x81 is not CP1258 text' err11.txt \
  || fail "CP1258 hole: $(cat err11.txt)"
[ -e bad.out ] && fail "a byte not in CP1258: an output file was written"
"$diachi" batch one.csv --encoding KOI8-R 2> /dev/null; expect_exit 2 $? "--encoding KOI8-R"
"$diachi" batch one.csv --code-column 0 2> /dev/null; expect_exit 2 $? "--code-column 0"

# 12. --help lists every column name the matcher knows, and each name it
# lists for a code is taken as the code column.
"$diachi" batch --help > help.txt
grep -q '^  a code: code, Mã địa chỉ, Mã ĐC, vpostcode, address_code$' help.txt \
  || fail "help: $(grep -A4 'Column names' help.txt)"
grep -q '^  a postcode, never read as a code: Mã bưu chính,' help.txt || fail "help: postcode"
sed -n 's/^  a code: //p' help.txt | tr ',' '\n' | sed 's/^ //' | while read -r name; do
  printf 'x,%s\n1,%s\n' "$name" "$k" | "$diachi" batch - -q --code-column "$name" \
    | grep -q ",ok," || echo "FAIL: help's code name $name is not taken" >&2
  printf 'x,%s\n1,%s\n' "$name" "$k" | "$diachi" batch - -q | grep -q "^x,$name,status," \
    || echo "FAIL: help's code name $name is not matched" >&2
done 2> err12.txt
[ -s err12.txt ] && fail "$(cat err12.txt)"

# 13. --address-column, by name and by number: the door of an address typed
# without tones, a street, a blank address (exit 1); --near; its usage errors.
printf 'STT;Họ tên;Địa chỉ\n1;An;21/3 vo nguyen giap thanh truong\n2;Bình;Võ Nguyên Giáp, phường Thanh Trường\n3;Cường;\n' > addr.csv
{ printf 'STT;Họ tên;Địa chỉ;status;code;plus_code;lat;lon;postcode;zone_name;address;match;score;error\n'
  printf '1;An;21/3 vo nguyen giap thanh truong;ok;32107 CX5Q+4HW;7PH4CX5Q+4HW;21.4078674;102.9889640;32107;phường Thanh Trường;số 21/3, Ngõ 21 Võ Nguyên Giáp, Tổ dân phố 2, phường Thanh Trường, Thành phố Điện Biên Phủ, Điện Biên;household;1.000;\n'
  printf '2;Bình;Võ Nguyên Giáp, phường Thanh Trường;ok;;;21.4053162;102.9951563;32107;phường Thanh Trường;Võ Nguyên Giáp, phường Thanh Trường, Thành phố Điện Biên Phủ, Điện Biên;street;1.000;\n'
  printf '3;Cường;;empty;;;;;;;;;;\n'; } > addr.want
"$diachi" batch addr.csv --address-column 'dia chi' -o addr.out 2> err13.txt
expect_exit 1 $? "address column"
cmp -s addr.out addr.want || fail "address column: $(diff addr.out addr.want)"
grep -q '^diachi batch: 3 rows in .*address mode): 2 ok, 1 empty$' err13.txt \
  || fail "address summary: $(cat err13.txt)"
"$diachi" batch addr.csv --address-column 3 -q -o addr3.out
expect_exit 1 $? "--address-column 3"
cmp -s addr3.out addr.want || fail "--address-column 3: $(diff addr3.out addr.want)"
"$diachi" batch addr.csv --address-column 3 --near 21.40,102.99 -q -o addr4.out
expect_exit 1 $? "--near"
cmp -s addr4.out addr.want || fail "--near: $(diff addr4.out addr.want)"
"$diachi" batch addr.csv --address-column 3 --near 95,1 2> /dev/null
expect_exit 2 $? "--near 95,1"
"$diachi" batch addr.csv --near 21.4,103 2> /dev/null; expect_exit 2 $? "--near alone"
"$diachi" batch addr.csv --address-column 3 --radius 10 2> /dev/null
expect_exit 2 $? "--radius with an address"
"$diachi" batch addr.csv --address-column 3 --lat-column 1 --lon-column 2 2> /dev/null
expect_exit 2 $? "--address-column with lat and lon"
"$diachi" batch addr.csv --address-column 'Địa chỉ nhà' -o addr2.out 2> err13b.txt
expect_exit 2 $? "no such address column"
grep -q 'no column named "Địa chỉ nhà"' err13b.txt || fail "no address column: $(cat err13b.txt)"
grep -q -- '--address-column' err13b.txt || fail "no address hint: $(cat err13b.txt)"
[ -e addr2.out ] && fail "no address column: an output file was written"

[ "$failures" = 0 ] && echo "batch cli: ok"
exit $((failures > 0))
