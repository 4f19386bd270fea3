import { Duration } from 'cdk8s';
import { TerraformStack, Testing } from 'cdktf';
import { DaprVersion } from '../../constructs/model/dapr-version';
import { MtlsPolicy } from '../../constructs/model/mtls-policy';
import { EnvironmentProfile } from '../../constructs/model/profile';
import {
  DaprControlPlane,
  DaprControlPlaneProps,
  DisruptionBudget,
  ControlPlaneSpread,
  HaDecision,
  WebhookFailurePolicy,
} from '../../constructs/terraform/dapr-control-plane';
import { ISentryCa, SentryTrustBundle } from '../../constructs/terraform/sentry-trust-bundle';
import { TerraformSecret } from '../../constructs/terraform/terraform-secret';
import {
  RESOURCES,
  devProps,
  errorsOf,
  findResource,
  helmValues,
  platformStack,
  prodProps,
  providerStack,
  synthJson,
} from './helpers';

function props(overrides: Partial<DaprControlPlaneProps> = {}): DaprControlPlaneProps {
  return {
    profile: EnvironmentProfile.PROD,
    daprVersion: DaprVersion.V1_18_3,
    mtls: new MtlsPolicy(),
    ha: HaDecision.ENABLED,
    schedulerStorageSize: '16Gi',
    kubeContext: 'prod-eu',
    ...RESOURCES,
    ...overrides,
  };
}

/** A stack with a SentryTrustBundle (whose PEMs are Terraform references) and a DaprControlPlane using it unless `sentryCa` is overridden. */
function controlPlane(overrides: Partial<DaprControlPlaneProps> = {}): { stack: TerraformStack; cp: DaprControlPlane } {
  const stack = providerStack();
  const ca: ISentryCa = new SentryTrustBundle(stack, 'ca', { trustDomain: 'cluster.local', rootMountPath: 'pki-root', issuerMountPath: 'pki-issuer' });
  const cp = new DaprControlPlane(stack, 'cp', props({ sentryCa: ca, ...overrides }));
  return { stack, cp };
}

/** Validation errors of a DaprControlPlane built from `props(overrides)`. */
function errors(overrides: Partial<DaprControlPlaneProps> = {}): string[] {
  return errorsOf(controlPlane(overrides).stack);
}

describe('DaprControlPlane in a prod DaprPlatformStack', () => {
  const json = synthJson(platformStack('prod', prodProps()));
  const release = findResource(json, 'helm_release', (r) => r.name === 'dapr');
  const values = helmValues(json, 'dapr');

  test('installs the pinned dapr chart atomically into dapr-system, CRDs left to the CRD step', () => {
    expect(release).toMatchObject({
      chart: 'dapr',
      repository: 'https://dapr.github.io/helm-charts/',
      version: '1.18.3',
      namespace: 'dapr-system',
      create_namespace: false,
      atomic: true,
      cleanup_on_fail: true,
      wait: true,
      wait_for_jobs: true,
      timeout: 600,
      max_history: 2,
      skip_crds: true,
    });
    expect(release.set).toBeUndefined();
  });

  test('HA is on with 3 replicas and a minimumAvailable PDB (maximumUnavailable emptied)', () => {
    expect(values.global.ha).toEqual({
      enabled: true,
      replicaCount: 3,
      disruption: { minimumAvailable: 2, maximumUnavailable: '' },
      topologyKey: 'kubernetes.io/hostname',
      podAntiAffinityPolicy: 'requiredDuringSchedulingIgnoredDuringExecution',
    });
  });

  test('mTLS comes from the shared MtlsPolicy: 24h workload certificates, 15m clock skew', () => {
    expect(values.global.mtls).toEqual({
      enabled: true,
      workloadCertTTL: '24h',
      allowedClockSkew: '15m',
      controlPlaneTrustDomain: 'cluster.local',
    });
  });

  test('the injector fails closed and never intercepts its own namespace or kube-system', () => {
    expect(values.dapr_sidecar_injector.webhookFailurePolicy).toBe('Fail');
    expect(values.dapr_sidecar_injector.sidecarDropALLCapabilities).toBe(true);
    expect(values.dapr_sidecar_injector.namespaceSelector).toEqual({
      matchExpressions: [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['dapr-system', 'kube-system', 'kube-public', 'kube-node-lease'] },
      ],
    });
  });

  test('scheduler and placement storage are explicit', () => {
    expect(values.dapr_scheduler.cluster).toEqual({ storageClassName: 'ssd-retain', storageSize: '16Gi', inMemoryStorage: false });
    expect(values.dapr_placement.volumeclaims).toEqual({ storageSize: '2Gi', storageClassName: 'ssd-retain' });
  });

  test('global settings: JSON logs, metrics, RuntimeDefault seccomp', () => {
    expect(values.global.logAsJson).toBe(true);
    expect(values.global.prometheus).toEqual({ enabled: true, port: 9090 });
    expect(values.global.seccompProfile).toBe('RuntimeDefault');
    for (const svc of ['dapr_operator', 'dapr_placement', 'dapr_scheduler', 'dapr_sentry', 'dapr_sidecar_injector']) {
      expect(values[svc].logLevel).toBe('info');
    }
  });

  test('per-service resources become requests/limits without a memory limit', () => {
    expect(values.dapr_operator.resources).toEqual({ requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '1' } });
    expect(values.dapr_scheduler.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1' } });
  });

  test('the three Sentry PEMs are set_sensitive references to Vault PKI resources, never in the values', () => {
    const byName = Object.fromEntries(release.set_sensitive.map((s: any) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual([
      'dapr_sentry.tls.issuer.certPEM',
      'dapr_sentry.tls.issuer.keyPEM',
      'dapr_sentry.tls.root.certPEM',
    ]);
    expect(byName['dapr_sentry.tls.root.certPEM'].value).toMatch(/^\$\{vault_pki_secret_backend_root_cert\.[\w-]+\.certificate\}$/);
    expect(byName['dapr_sentry.tls.issuer.certPEM'].value).toMatch(
      /^\$\{vault_pki_secret_backend_intermediate_set_signed\.[\w-]+\.certificate\}$/,
    );
    expect(byName['dapr_sentry.tls.issuer.keyPEM'].value).toMatch(
      /^\$\{vault_pki_secret_backend_intermediate_cert_request\.[\w-]+\.private_key\}$/,
    );
    for (const s of release.set_sensitive) expect(s.type).toBe('string');
    expect(values.dapr_sentry.tls).toBeUndefined();
    expect(release.values[0]).not.toMatch(/PEM|BEGIN/);
  });

  test('the CRD step applies every CRD file of the pinned release before the chart, re-run on version change', () => {
    const crds = findResource(json, 'terraform_data', (r) => r.provisioner !== undefined);
    const urls = DaprVersion.V1_18_3.crdFiles.map((f) => `https://raw.githubusercontent.com/dapr/dapr/v1.18.3/charts/dapr/crds/${f}`);
    expect(urls).toHaveLength(7);
    expect(crds.provisioner[0]['local-exec'].command).toBe(
      'kubectl --kubeconfig ~/.kube/config --context prod-eu apply --server-side --force-conflicts --field-manager=dapr-platform-crds ' +
        urls.map((u) => `-f ${u}`).join(' '),
    );
    expect(crds.triggers_replace).toEqual({
      dapr_version: '1.18.3',
      crd_files: 'components.yaml,configuration.yaml,httpendpoints.yaml,mcpservers.yaml,resiliency.yaml,subscription.yaml,workflowaccesspolicy.yaml',
      kube_context: 'prod-eu',
    });
    const crdsId = Object.entries(json.resource.terraform_data).find(([, r]: any) => r === crds)![0];
    expect(release.depends_on).toContain(`terraform_data.${crdsId}`);
    expect(release.depends_on.some((d: string) => d.startsWith('kubernetes_namespace_v1.'))).toBe(true);
  });

  test('HA is recorded at creation and the release refuses a plan that changes it', () => {
    const record = findResource(json, 'terraform_data', (r) => r.input?.ha_enabled !== undefined);
    expect(record).toEqual({
      input: { ha_enabled: true, decision: 'none' },
      triggers_replace: { decision: 'none' },
      lifecycle: { ignore_changes: ['input'] },
    });
    const recordId = Object.entries(json.resource.terraform_data).find(([, r]: any) => r === record)![0];
    expect(release.lifecycle.precondition).toHaveLength(1);
    expect(release.lifecycle.precondition[0].condition).toBe(`\${(terraform_data.${recordId}.output["ha_enabled"] == true)}`);
    expect(release.lifecycle.precondition[0].error_message).toContain('haChangeDecision');
  });
});

describe('DaprControlPlane in dev', () => {
  const json = synthJson(platformStack('dev', devProps()));
  const release = findResource(json, 'helm_release', (r) => r.name === 'dapr');
  const values = helmValues(json, 'dapr');

  test('no HA, Sentry self-signs (nothing sensitive is passed)', () => {
    expect(values.global.ha.enabled).toBe(false);
    expect(release.set_sensitive).toBeUndefined();
    expect(values.dapr_scheduler.cluster).toEqual({ storageClassName: '', storageSize: '1Gi', inMemoryStorage: false });
  });

  test('a named HA change decision replaces the record (re-recording the new value)', () => {
    const changed = synthJson(platformStack('dev', devProps({ ha: HaDecision.DISABLED, haChangeDecision: 'CHG-42' })));
    const record = findResource(changed, 'terraform_data', (r) => r.input?.ha_enabled !== undefined);
    expect(record.input).toEqual({ ha_enabled: false, decision: 'CHG-42' });
    expect(record.triggers_replace).toEqual({ decision: 'CHG-42' });
  });
});

describe('DaprControlPlane validation (one failing input per rule)', () => {
  test('the complete prod input is valid', () => {
    expect(errors()).toEqual([]);
  });

  test('strict profiles need a bring-your-own CA', () => {
    expect(errors({ sentryCa: undefined })).toEqual([
      `no sentryCa in a prod environment: Sentry would self-sign its CA. Pass a SentryTrustBundle (Vault PKI) as sentryCa.`,
    ]);
    expect(errors({ profile: EnvironmentProfile.DEV, ha: HaDecision.DISABLED, sentryCa: undefined })).toEqual([]);
  });

  test('the issuer key must be a Terraform reference, not a literal', () => {
    const literal: ISentryCa = {
      rootCertPem: '-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----',
      issuerCertPem: '-----BEGIN CERTIFICATE-----\nissuer\n-----END CERTIFICATE-----',
      issuerKeyPem: TerraformSecret.fromReference('-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----'),
    };
    expect(errors({ sentryCa: literal })).toEqual([
      'sentryCa.issuerKeyPem is a literal string: pass a Terraform reference to the key (e.g. SentryTrustBundle.issuerKeyPem), never the key itself.',
    ]);
  });

  test('webhookFailurePolicy Ignore is refused in strict profiles', () => {
    expect(errors({ webhookFailurePolicy: WebhookFailurePolicy.IGNORE })).toEqual([
      `webhookFailurePolicy 'Ignore' in a prod environment would start Dapr apps without their sidecar when the injector is down: use WebhookFailurePolicy.FAIL.`,
    ]);
    expect(errors({ profile: EnvironmentProfile.DEV, ha: HaDecision.DISABLED, webhookFailurePolicy: WebhookFailurePolicy.IGNORE })).toEqual([]);
  });

  test('in-memory scheduler storage is dev only', () => {
    expect(errors({ profile: EnvironmentProfile.STAGING, schedulerInMemoryStorage: true })).toEqual([
      'schedulerInMemoryStorage is true in a staging environment: every job, reminder and workflow timer would be lost on a scheduler restart. Set it to false and size schedulerStorageSize.',
    ]);
    expect(errors({ profile: EnvironmentProfile.DEV, ha: HaDecision.DISABLED, schedulerInMemoryStorage: true })).toEqual([]);
  });

  test('in-memory scheduler storage is refused on 1.16, whose chart fails to render it', () => {
    expect(
      errors({ profile: EnvironmentProfile.DEV, ha: HaDecision.DISABLED, schedulerInMemoryStorage: true, daprVersion: DaprVersion.V1_16_19 }),
    ).toEqual([
      'schedulerInMemoryStorage is true but the Dapr 1.16.19 chart fails to render it (it allows in-memory storage only with 1 replica, and the scheduler always runs 3): set it to false.',
    ]);
    // The 1.17.13 scheduler template no longer has that guard (../shared/charts/dapr/1.17.13).
    expect(errors({ profile: EnvironmentProfile.DEV, ha: HaDecision.DISABLED, schedulerInMemoryStorage: true, daprVersion: DaprVersion.V1_17_13 })).toEqual([]);
  });

  test.each([DaprVersion.V1_16_19, DaprVersion.V1_17_13, DaprVersion.V1_18_3])('Dapr %s: every values key written exists in its chart; the CRD step applies its CRD files', (version) => {
    const { stack } = controlPlane({ daprVersion: version, schedulerStorageSize: '16Gi' });
    expect(errorsOf(stack)).toEqual([]);
    const json = synthJson(stack);
    expect(findResource(json, 'helm_release').version).toBe(version.version);
    const crd = Object.values<any>(json.resource.terraform_data).find((r) => r.triggers_replace?.dapr_version !== undefined);
    expect(crd.triggers_replace.dapr_version).toBe(version.version);
    expect(crd.provisioner[0]['local-exec'].command.match(/-f \S+/g)).toEqual(version.crdFiles.map((f) => `-f https://raw.githubusercontent.com/dapr/dapr/v${version.version}/charts/dapr/crds/${f}`));
  });

  test('in-memory scheduler storage is accepted in dev on 1.17.13 and 1.18.3, whose charts no longer fail on it', () => {
    // ../shared/charts/dapr/1.17.13/charts/dapr_scheduler/templates/dapr_scheduler_statefulset.yaml has no `fail` for it (1.16.19 has).
    for (const daprVersion of [DaprVersion.V1_17_13, DaprVersion.V1_18_3]) {
      expect(errors({ profile: EnvironmentProfile.DEV, ha: HaDecision.DISABLED, schedulerInMemoryStorage: true, daprVersion })).toEqual([]);
    }
  });

  test("namespace 'default' is refused", () => {
    const e = errors({ namespace: 'default', mtls: new MtlsPolicy({ controlPlaneNamespace: 'default' }), injectorExcludedNamespaces: ['default'] });
    expect(e).toEqual([`namespace 'default' is refused for the control plane: use its own namespace, e.g. 'dapr-system'.`]);
  });

  test('the mTLS policy must name the release namespace', () => {
    expect(errors({ namespace: 'dapr', injectorExcludedNamespaces: ['dapr'] })).toEqual([
      `mtls.controlPlaneNamespace 'dapr-system' differs from the release namespace 'dapr': sidecars would look for Sentry in the wrong namespace. Make them equal.`,
    ]);
  });

  test('the mTLS policy rules apply (mTLS off in prod)', () => {
    expect(errors({ mtls: new MtlsPolicy({ enabled: false }) })).toEqual([
      `mTLS is disabled in a prod environment: set 'enabled: true' (only dev may run without mTLS).`,
    ]);
  });

  test('HA off in a strict profile needs the explicit waiver', () => {
    expect(errors({ ha: HaDecision.DISABLED })).toEqual([
      'ha is HaDecision.DISABLED in a prod environment: use HaDecision.ENABLED, or HaDecision.DISABLED_WAIVED_FOR_STRICT_PROFILE to record a deliberate waiver.',
    ]);
    expect(errors({ ha: HaDecision.DISABLED_WAIVED_FOR_STRICT_PROFILE })).toEqual([]);
    expect(errors({ profile: EnvironmentProfile.DEV, ha: HaDecision.DISABLED_WAIVED_FOR_STRICT_PROFILE })).toEqual([
      'ha is HaDecision.DISABLED_WAIVED_FOR_STRICT_PROFILE in a dev environment: the waiver is for strict profiles; use HaDecision.DISABLED.',
    ]);
  });

  test('an HA change decision must be a change id', () => {
    expect(errors({ haChangeDecision: 'turn it off please' })).toEqual([
      `haChangeDecision 'turn it off please' is not a change id: use the ticket or ADR id (letters, digits, '._/-'), e.g. 'CHG-1234'.`,
    ]);
    expect(errors({ haChangeDecision: 'none' })).toEqual([
      `haChangeDecision 'none' is not a change id: use the ticket or ADR id (letters, digits, '._/-'), e.g. 'CHG-1234'.`,
    ]);
  });

  test('HA replicas and the disruption budget must leave drains possible', () => {
    expect(errors({ haReplicaCount: 1 })).toEqual(['haReplicaCount 1 is outside 2..9: use 3.']);
    expect(errors({ disruptionBudget: DisruptionBudget.minimumAvailable(3) })).toEqual([
      'disruptionBudget minimumAvailable 3 leaves no pod of a 3-replica workload evictable, so node drains would hang: use DisruptionBudget.minimumAvailable(2).',
    ]);
    expect(errors({ disruptionBudget: DisruptionBudget.maximumUnavailablePercent(150) })).toEqual([
      'disruptionBudget maximumUnavailable 150% is outside 1..99%: use e.g. DisruptionBudget.minimumAvailable(2).',
    ]);
  });

  test('a maximumUnavailable budget empties minimumAvailable', () => {
    const { cp } = controlPlane({ disruptionBudget: DisruptionBudget.maximumUnavailable(1) });
    expect(cp.values.global.ha.disruption).toEqual({ minimumAvailable: '', maximumUnavailable: 1 });
  });

  test('strict profiles need resources for every service; quantities are checked', () => {
    expect(errors({ sentryResources: undefined })).toEqual([
      `sentryResources is not set in a prod environment: give requests, e.g. { cpuRequest: '100m', memoryRequest: '128Mi', cpuLimit: '1' } (Dapr's production guidance: no memory limit).`,
    ]);
    expect(errors({ operatorResources: { cpuRequest: '100 m', memoryRequest: '1Gi', memoryLimit: '512Mi' } })).toEqual([
      `operatorResources.cpuRequest '100 m' is not a Kubernetes quantity: use e.g. '100m' for CPU or '128Mi' for memory.`,
      'operatorResources: memory request 1Gi exceeds its limit 512Mi: raise the limit or lower the request.',
    ]);
  });

  test('Kubernetes names are checked (namespace, excluded namespaces, StorageClasses, PriorityClass)', () => {
    const e = errors({
      namespace: 'Dapr',
      mtls: new MtlsPolicy({ controlPlaneNamespace: 'Dapr' }),
      injectorExcludedNamespaces: ['Dapr', 'kube_system'],
      placementStorageClassName: 'SSD',
      priorityClassName: 'High Priority',
    });
    expect(e).toHaveLength(5);
    expect(e[0]).toMatch(/^namespace 'Dapr' is not a DNS-1123 label/);
    expect(e[1]).toMatch(/^injectorExcludedNamespaces: namespace 'Dapr' is not a DNS-1123 label/);
    expect(e[2]).toMatch(/^injectorExcludedNamespaces: namespace 'kube_system' is not a DNS-1123 label/);
    expect(e[3]).toMatch(/^placementStorageClassName 'SSD' is not a valid Kubernetes name/);
    expect(e[4]).toMatch(/^priorityClassName 'High Priority' is not a valid Kubernetes name/);
  });

  test('storage sizes must be sizes', () => {
    expect(errors({ schedulerStorageSize: '16GB' })).toEqual([
      `schedulerStorageSize '16GB' is not a storage size: write a whole number with a unit, e.g. '16Gi'.`,
    ]);
  });

  test('with failurePolicy Fail the injector must skip its own namespace', () => {
    expect(errors({ injectorExcludedNamespaces: ['kube-system'] })).toEqual([
      `injectorExcludedNamespaces [kube-system] does not contain the control-plane namespace 'dapr-system': with failurePolicy Fail the injector could never be recreated after an outage. Add 'dapr-system'.`,
    ]);
  });

  test('release settings are bounded and the CRD command is shell-safe', () => {
    expect(errors({ maxHistory: 0, timeout: Duration.seconds(30), prometheusPort: 80, kubeContext: 'prod; rm -rf /' })).toEqual([
      'prometheusPort 80 is outside 1024..65535: use 9090.',
      `maxHistory 0 is outside 1..2: every kept revision is a Secret with the issuer key in its values; use 2 (the current revision and one to roll back to).`,
      'timeout 30s is under a minute: the scheduler and placement StatefulSets roll one pod at a time; use Duration.minutes(10).',
      `kubeContext 'prod; rm -rf /' contains characters that are unsafe in a shell command: use only letters, digits and '_.@:/~+=-'.`,
    ]);
  });

  test('Helm keeps at most 2 revisions of the release (each holds the issuer key)', () => {
    expect(errors({ maxHistory: 3 })).toEqual([
      `maxHistory 3 is outside 1..2: every kept revision is a Secret with the issuer key in its values; use 2 (the current revision and one to roll back to).`,
    ]);
    expect(errors({ maxHistory: 1 })).toEqual([]);
  });

  test('an unknown values key fails with its path (tutorial keys do not exist)', () => {
    expect(errors({ extraValues: { dapr_scheduler: { volumeClaimTemplates: { size: '1Gi' } }, dapr_placement: { replicaCount: 3 } } })).toEqual([
      `Helm values key 'dapr_placement.replicaCount' does not exist in the dapr chart 1.18.3: check the key against its values files (../shared/dapr-reference/1.18.3/chart-values) and DAPR-NOTES §1.3.`,
      `Helm values key 'dapr_scheduler.volumeClaimTemplates.size' does not exist in the dapr chart 1.18.3: check the key against its values files (../shared/dapr-reference/1.18.3/chart-values) and DAPR-NOTES §1.3.`,
    ]);
  });

  test('key validity follows the pinned version (podAntiAffinityPolicy exists from 1.18)', () => {
    const extraValues = { global: { ha: { podAntiAffinityPolicy: 'requiredDuringSchedulingIgnoredDuringExecution' } } };
    expect(errors({ extraValues, spread: ControlPlaneSpread.CHART_DEFAULT })).toEqual([]);
    expect(errors({ extraValues, daprVersion: DaprVersion.V1_16_19 })).toEqual([
      `Helm values key 'global.ha.podAntiAffinityPolicy' does not exist in the dapr chart 1.16.19: check the key against its values files (../shared/dapr-reference/1.16.19/chart-values) and DAPR-NOTES §1.3.`,
    ]);
  });

  test('extra values cannot override typed keys or carry Sentry CA material', () => {
    expect(errors({ extraValues: { global: { ha: { enabled: false } }, dapr_sentry: { tls: { issuer: { keyPEM: 'x' } } } } })).toEqual([
      `extraValues key 'global.ha.enabled' is already set by a typed prop of DaprControlPlane: use the prop instead.`,
      `extraValues key 'dapr_sentry.tls.issuer.keyPEM' would put Sentry CA material into the values document: pass the CA as sentryCa (it goes through set_sensitive).`,
    ]);
  });

  test('all errors are collected, and synth fails naming the construct path', () => {
    const { stack } = controlPlane({ sentryCa: undefined, webhookFailurePolicy: WebhookFailurePolicy.IGNORE, schedulerStorageSize: 'big' });
    expect(errorsOf(stack)).toHaveLength(3);
    expect(() => Testing.synth(stack, true)).toThrow(/\[test\/cp\] no sentryCa in a prod environment/);
  });
});

describe('control-plane spread (issue 16)', () => {
  const ha = (overrides: Partial<DaprControlPlaneProps> = {}) => controlPlane(overrides).cp.values.global.ha;

  test('HA on 1.18 keeps replicas on distinct nodes by default, through the chart keys of 1.18', () => {
    expect(ha()).toMatchObject({ topologyKey: 'kubernetes.io/hostname', podAntiAffinityPolicy: 'requiredDuringSchedulingIgnoredDuringExecution' });
    expect(ha({ spread: ControlPlaneSpread.ZONES_REQUIRED })).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', podAntiAffinityPolicy: 'requiredDuringSchedulingIgnoredDuringExecution' });
    const chartDefault = ha({ spread: ControlPlaneSpread.CHART_DEFAULT });
    expect(chartDefault.topologyKey).toBeUndefined();
    expect(chartDefault.podAntiAffinityPolicy).toBeUndefined();
  });

  test('1.16 and 1.17 get the chart default (no podAntiAffinityPolicy key), and asking for more is refused', () => {
    for (const daprVersion of [DaprVersion.V1_16_19, DaprVersion.V1_17_13]) {
      expect(ha({ daprVersion }).podAntiAffinityPolicy).toBeUndefined();
      expect(ha({ daprVersion }).topologyKey).toBeUndefined();
    }
    expect(errors({ daprVersion: DaprVersion.V1_16_19, spread: ControlPlaneSpread.NODES_REQUIRED })).toEqual([
      'spread is ControlPlaneSpread.NODES_REQUIRED but the Dapr 1.16.19 chart has no global.ha.podAntiAffinityPolicy (it comes with 1.18): ' +
        'use ControlPlaneSpread.CHART_DEFAULT (a preferred anti-affinity over topology.kubernetes.io/zone) until the environment runs 1.18.',
    ]);
  });

  test('a spread without HA is refused; without HA nothing is set', () => {
    expect(ha({ profile: EnvironmentProfile.DEV, ha: HaDecision.DISABLED }).podAntiAffinityPolicy).toBeUndefined();
    expect(errors({ profile: EnvironmentProfile.DEV, ha: HaDecision.DISABLED, sentryCa: undefined, spread: ControlPlaneSpread.ZONES_REQUIRED })).toContain(
      'spread is ControlPlaneSpread.ZONES_REQUIRED but HA is off: the chart renders anti-affinity only with HA (one replica has nothing to keep apart); drop spread.',
    );
  });
});
