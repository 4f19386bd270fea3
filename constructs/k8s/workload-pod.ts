/*
 * The pod template of a DaprWorkload: the sidecar annotations Dapr's injector reads, the Vault
 * Agent wiring, the app container (hardened, probed, its env including DAPR_API_TOKEN and
 * APP_API_TOKEN from the token Secrets) and the pod's volumes.
 */
import { Duration, Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { SecretRef } from '../model/secret-ref';
import { memoryQuantity, goMemLimit } from './resource-size';
import { vaultAgentAnnotations, vaultTokenSourceVolume } from './vault-agent-wiring';
import { WorkloadModel } from './workload-graph';
import { APP_API_TOKEN_ENV, APP_CONTAINER, AppProtocol, DAPR_API_TOKEN_ENV, LogLevel, WorkloadRole } from './workload-types';

/** The pod volume with the collector's CA, mounted into daprd only (`dapr.io/volume-mounts`). */
export const OTEL_CA_VOLUME = 'otel-collector-ca';
const OTEL_CA_DIR = '/var/run/secrets/dapr.io/otel-collector-ca';
const OTEL_CA_FILE = 'ca.crt';

/** The collector CA daprd verifies the collector with, when its Configuration's tracing uses TLS with one. */
function collectorCa(m: WorkloadModel): SecretRef | undefined {
  const t = m.props.configurationDefaults?.tracing;
  return t && (t.isSecure ?? true) && t.collectorCa && t.collectorCa.store === undefined ? t.collectorCa : undefined;
}

/** The pod's volumes: the Vault Agent's login token source and the collector CA, as needed. */
function podVolumes(m: WorkloadModel): k8s.Volume[] | undefined {
  const volumes: k8s.Volume[] = [];
  if (m.graph.vaultStores().length) volumes.push(vaultTokenSourceVolume());
  const ca = collectorCa(m);
  if (ca) volumes.push({ name: OTEL_CA_VOLUME, secret: { secretName: ca.secretName, items: [{ key: ca.key, path: OTEL_CA_FILE }] } });
  return volumes.length ? volumes : undefined;
}

/** The pod's termination grace period. */
export function gracePeriod(m: WorkloadModel): Duration {
  return m.props.terminationGracePeriod ?? Duration.seconds(m.workload.role === WorkloadRole.SERVICE ? 30 : 60);
}

/** The pod template annotations, sorted by key. */
export function podAnnotations(m: WorkloadModel): { [key: string]: string } {
  const p = m.props;
  const w = m.workload;
  const side = w.sidecarResources;
  const a: { [key: string]: string } = {
    'dapr.io/enabled': 'true',
    'dapr.io/app-id': w.appId,
    'dapr.io/config': w.configuration.configurationName,
    'dapr.io/log-level': p.logLevel ?? LogLevel.INFO,
    'dapr.io/log-as-json': 'true',
    'dapr.io/enable-metrics': 'true',
    'dapr.io/metrics-port': String(p.metricsPort ?? 9090),
    'dapr.io/enable-api-logging': String(p.enableApiLogging ?? false),
    'dapr.io/disable-builtin-k8s-secret-store': 'true',
    'dapr.io/sidecar-cpu-request': side.cpuRequest.amount,
    'dapr.io/sidecar-memory-request': memoryQuantity(side.memoryRequest),
    'dapr.io/sidecar-seccomp-profile-type': 'RuntimeDefault',
    // daprd stops after the app drains, within the pod's grace period.
    'dapr.io/graceful-shutdown-seconds': String(Math.max(5, gracePeriod(m).toSeconds() - 5)),
  };
  if (side.cpuLimit) a['dapr.io/sidecar-cpu-limit'] = side.cpuLimit.amount;
  const daprdEnv: string[] = [];
  if (side.memoryLimit) {
    a['dapr.io/sidecar-memory-limit'] = memoryQuantity(side.memoryLimit);
    daprdEnv.push(`GOMEMLIMIT=${goMemLimit(side.memoryLimit)}`);
  }
  if (collectorCa(m)) {
    a['dapr.io/volume-mounts'] = `${OTEL_CA_VOLUME}:${OTEL_CA_DIR}`;
    daprdEnv.push(`OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE=${OTEL_CA_DIR}/${OTEL_CA_FILE}`);
  }
  if (daprdEnv.length) a['dapr.io/env'] = daprdEnv.join(',');
  if (p.appPort !== undefined) {
    a['dapr.io/app-port'] = String(p.appPort);
    a['dapr.io/app-protocol'] = p.appProtocol ?? AppProtocol.HTTP;
    if (p.appHealthCheck ?? true) {
      a['dapr.io/enable-app-health-check'] = 'true';
      if ((p.appProtocol ?? AppProtocol.HTTP) !== AppProtocol.GRPC && p.appProtocol !== AppProtocol.GRPCS) {
        a['dapr.io/app-health-check-path'] = p.readinessPath ?? '/healthz';
      }
      a['dapr.io/app-health-probe-interval'] = '5';
      a['dapr.io/app-health-probe-timeout'] = '500';
      a['dapr.io/app-health-threshold'] = '3';
    }
  }
  if (w.apiTokenSecret) a['dapr.io/api-token-secret'] = w.apiTokenSecret.secretName;
  if (w.appTokenSecret && p.appPort !== undefined) a['dapr.io/app-token-secret'] = w.appTokenSecret.secretName;
  if (p.maxBodySize) a['dapr.io/max-body-size'] = memoryQuantity(p.maxBodySize);
  if (p.readBufferSize) a['dapr.io/read-buffer-size'] = `${Math.round(p.readBufferSize.toKibibytes())}Ki`;
  if (p.appMaxConcurrency !== undefined) a['dapr.io/app-max-concurrency'] = String(p.appMaxConcurrency);
  if (p.nativeSidecar !== undefined) a['dapr.io/enable-native-sidecar'] = String(p.nativeSidecar);
  const vault = m.graph.vaultStores();
  if (vault.length > 0) Object.assign(a, vaultAgentAnnotations(w.vaultRole, vault[0].kubernetesAuthPath, vault[0].agentTokenPath));
  return Object.fromEntries(Object.keys(a).sort().map((k) => [k, a[k]]));
}

/**
 * The app container's env: the declared variables, DAPR_API_TOKEN from the API token Secret and
 * APP_API_TOKEN from the app token Secret (the value daprd sends in `dapr-api-token`), sorted by name.
 */
export function appEnv(m: WorkloadModel): k8s.EnvVar[] | undefined {
  const vars = new Map<string, k8s.EnvVar>();
  const env = m.props.env ?? {};
  for (const name of Object.keys(env)) vars.set(name, env[name].toEnvVar(name));
  const token = m.workload.apiTokenSecret;
  if (token) vars.set(DAPR_API_TOKEN_ENV, { name: DAPR_API_TOKEN_ENV, valueFrom: { secretKeyRef: { name: token.secretName, key: token.key } } });
  const appToken = m.workload.appTokenSecret;
  if (appToken && m.props.appPort !== undefined) {
    vars.set(APP_API_TOKEN_ENV, { name: APP_API_TOKEN_ENV, valueFrom: { secretKeyRef: { name: appToken.secretName, key: appToken.key } } });
  }
  return vars.size ? [...vars.keys()].sort().map((k) => vars.get(k)!) : undefined;
}

/** The Deployment's spec. Annotations, env and volumes are lazy: they follow the finished graph. */
export function deploymentSpec(m: WorkloadModel, labels: { [key: string]: string }): k8s.DeploymentSpec {
  const p = m.props;
  const w = m.workload;
  const res = w.resources;
  const runAs = p.runAsUser ?? 10001;
  const probe = (path: string): k8s.Probe | undefined => {
    if (p.appPort === undefined) return undefined;
    const grpc = p.appProtocol === AppProtocol.GRPC || p.appProtocol === AppProtocol.GRPCS;
    return {
      ...(grpc ? { grpc: { port: p.appPort } } : { httpGet: { path, port: k8s.IntOrString.fromNumber(p.appPort) } }),
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    };
  };
  const limits: { [key: string]: k8s.Quantity } = {};
  if (res.cpuLimit) limits.cpu = k8s.Quantity.fromString(res.cpuLimit.amount);
  if (res.memoryLimit) limits.memory = k8s.Quantity.fromString(memoryQuantity(res.memoryLimit));
  const spread = w.replicas > 1 || (w.maxReplicas ?? 0) > 1;
  return {
    replicas: w.maxReplicas === undefined ? w.replicas : undefined,
    revisionHistoryLimit: 5,
    selector: { matchLabels: w.selectorLabels },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
    template: {
      metadata: { labels, annotations: Lazy.any({ produce: () => podAnnotations(m) }) },
      spec: {
        serviceAccountName: w.serviceAccountName,
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: gracePeriod(m).toSeconds(),
        securityContext: { runAsNonRoot: true, runAsUser: runAs, runAsGroup: runAs, fsGroup: runAs, seccompProfile: { type: 'RuntimeDefault' } },
        topologySpreadConstraints: spread
          ? [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: w.selectorLabels } }]
          : undefined,
        containers: [
          {
            name: APP_CONTAINER,
            image: p.image,
            imagePullPolicy: 'IfNotPresent',
            ports: p.appPort !== undefined ? [{ name: 'app', containerPort: p.appPort, protocol: 'TCP' }] : undefined,
            env: Lazy.any({ produce: () => appEnv(m) }),
            resources: {
              requests: { cpu: k8s.Quantity.fromString(res.cpuRequest.amount), memory: k8s.Quantity.fromString(memoryQuantity(res.memoryRequest)) },
              limits: Object.keys(limits).length ? limits : undefined,
            },
            livenessProbe: probe(p.livenessPath ?? '/healthz'),
            readinessProbe: probe(p.readinessPath ?? '/healthz'),
            securityContext: {
              runAsNonRoot: true,
              runAsUser: runAs,
              readOnlyRootFilesystem: true,
              allowPrivilegeEscalation: false,
              privileged: false,
              capabilities: { drop: ['ALL'] },
              seccompProfile: { type: 'RuntimeDefault' },
            },
          },
        ],
        // The Vault Agent's login token: a projected volume that no container of ours mounts;
        // vault-k8s mounts it into its agent containers only (agent-service-account-token-volume-name).
        volumes: Lazy.any({ produce: () => podVolumes(m) }),
      },
    },
  };
}
