#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each for
# SECONDS (default 60) from its committed corpus (tests/fuzz/corpus/NAME),
# as many targets at once as there are CPUs.
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
      sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
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

root=$PWD/build-fuzz

# Runs one target and writes its summary line to $root/fuzz-work/TARGET.line;
# exits non-zero if it crashed. Its failure report goes to TARGET.fail.
run_target() {
  local target=$1
  local corpus=tests/fuzz/corpus/$target
  local work=$root/fuzz-work/$target
  local crashes=$root/crashes/$target
  local log=$root/fuzz-work/$target.log
  local line=$root/fuzz-work/$target.line
  local fail=$root/fuzz-work/$target.fail
  rm -rf "$work" "$crashes" "$line" "$fail"
  mkdir -p "$work" "$crashes"
  local status=0 merged=
  # New inputs are written to the first folder ($work); the corpus is read.
  TMPDIR=$work/.. "$root/bin/fuzz_$target" -max_total_time="$seconds" -timeout=20 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" \
    "$work" "$corpus" >"$log" 2>&1 || status=$?
  local runs rate found
  runs=$(stat number_of_executed_units "$log")
  rate=$(stat average_exec_per_sec "$log")
  found=$(find "$work" -type f | wc -l)
  if [[ $merge == 1 && $status == 0 ]]; then
    local before
    before=$(find "$corpus" -type f | wc -l)
    "$root/bin/fuzz_$target" -merge=1 "$corpus" "$work" >>"$log" 2>&1 || status=$?
    merged=$(($(find "$corpus" -type f | wc -l) - before))
  fi
  local size artifacts
  size=$(find "$corpus" -type f | wc -l)
  artifacts=$(find "$crashes" -type f | wc -l)
  if [[ $status != 0 && $artifacts == 0 ]]; then
    artifacts=1 # it failed without leaving an input: say so below
  fi
  printf '%-13s runs %10s  execs/s %7s  corpus %5s (+%s new%s)  crashes %s\n' \
    "$target" "${runs:-?}" "${rate:-?}" "$size" "$found" \
    "$([[ $merge == 1 ]] && echo ", ${merged:-0} merged")" "$([[ $status == 0 ]] && echo 0 || echo "$artifacts")" \
    >"$line"
  if [[ $status != 0 ]]; then
    {
      echo "  $target FAILED (exit $status); log: $log"
      grep -E '^(==[0-9]+==ERROR|SUMMARY|.*broken invariant)' "$log" | head -n 5 | sed 's/^/  /' || true
      find "$crashes" -type f | sed 's/^/  crashing input: /'
    } >"$fail"
    return 1
  fi
}

# One target per CPU at a time: each still gets SECONDS of a whole core, and
# the run takes about SECONDS x targets / CPUs. Lines are printed in the
# targets' order once all are done.
mkdir -p "$root/fuzz-work"
jobs_max=$(nproc)
running=0
for target in "${targets[@]}"; do
  if ((running >= jobs_max)); then
    wait -n || true
    running=$((running - 1))
  fi
  run_target "$target" &
  running=$((running + 1))
done
wait || true

failed=0
for target in "${targets[@]}"; do
  cat "$root/fuzz-work/$target.line" 2>/dev/null || echo "$target: no result (the run did not finish)"
  if [[ -s $root/fuzz-work/$target.fail ]]; then
    failed=1
    cat "$root/fuzz-work/$target.fail" >&2
  elif [[ ! -s $root/fuzz-work/$target.line ]]; then
    failed=1
  fi
done
exit $failed
