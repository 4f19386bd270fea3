#!/usr/bin/env bash
# Does the OTLP trace exporter daprd 1.18.3 uses verify the collector with the CA file named by
# OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE, the variable a DaprWorkload with `tracing.collectorCa` sets
# through dapr.io/env? (Issue 16; daprd itself cannot be built from the Go module proxy here:
# durabletask-go v0.12.4 and pulsar-client-go are not served.)
#
# The probe (probe/main.go, ours) builds the exporter exactly as daprd's pkg/runtime/runtime.go does
# for `otel.isSecure: true` (otlptracegrpc.NewClient(WithEndpoint(addr)), no WithInsecure), at the
# versions daprd 1.18.3 pins, from the Go module proxy, cached under
# ${DAPR_PLATFORM_CACHE:-~/.cache/dapr-platform}/bin/otel-probe-1.44.0/. It exports one span to a TLS
# listener on loopback (openssl s_server, ALPN h2, a certificate of a CA made here) three times:
#   CA file = the listener's CA   -> the TLS handshake succeeds (the export then fails only because
#                                    s_server speaks no gRPC: "error reading server preface")
#   CA file = another CA          -> x509: certificate signed by unknown authority
#   no CA file (image roots)      -> x509: certificate signed by unknown authority
#
#   bash e2e/otel-tls/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache=${DAPR_PLATFORM_CACHE:-$HOME/.cache/dapr-platform}
probe="$cache/bin/otel-probe-1.44.0/otel-probe"
if [ ! -x "$probe" ]; then
  mkdir -p "$(dirname "$probe")"
  (cd "$here/probe" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -o "$probe" .)
fi
tmp="$(mktemp -d "${TMPDIR:-/tmp}/otel-tls.XXXXXX")"
server_pid=""
cleanup() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi; rm -rf "$tmp"; }
trap cleanup EXIT
cd "$tmp"
ec() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "$@" 2>/dev/null; }
ec -x509 -keyout ca.key -out ca.crt -days 1 -subj "/CN=otel-tls-ca"
ec -x509 -keyout other.key -out other.crt -days 1 -subj "/CN=other-ca"
ec -keyout srv.key -out srv.csr -subj "/CN=127.0.0.1"
printf 'subjectAltName=IP:127.0.0.1\n' > ext.cnf
openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt -days 1 -extfile ext.cnf 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl s_server -accept "127.0.0.1:$port" -cert srv.crt -key srv.key -alpn h2 -quiet > server.log 2>&1 &
server_pid=$!
for _ in $(seq 50); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

failures=0
check() { # name, CA file or '', expected pattern
  local out
  if [ -n "$2" ]; then out=$(OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE="$2" timeout 30 "$probe" "127.0.0.1:$port" 2>&1 || true)
  else out=$(env -u OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE timeout 30 "$probe" "127.0.0.1:$port" 2>&1 || true); fi
  if grep -q "$3" <<<"$out"; then echo "pass  $1: $3"; else echo "FAIL  $1: expected '$3', got: $out"; failures=$((failures + 1)); fi
  if [ "$1" = "collector CA" ] && grep -q "x509" <<<"$out"; then echo "FAIL  $1: certificate refused: $out"; failures=$((failures + 1)); fi
}
check "collector CA" "$tmp/ca.crt" "error reading server preface"
check "another CA" "$tmp/other.crt" "certificate signed by unknown authority"
check "no CA file" "" "certificate signed by unknown authority"
if [ "$failures" -ne 0 ]; then echo "otel-tls: $failures check(s) failed"; exit 1; fi
echo "otel-tls: 3 checks passed (otlptracegrpc v1.44.0 reads OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE)"
