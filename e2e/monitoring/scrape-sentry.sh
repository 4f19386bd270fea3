#!/usr/bin/env bash
# Starts the real dapr-sentry of the pinned version (built by e2e/bin/build.sh, cached) on loopback
# ports in standalone mode with a fresh self-signed CA, scrapes its metrics endpoint and checks that
# the series the alerts read from Sentry at start-up is there, with a plausible value: a timestamp
# within the issuer's validity (Sentry self-signs for a year). Stops Sentry on exit.
#
#   bash e2e/monitoring/scrape-sentry.sh            # prints the dapr_* series; exit 1 when one is missing
#
# Only what Sentry records without a client is checked here (the issuer expiry); the other alert
# metrics are checked against the Dapr source (test/dapr-metrics.test.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."

sentry=$(bash e2e/bin/build.sh --print-path dapr-sentry)
work=$(mktemp -d "${TMPDIR:-/tmp}/dapr-platform-sentry.XXXXXX")
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
grpc=$(port); healthz=$(port); metrics=$(port)
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
"$sentry" --issuer-credentials "$work/creds" --trust-domain cluster.local --config "$work/config.yaml" \
  --port "$grpc" --listen-address 127.0.0.1 --healthz-port "$healthz" --healthz-listen-address 127.0.0.1 \
  --metrics-port "$metrics" --metrics-listen-address 127.0.0.1 >"$work/sentry.log" 2>&1 &
pid=$!

for _ in $(seq 1 60); do
  if curl -sf "http://127.0.0.1:$healthz/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$work/sentry.log" >&2; echo "ERROR: dapr-sentry exited" >&2; exit 1; fi
  sleep 0.5
done
scrape=$(curl -sf "http://127.0.0.1:$metrics/metrics")
echo "$scrape" | grep '^dapr_' || true

expiry=$(echo "$scrape" | awk '$1 == "dapr_sentry_issuercert_expiry_timestamp" { printf "%d", $2 }')
if [ -z "$expiry" ]; then
  echo "ERROR: dapr-sentry $("$sentry" --version 2>/dev/null || true) does not export dapr_sentry_issuercert_expiry_timestamp" >&2
  exit 1
fi
now=$(date +%s)
days=$(( (expiry - now) / 86400 ))
if [ "$days" -lt 360 ] || [ "$days" -gt 366 ]; then
  echo "ERROR: dapr_sentry_issuercert_expiry_timestamp is $expiry, $days days from now; the self-signed issuer is valid for a year" >&2
  exit 1
fi
echo "ok: dapr_sentry_issuercert_expiry_timestamp = $expiry ($days days from now: the fresh self-signed issuer)"
