#!/usr/bin/env bash
# The library as app teams get it: the packed app-team package @dapr-platform/constructs (never the
# Terraform half; packed by scripts/lib/examples.sh unless DAPR_PACKED names the tarballs), installed into a
# temporary copy of examples/app-team, checks that no cdktf or Terraform provider came with it, runs
# the example's synth against the platform contract, checks its manifests
# (scripts/check-app-team-example.js) and runs the policy check with the contract on them. Then
# checks the other side of the contract: with `returns` missing from the scopes of `events` in the
# contract, synth and the check must fail, naming the contract file and what to add.
#
# Network: the npm registry only (the example's dependencies; --prefer-offline uses the cache).
#   bash scripts/test-app-team-example.sh        # (npm run test:example)
#   KEEP=1 bash scripts/test-app-team-example.sh # keep the temporary copy (prints its path)
#   APP_TEAM_DIST_OUT=<dir>                      # also copy the example's synthesized dist/ to <dir>
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/app-team-example.XXXXXX")"
if [ "${KEEP:-}" = "1" ]; then echo "scratch: $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
started=$(date +%s)

# shellcheck source=lib/examples.sh
. "$root/scripts/lib/examples.sh"
echo "== the packed packages"
packed=$(packed_tarballs "$tmp/pack")
tarball=$(ls "$packed"/dapr-platform-constructs-*.tgz)
echo "packed $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"

echo "== install the app-team package alone into a copy of examples/app-team"
example="$tmp/app-team"
install_example "$root/examples/app-team" "$example" "$packed" constructs
require_one_copy "$example" constructs
require_no_terraform "$example"
# What the app team runs with: the package, its dependency and its peers (npm ls --omit=dev).
runtime_kib=$(cd "$example" && npm ls --omit=dev --all --parseable 2>/dev/null | grep '/node_modules/' | xargs du -sk | awk '{ s += $1 } END { print s }')
echo "installed: node_modules $(du -sm "$example/node_modules" | cut -f1) MiB in all, $((runtime_kib / 1024)) MiB without the example's dev tools (typescript, @types/node); no cdktf, no Terraform provider"


echo "== entry points load from the installed package"
(cd "$example" && node -e "
const lib = require('@dapr-platform/constructs');
const policy = require('@dapr-platform/constructs/policy');
if (typeof lib.DaprWorkload !== 'function' || typeof policy.checkDocuments !== 'function') throw new Error('missing exports');
console.log('require: ' + Object.keys(lib).length + ' exports; ./policy: ' + policy.ALL_RULES.length + ' rules');
" && node --input-type=module -e "
import { DaprChart, DaprWorkload } from '@dapr-platform/constructs';
import { checkDocuments } from '@dapr-platform/constructs/policy';
if (![DaprChart, DaprWorkload, checkDocuments].every((f) => typeof f === 'function')) throw new Error('missing named exports');
console.log('import (ESM): named exports of both entry points resolve');
")

echo "== synth"
(cd "$example" && npm run --silent synth)
node "$root/scripts/check-app-team-example.js" "$example/dist"
# scripts/test-go-example.sh compares the Go example's output with this one.
if [ -n "${APP_TEAM_DIST_OUT:-}" ]; then rm -rf "$APP_TEAM_DIST_OUT" && cp -R "$example/dist" "$APP_TEAM_DIST_OUT"; fi

echo "== npm run check --contract on the example's output (the cross-repository rules, without the platform's documents)"
(cd "$root" && node -r ./scripts/ts-register.js constructs/policy/cli.ts "$example/dist" --profile prod --contract "$example/contract/prod.contract.json") >"$tmp/check.log" 2>&1 || { cat "$tmp/check.log" >&2; echo "ERROR: the policy check with the contract failed on the example's output" >&2; exit 1; }
tail -1 "$tmp/check.log"

echo "== synth fails when the contract does not scope events to returns"
# The platform's contract as it would read had the platform not granted returns anything on events.
node -e '
const fs = require("fs");
const file = process.argv[1];
const c = JSON.parse(fs.readFileSync(file, "utf8"));
const e = c.components.find((x) => x.name === "events");
e.scopes = e.scopes.filter((a) => a !== "returns");
for (const k of ["publishingScopes", "subscriptionScopes"]) e.topics[k] = e.topics[k].split(";").filter((x) => !x.startsWith("returns=")).join(";");
e.topicGrants = e.topicGrants.filter((g) => g.appId !== "returns");
fs.writeFileSync(file.replace(/prod\.contract\.json$/, "unscoped.contract.json"), JSON.stringify(c, null, 2) + "\n");
' "$example/contract/prod.contract.json"
if (cd "$example" && PLATFORM_CONTRACT=contract/unscoped.contract.json npm run --silent synth -- dist-unscoped) >"$tmp/unscoped.log" 2>&1; then
  echo "ERROR: synth passed although the contract's 'events' does not list returns in its scopes." >&2
  exit 1
fi
expected="DaprWorkload 'returns' uses component 'events' (pubsub.kafka), whose scopes in the contract contract/unscoped.contract.json do not list 'returns' (scopes: 'billing', 'dead-letters', 'notifications', 'shipping'): the platform must add 'returns' to the scopes of 'events' (in its code: events.grantSubscribe(returns, 'shipment-created'), events.grantPublish(returns, 'shipment-created-dlq')) and publish the contract again."
if ! grep -qF "$expected" "$tmp/unscoped.log"; then
  echo "ERROR: synth failed without naming the contract file and the missing scope; it said:" >&2
  cat "$tmp/unscoped.log" >&2
  exit 1
fi
if grep -qE '^\s+at |Error:' "$tmp/unscoped.log" || ! grep -q '^Synth failed with [0-9]* error(s):$' "$tmp/unscoped.log"; then
  echo "ERROR: synth errors are not printed like the platform's (a 'Synth failed with N error(s):' list, no stack trace); it said:" >&2
  cat "$tmp/unscoped.log" >&2
  exit 1
fi
echo "ok: synth refused it: $expected"

echo "== npm run check --contract fails on the same output against that contract"
if (cd "$root" && node -r ./scripts/ts-register.js constructs/policy/cli.ts "$example/dist" --profile prod --contract "$example/contract/unscoped.contract.json") >"$tmp/check-unscoped.log" 2>&1; then
  echo "ERROR: the policy check passed although the contract's 'events' does not list returns" >&2
  exit 1
fi
grep -q "DAPR-CONTRACT-002" "$tmp/check-unscoped.log" || { cat "$tmp/check-unscoped.log" >&2; echo "ERROR: the check failed without DAPR-CONTRACT-002" >&2; exit 1; }
echo "ok: check refused it: $(grep -A1 'DAPR-CONTRACT-002' "$tmp/check-unscoped.log" | tail -1 | sed 's/^ *//')"

echo "app-team example: passed in $(($(date +%s) - started))s"
