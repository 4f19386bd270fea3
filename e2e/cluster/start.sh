#!/usr/bin/env bash
# Starts a local Kubernetes control plane on loopback for the e2e harness: etcd, kube-apiserver (RBAC,
# PodSecurity, the mutating/validating webhook admission plugins and the rest of the production
# admission set) and kube-controller-manager (Deployment -> ReplicaSet -> Pod, service-account tokens,
# root CA publisher). No scheduler, no kubelet: pods stay Pending. Everything lives in one temp dir;
# the certificates and service-account keys are made with openssl at start.
#
#   bash e2e/cluster/start.sh            # prints the state dir; KUBECONFIG=<dir>/admin.kubeconfig
#   E2E_CLUSTER_DIR=/tmp/x bash e2e/cluster/start.sh
#   bash e2e/cluster/stop.sh <dir>
#
# Ports are chosen free at start (override: E2E_ETCD_PORT, E2E_APISERVER_PORT, E2E_KCM_PORT).
# <dir>/hosts is the API server's /etc/hosts (it runs in its own mount namespace): the harness appends
# in-cluster service names of the webhooks it runs as local processes, so a webhook URL can name the
# service's DNS name and the serving certificate (issued for that name) verifies as in a cluster.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../bin/build.sh"

dir=${E2E_CLUSTER_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/dapr-platform-cluster.XXXXXX")}
mkdir -p "$dir"/{pki,etcd,logs,pids}
dir=$(cd "$dir" && pwd)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
etcd_port=${E2E_ETCD_PORT:-$(free_port)}
etcd_peer_port=$(free_port)
api_port=${E2E_APISERVER_PORT:-$(free_port)}
kcm_port=${E2E_KCM_PORT:-$(free_port)}

etcd_bin=$(bash "$build" --print-path etcd)
apiserver_bin=$(bash "$build" --print-path kube-apiserver)
kcm_bin=$(bash "$build" --print-path kube-controller-manager)

# --- PKI: cluster CA, API server serving cert, client certs, service-account signing key pair
pki="$dir/pki"
openssl_quiet() { openssl "$@" 2>/dev/null; }
openssl_quiet req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=e2e-kubernetes-ca" \
  -keyout "$pki/ca.key" -out "$pki/ca.crt"
sign() { # <name> <subject> <extfile-content>
  local name=$1 subj=$2 ext=$3
  openssl_quiet req -newkey rsa:2048 -nodes -subj "$subj" -keyout "$pki/$name.key" -out "$pki/$name.csr"
  printf '%s\n' "$ext" > "$pki/$name.ext"
  openssl_quiet x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 2 -extfile "$pki/$name.ext" -out "$pki/$name.crt"
}
sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1"
client_ext="basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
sign admin "/O=system:masters/CN=e2e-admin" "$client_ext"
sign kube-controller-manager "/CN=system:kube-controller-manager" "$client_ext"
openssl_quiet genrsa -out "$pki/sa.key" 2048
openssl_quiet rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub"

kubeconfig() { # <user> <file>
  cat > "$2" <<KC
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: $pki/ca.crt
users:
- name: $1
  user:
    client-certificate: $pki/$1.crt
    client-key: $pki/$1.key
contexts:
- name: e2e
  context: {cluster: e2e, user: $1}
current-context: e2e
KC
}
kubeconfig admin "$dir/admin.kubeconfig"
kubeconfig kube-controller-manager "$dir/kube-controller-manager.kubeconfig"
printf '127.0.0.1 localhost\n' > "$dir/hosts"

start() { # <name> <cmd...>: background, pid to pids/<name>, log to logs/<name>.log
  local name=$1; shift
  "$@" > "$dir/logs/$name.log" 2>&1 &
  echo $! > "$dir/pids/$name"
}
wait_for() { # <what> <seconds> <cmd...>
  local what=$1 secs=$2; shift 2
  for _ in $(seq 1 $((secs * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "ERROR: $what did not come up in ${secs}s; log: $dir/logs" >&2
  return 1
}

start etcd "$etcd_bin" --name e2e --data-dir "$dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster "e2e=http://127.0.0.1:$etcd_peer_port" --listen-metrics-urls "" \
  --quota-backend-bytes 1073741824 --unsafe-no-fsync
wait_for etcd 30 curl -sf "http://127.0.0.1:$etcd_port/health"

# The admission plugins on in a production cluster (1.34's default set, listed so it cannot shrink
# silently), with PodSecurity and both webhook plugins; NodeRestriction aside (no kubelets here).
admission=NamespaceLifecycle,LimitRanger,ServiceAccount,TaintNodesByCondition,PodSecurity,Priority,DefaultTolerationSeconds,DefaultStorageClass,StorageObjectInUseProtection,PersistentVolumeClaimResize,RuntimeClass,CertificateApproval,CertificateSigning,ClusterTrustBundleAttest,CertificateSubjectRestriction,DefaultIngressClass,MutatingAdmissionWebhook,ValidatingAdmissionPolicy,ValidatingAdmissionWebhook,ResourceQuota
# Own mount namespace: /etc/hosts is $dir/hosts (see above); nothing else differs from the host.
start kube-apiserver unshare -m --propagation private sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$dir/hosts" \
  "$apiserver_bin" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
  --etcd-servers="http://127.0.0.1:$etcd_port" \
  --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
  --client-ca-file="$pki/ca.crt" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
  --service-cluster-ip-range=10.96.0.0/12 \
  --authorization-mode=Node,RBAC \
  --enable-admission-plugins="$admission" \
  --allow-privileged=true \
  --profiling=false
wait_for kube-apiserver 90 curl -sf --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
  "https://127.0.0.1:$api_port/readyz"

start kube-controller-manager "$kcm_bin" \
  --kubeconfig="$dir/kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig="$dir/kube-controller-manager.kubeconfig" \
  --authorization-kubeconfig="$dir/kube-controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$kcm_port" \
  --use-service-account-credentials=true \
  --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
  --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
  --leader-elect=false --profiling=false
wait_for kube-controller-manager 60 curl -skf "https://127.0.0.1:$kcm_port/healthz"

cat > "$dir/cluster.env" <<ENV
E2E_CLUSTER_DIR=$dir
KUBECONFIG=$dir/admin.kubeconfig
E2E_APISERVER_URL=https://127.0.0.1:$api_port
E2E_APISERVER_PORT=$api_port
E2E_ETCD_PORT=$etcd_port
E2E_KCM_PORT=$kcm_port
E2E_CA_CRT=$pki/ca.crt
E2E_HOSTS_FILE=$dir/hosts
ENV
echo "$dir"
