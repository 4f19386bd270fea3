#!/usr/bin/env bash
# The platform contract's access-control semantics (constructs/contract/access-control.ts) against
# the real code of Dapr 1.18.3: builds the probe (probe/, github.com/dapr/dapr@v1.18.3 from the Go
# module proxy; cached in ${DAPR_PLATFORM_CACHE:-~/.cache/dapr-platform}/bin/contract-semantics-1.18.3/)
# and compares its verdicts with ours on every case of compare.ts. Exit 1 if any case differs.
#
#   bash e2e/contract-semantics/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache=${DAPR_PLATFORM_CACHE:-$HOME/.cache/dapr-platform}
# Keyed by the Dapr version and the probe's source, so a changed probe rebuilds.
key=$(cat "$here/probe/main.go" "$here/probe/go.sum" | sha256sum | cut -c1-12)
probe="$cache/bin/contract-semantics-1.18.3-$key/contract-semantics-probe"
if [ ! -x "$probe" ]; then
  mkdir -p "$(dirname "$probe")"
  echo "building the probe (github.com/dapr/dapr@v1.18.3) into $probe"
  (cd "$here/probe" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -o "$probe" .)
fi
cd "$root"
node -r ./scripts/ts-register.js e2e/contract-semantics/compare.ts "$probe"
