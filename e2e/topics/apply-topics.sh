#!/usr/bin/env bash
# The dev topics (Strimzi KafkaTopic objects in cdktf.out/stacks/dev/cdk.tf.json, rendered by
# StrimziKafkaTopics) applied server-side with strict field validation to the real kube-apiserver
# 1.34.4 of the harness (e2e/cluster/start.sh) with the KafkaTopic CRD of the Strimzi 0.45.0 chart
# (../shared/charts). A copy with a wrong field type must be refused. No Strimzi operator and no Kafka
# run here: this proves the objects are what the CRD accepts, not that Kafka gets the topics.
#
#   npm run synth && bash e2e/topics/apply-topics.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
crd=../shared/charts/strimzi-kafka-operator/0.45.0/crds/043-Crd-kafkatopic.yaml
tf=cdktf.out/stacks/dev/cdk.tf.json
[ -f "$crd" ] || { echo "ERROR: $crd is missing (../shared next to the repository)" >&2; exit 1; }
[ -f "$tf" ] || { echo "ERROR: run 'npm run synth' first" >&2; exit 1; }
kubectl=$(bash e2e/bin/build.sh --print-path kubectl)
dir=$(bash e2e/cluster/start.sh)
trap 'bash e2e/cluster/stop.sh "$dir" >/dev/null 2>&1 || true' EXIT
k() { "$kubectl" --kubeconfig "$dir/admin.kubeconfig" "$@"; }

topics=$(node -e '
  const tf = require(process.argv[1]);
  const ms = Object.values(tf.resource.kubernetes_manifest ?? {}).map((r) => r.manifest).filter((m) => m.kind === "KafkaTopic");
  console.log(ms.map((m) => JSON.stringify(m)).join("\n"));' "$PWD/$tf")
n=$(grep -c . <<<"$topics" || true)
[ "$n" -gt 0 ] || { echo "FAIL no KafkaTopic in $tf"; exit 1; }
ns=$(node -e 'console.log(JSON.parse(process.argv[1]).metadata.namespace)' "$(head -1 <<<"$topics")")

k apply --server-side -f "$crd" >/dev/null
k wait --for=condition=Established --timeout=60s crd/kafkatopics.kafka.strimzi.io >/dev/null
k create namespace "$ns" >/dev/null
fail=0
if k apply --server-side --validate=strict --field-manager=dapr-platform -f - <<<"$topics"; then
  echo "ok   $n KafkaTopic(s) from $tf accepted by kube-apiserver 1.34.4 with the Strimzi 0.45.0 CRD (strict field validation)"
  k get kafkatopics -n "$ns" -o custom-columns=NAME:.metadata.name,TOPIC:.spec.topicName,PARTITIONS:.spec.partitions,REPLICAS:.spec.replicas,RETENTION_MS:.spec.config.retention\\.ms
else echo "FAIL the API server refused the KafkaTopics"; fail=1; fi
bad=$(head -1 <<<"$topics" | node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{const m=JSON.parse(s);m.metadata.name="bad";m.spec.partitions="three";console.log(JSON.stringify(m));})')
if out=$(k apply --server-side --validate=strict --field-manager=dapr-platform -f - <<<"$bad" 2>&1); then echo "FAIL a KafkaTopic with partitions \"three\" was accepted"; fail=1
else echo "ok   a KafkaTopic with partitions \"three\" is refused: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"; fi
exit "$fail"
