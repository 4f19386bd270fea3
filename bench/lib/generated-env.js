'use strict';
/*
 * A generated prod-profile environment with n workloads, for the scaling runs (bench/scale.js):
 * the reference platform's components (Vault secret store, Redis state store, Kafka pub/sub) and
 * n services, each invoking one or two others (the next one, and every other service also the
 * one seven further on), using the Redis state store and subscribing to one of n/10 Kafka topics
 * (every fifth also publishes one), plus the environment's DaprPlatformStack with a Vault role and
 * policy per app. Built from the TypeScript sources through the same loader as `npm run synth`
 * (scripts/ts-register.js), with the same declarations as stacks/platform.ts and
 * stacks/terraform.ts.
 */
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
require(path.join(ROOT, 'scripts', 'ts-register.js'));

/** Requires a module of the repository by its path from the root (TypeScript through the loader). */
const load = (p) => require(path.join(ROOT, p));

let m;
/** Loads every module the generated environment needs (timed apart from building it). */
function loadModules() {
  if (m) return m;
  const { App: K8sApp, Duration } = require('cdk8s');
  const { App: TfApp } = require('cdktf');
  m = {
    K8sApp,
    TfApp,
    Duration,
    ...load('constructs/k8s/dapr-chart'),
    ...load('constructs/k8s/default-deny-network-policy'),
    ...load('constructs/k8s/dapr-workload'),
    ...load('constructs/k8s/kafka-pub-sub'),
    ...load('constructs/k8s/mtls-configuration'),
    ...load('constructs/k8s/redis-state-store'),
    ...load('constructs/k8s/vault-secret-store'),
    ...load('constructs/model/secret-ref'),
    environments: load('stacks/environments'),
    terraform: load('stacks/terraform'),
  };
  return m;
}

const REGISTRY = 'registry.logistics.example.com/generated';

/**
 * Declares the environment. Returns the spec, both apps, the chart and the Terraform stack.
 * @param {number} n workloads
 * @param {{ cdktfOutDir: string }} options
 */
function buildGeneratedEnvironment(n, options) {
  const x = loadModules();
  const base = x.environments.PROD;
  const env = { ...base, name: 'scale', argo: { ...base.argo, path: 'dist/scale' } };

  const k8sApp = new x.K8sApp({ outdir: path.join(options.cdktfOutDir, '..', 'dist') });
  const chart = new x.DaprChart(k8sApp, env.name, { namespace: env.appsNamespace, profile: env.profile, daprVersion: env.daprVersion, mtls: env.mtls, externalHosts: env.externalHosts });
  new x.DefaultDenyNetworkPolicy(chart, 'DefaultDeny');
  const vault = new x.VaultSecretStore(chart, 'SecretStore', {
    name: 'vault',
    vaultAddr: env.vault.address,
    enginePath: env.vault.kvMount,
    vaultKvPrefix: env.vault.kvPrefix,
    auth: x.VaultAuth.tokenFile(),
    kubernetesAuthPath: `auth/${env.vault.kubernetesAuthMount}`,
  });
  const stateStore = new x.RedisStateStore(chart, 'StateStore', {
    name: 'state',
    redisHost: env.redis.host,
    enableTls: env.redis.tls,
    redisPassword: vault.secret('redis', 'password'),
    keyPrefix: x.KeyPrefix.APP_ID,
  });
  const pubsub = new x.KafkaPubSub(chart, 'PubSub', {
    name: 'events',
    brokers: env.kafka.brokers,
    authType: env.kafka.authType,
    saslUsername: vault.secret('kafka', 'username'),
    saslPassword: vault.secret('kafka', 'password'),
    saslMechanism: x.SaslMechanism.SHA_512,
    consumerGroup: '{appID}',
  });

  const workloads = [];
  for (let i = 0; i < n; i++) {
    const appId = `svc-${String(i).padStart(5, '0')}`;
    workloads.push(
      new x.DaprWorkload(chart, appId, {
        appId,
        image: `${REGISTRY}/${appId}:1.0.${i % 10}`,
        appPort: 8080,
        replicas: env.sizes.replicas,
        maxReplicas: env.sizes.maxReplicas,
        monitoringNamespaces: env.monitoringNamespaces,
        configurationDefaults: { tracing: { endpointAddress: env.tracing.endpoint, samplingRate: env.tracing.samplingRate, protocol: x.OtelProtocol.GRPC } },
      }),
    );
  }
  const topics = Math.max(1, Math.floor(n / 10));
  workloads.forEach((w, i) => {
    if (n > 1) w.invokes(workloads[(i + 1) % n], [{ path: `/api/${i % 7}`, verbs: [x.HttpVerb.POST] }]);
    if (n > 7 && i % 2 === 0) w.invokes(workloads[(i + 7) % n], [{ path: '/api/read', verbs: [x.HttpVerb.GET] }]);
    w.uses(stateStore);
    const topic = `topic-${i % topics}`;
    w.subscribe(pubsub, topic, { route: `/events/${topic}` });
    if (i % 5 === 0) w.publishes(pubsub, `topic-${(i + 1) % topics}`);
  });

  const tfApp = new x.TfApp({ outdir: options.cdktfOutDir, skipValidation: true });
  const platform = { chart, vault, stateStore, pubsub, workloads: Object.fromEntries(workloads.map((w) => [w.appId, w])) };
  const stack = x.terraform.addTerraformStack(tfApp, env, platform);
  return { env, k8sApp, chart, tfApp, stack, platform };
}

module.exports = { buildGeneratedEnvironment, loadModules, load, ROOT };
