# Sourced by the e2e scripts: a scratch directory ($work), processes to stop on exit ($pids, append
# with `pids+=($!)`), and free loopback ports.
#   . e2e/common/processes.sh <name>
work=$(mktemp -d "${TMPDIR:-/tmp}/dapr-platform-${1:-e2e}.XXXXXX")
pids=()
cleanup() { # last started first (the API server before its etcd)
  local i
  for (( i=${#pids[@]}-1; i>=0; i-- )); do { kill "${pids[i]}" && wait "${pids[i]}"; } 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
# A free TCP port on 127.0.0.1.
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
