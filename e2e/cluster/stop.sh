#!/usr/bin/env bash
# Stops what e2e/cluster/start.sh (and the harness, for its local webhook processes) started in <dir>,
# by the pids recorded in <dir>/pids, and removes <dir>.
#
#   bash e2e/cluster/stop.sh <dir>
set -uo pipefail
dir=${1:?usage: stop.sh <cluster dir printed by start.sh>}
[ -d "$dir/pids" ] || { echo "no cluster state in $dir" >&2; exit 1; }
# Reverse start order: webhooks and controllers before the API server, etcd last.
for f in $(ls -t "$dir/pids"); do
  pid=$(cat "$dir/pids/$f")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
done
rm -rf "$dir"
