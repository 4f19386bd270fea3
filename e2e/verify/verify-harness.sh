#!/usr/bin/env bash
# `npm run verify` against the real API server harness (e2e/cluster: etcd, kube-apiserver and
# kube-controller-manager 1.34.4, the real Dapr 1.18.3 chart, Sentry and sidecar injector; no kubelet,
# so pods stay Pending). Four runs, each must end as stated:
#   1. --api-only on the environment as deployed: exit 0, every check needing no running pod passes
#      (objects exist, replicas set, mTLS config, trust bundle expiry from the Secret/ConfigMap of the
#      real Sentry run, sidecars injected);
#   2. without --api-only: exit 1, and only the checks that need running pods fail (ready replicas,
#      daprd ready, daprd logs): they can pass only on a real cluster;
#   3. a broken copy: Component order-state deleted, Deployment inventory without dapr.io/enabled:
#      exit 1 with exactly component.exists and workload.sidecar-annotation (and the injection of the
#      new pods) failing;
#   4. --smoke: refused (exit 2) with the reason.
#
#   npm run synth && bash e2e/verify/verify-harness.sh [env] [--update-fixture]   # env: dev (default)
# --update-fixture rewrites test/fixtures/verify/<env>-harness.json from run 1 (--record).
set -euo pipefail
cd "$(dirname "$0")/../.."
env=dev; update=0
for a in "$@"; do case "$a" in --update-fixture) update=1 ;; *) env=$a ;; esac; done
[ -f "cdktf.out/stacks/$env/cdk.tf.json" ] || { echo "ERROR: run 'npm run synth' first" >&2; exit 1; }
kubectl=$(bash e2e/bin/build.sh --print-path kubectl)
out=$(mktemp -d "${TMPDIR:-/tmp}/dapr-platform-verify.XXXXXX")
dir=
cleanup() { [ -n "$dir" ] && bash e2e/cluster/stop.sh "$dir" >/dev/null 2>&1 || true; rm -rf "$out"; }
trap cleanup EXIT

node -r ./scripts/ts-register.js e2e/cluster/run.ts --env "$env" --keep >"$out/e2e.log" 2>&1 || { tail -30 "$out/e2e.log"; echo "ERROR: e2e:cluster failed" >&2; exit 1; }
dir=$(sed -n 's/.*stop with: bash e2e\/cluster\/stop.sh //p' "$out/e2e.log" | tail -1)
[ -n "$dir" ] || { echo "ERROR: no cluster dir in the e2e:cluster output" >&2; exit 1; }
kc="$dir/admin.kubeconfig"
verify() { node -r ./scripts/ts-register.js stacks/verify.ts --env "$env" --kubeconfig "$kc" --context e2e --kubectl "$kubectl" "$@"; }
fail=0
expect() { # <name> <wanted exit> <got exit>
  if [ "$2" = "$3" ]; then echo "ok   $1: exit $3"; else echo "FAIL $1: exit $3, want $2"; fail=1; fi
}
fails() { grep -E '^FAIL ' "$1" | awk '{print $2" "$3" "$4}' | sed 's/:$//' | sort -u; }

echo "== 1. --api-only on $env as deployed"
rc=0; verify --api-only --record "$out/recording.json" >"$out/1.txt" || rc=$?
cat "$out/1.txt"; expect "api-only" 0 "$rc"
[ "$update" = 1 ] && { mkdir -p test/fixtures/verify; cp "$out/recording.json" "test/fixtures/verify/$env-harness.json"; echo "wrote test/fixtures/verify/$env-harness.json"; }

echo "== 2. every check (pods are not running here)"
rc=0; verify >"$out/2.txt" || rc=$?
tail -1 "$out/2.txt"; expect "full" 1 "$rc"
other=$(grep -E '^FAIL ' "$out/2.txt" | awk '{print $2}' | sort -u | grep -v -E '^(control-plane\.ready|component\.app-daprd-ready|component\.init-errors|workload\.sidecar-ready)$' || true)
if [ -z "$other" ]; then echo "ok   full: only checks needing running pods fail: $(grep -E '^FAIL ' "$out/2.txt" | awk '{print $2}' | sort | uniq -c | tr -s ' ' | tr '\n' ';')"
else echo "FAIL full: checks that need no running pod failed: $other"; fail=1; fi

echo "== 3. a broken copy: Component order-state deleted, Deployment inventory without dapr.io/enabled"
"$kubectl" --kubeconfig "$kc" -n order-management delete component order-state >/dev/null
"$kubectl" --kubeconfig "$kc" -n order-management patch deployment inventory --type json \
  -p '[{"op":"remove","path":"/spec/template/metadata/annotations/dapr.io~1enabled"}]' >/dev/null
rc=0; verify --api-only >"$out/3.txt" || rc=$?
grep -E '^FAIL ' -A1 "$out/3.txt" || true
expect "broken" 1 "$rc"
got=$(fails "$out/3.txt")
for want in 'component.exists Component order-management/order-state' 'workload.sidecar-annotation Deployment order-management/inventory'; do
  if grep -qxF "$want" <<<"$got"; then echo "ok   broken: FAIL $want"; else echo "FAIL broken: no FAIL $want"; fail=1; fi
done
extra=$(grep -vxF -e 'component.exists Component order-management/order-state' -e 'workload.sidecar-annotation Deployment order-management/inventory' \
  -e 'workload.sidecar-injected Deployment order-management/inventory' <<<"$got" || true)
if [ -z "$extra" ]; then echo "ok   broken: nothing else failed"; else echo "FAIL broken: other checks failed: $extra"; fail=1; fi

echo "== 4. --smoke"
rc=0; verify --smoke 2>"$out/4.txt" || rc=$?
cat "$out/4.txt"; expect "smoke" 2 "$rc"

[ "$fail" = 0 ] && echo "verify-harness ($env): all expectations met" || echo "verify-harness ($env): FAILED"
exit "$fail"
