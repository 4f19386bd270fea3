#!/usr/bin/env bash
# Do our topic rules (DAPR-SUB-003/004, the synth's topic grants) decide like daprd 1.18.3?
# (Issue 15.) The probe (probe/main.go, ours) loads a pub/sub Component for an app the way daprd's
# pub/sub processor does (pkg/runtime/meta, pkg/scopes) and asks daprd's own publisher
# (pkg/runtime/pubsub/publisher) and IsOperationAllowed (pkg/runtime/pubsub) which topics the app
# may publish to and subscribe to; compare.ts asks our code the same questions, for a table of
# hand-written scopings and every pub/sub of dist/<env>/, and fails on any disagreement.
#
# daprd as a whole does not build from the Go module proxy (github.com/dapr/durabletask-go v0.12.4
# is refused; pkg/runtime/compstore, which the processor's Init uses, imports it), so the probe
# makes the five calls of that Init itself; everything it calls is daprd 1.18.3's code at the
# versions daprd pins (components-contrib v1.18.4, kit v0.18.3).
#
# The probe is built once from the Go module proxy and cached under
# ${DAPR_PLATFORM_CACHE:-~/.cache/dapr-platform}/bin/pubsub-scopes-1.18.3-<hash of the probe's sources>/.
#   bash e2e/pubsub-scopes/run.sh [dist dir]     # default: dist/ (run npm run synth first)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache=${DAPR_PLATFORM_CACHE:-$HOME/.cache/dapr-platform}
key=$(cat "$here/probe/go.mod" "$here/probe/go.sum" "$here/probe/main.go" | sha256sum | cut -c1-12)
probe="$cache/bin/pubsub-scopes-1.18.3-$key/pubsub-scopes"
if [ ! -x "$probe" ]; then
  echo "pubsub-scopes: building the probe against github.com/dapr/dapr v1.18.3 (Go module proxy) into $probe"
  mkdir -p "$(dirname "$probe")"
  (cd "$here/probe" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -o "$probe.tmp" . && mv "$probe.tmp" "$probe")
fi
cd "$root"
node -r ./scripts/ts-register.js e2e/pubsub-scopes/compare.ts "$probe" "${1:-$root/dist}"
