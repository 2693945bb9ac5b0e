# Sourced by the benchmark scripts: measure COMMAND... runs the command and
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
