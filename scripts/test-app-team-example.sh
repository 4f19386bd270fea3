#!/usr/bin/env bash
# The library as app teams get it: builds both packages (scripts/build-packages.js), packs the
# app-team package @dapr-platform/constructs (never the Terraform half), installs the tarball into a
# temporary copy of examples/app-team, checks that no cdktf or Terraform provider came with it, runs the example's synth and checks its
# manifests (scripts/check-app-team-example.js). Then checks the other side of the contract:
# with `returns` missing from the scopes the platform publishes for `events`, synth must fail and
# say where to add it.
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

echo "== build and npm pack packages/constructs"
(cd "$root" && node scripts/build-packages.js)
mkdir -p "$tmp/pack"
(cd "$root/packages/constructs" && npm pack --silent --pack-destination "$tmp/pack" >/dev/null)
tarball=$(ls "$tmp"/pack/*.tgz)
echo "packed $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"

echo "== install into a copy of examples/app-team"
example="$tmp/app-team"
mkdir -p "$example"
(cd "$root/examples/app-team" && tar --exclude=./node_modules --exclude=./build --exclude=./dist --exclude=./vendor -cf - .) | (cd "$example" && tar -xf -)
mkdir -p "$example/vendor"
cp "$tarball" "$example/vendor/dapr-platform-constructs.tgz"
(cd "$example" && npm install --no-audit --no-fund --prefer-offline --loglevel=error)

# One copy of constructs in the app, or construct trees break (the library takes it as a peer).
copies=$(cd "$example" && find . -path '*/node_modules/constructs/package.json' | wc -l)
if [ "$copies" -ne 1 ]; then
  echo "ERROR: $copies copies of 'constructs' in the example's node_modules; the library must share the app's." >&2
  (cd "$example" && find . -path '*/node_modules/constructs/package.json') >&2
  exit 1
fi

# The app team's install is the app-team package and its peers only: no Terraform half.
terraform_modules=$(cd "$example" && find node_modules -maxdepth 2 \( -name cdktf -o -path 'node_modules/@cdktf/*' -o -path 'node_modules/@dapr-platform/terraform' \) | sort)
if [ -n "$terraform_modules" ]; then
  echo "ERROR: installing the app-team package brought the Terraform half:" >&2
  echo "$terraform_modules" >&2
  exit 1
fi
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

echo "== synth fails when the platform has not scoped events to returns"
sed -i "s/'notifications', 'returns', 'shipping'/'notifications', 'shipping'/" "$example/src/platform-references.ts"
grep -q "'notifications', 'shipping'" "$example/src/platform-references.ts" || { echo "ERROR: could not unscope returns in the copy" >&2; exit 1; }
if (cd "$example" && npm run --silent synth -- dist-unscoped) >"$tmp/unscoped.log" 2>&1; then
  echo "ERROR: synth passed although 'events' does not list returns in its scopes." >&2
  exit 1
fi
expected="pubsub.kafka component 'events' (declared elsewhere) is not scoped to app 'returns', which uses it: add 'returns' to its scopes where it is declared."
if ! grep -qF "$expected" "$tmp/unscoped.log"; then
  echo "ERROR: synth failed without naming the missing scope; it said:" >&2
  cat "$tmp/unscoped.log" >&2
  exit 1
fi
if grep -qE '^\s+at |Error:' "$tmp/unscoped.log" || ! grep -q '^Synth failed with [0-9]* error(s):$' "$tmp/unscoped.log"; then
  echo "ERROR: synth errors are not printed like the platform's (a 'Synth failed with N error(s):' list, no stack trace); it said:" >&2
  cat "$tmp/unscoped.log" >&2
  exit 1
fi
echo "ok: synth refused it: $expected"

echo "app-team example: passed in $(($(date +%s) - started))s"
