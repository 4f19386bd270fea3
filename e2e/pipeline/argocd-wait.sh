#!/usr/bin/env bash
# scripts/argocd-wait.js against a real API server: etcd and kube-apiserver (built by e2e/bin/build.sh,
# cached) on loopback, the real Argo CD 3.5.1 Application CRD (../shared/charts/argo-cd-crds), the
# environment's Application as the Terraform stack declares it, and its status moved the way Argo CD
# moves it. No Argo CD runs: the status is patched by this script. Three runs, each must end with
# its exit code: synced and healthy (0), drift (2), not synced in time (3).
#
#   npm run synth && bash e2e/pipeline/argocd-wait.sh [env]      # env: prod (default), staging
set -euo pipefail
cd "$(dirname "$0")/../.."
env=${1:-prod}
crd=../shared/charts/argo-cd-crds/3.5.1/application-crd.yaml
[ -f "$crd" ] || { echo "ERROR: $crd is missing (../shared next to the repository)" >&2; exit 1; }
[ -f "cdktf.out/stacks/$env/cdk.tf.json" ] || { echo "ERROR: run 'npm run synth' first" >&2; exit 1; }

etcd=$(bash e2e/bin/build.sh --print-path etcd)
apiserver=$(bash e2e/bin/build.sh --print-path kube-apiserver)
. e2e/common/processes.sh argocd

# ---- etcd and the API server, loopback only
ec=$(port); ep=$(port); ap=$(port)
"$etcd" --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$ec" --advertise-client-urls "http://127.0.0.1:$ec" \
  --listen-peer-urls "http://127.0.0.1:$ep" --initial-advertise-peer-urls "http://127.0.0.1:$ep" \
  --initial-cluster "default=http://127.0.0.1:$ep" >"$work/etcd.log" 2>&1 &
pids+=($!)
openssl genrsa -out "$work/sa.key" 2048 2>/dev/null
openssl rsa -in "$work/sa.key" -pubout -out "$work/sa.pub" 2>/dev/null
token=$(openssl rand -hex 16)
echo "$token,admin,admin,system:masters" >"$work/tokens.csv"
"$apiserver" --etcd-servers "http://127.0.0.1:$ec" --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$ap" \
  --cert-dir "$work/certs" --token-auth-file "$work/tokens.csv" --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$work/sa.pub" \
  --service-account-signing-key-file "$work/sa.key" --service-cluster-ip-range 10.96.0.0/24 >"$work/apiserver.log" 2>&1 &
pids+=($!)
cat >"$work/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters: [{name: local, cluster: {server: "https://127.0.0.1:$ap", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: "$token"}}]
contexts: [{name: local, context: {cluster: local, user: admin}}]
current-context: local
YAML
export KUBECONFIG=$work/kubeconfig
for _ in $(seq 1 120); do kubectl get --raw /readyz >/dev/null 2>&1 && break; sleep 0.5; done
kubectl get --raw /readyz >/dev/null || { tail -20 "$work/apiserver.log" >&2; echo "ERROR: the API server did not become ready" >&2; exit 1; }
echo "API server $(kubectl version -o json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).serverVersion.gitVersion))') ready on 127.0.0.1:$ap"

# ---- the Argo CD CRD and the environment's Application, as the stack declares it
kubectl apply -f "$crd" >/dev/null
for _ in $(seq 1 120); do  # (kubectl wait fails while the CRD has no conditions yet)
  [ "$(kubectl get crd applications.argoproj.io -o jsonpath='{.status.conditions[?(@.type=="Established")].status}')" = True ] && break
  sleep 0.5
done
node -e '
  const tf = require(process.argv[1]);
  const app = Object.values(tf.resource.kubernetes_manifest).find((r) => r.manifest.kind === "Application").manifest;
  console.log(JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: app.metadata.namespace } }));
  console.log(JSON.stringify(app));
' "$PWD/cdktf.out/stacks/$env/cdk.tf.json" >"$work/objects.json"
kubectl apply -f "$work/objects.json"
read -r name namespace < <(node -e 'const o=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").map(JSON.parse)[1].metadata; console.log(o.name, o.namespace)' "$work/objects.json")

status() { # <json of .status>
  kubectl -n "$namespace" patch application.argoproj.io "$name" --type merge -p "{\"status\": $1}" >/dev/null
}
# Runs argocd-wait in the background, moves the status through the given steps (one per 2 s), and
# checks the exit code.
scenario() { # <title> <expected exit> <timeout> <status>...
  local title=$1 want=$2 timeout=$3 rc; shift 3
  echo "---- $title"
  status '{"sync": {"status": "OutOfSync", "revision": "0000000"}, "health": {"status": "Healthy"}, "operationState": null, "resources": []}'
  node scripts/argocd-wait.js --env "$env" --revision abc1234 --interval 1 --timeout "$timeout" &
  local wait_pid=$!
  pids+=("$wait_pid")
  for s in "$@"; do sleep 2; status "$s"; done
  set +e; wait "$wait_pid"; rc=$?; set -e
  if [ "$rc" != "$want" ]; then echo "ERROR: '$title': argocd-wait exited $rc, expected $want" >&2; exit 1; fi
  echo "ok: exit $rc"
}

scenario "Argo CD syncs the commit and it becomes healthy" 0 60 \
  '{"sync": {"status": "OutOfSync", "revision": "abc1234"}, "health": {"status": "Progressing"}, "operationState": {"phase": "Running", "operation": {"sync": {"revision": "abc1234"}}, "startedAt": "2026-01-01T00:00:00Z"}}' \
  '{"sync": {"status": "Synced", "revision": "abc1234"}, "health": {"status": "Progressing"}, "operationState": {"phase": "Succeeded", "operation": {"sync": {"revision": "abc1234"}}, "startedAt": "2026-01-01T00:00:00Z", "syncResult": {"revision": "abc1234"}}}' \
  '{"sync": {"status": "Synced", "revision": "abc1234"}, "health": {"status": "Healthy"}, "operationState": {"phase": "Succeeded", "operation": {"sync": {"revision": "abc1234"}}, "startedAt": "2026-01-01T00:00:00Z", "syncResult": {"revision": "abc1234"}}}'

scenario "synced, then a Component stays OutOfSync (drift)" 2 60 \
  '{"sync": {"status": "OutOfSync", "revision": "abc1234"}, "health": {"status": "Healthy"}, "operationState": {"phase": "Succeeded", "operation": {"sync": {"revision": "abc1234"}}, "startedAt": "2026-01-01T00:00:00Z", "syncResult": {"revision": "abc1234"}}, "resources": [{"kind": "Component", "namespace": "order-management", "name": "events", "status": "OutOfSync"}]}'

scenario "Argo CD never reaches the commit" 3 5
