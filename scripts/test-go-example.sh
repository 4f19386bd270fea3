#!/usr/bin/env bash
# The Go example (examples/app-team-go), built with `go build` on the Go bindings of the app-team
# package (scripts/go-bindings.sh) and run; its synthesized YAML must be byte-identical to the
# TypeScript example's (examples/app-team, built and run from the packed tarball by
# scripts/test-app-team-example.sh). Fails with the diff when they differ. Then the error path:
# with `returns` missing from the scopes of `events` in the platform contract, the Go program must
# exit 1 and print the same report as the TypeScript example (naming the contract file).
#
# Network: the Go module proxy (constructs-go, jsii-runtime-go and their dependencies) and the npm
# registry (the TypeScript example's install); both use their local caches when warm.
#   bash scripts/test-go-example.sh            # (npm run test:go-example)
#   KEEP=1 bash scripts/test-go-example.sh     # keep the scratch directory (prints its path)
#   TS_DIST=<dir> bash ...                     # compare with this TypeScript output instead of building it
#                                              # (npm run test:example with APP_TEAM_DIST_OUT=<dir> writes it)
#   GO_TIDY=1 bash ...                         # run `tidy.mod` and write go.mod/go.sum back into the example
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/go-example.XXXXXX")"
if [ "${KEEP:-}" = "1" ]; then echo "scratch: $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
started=$SECONDS
phase() { echo "[$((SECONDS - started)) s] == $*"; }
command -v go >/dev/null || { echo "ERROR: no go on PATH (the Go bindings need Go >= 1.25)." >&2; exit 1; }
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1

phase "Go bindings (scripts/go-bindings.sh)"
bash "$root/scripts/go-bindings.sh" >"$tmp/replaces"
mapfile -t replaces <"$tmp/replaces"

phase "go build examples/app-team-go ($(go version | cut -d' ' -f3), in a copy, the generated modules by replace)"
example="$tmp/app-team-go"
mkdir -p "$example"
(cd "$root/examples/app-team-go" && tar --exclude=./dist --exclude=./returns-deploy -cf - .) | (cd "$example" && tar -xf -)
(cd "$example" && go mod edit "${replaces[@]}")
if [ "${GO_TIDY:-}" = "1" ]; then
  (cd "$example" && go mod tidy)
  mkdir -p "$tmp/tidy" && cp "$example/go.mod" "$tmp/tidy/go.mod"
  for r in "${replaces[@]}"; do m="${r#-replace=}"; (cd "$tmp/tidy" && go mod edit -dropreplace="${m%%=*}"); done
  cp "$tmp/tidy/go.mod" "$root/examples/app-team-go/go.mod"
  cp "$example/go.sum" "$root/examples/app-team-go/go.sum"
  echo "GO_TIDY: wrote examples/app-team-go/go.mod and go.sum"
fi
(cd "$example" && go vet . && go build -o returns-deploy .)

phase "run the Go example"
# jsii-runtime-go v1.139.0 waits for its node child twice at exit (jsii.Close and its own watcher),
# so the second wait prints "Runtime process exited abnormally: waitid: no child processes" without a
# newline; the exit code and the output are not affected (the comparison below is the check).
# The platform contract the TypeScript example builds against (the copy here has no ../app-team).
contract="$root/examples/app-team/contract/prod.contract.json"
(cd "$example" && PLATFORM_CONTRACT="$contract" ./returns-deploy "$tmp/go-dist") >"$tmp/run.log" 2>&1 || { cat "$tmp/run.log" >&2; echo; echo "ERROR: the Go example failed" >&2; exit 1; }
cat "$tmp/run.log" && [ -z "$(tail -c 1 "$tmp/run.log")" ] || echo

phase "the TypeScript example's output"
if [ -n "${TS_DIST:-}" ]; then
  [ -d "$TS_DIST" ] || { echo "ERROR: TS_DIST=$TS_DIST is not a directory" >&2; exit 1; }
  cp -R "$TS_DIST" "$tmp/ts-dist"
  echo "from $TS_DIST"
elif ! APP_TEAM_DIST_OUT="$tmp/ts-dist" bash "$root/scripts/test-app-team-example.sh" >"$tmp/ts-example.log" 2>&1; then
  cat "$tmp/ts-example.log" >&2
  echo "ERROR: the TypeScript example failed (scripts/test-app-team-example.sh)" >&2
  exit 1
else
  tail -n 1 "$tmp/ts-example.log"
fi

phase "compare: the Go example's YAML against the TypeScript example's, byte for byte"
files=$(cd "$tmp/ts-dist" && find . -type f | sort)
[ -n "$files" ] || { echo "ERROR: the TypeScript example wrote nothing" >&2; exit 1; }
if ! diff -r -u "$tmp/ts-dist" "$tmp/go-dist"; then
  echo "ERROR: the Go example's output differs from the TypeScript example's (diff above: - TypeScript, + Go)." >&2
  exit 1
fi
echo "identical: $(echo "$files" | wc -l) file(s), $(cat "$tmp/go-dist"/* | wc -c) bytes ($(echo "$files" | tr '\n' ' '))"

phase "the Go example refuses what the TypeScript one refuses: a contract whose events does not scope returns"
# The contract as it would read had the platform not granted returns anything on events (as scripts/test-app-team-example.sh makes it).
node -e '
const fs = require("fs");
const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const e = c.components.find((x) => x.name === "events");
e.scopes = e.scopes.filter((a) => a !== "returns");
for (const k of ["publishingScopes", "subscriptionScopes"]) e.topics[k] = e.topics[k].split(";").filter((x) => !x.startsWith("returns=")).join(";");
e.topicGrants = e.topicGrants.filter((g) => g.appId !== "returns");
fs.writeFileSync(process.argv[2], JSON.stringify(c, null, 2) + "\n");
' "$contract" "$example/unscoped.contract.json"
status=0
(cd "$example" && PLATFORM_CONTRACT=unscoped.contract.json ./returns-deploy "$tmp/go-dist-unscoped") >"$tmp/unscoped.log" 2>&1 || status=$?
expected="DaprWorkload 'returns' uses component 'events' (pubsub.kafka), whose scopes in the contract unscoped.contract.json do not list 'returns' (scopes: 'billing', 'dead-letters', 'notifications', 'shipping'): the platform must add 'returns' to the scopes of 'events' (in its code: events.grantSubscribe(returns, 'shipment-created'), events.grantPublish(returns, 'shipment-created-dlq')) and publish the contract again."
if [ "$status" != 1 ] || ! grep -qF "$expected" "$tmp/unscoped.log" || ! grep -q '^Synth failed with [0-9]* error(s):$' "$tmp/unscoped.log" || [ -e "$tmp/go-dist-unscoped" ]; then
  cat "$tmp/unscoped.log" >&2
  echo "ERROR: the Go example should exit 1 with the synth report naming the contract file and the missing scope, and write nothing (exit $status)." >&2
  exit 1
fi
echo "ok: exit 1: $expected"

echo "Go example: passed in $((SECONDS - started)) s"
