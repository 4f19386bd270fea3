/*
 * Lifecycle expressions of every Terraform-producing construct, for each boolean/enum setting it
 * has, and of every environment's synthesized stack:
 * - the rendered expressions, asserted exactly (no `undefined`, bare addresses in replace_triggered_by);
 * - parsed and validated by the REAL Terraform CLI (`terraform init` + `terraform validate`) in a
 *   configuration that stands the resources in with Terraform's built-in `terraform_data`.
 * This validates the lifecycle expressions only, not the provider schemas (the kubernetes/helm/vault
 * providers cannot be installed here). Without a Terraform binary the Terraform checks are skipped
 * with a warning; with REQUIRE_TERRAFORM=1 (CI) they fail instead.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { Op, TerraformStack, Testing } from 'cdktf';
import { MtlsPolicy } from '../../constructs/model/mtls-policy';
import { EnvironmentProfile } from '../../constructs/model/profile';
import { DaprControlPlane, DaprLogLevel, DisruptionBudget, HaDecision, WebhookFailurePolicy } from '../../constructs/terraform/dapr-control-plane';
import { DaprPlatformStackProps } from '../../constructs/terraform/dapr-platform-stack';
import { KubernetesApiCa } from '../../constructs/terraform/kubernetes-api-ca';
import { Namespaces, PodSecurityLevel } from '../../constructs/terraform/namespaces';
import { ArgoCdApplication } from '../../constructs/terraform/argocd-application';
import { VaultAgentInjector } from '../../constructs/terraform/vault-agent-injector';
import { CaKeyAlgorithm, RootCaSource, SentryTrustBundle } from '../../constructs/terraform/sentry-trust-bundle';
import { TerraformData } from '../../constructs/terraform/terraform-data';
import { VaultAppAccess } from '../../constructs/terraform/vault-app-access';
import { DaprVersion } from '../../constructs/model/dapr-version';
import { synthesize } from '../../stacks/main';
import { ORDERS_ACCESS, devProps, errorsOf, platformStack, prodProps, providerStack, synthJson } from '../terraform/helpers';
import { EXPRESSION_LIFECYCLE_KEYS, lifecycleConfig } from './lifecycle-config';
import { renderingDefects } from './rendering-defects';
import { TERRAFORM_REQUIRED, findTerraform, initAndValidate, terraformVersion } from './terraform-cli';

const TERRAFORM = findTerraform();
if (!TERRAFORM) {
  console.warn(
    '\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
      '!! NO TERRAFORM BINARY: the real-Terraform validation of the lifecycle expressions is SKIPPED. !!\n' +
      '!! Install Terraform >= 1.4 (or set TERRAFORM_BINARY_NAME); CI sets REQUIRE_TERRAFORM=1.      !!\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
  );
}
const withTerraform = TERRAFORM ? test : test.skip;

test('the Terraform binary is present when REQUIRE_TERRAFORM=1', () => {
  if (TERRAFORM_REQUIRED) expect(TERRAFORM).toBeDefined();
  if (TERRAFORM) expect(terraformVersion(TERRAFORM)).toMatch(/^Terraform v1\.(\d\d|[4-9])\./);
});

/** Address → the expression-carrying lifecycle entries of each resource of a synthesized stack. */
function expressionLifecycles(json: any): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [type, byName] of Object.entries<any>(json.resource ?? {})) {
    for (const [name, r] of Object.entries<any>(byName)) {
      const carried: Record<string, any> = {};
      for (const k of EXPRESSION_LIFECYCLE_KEYS) if (r.lifecycle?.[k] !== undefined) carried[k] = r.lifecycle[k];
      if (Object.keys(carried).length) out[`${type}.${name}`] = carried;
    }
  }
  return out;
}

function idOf(json: any, type: string, pred: (id: string, r: any) => boolean): string {
  const ids = Object.entries<any>(json.resource?.[type] ?? {}).filter(([id, r]) => pred(id, r)).map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return ids[0];
}

/** What a case's lifecycle expressions must be, exactly. */
interface Expected {
  /** The HA the dapr release's precondition compares against; undefined: no control plane. */
  readonly haEnabled?: boolean;
  /** Whether a Sentry issuer CSR (replaced when the generation record changes) exists. */
  readonly issuerCsr: boolean;
}

function expectedLifecycles(json: any, e: Expected): Record<string, any> {
  const out: Record<string, any> = {};
  if (e.haEnabled !== undefined) {
    const release = idOf(json, 'helm_release', (_id, r) => r.name === 'dapr');
    const record = idOf(json, 'terraform_data', (_id, r) => r.input?.ha_enabled !== undefined);
    out[`helm_release.${release}`] = {
      precondition: [
        {
          condition: `\${(terraform_data.${record}.output["ha_enabled"] == ${e.haEnabled})}`,
          error_message: expect.stringContaining(`(HA ${e.haEnabled ? 'on' : 'off'} requested)`),
        },
      ],
    };
  }
  if (e.issuerCsr) {
    const csr = idOf(json, 'vault_pki_secret_backend_intermediate_cert_request', () => true);
    const generation = idOf(json, 'terraform_data', (id) => id.includes('_issuer-generation_'));
    out[`vault_pki_secret_backend_intermediate_cert_request.${csr}`] = { replace_triggered_by: [`terraform_data.${generation}`] };
  }
  return out;
}

const prod = (o: Partial<DaprPlatformStackProps> = {}) => () => platformStack('prod', prodProps(o));
const dev = (o: Partial<DaprPlatformStackProps> = {}) => () => platformStack('dev', devProps(o));

function controlPlaneOnly(o: { ha: HaDecision; prometheusEnabled?: boolean; sidecarDropAllCapabilities?: boolean }): () => TerraformStack {
  return () => {
    const stack = providerStack();
    new DaprControlPlane(stack, 'cp', {
      profile: EnvironmentProfile.DEV,
      daprVersion: DaprVersion.V1_18_3,
      mtls: new MtlsPolicy(),
      schedulerStorageSize: '1Gi',
      kubeContext: 'kind-dapr',
      ...o,
    });
    return stack;
  };
}

function bundleOnly(o: { algorithm: CaKeyAlgorithm; source: RootCaSource; preventDestroy: boolean }): () => TerraformStack {
  return () => {
    const stack = providerStack();
    new SentryTrustBundle(stack, 'ca', {
      trustDomain: 'cluster.local',
      rootCaSource: o.source,
      rootMountPath: 'pki-root',
      issuerMountPath: 'pki-issuer',
      rootTtl: o.source === RootCaSource.EXISTING_MOUNT ? Duration.days(1825) : undefined,
      keyAlgorithm: o.algorithm,
      preventDestroy: o.preventDestroy,
    });
    return stack;
  };
}

/** The constructs without lifecycle expressions of their own, under each of their settings. */
function noExpressionConstructs(o: {
  preventDestroy: boolean;
  podSecurity: PodSecurityLevel;
  ca?: KubernetesApiCa;
  profile: EnvironmentProfile;
  injectorFailurePolicy: WebhookFailurePolicy;
}): () => TerraformStack {
  return () => {
    const stack = providerStack();
    new Namespaces(stack, 'ns', { appsNamespace: 'shop', platformNamespaces: ['vault-injector'], preventDestroy: o.preventDestroy, controlPlaneEnforce: o.podSecurity });
    new VaultAppAccess(stack, 'va', {
      profile: o.profile,
      apps: [ORDERS_ACCESS],
      kubernetesHost: 'https://10.0.0.1:443',
      preventDestroy: o.preventDestroy,
      kubernetesCa: o.ca,
      tokenReviewerNamespace: 'vault-injector',
    });
    new VaultAgentInjector(stack, 'injector', {
      profile: o.profile,
      vaultAddress: 'https://vault.example.com:8200',
      namespace: 'vault-injector',
      failurePolicy: o.injectorFailurePolicy,
    });
    new ArgoCdApplication(stack, 'argo', { name: 'platform', repoUrl: 'https://github.com/acme/platform.git', targetRevision: 'main', path: 'dist/x', destinationNamespace: 'shop' });
    return stack;
  };
}

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIUEXAMPLE=\n-----END CERTIFICATE-----\n';

const CASES: [string, () => TerraformStack, Expected][] = [
  ['prod stack, HaDecision.ENABLED, root created', prod(), { haEnabled: true, issuerCsr: true }],
  ['prod stack, HaDecision.DISABLED_WAIVED_FOR_STRICT_PROFILE', prod({ ha: HaDecision.DISABLED_WAIVED_FOR_STRICT_PROFILE }), { haEnabled: false, issuerCsr: true }],
  ['prod stack, haChangeDecision set', prod({ haChangeDecision: 'CHG-1234' }), { haEnabled: true, issuerCsr: true }],
  ['dev stack, RootCaSource.EXISTING_MOUNT', dev({ sentrySelfSigned: false, pkiRootSource: RootCaSource.EXISTING_MOUNT, rootCaTtl: Duration.days(1825) }), { haEnabled: false, issuerCsr: true }],
  ['prod stack, issuerRotation 2', prod({ issuerRotation: 2 }), { haEnabled: true, issuerCsr: true }],
  ['prod stack, logAsJson false', prod({ logAsJson: false }), { haEnabled: true, issuerCsr: true }],
  ...[DisruptionBudget.minimumAvailable(2), DisruptionBudget.minimumAvailablePercent(50), DisruptionBudget.maximumUnavailable(1), DisruptionBudget.maximumUnavailablePercent(25)].map(
    (budget): [string, () => TerraformStack, Expected] => [`prod stack, disruptionBudget ${budget}`, prod({ disruptionBudget: budget }), { haEnabled: true, issuerCsr: true }],
  ),
  ...Object.values(DaprLogLevel).map(
    (l): [string, () => TerraformStack, Expected] => [`prod stack, logLevel ${l}`, prod({ logLevel: l }), { haEnabled: true, issuerCsr: true }],
  ),
  ['staging stack', () => platformStack('staging', prodProps({ profile: EnvironmentProfile.STAGING, argoPath: 'dist/staging' })), { haEnabled: true, issuerCsr: true }],
  ['dev stack, HaDecision.DISABLED, Sentry self-signed, dev brokers', dev(), { haEnabled: false, issuerCsr: false }],
  ['dev stack, HaDecision.ENABLED', dev({ ha: HaDecision.ENABLED }), { haEnabled: true, issuerCsr: false }],
  ['dev stack, sentrySelfSigned false (root created)', dev({ sentrySelfSigned: false }), { haEnabled: false, issuerCsr: true }],
  ['dev stack, no dev brokers', dev({ devRedis: false, devKafka: false }), { haEnabled: false, issuerCsr: false }],
  ['dev stack, dev Kafka only', dev({ devRedis: false }), { haEnabled: false, issuerCsr: false }],
  ['dev stack, WebhookFailurePolicy.IGNORE', dev({ webhookFailurePolicy: WebhookFailurePolicy.IGNORE }), { haEnabled: false, issuerCsr: false }],
  ['dev stack, schedulerInMemoryStorage true', dev({ schedulerInMemoryStorage: true }), { haEnabled: false, issuerCsr: false }],
  ['DaprControlPlane, prometheus off, capabilities kept', controlPlaneOnly({ ha: HaDecision.DISABLED, prometheusEnabled: false, sidecarDropAllCapabilities: false }), { haEnabled: false, issuerCsr: false }],
  ['DaprControlPlane, prometheus on, capabilities dropped', controlPlaneOnly({ ha: HaDecision.DISABLED, prometheusEnabled: true, sidecarDropAllCapabilities: true }), { haEnabled: false, issuerCsr: false }],
  ...[CaKeyAlgorithm.EC_P256, CaKeyAlgorithm.EC_P384, CaKeyAlgorithm.RSA_2048, CaKeyAlgorithm.RSA_4096].flatMap((algorithm) =>
    [RootCaSource.CREATE, RootCaSource.EXISTING_MOUNT].map((source): [string, () => TerraformStack, Expected] => [
      `SentryTrustBundle ${algorithm.keyType}-${algorithm.keyBits}, ${source}, preventDestroy ${source === RootCaSource.CREATE}`,
      bundleOnly({ algorithm, source, preventDestroy: source === RootCaSource.CREATE }),
      { issuerCsr: true },
    ]),
  ),
  // PodSecurityLevel.PRIVILEGED is refused by Namespaces' validation (test/terraform/namespaces.test.ts).
  ...[PodSecurityLevel.BASELINE, PodSecurityLevel.RESTRICTED].flatMap((podSecurity) =>
    [true, false].map((preventDestroy): [string, () => TerraformStack, Expected] => [
      `Namespaces (${podSecurity}, preventDestroy ${preventDestroy}), VaultAppAccess, VaultAgentInjector (Fail), ArgoCdApplication in prod`,
      noExpressionConstructs({ preventDestroy, podSecurity, ca: KubernetesApiCa.fromClusterRootCaConfigMap(), profile: EnvironmentProfile.PROD, injectorFailurePolicy: WebhookFailurePolicy.FAIL }),
      { issuerCsr: false },
    ]),
  ),
  ...([
    ['KubernetesApiCa.fromPem', KubernetesApiCa.fromPem(CA_PEM)],
    ['no CA', undefined],
  ] as const).flatMap(([caName, ca]) =>
    Object.values(WebhookFailurePolicy).map((policy): [string, () => TerraformStack, Expected] => [
      `VaultAppAccess (${caName}) and VaultAgentInjector (${policy}) in dev`,
      noExpressionConstructs({ preventDestroy: false, podSecurity: PodSecurityLevel.BASELINE, ca, profile: EnvironmentProfile.DEV, injectorFailurePolicy: policy }),
      { issuerCsr: false },
    ]),
  ),
];

describe.each(CASES)('%s', (_name, build, expected) => {
  const stack = build();
  const json = synthJson(stack);

  test('is valid and renders its lifecycle expressions exactly', () => {
    expect(errorsOf(stack)).toEqual([]);
    expect(expressionLifecycles(json)).toEqual(expectedLifecycles(json, expected));
    expect(renderingDefects(json)).toEqual([]);
  });

  withTerraform('real Terraform validates the lifecycle expressions (terraform_data stand-ins)', () => {
    const extracted = lifecycleConfig(json);
    expect(extracted.errors).toEqual([]);
    const result = initAndValidate(TERRAFORM!, extracted.config);
    expect({ ok: result.ok, output: result.validate.output }).toEqual({ ok: true, output: expect.stringContaining('Success! The configuration is valid.') });
  });
});

describe('every environment as `npm run synth` writes it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-platform-synth-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const outputs = synthesize({ distDir: path.join(dir, 'dist'), cdktfOutDir: path.join(dir, 'cdktf.out'), write: true });
  const files = outputs.map((o) => [o.env.name, path.join(dir, 'cdktf.out', 'stacks', o.env.name, 'cdk.tf.json')] as const);

  test.each(files)('%s: cdk.tf.json has no `undefined` and no `${` inside replace_triggered_by', (_env, file) => {
    expect(renderingDefects(JSON.parse(fs.readFileSync(file, 'utf8')))).toEqual([]);
  });

  withTerraform.each(files)('%s: real Terraform init + validate of its lifecycle expressions passes', (_env, file) => {
    const extracted = lifecycleConfig(JSON.parse(fs.readFileSync(file, 'utf8')));
    expect(extracted.errors).toEqual([]);
    expect(extracted.hosts.length).toBeGreaterThan(0);
    const result = initAndValidate(TERRAFORM!, extracted.config);
    expect({ ok: result.ok, output: result.validate.output }).toEqual({ ok: true, output: expect.stringContaining('Success! The configuration is valid.') });
  });
});

describe('the checks fail on the cdktf defects (the rendering before the fix)', () => {
  function unfixed(): any {
    const stack = new TerraformStack(Testing.app(), 'unfixed');
    const record = new TerraformData(stack, 'ha-record', { input: { ha_enabled: false } });
    record.overrideLogicalId('ha_record');
    const generation = new TerraformData(stack, 'generation', { input: { generation: 1 } });
    generation.overrideLogicalId('generation');
    new TerraformData(stack, 'release', {
      lifecycle: { precondition: [{ condition: Op.eq(record.output.lookup('ha_enabled'), false), errorMessage: 'HA changed' }] },
    }).overrideLogicalId('release');
    new TerraformData(stack, 'csr', { lifecycle: { replaceTriggeredBy: [generation] } }).overrideLogicalId('csr');
    return JSON.parse(Testing.synth(stack));
  }

  test('the scan names both defects', () => {
    expect(renderingDefects(unfixed())).toEqual([
      { path: 'resource.terraform_data.csr.lifecycle.replace_triggered_by[0]', value: '${terraform_data.generation}' },
      { path: 'resource.terraform_data.release.lifecycle.precondition[0].condition', value: '${(terraform_data.ha_record.output["ha_enabled"] == undefined)}' },
    ]);
  });

  withTerraform('real Terraform rejects both: "Invalid expression" for the ${…} address, "Unknown variable" for undefined', () => {
    const json = unfixed();
    const parse = initAndValidate(TERRAFORM!, lifecycleConfig(json).config);
    expect(parse.ok).toBe(false);
    expect(parse.init.output).toContain('Error: Invalid expression');
    expect(parse.init.output).toContain('lifecycle.replace_triggered_by');
    // With the replace_triggered_by defect alone fixed, validate reaches the `undefined`.
    json.resource.terraform_data.csr.lifecycle.replace_triggered_by = ['terraform_data.generation'];
    const refs = initAndValidate(TERRAFORM!, lifecycleConfig(json).config);
    expect(refs.ok).toBe(false);
    expect(refs.validate.output).toContain('There is no variable named "undefined".');
  });

  test('a lifecycle expression reading a provider resource is reported, not dropped', () => {
    const json = {
      resource: {
        helm_release: { r: { lifecycle: { postcondition: [{ condition: '${self.status == "deployed"}', error_message: 'x' }] } } },
        vault_mount: { m: { lifecycle: { replace_triggered_by: ['vault_mount.other'] } } },
      },
    };
    expect(lifecycleConfig(json).errors).toEqual([
      `helm_release.r: 'self.status' reads an attribute of the helm_release schema, which a terraform_data stand-in does not have`,
      'vault_mount.m: refers to vault_mount.other, which this built-in-only configuration cannot stand in',
    ]);
  });

  test('a stand-in whose name is taken by a terraform_data the expressions read is reported', () => {
    const json = {
      resource: {
        helm_release: { x: { lifecycle: { precondition: [{ condition: '${terraform_data.x.output["a"] == 1}', error_message: 'x' }] } } },
        terraform_data: { x: { input: { a: 1 } } },
      },
    };
    expect(lifecycleConfig(json).errors).toEqual(['terraform_data.x: its name is also that of the stand-in for helm_release.x; rename one of them']);
  });
});
