#!/usr/bin/env bash
# The library as a platform team gets it: the packed @dapr-platform/constructs and
# @dapr-platform/terraform (scripts/lib/examples.sh, or DAPR_PACKED), both installed into a temporary
# copy of examples/payments-platform (a second platform declared with the public API only), runs
# its synth with plain tsc + node against the installed packages, runs the policy check of the
# installed package on every environment it wrote, and requires its output to be byte-identical to
# the same example synthesized from the sources in this repository. Then the app team of that
# platform: installs the constructs tarball alone into a temporary copy of examples/payments-app
# (the refunds team's project), runs its synth against the contract the installed platform just
# wrote, and its `npm run check` (the installed `dapr-platform-check` bin) with that contract;
# then, with refund-issued not granted to refunds, and with ledger not allowing refunds, in copies
# of the contract, synth and the check must fail, naming the contract file and the entry to add.
#
# Network: the npm registry only (the example's dependencies; --prefer-offline uses the cache).
#   bash scripts/test-platform-example.sh        # (part of npm run test:example)
#   KEEP=1 bash scripts/test-platform-example.sh # keep the temporary copy (prints its path)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/platform-example.XXXXXX")"
if [ "${KEEP:-}" = "1" ]; then echo "scratch: $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
started=$(date +%s)
source_dir="$root/examples/payments-platform"

# shellcheck source=lib/examples.sh
. "$root/scripts/lib/examples.sh"
echo "== the packed packages"
packed=$(packed_tarballs "$tmp/pack")
ls "$packed"

echo "== install into a copy of examples/payments-platform"
example="$tmp/payments-platform"
install_example "$source_dir" "$example" "$packed" constructs terraform
require_one_copy "$example" constructs @dapr-platform/constructs
echo "installed: node_modules $(du -sm "$example/node_modules" | cut -f1) MiB (a platform: cdktf and the three providers included)"

echo "== synth (tsc + node, against the installed packages)"
(cd "$example" && npm run --silent synth)

echo "== policy check of the installed package on every environment written"
envs=$(cd "$example/dist" && find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
[ -n "$envs" ] || { echo "ERROR: the example's synth wrote no environment under dist/" >&2; exit 1; }
for e in $envs; do
  (cd "$example" && node -e "
const { loadDocuments, checkDocuments, formatText } = require('@dapr-platform/constructs/policy');
// With the contract it wrote: the app it declares as living elsewhere (refunds) counts as known.
const contract = { file: 'dist/$e.contract.json', document: JSON.parse(require('fs').readFileSync('dist/$e.contract.json', 'utf8')) };
const result = checkDocuments(loadDocuments(['dist/$e', 'cdktf.out/stacks/$e']), { profile: '$e' === 'dev' ? 'dev' : 'prod', contract });
console.log('$e: ' + formatText(result).trim().split('\\n').slice(-1)[0]);
if (result.errors) { console.error(formatText(result)); process.exit(1); }
")
done

echo "== the installed packages write what the sources write"
(cd "$source_dir" && node -r "$root/scripts/ts-register.js" src/main.ts --dist "$tmp/in-repo/dist" --cdktf-out "$tmp/in-repo/cdktf.out" >/dev/null)
diff -r "$tmp/in-repo/dist" "$example/dist"
diff -r "$tmp/in-repo/cdktf.out/stacks" "$example/cdktf.out/stacks"
echo "ok: dist/ and cdktf.out/stacks/ byte-identical ($(find "$example/dist" -type f | wc -l) files)"


echo "== the refunds team: the constructs tarball alone into a copy of examples/payments-app"
app="$tmp/payments-app"
contract="$example/dist/prod.contract.json"
install_example "$root/examples/payments-app" "$app" "$packed" constructs
require_no_terraform "$app"
[ -x "$app/node_modules/.bin/dapr-platform-check" ] || { echo "ERROR: installing @dapr-platform/constructs gave no dapr-platform-check command" >&2; exit 1; }
# The team's committed copy is the contract the platform publishes (test/payments-app.test.ts keeps it so in-repo).
cmp "$contract" "$app/contract/prod.contract.json" || { echo "ERROR: examples/payments-app/contract/prod.contract.json differs from what the installed payments platform wrote" >&2; exit 1; }

echo "== refunds: synth against the contract the installed platform wrote"
(cd "$app" && PLATFORM_CONTRACT="$contract" npm run --silent synth)

echo "== refunds: npm run check (the installed dapr-platform-check) with the contract"
(cd "$app" && npm run --silent check) >"$tmp/refunds-check.log" 2>&1 || { cat "$tmp/refunds-check.log" >&2; echo "ERROR: npm run check failed on refunds' output" >&2; exit 1; }
(cd "$app" && npx --no-install dapr-platform-check dist --profile prod --contract "$contract") >>"$tmp/refunds-check.log" 2>&1 || { cat "$tmp/refunds-check.log" >&2; echo "ERROR: dapr-platform-check --contract $contract failed on refunds' output" >&2; exit 1; }
echo "ok: $(tail -1 "$tmp/refunds-check.log") (contract $contract)"

# A copy of the contract as the platform would have written it without one of its grants; synth and
# the check must both refuse refunds, synth naming the file and the entry the platform must add.
refuse() {
  local name="$1" edit="$2" expected="$3" rule="$4"
  node -e "
const fs = require('fs');
const c = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
$edit
fs.writeFileSync(process.argv[2], JSON.stringify(c, null, 2) + '\n');
" "$contract" "$app/contract/$name.contract.json"
  if (cd "$app" && PLATFORM_CONTRACT="contract/$name.contract.json" npm run --silent synth -- "dist-$name") >"$tmp/$name.log" 2>&1; then
    echo "ERROR: refunds' synth passed against contract/$name.contract.json" >&2
    exit 1
  fi
  if ! grep -qF "$expected" "$tmp/$name.log" || ! grep -q '^Synth failed with 1 error(s):$' "$tmp/$name.log" || grep -qE '^\s+at ' "$tmp/$name.log"; then
    echo "ERROR: refunds' synth did not fail with one error naming the contract file and the entry to add; expected: $expected; it said:" >&2
    cat "$tmp/$name.log" >&2
    exit 1
  fi
  echo "ok: synth refused it: $expected"
  [ -n "$rule" ] || return 0
  if (cd "$app" && npx --no-install dapr-platform-check dist --profile prod --contract "contract/$name.contract.json") >"$tmp/$name-check.log" 2>&1; then
    echo "ERROR: dapr-platform-check passed refunds' output against contract/$name.contract.json" >&2
    exit 1
  fi
  grep -q "$rule" "$tmp/$name-check.log" || { cat "$tmp/$name-check.log" >&2; echo "ERROR: the check failed without $rule" >&2; exit 1; }
  echo "ok: check refused it: $rule"
}

echo "== refunds: a topic the contract does not grant (payment-authorized) fails synth and the check"
refuse no-payment-authorized '
const e = c.components.find((x) => x.name === "payment-events");
e.topics.subscriptionScopes = e.topics.subscriptionScopes.replace("refunds=payment-authorized", "refunds=");
e.topicGrants.find((x) => x.appId === "refunds").subscribe = [];' \
  "DaprWorkload 'refunds' subscribes to topic 'payment-authorized' of pub/sub 'payment-events', which the contract contract/no-payment-authorized.contract.json does not grant it (it may subscribe to none): the platform must add to 'payment-events' subscriptionScopes: the entry 'refunds=payment-authorized'" \
  DAPR-CONTRACT-003

# Publishing leaves no trace in refunds' own documents (only the platform's Component scopes say
# it), so only synth can refuse a publish the contract does not grant.
echo "== refunds: a publish the contract does not grant (refund-issued) fails synth"
refuse no-refund-issued '
const e = c.components.find((x) => x.name === "payment-events");
e.topics.publishingScopes = e.topics.publishingScopes.replace("refunds=payment-authorized-dlq,refund-issued", "refunds=payment-authorized-dlq");
const g = e.topicGrants.find((x) => x.appId === "refunds");
g.publish = g.publish.filter((t) => t !== "refund-issued");' \
  "DaprWorkload 'refunds' publishes to topic 'refund-issued' of pub/sub 'payment-events', which the contract contract/no-refund-issued.contract.json does not grant it (it may publish to 'payment-authorized-dlq'): the platform must add to 'payment-events' publishingScopes: the entry 'refunds=payment-authorized-dlq,refund-issued'" \
  ''

echo "== refunds: a callee that does not allow refunds (ledger) fails synth and the check"
refuse ledger-denies '
const ledger = c.apps.find((a) => a.appId === "ledger");
ledger.accessControl.callers = ledger.accessControl.callers.filter((p) => p.appId !== "refunds");' \
  "DaprWorkload 'refunds' invokes 'ledger' on POST /entries, which ledger's access control in the contract contract/ledger-denies.contract.json does not allow from 'refunds' (no policy for 'refunds'; default deny): the platform must add to the Configuration 'ledger' the policy {appId: refunds, namespace: payments, operations: {name: /entries, httpVerb: [POST], action: allow}}" \
  DAPR-CONTRACT-004

echo "platform example: passed in $(($(date +%s) - started))s"
