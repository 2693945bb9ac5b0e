#!/usr/bin/env bash
# Roll a new index out to diachi's replicas, one at a time, without dropping
# a request (docs/OPERATIONS.md, "Updating the index").
#
#   scripts/rollout.sh [--diachi PATH] [--timeout SECONDS] NEW_INDEX REPLICAS_FILE
#
# REPLICAS_FILE names one replica a line: its URL, the index path it serves
# and the command that makes it reload (blank lines and # comments skipped):
#
#   http://127.0.0.1:8081  /var/lib/diachi/index.diachi  systemctl reload diachi@1
#   http://127.0.0.1:8082  /var/lib/diachi/index.diachi  systemctl reload diachi@2
#
# 1. `diachi check NEW_INDEX`: a file that fails it is never rolled out.
# 2. For each replica in turn: unless its path already holds the new file,
#    copy it to a temporary name in the same directory, sync it, see that
#    the copy opens with the new fingerprint, keep the file it replaces as
#    .NAME.previous (a hard link: no copy; roll it out to go back), and
#    rename the copy over the path (atomic: the replica, and one that
#    restarts meanwhile, finds either the old file or the new, never a
#    part); then run its reload command and wait until its /readyz reports
#    the new fingerprint before the next. If the replica does not take it,
#    the file placed for it is put back as it was.
#
# A replica that already serves the new fingerprint, from a path that holds
# a file this diachi opens with it, is skipped, so running the same command
# again after an interruption completes the rollout; the replicas not
# reached keep serving the old index meanwhile. The fingerprint is of the
# content, so an index rebuilt in a new format keeps it: a replica still
# serving the old format's file (or one damaged on disk since it was
# loaded) gets the file again. Replicas on one
# host share one path (one copy in the page cache): the file is placed once.
#
# Exit status: 0 every replica serves the new index; 1 a replica did not
# take it (not ready, its reload refused the file, or --timeout passed: the
# rollout stops there, later replicas untouched); 2 usage; 3 NEW_INDEX fails
# the check.
set -euo pipefail

diachi=${DIACHI:-}
timeout=60
while [ $# -gt 0 ]; do
  case $1 in
    --diachi) diachi=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "rollout: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -ne 2 ]; then
  echo "usage: rollout.sh [--diachi PATH] [--timeout SECONDS] NEW_INDEX REPLICAS_FILE" >&2
  exit 2
fi
new=$1 replicas=$2
if [ -z "$diachi" ]; then
  diachi=$(command -v diachi || true)
  [ -n "$diachi" ] || diachi="$(dirname "$0")/../build/bin/diachi"
fi
[ -x "$diachi" ] || { echo "rollout: no diachi binary at $diachi (--diachi PATH)" >&2; exit 2; }
[ -r "$replicas" ] || { echo "rollout: cannot read $replicas" >&2; exit 2; }
case $timeout in ''|*[!0-9]*) echo "rollout: --timeout takes whole seconds" >&2; exit 2 ;; esac

say() { printf 'rollout: %s\n' "$*" >&2; }

# The fingerprint of an index file (its seal verified on the way), or nothing.
file_fingerprint() {
  "$diachi" info "$1" 2>/dev/null | awk '$1 == "fingerprint" { print $2 }'
}

# The fingerprint a replica's /readyz reports, or nothing when it is not ready.
served_fingerprint() {
  curl -fsS --max-time 2 "$1/readyz" 2>/dev/null |
    sed -n 's/.*"fingerprint": *"\([0-9a-f]*\)".*/\1/p'
}

# Reloads the replica has failed or refused so far (its /metrics).
reloads_refused() {
  curl -fsS --max-time 2 "$1/metrics" 2>/dev/null |
    awk '/^diachi_index_reloads_total\{result="(failed|refused_shrink)"\}/ { n += $2 }
         END { print n + 0 }'
}

# 1. The check. ------------------------------------------------------------
say "checking $new"
if ! "$diachi" check "$new" >&2; then
  say "$new fails diachi check: not rolled out"
  exit 3
fi
fp=$(file_fingerprint "$new")
[ -n "$fp" ] || { say "$new has no fingerprint: not rolled out"; exit 3; }
say "new index ${fp:0:16}"

# One rollout at a time over the same replicas.
exec 9<"$replicas"
if ! flock -n 9; then
  say "another rollout over $replicas is running"
  exit 1
fi

tmp='' placed=''
trap '[ -z "$tmp" ] || rm -f "$tmp"' EXIT

# 2. Place the file beside the replica's index, atomically. -----------------
place() {
  local path=$1 dir base
  placed=
  if [ "$(file_fingerprint "$path")" = "$fp" ]; then return 0; fi
  dir=$(dirname "$path") base=$(basename "$path")
  tmp="$dir/.$base.rollout-$$"
  cp "$new" "$tmp"
  sync "$tmp"
  if [ "$(file_fingerprint "$tmp")" != "$fp" ]; then
    say "the copy at $tmp does not open as ${fp:0:16} (disk full?): not placed"
    return 1
  fi
  [ ! -e "$path" ] || ln -f "$path" "$dir/.$base.previous"
  mv -f "$tmp" "$path"
  tmp='' placed=$path
  sync "$dir" 2>/dev/null || true
  say "placed $path"
}

# Put back the file the last place() replaced (by rename: atomic too).
unplace() {
  local path=$placed dir base
  [ -n "$path" ] || return 0
  dir=$(dirname "$path") base=$(basename "$path")
  [ -e "$dir/.$base.previous" ] || return 0
  tmp="$dir/.$base.rollout-$$"
  ln -f "$dir/.$base.previous" "$tmp"
  mv -f "$tmp" "$path"
  tmp=
  say "put the previous file back at $path"
}

# 3. Reload, and wait for the new fingerprint on /readyz. --------------------
reload() {
  local url=$1 command=$2 was=$3 before deadline
  before=$(reloads_refused "$url")
  sh -c "$command" </dev/null >&2 || { say "$url: '$command' failed"; return 1; }
  deadline=$((SECONDS + timeout))
  while [ "$(served_fingerprint "$url")" != "$fp" ]; do
    if [ "$(reloads_refused "$url")" -gt "$before" ]; then
      say "$url refused the new index (its log says why); still serving ${was:0:16}"
      return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      say "$url does not serve ${fp:0:16} after ${timeout} s"
      return 1
    fi
    sleep 0.1
  done
  say "$url serves ${fp:0:16}"
}

n=0
while read -r url path command; do
  case $url in ''|'#'*) continue ;; esac
  if [ -z "$path" ] || [ -z "$command" ]; then
    say "$replicas: a line needs URL INDEX_PATH RELOAD_COMMAND: $url $path"
    exit 2
  fi
  n=$((n + 1))
  was=$(served_fingerprint "$url")
  if [ "$was" = "$fp" ] && [ "$(file_fingerprint "$path")" = "$fp" ]; then
    say "$url already serves ${fp:0:16}"
    continue
  fi
  if [ -z "$was" ]; then
    say "$url is not ready: stopped here, later replicas untouched (rerun once it is)"
    exit 1
  fi
  place "$path" || exit 1
  if ! reload "$url" "$command" "$was"; then
    unplace
    exit 1
  fi
done < "$replicas"
say "done: $n replicas serve ${fp:0:16}"
