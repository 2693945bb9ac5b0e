# Sourced by the benchmark scripts: their shared preamble and measurement.
#
# Sourcing it sets build (build/ or $DIACHI_BUILD), bin ($build/bin) and
# work ($BENCH_DIR or $build/bench, created), and defines:
#
# need_bins NAME... stops with exit 2 and the build command when a program
# of $bin is missing; need_cmds NAME... the same for commands on PATH.
#
# national_index N prints the path of the N-household national index in
# $work, generating the map (seed 1) and importing it first when missing.
#
# measure COMMAND... runs the command and
# sets MEASURE_SECS (wall time), MEASURE_ANON_KB (peak anonymous memory,
# sampled every 50 ms) and MEASURE_RSS_KB (peak resident memory, which
# also counts the pages of files the command maps, such as an index);
# returns the command's exit status.
#
# The sampling uses only shell builtins: on a 2-core machine, a ps or awk
# forked ten times a second takes enough of a core to move the figures.
measure() {
  local start=$EPOCHREALTIME key value _ state tick rc=0
  MEASURE_ANON_KB=0 MEASURE_RSS_KB=0
  exec {tick}<> <(:)
  "$@" &
  local pid=$!
  while :; do
    state=
    while read -r key value _; do
      case $key in
        State:) state=$value ;;
        RssAnon:) ((value > MEASURE_ANON_KB)) && MEASURE_ANON_KB=$value ;;
        VmHWM:) ((value > MEASURE_RSS_KB)) && MEASURE_RSS_KB=$value ;;
      esac
    done 2>/dev/null < "/proc/$pid/status" || break
    [ "$state" = Z ] && break
    read -r -t 0.05 -u "$tick" _ || :
  done
  wait "$pid" || rc=$?
  exec {tick}<&-
  MEASURE_SECS=$(printf '%s %s' "$start" "$EPOCHREALTIME" | awk '{ printf "%.3f", $2 - $1 }')
  return "$rc"
}

build=${DIACHI_BUILD:-build}
bin=$build/bin
work=${BENCH_DIR:-$build/bench}
mkdir -p "$work"

need_bins() {
  local b
  for b in "$@"; do
    [ -x "$bin/$b" ] || { echo "${0##*/}: $bin/$b missing: cmake -B $build -DDC_BENCH=ON && cmake --build $build" >&2; exit 2; }
  done
}

need_cmds() {
  local c
  for c in "$@"; do
    command -v "$c" > /dev/null || { echo "${0##*/}: $c missing: scripts/install-deps.sh" >&2; exit 2; }
  done
}

national_index() {
  local n=$1 map="$work/national-$1" index="$work/national-$1.diachi"
  if [ ! -e "$index" ]; then
    [ -d "$map" ] || "$bin/diachi-gen-national" --out "$map" --households "$n" --seed 1 > /dev/null
    "$bin/diachi-import" --zones "$map" --households "$map" -o "$index" --quiet \
      --report "$work/report-$n.csv" > /dev/null
  fi
  printf '%s\n' "$index"
}
