#!/usr/bin/env bash
# Starts the real dapr-sentry and dapr-placement of the pinned version (built by e2e/bin/build.sh,
# cached) on loopback ports in standalone mode, scrapes their metrics endpoints and checks the series
# the alerts read from them at start-up:
#   - dapr_sentry_issuercert_expiry_timestamp: a timestamp about a year ahead (Sentry self-signs a
#     fresh issuer for a year);
#   - dapr_placement_leader_status: 1 once the single-node raft cluster has elected itself.
# Stops both on exit. Prints the dapr_* series; exit 1 when a series is missing or implausible.
#
#   bash e2e/monitoring/scrape-control-plane.sh
#
# The other alert metrics (daprd, injector, sign failures) need clients or a cluster; they are checked
# against the Dapr source (test/dapr-metrics.test.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."

sentry=$(bash e2e/bin/build.sh --print-path dapr-sentry)
placement=$(bash e2e/bin/build.sh --print-path dapr-placement)
. e2e/common/processes.sh scrape
# Waits for a metrics endpoint to show a series; prints the scrape.
scrape_until() { # <name> <pid> <metrics port> <series regex> <log>
  local name=$1 pid=$2 port=$3 want=$4 log=$5 out
  for _ in $(seq 1 60); do
    if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; echo "ERROR: $name exited" >&2; return 1; fi
    out=$(curl -sf "http://127.0.0.1:$port/metrics" || true)
    if echo "$out" | grep -Eq "$want"; then echo "$out"; return 0; fi
    sleep 0.5
  done
  echo "$out" | grep '^dapr_' >&2 || true
  echo "ERROR: $name did not export a series matching '$want' within 30 s" >&2
  return 1
}

# ---- sentry
cat >"$work/config.yaml" <<'YAML'
apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata:
  name: daprsystem
spec:
  mtls:
    enabled: true
    workloadCertTTL: 24h
    allowedClockSkew: 15m
YAML
mkdir "$work/creds"
s_metrics=$(port)
"$sentry" --issuer-credentials "$work/creds" --trust-domain cluster.local --config "$work/config.yaml" \
  --port "$(port)" --listen-address 127.0.0.1 --healthz-port "$(port)" --healthz-listen-address 127.0.0.1 \
  --metrics-port "$s_metrics" --metrics-listen-address 127.0.0.1 >"$work/sentry.log" 2>&1 &
pids+=($!)
scrape=$(scrape_until dapr-sentry "${pids[-1]}" "$s_metrics" '^dapr_sentry_issuercert_expiry_timestamp ' "$work/sentry.log")
echo "$scrape" | grep '^dapr_'
expiry=$(echo "$scrape" | awk '$1 == "dapr_sentry_issuercert_expiry_timestamp" { printf "%d", $2 }')
days=$(( (expiry - $(date +%s)) / 86400 ))
if [ "$days" -lt 360 ] || [ "$days" -gt 366 ]; then
  echo "ERROR: dapr_sentry_issuercert_expiry_timestamp is $expiry, $days days from now; the fresh self-signed issuer is valid for a year" >&2
  exit 1
fi
echo "ok: dapr_sentry_issuercert_expiry_timestamp = $expiry ($days days ahead)"

# ---- placement (no TLS: standalone, a one-node raft cluster)
p_metrics=$(port); raft=$(port)
"$placement" --id p0 --initial-cluster "p0=127.0.0.1:$raft" --port "$(port)" --listen-address 127.0.0.1 \
  --healthz-port "$(port)" --healthz-listen-address 127.0.0.1 \
  --metrics-port "$p_metrics" --metrics-listen-address 127.0.0.1 >"$work/placement.log" 2>&1 &
pids+=($!)
scrape=$(scrape_until dapr-placement "${pids[-1]}" "$p_metrics" '^dapr_placement_leader_status 1$' "$work/placement.log")
echo "$scrape" | grep '^dapr_'
echo "ok: dapr_placement_leader_status = 1 (the single placement node leads)"
