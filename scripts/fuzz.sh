#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each for
# SECONDS (default 60) from its committed corpus (tests/fuzz/corpus/NAME).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...] [--merge]
#
# TARGET is a corpus folder's name (code_parse, csv_scan, encoding,
# batch_decode, http_form, http_head, index_open, point_parse, bbox_parse,
# text_normalize, query_parse, round_request); none means every one.
# Inputs that libFuzzer finds go to build-fuzz/fuzz-work/TARGET, never into the
# repository, unless --merge is given: then those that add coverage are
# merged into the committed corpus (libFuzzer's -merge=1), to be reviewed
# and committed. Prints per target its runs, execs/s, corpus size and
# crashes; a crash (or leak, timeout, out of memory) fails the run, and the
# input that caused it is left in build-fuzz/crashes/TARGET/, its path
# printed. Nightly: scripts/fuzz.sh 600 --merge (10 minutes per target).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
merge=0
targets=()
for arg in "$@"; do
  case $arg in
    --merge) merge=1 ;;
    -h | --help)
      sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*)
      echo "fuzz.sh: unknown option $arg" >&2
      exit 2
      ;;
    *) targets+=("$arg") ;;
  esac
done
if [[ ${#targets[@]} -eq 0 ]]; then
  for corpus in tests/fuzz/corpus/*/; do
    targets+=("$(basename "$corpus")")
  done
fi
for target in "${targets[@]}"; do
  if [[ ! -d tests/fuzz/corpus/$target ]]; then
    echo "fuzz.sh: no target $target (no tests/fuzz/corpus/$target)" >&2
    exit 2
  fi
done

scripts/install-deps.sh
CC=clang cmake -S . -B build-fuzz -DDC_FUZZ=ON -DDC_WERROR=ON -DDC_BENCH=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" $(printf -- '--target fuzz_%s ' "${targets[@]}") \
  >/dev/null

# The value of libFuzzer's final statistic NAME in LOG.
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

failed=0
root=$PWD/build-fuzz
for target in "${targets[@]}"; do
  corpus=tests/fuzz/corpus/$target
  work=$root/fuzz-work/$target
  crashes=$root/crashes/$target
  log=$root/fuzz-work/$target.log
  rm -rf "$work" "$crashes"
  mkdir -p "$work" "$crashes"
  status=0
  # New inputs are written to the first folder ($work); the corpus is read.
  TMPDIR=$work/.. "$root/bin/fuzz_$target" -max_total_time="$seconds" -timeout=20 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" \
    "$work" "$corpus" >"$log" 2>&1 || status=$?
  runs=$(stat number_of_executed_units "$log")
  rate=$(stat average_exec_per_sec "$log")
  found=$(find "$work" -type f | wc -l)
  if [[ $merge == 1 && $status == 0 ]]; then
    before=$(find "$corpus" -type f | wc -l)
    "$root/bin/fuzz_$target" -merge=1 "$corpus" "$work" >>"$log" 2>&1 || status=$?
    merged=$(($(find "$corpus" -type f | wc -l) - before))
  fi
  size=$(find "$corpus" -type f | wc -l)
  artifacts=$(find "$crashes" -type f | wc -l)
  if [[ $status != 0 && $artifacts == 0 ]]; then
    artifacts=1 # it failed without leaving an input: say so below
  fi
  printf '%-13s runs %10s  execs/s %7s  corpus %5s (+%s new%s)  crashes %s\n' \
    "$target" "${runs:-?}" "${rate:-?}" "$size" "$found" \
    "$([[ $merge == 1 ]] && echo ", ${merged:-0} merged")" "$([[ $status == 0 ]] && echo 0 || echo "$artifacts")"
  if [[ $status != 0 ]]; then
    failed=1
    echo "  $target FAILED (exit $status); log: $log" >&2
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*broken invariant)' "$log" | head -n 5 | sed 's/^/  /' >&2 || true
    find "$crashes" -type f | sed 's/^/  crashing input: /' >&2
  fi
done
exit $failed
