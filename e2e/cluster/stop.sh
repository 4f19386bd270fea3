#!/usr/bin/env bash
# Stops what e2e/cluster/start.sh (and the harness, for its local webhook processes) started in <dir>,
# by the pids recorded in <dir>/pids (nothing else), and removes <dir>.
#
#   bash e2e/cluster/stop.sh <dir>
set -uo pipefail
dir=${1:?usage: stop.sh <cluster dir printed by start.sh>}
[ -d "$dir/pids" ] || { echo "no cluster state in $dir" >&2; exit 1; }

stop() { # <pid...>: SIGTERM, up to 5 s to exit, then SIGKILL
  local pid alive
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=""
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
    [ -z "$alive" ] && return 0
    sleep 0.1
  done
  for pid in "$@"; do kill -9 "$pid" 2>/dev/null || true; done
}
# Everything but etcd together (the API server's graceful shutdown needs etcd), then etcd.
others=()
for f in "$dir"/pids/*; do [ "$(basename "$f")" = etcd ] || others+=("$(cat "$f")"); done
[ ${#others[@]} -gt 0 ] && stop "${others[@]}"
[ -f "$dir/pids/etcd" ] && stop "$(cat "$dir/pids/etcd")"
rm -rf "$dir"
