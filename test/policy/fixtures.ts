import { EnvironmentProfile } from '../../constructs/model/profile';
import { Finding, LoadedDocument, Rule, runRules } from '../../constructs/policy/engine';

/**
 * A small but complete "good prod" document set: every rule passes on it in every profile.
 * Each call returns fresh objects, so tests may mutate them.
 */

export const NS = 'orders';
export const K8S_FILE = 'dist/prod/orders.k8s.yaml';
export const TF_FILE = 'cdktf.out/stacks/prod/cdk.tf.json';

export type Obj = Record<string, any>;

export function k8s(content: Obj, file = K8S_FILE, index = 0): LoadedDocument {
  return { file, index, format: 'kubernetes', content };
}

export function namespace(name = NS): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } };
}

export function vaultStore(): Obj {
  return {
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'vault', namespace: NS },
    spec: {
      type: 'secretstores.hashicorp.vault',
      version: 'v1',
      metadata: [
        { name: 'vaultAddr', value: 'https://vault.vault.svc.cluster.local:8200' },
        { name: 'vaultTokenMountPath', value: '/var/run/secrets/vault/token' },
        { name: 'caPem', value: '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----' },
        { name: 'enginePath', value: 'secret' },
        { name: 'vaultKVPrefix', value: 'orders' },
      ],
    },
    scopes: ['order-api', 'order-worker'],
  };
}

export function redisStateStore(name = 'statestore', scopes: string[] = ['order-api', 'order-worker']): Obj {
  return {
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: NS },
    spec: {
      type: 'state.redis',
      version: 'v1',
      metadata: [
        { name: 'redisHost', value: 'redis-master.redis.svc.cluster.local:6379' },
        { name: 'redisPassword', secretKeyRef: { name: 'orders-redis', key: 'password' } },
        { name: 'enableTLS', value: 'true' },
        { name: 'actorStateStore', value: 'true' },
        { name: 'keyPrefix', value: 'appid' },
      ],
    },
    auth: { secretStore: 'vault' },
    scopes,
  };
}

export function kafkaPubSub(): Obj {
  return {
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'pubsub', namespace: NS },
    spec: {
      type: 'pubsub.kafka',
      version: 'v1',
      metadata: [
        { name: 'brokers', value: 'kafka-0.kafka.svc:9093,kafka-1.kafka.svc:9093,kafka-2.kafka.svc:9093' },
        { name: 'authType', value: 'password' },
        { name: 'saslUsername', value: 'orders' },
        { name: 'saslPassword', secretKeyRef: { name: 'orders-kafka', key: 'password' } },
        { name: 'saslMechanism', value: 'SHA-512' },
        { name: 'consumerGroup', value: 'orders' },
        { name: 'initialOffset', value: 'oldest' },
      ],
    },
    auth: { secretStore: 'vault' },
    scopes: ['order-api', 'order-worker'],
  };
}

export function configuration(): Obj {
  return {
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Configuration',
    metadata: { name: 'orders-config', namespace: NS },
    spec: {
      accessControl: {
        defaultAction: 'deny',
        trustDomain: 'cluster.local',
        policies: [
          {
            appId: 'order-api',
            defaultAction: 'deny',
            trustDomain: 'cluster.local',
            namespace: NS,
            operations: [{ name: '/orders/**', httpVerb: ['POST', 'GET'], action: 'allow' }],
          },
        ],
      },
      tracing: { samplingRate: '0.1', otel: { endpointAddress: 'otel-collector.observability.svc:4317', isSecure: false, protocol: 'grpc' } },
      metrics: { enabled: true },
    },
  };
}

export function hardenedDeployment(name: string, replicas: number): Obj {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'orders' };
  const securityContext = {
    runAsNonRoot: true,
    runAsUser: 10001,
    runAsGroup: 10001,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, labels },
    spec: {
      replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: {
          labels,
          annotations: {
            'dapr.io/enabled': 'true',
            'dapr.io/app-id': name,
            'dapr.io/app-port': '8080',
            'dapr.io/app-protocol': 'http',
            'dapr.io/config': 'orders-config',
            'dapr.io/api-token-secret': `${name}-dapr-api-token`,
            'dapr.io/app-token-secret': `${name}-dapr-app-token`,
            'dapr.io/sidecar-cpu-request': '100m',
            'dapr.io/sidecar-cpu-limit': '300m',
            'dapr.io/sidecar-memory-request': '250Mi',
            'dapr.io/sidecar-memory-limit': '512Mi',
            'dapr.io/env': 'GOMEMLIMIT=460MiB',
            'dapr.io/log-as-json': 'true',
            'dapr.io/sidecar-seccomp-profile-type': 'RuntimeDefault',
            'dapr.io/volume-mounts': 'vault-token:/var/run/secrets/vault',
            'dapr.io/enable-app-health-check': 'true',
            'dapr.io/app-health-check-path': '/healthz',
          },
        },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
            },
          ],
          containers: [
            {
              name: 'app',
              image: `registry.example.com/orders/${name}:1.4.2`,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [
                { name: 'DAPR_API_TOKEN', valueFrom: { secretKeyRef: { name: `${name}-dapr-api-token`, key: 'token' } } },
                { name: 'APP_API_TOKEN', valueFrom: { secretKeyRef: { name: `${name}-dapr-app-token`, key: 'token' } } },
              ],
              securityContext,
              livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 },
              readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 },
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [
            { name: 'tmp', emptyDir: {} },
            { name: 'vault-token', secret: { secretName: `${name}-vault-token` } },
          ],
        },
      },
    },
  };
}

export function pdb(name: string): Obj {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: NS },
    spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name } } },
  };
}

export function serviceAccount(name: string): Obj {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NS }, automountServiceAccountToken: false };
}

/**
 * An app's Dapr API token (or, with `kind` 'app', the token daprd sends the app): a ServiceAccount
 * of its own and its service-account token Secret, as DaprWorkload renders them.
 */
export function apiToken(app: string, kind: 'api' | 'app' = 'api'): Obj[] {
  const name = `${app}-dapr-${kind}-token`;
  return [
    serviceAccount(name),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: NS, annotations: { 'kubernetes.io/service-account.name': name } },
      type: 'kubernetes.io/service-account-token',
    },
  ];
}

export function defaultDeny(): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny-ingress', namespace: NS },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  };
}

export function allowDaprSidecars(): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-dapr-sidecars', namespace: NS },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'orders' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'orders' } } }], ports: [{ port: 50002, protocol: 'TCP' }] }],
    },
  };
}

export function subscription(name: string, topic: string, route: string, deadLetterTopic?: string, scopes = ['order-worker']): Obj {
  return {
    apiVersion: 'dapr.io/v2alpha1',
    kind: 'Subscription',
    metadata: { name, namespace: NS },
    spec: { pubsubname: 'pubsub', topic, routes: { default: route }, ...(deadLetterTopic ? { deadLetterTopic } : {}) },
    scopes,
  };
}

export const HELM_VALUES = [
  'global:',
  '  logAsJson: true',
  '  seccompProfile: RuntimeDefault',
  '  ha:',
  '    enabled: true',
  '    replicaCount: 3',
  '    disruption:',
  '      maximumUnavailable: "1"',
  '  mtls:',
  '    enabled: true',
  '    controlPlaneTrustDomain: cluster.local',
  '    workloadCertTTL: 24h',
  '    allowedClockSkew: 15m',
  '  k8sLabels:',
  '    app.kubernetes.io/part-of: dapr',
  'dapr_sidecar_injector:',
  '  webhookFailurePolicy: Fail',
  '  sidecarDropALLCapabilities: true',
  '  sidecarRunAsUser: 65532',
  'dapr_scheduler:',
  '  cluster:',
  '    storageSize: 16Gi',
  '    storageClassName: premium-rwo',
  'dapr_operator:',
  '  resources:',
  '    requests: {cpu: 100m, memory: 100Mi}',
  '',
].join('\n');

export function terraformJson(): Obj {
  return {
    '//': { metadata: { backend: 'local', stackName: 'prod', version: '0.21.0' } },
    terraform: { required_providers: { helm: { source: 'helm', version: '3.0.2' } } },
    provider: { helm: [{ kubernetes: { config_path: '~/.kube/config' } }] },
    variable: {
      dapr_root_cert_pem: { type: 'string', sensitive: true },
      dapr_issuer_cert_pem: { type: 'string', sensitive: true },
      dapr_issuer_key_pem: { type: 'string', sensitive: true },
    },
    resource: {
      helm_release: {
        dapr: {
          name: 'dapr',
          namespace: 'dapr-system',
          create_namespace: true,
          repository: 'https://dapr.github.io/helm-charts/',
          chart: 'dapr',
          version: '1.18.3',
          atomic: true,
          wait: true,
          values: [HELM_VALUES],
          set_sensitive: [
            { name: 'dapr_sentry.tls.root.certPEM', value: '${var.dapr_root_cert_pem}' },
            { name: 'dapr_sentry.tls.issuer.certPEM', value: '${var.dapr_issuer_cert_pem}' },
            { name: 'dapr_sentry.tls.issuer.keyPEM', value: '${var.dapr_issuer_key_pem}' },
          ],
        },
      },
    },
  };
}

/** The good prod set: a Vault store, Redis, Kafka, a deny-by-default Configuration, two hardened apps, PDBs, default deny, Subscriptions with a DLQ, and the Dapr helm_release. */
export function goodProdSet(): LoadedDocument[] {
  const objects: Obj[] = [
    namespace(),
    serviceAccount('order-api'),
    serviceAccount('order-worker'),
    ...apiToken('order-api'),
    ...apiToken('order-worker'),
    ...apiToken('order-api', 'app'),
    ...apiToken('order-worker', 'app'),
    vaultStore(),
    redisStateStore(),
    kafkaPubSub(),
    configuration(),
    hardenedDeployment('order-api', 3),
    hardenedDeployment('order-worker', 2),
    pdb('order-api'),
    pdb('order-worker'),
    defaultDeny(),
    allowDaprSidecars(),
    subscription('orders-created', 'orders', '/orders', 'orders-dlq'),
    subscription('orders-dlq', 'orders-dlq', '/dead-letters'),
  ];
  return [...objects.map((o, i) => k8s(o, K8S_FILE, i)), { file: TF_FILE, index: 0, format: 'terraform', content: terraformJson() }];
}

/** The content of the first Kubernetes document of a kind and name (to mutate it). */
export function findObject(docs: LoadedDocument[], kind: string, name: string): Obj {
  const doc = docs.find((d) => d.format === 'kubernetes' && d.content.kind === kind && (d.content.metadata as Obj)?.name === name);
  if (!doc) throw new Error(`fixture has no ${kind} ${name}`);
  return doc.content as Obj;
}

/** The pod-template annotations of a Deployment of the set. */
export function podAnnotations(docs: LoadedDocument[], deployment: string): Record<string, string> {
  return findObject(docs, 'Deployment', deployment).spec.template.metadata.annotations;
}

/** The dapr helm_release body of the set. */
export function daprRelease(docs: LoadedDocument[]): Obj {
  const doc = docs.find((d) => d.format === 'terraform');
  if (!doc) throw new Error('fixture has no Terraform document');
  return (doc.content as Obj).resource.helm_release.dapr;
}

/** Replaces a metadata entry of a Component (or adds it). */
export function setMetadata(component: Obj, name: string, entry: Obj): void {
  const list: Obj[] = component.spec.metadata;
  const i = list.findIndex((m) => m.name === name);
  if (i >= 0) list[i] = { name, ...entry };
  else list.push({ name, ...entry });
}

/** The findings of one rule on a document set (the rule runs alone, so other rules cannot hide or add anything). */
export function findingsOf(rule: Rule, docs: LoadedDocument[], profile: EnvironmentProfile = EnvironmentProfile.PROD, daprVersion?: string): Finding[] {
  return runRules(docs, { profile, rules: [rule], daprVersion });
}

/** The messages of one rule's findings. */
export function messagesOf(rule: Rule, docs: LoadedDocument[], profile: EnvironmentProfile = EnvironmentProfile.PROD, daprVersion?: string): string[] {
  return findingsOf(rule, docs, profile, daprVersion).map((f) => f.message);
}
