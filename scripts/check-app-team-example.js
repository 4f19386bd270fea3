// Checks the manifests examples/app-team synthesized (the directory given as argument): what the
// returns team renders, and that the platform's components are referred to, never rendered.
// Used by scripts/test-app-team-example.sh. Exit 1 listing every failed expectation.
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/check-app-team-example.js <dist-dir>');
  process.exit(2);
}
const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const docs = files.flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON())).filter(Boolean);

const failures = [];
const expect = (what, ok) => {
  if (!ok) failures.push(what);
};
const equal = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const one = (kind, name) => {
  const found = docs.filter((d) => d.kind === kind && d.metadata?.name === name);
  expect(`exactly one ${kind} '${name}' (found ${found.length})`, found.length === 1);
  return found[0] ?? {};
};

const NS = 'order-management';
const kinds = [...new Set(docs.map((d) => d.kind))].sort();
expect(`the kinds rendered are the app's own (got ${kinds.join(', ')})`, equal(kinds, ['Configuration', 'Deployment', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'PodDisruptionBudget', 'Secret', 'ServiceAccount', 'Subscription']));
expect('every object is in namespace order-management', docs.every((d) => d.metadata?.namespace === NS));
expect('no Component is rendered (events and order-state are the platform\'s)', !docs.some((d) => d.kind === 'Component'));

// The Configuration: returns' own, deny by default, in prod's trust domain.
const cfg = one('Configuration', 'returns');
expect('Configuration returns is dapr.io/v1alpha1', cfg.apiVersion === 'dapr.io/v1alpha1');
expect('Configuration returns denies by default', cfg.spec?.accessControl?.defaultAction === 'deny');
expect("Configuration returns uses prod's trust domain logistics-prod.local", cfg.spec?.accessControl?.trustDomain === 'logistics-prod.local');
expect('Configuration returns allows no caller (nobody invokes returns)', cfg.spec?.accessControl?.policies === undefined);
expect("Configuration returns traces 10% to the collector", cfg.spec?.tracing?.samplingRate === '0.1');

// The Deployment's sidecar annotations.
const a = one('Deployment', 'returns').spec?.template?.metadata?.annotations ?? {};
expect('Deployment returns: dapr.io/enabled', a['dapr.io/enabled'] === 'true');
expect('Deployment returns: dapr.io/app-id returns', a['dapr.io/app-id'] === 'returns');
expect('Deployment returns: dapr.io/config returns', a['dapr.io/config'] === 'returns');
// Its own Dapr API token: a Secret of its own token ServiceAccount, read by daprd and by the app.
expect('Deployment returns: dapr.io/api-token-secret returns-dapr-api-token', a['dapr.io/api-token-secret'] === 'returns-dapr-api-token');
const tokenSecret = one('Secret', 'returns-dapr-api-token');
expect('Secret returns-dapr-api-token is a service-account token of ServiceAccount returns-dapr-api-token',
  tokenSecret.type === 'kubernetes.io/service-account-token' && tokenSecret.metadata?.annotations?.['kubernetes.io/service-account.name'] === 'returns-dapr-api-token');
expect('ServiceAccount returns-dapr-api-token mounts no token', one('ServiceAccount', 'returns-dapr-api-token').automountServiceAccountToken === false);
// The shared components read their credentials through the platform's Vault store: returns' own
// Vault Agent role, logging in with a projected token, writing daprd's token into a volume only daprd mounts.
expect('Deployment returns: Vault Agent injected with role returns', a['vault.hashicorp.com/agent-inject'] === 'true' && a['vault.hashicorp.com/role'] === 'returns');
expect('Deployment returns: Vault auth path auth/kubernetes-prod', a['vault.hashicorp.com/auth-path'] === 'auth/kubernetes-prod');
expect('Deployment returns: the agent writes its token for daprd only', a['vault.hashicorp.com/agent-inject-token'] === 'true' && a['vault.hashicorp.com/agent-inject-containers'] === 'daprd');
expect('Deployment returns: daprd mounts only the collector CA (dapr.io/volume-mounts)', a['dapr.io/volume-mounts'] === 'otel-collector-ca:/var/run/secrets/dapr.io/otel-collector-ca');
expect('Deployment returns: daprd authenticates its calls into the app (dapr.io/app-token-secret)', a['dapr.io/app-token-secret'] === 'returns-dapr-app-token');
const podSpec = one('Deployment', 'returns').spec?.template?.spec ?? {};
const tokenVolume = a['vault.hashicorp.com/agent-service-account-token-volume-name'];
expect('Deployment returns: declares the projected token volume the agent logs in with',
  (podSpec.volumes ?? []).some((v) => v.name === tokenVolume && (v.projected?.sources ?? []).some((s) => s.serviceAccountToken?.path === 'token')));
const app = (podSpec.containers ?? [])[0] ?? {};
expect('Deployment returns: the app container mounts no volume', app.volumeMounts === undefined);
expect('Deployment returns: the app container gets DAPR_API_TOKEN from the token Secret',
  (app.env ?? []).some((e) => e.name === 'DAPR_API_TOKEN' && equal(e.valueFrom, { secretKeyRef: { key: 'token', name: 'returns-dapr-api-token' } })));

// Its Subscription to shipment-created, scoped to returns only.
const sub = one('Subscription', 'returns-shipment-created');
expect('Subscription is dapr.io/v2alpha1', sub.apiVersion === 'dapr.io/v2alpha1');
expect(`Subscription scopes are exactly [returns] (got ${JSON.stringify(sub.scopes)})`, equal(sub.scopes, ['returns']));
expect('Subscription reads pub/sub events', sub.spec?.pubsubname === 'events');
expect('Subscription topic is shipment-created', sub.spec?.topic === 'shipment-created');
expect('Subscription routes to /events/shipment-created', sub.spec?.routes?.default === '/events/shipment-created');
expect('Subscription dead-letters to shipment-created-dlq', sub.spec?.deadLetterTopic === 'shipment-created-dlq');

// Its NetworkPolicy: egress to inventory's sidecar (declared elsewhere), Kafka and Redis.
const egress = one('NetworkPolicy', 'returns').spec?.egress ?? [];
const toPort = (port) => egress.filter((r) => (r.ports ?? []).some((p) => p.port === port));
expect(
  "NetworkPolicy returns: egress to inventory's sidecar on 50002",
  toPort(50002).some((r) => (r.to ?? []).some((t) => equal(t, { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'inventory' } } }))),
);
expect('NetworkPolicy returns: egress to Kafka on 9093', toPort(9093).length >= 1);
expect('NetworkPolicy returns: egress to Redis on 6380', toPort(6380).length >= 1);
expect('NetworkPolicy returns: egress to Vault on 8200', toPort(8200).length >= 1);
expect('NetworkPolicy returns: every egress rule names its destinations (to:)', egress.every((r) => (r.to ?? []).length > 0));

if (failures.length) {
  console.error(`app-team example: ${failures.length} expectation(s) failed on ${dir}:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`app-team example: ${docs.length} objects checked in ${files.join(', ')}: all expectations hold.`);
