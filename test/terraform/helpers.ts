import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { Duration } from 'cdk8s';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import { parse } from 'yaml';
import { AppSecretAccess } from '../../constructs/model/app-secret-access';
import { DaprVersion } from '../../constructs/model/dapr-version';
import { MtlsPolicy } from '../../constructs/model/mtls-policy';
import { EnvironmentProfile } from '../../constructs/model/profile';
import { DaprPlatformStack, DaprPlatformStackProps } from '../../constructs/terraform/dapr-platform-stack';
import { HaDecision } from '../../constructs/terraform/dapr-control-plane';
import { KubernetesApiCa } from '../../constructs/terraform/kubernetes-api-ca';

/** A stack with the three providers, for testing one construct. */
export function providerStack(): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new KubernetesProvider(stack, 'kubernetes', { configPath: '~/.kube/config', configContext: 'test' });
  new HelmProvider(stack, 'helm', { kubernetes: { configPath: '~/.kube/config', configContext: 'test' } });
  new VaultProvider(stack, 'vault', { address: 'https://vault.example.com:8200' });
  return stack;
}

/** Validation errors of a construct tree, without throwing (each message bare, without the path). */
export function errorsOf(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.validate());
}

/** How a value renders in the synthesized JSON (adds a probe output to the stack, then synthesizes it). */
export function rendered(stack: TerraformStack, value: string): string {
  const id = `probe-${stack.node.children.length}`;
  new TerraformOutput(stack, id, { value }).overrideLogicalId(id);
  return JSON.parse(Testing.synth(stack)).output[id].value;
}

/** Synthesizes (running validations like `app.synth()`) and parses the Terraform JSON. */
export function synthJson(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack, true));
}

/** All resources of a type in a synthesized stack, by logical id. */
export function resources(json: any, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The one resource of a type whose attributes match `pred`. */
export function findResource(json: any, type: string, pred: (r: any) => boolean = () => true): any {
  const found = Object.values(resources(json, type)).filter(pred);
  if (found.length !== 1) throw new Error(`expected exactly one ${type} matching, found ${found.length}`);
  return found[0];
}

/** The parsed values document of the helm_release named `name`. */
export function helmValues(json: any, name: string): any {
  const release = findResource(json, 'helm_release', (r) => r.name === name);
  expect(release.values).toHaveLength(1);
  return parse(release.values[0]);
}

export const RESOURCES = {
  operatorResources: { cpuRequest: '100m', memoryRequest: '100Mi', cpuLimit: '1' },
  placementResources: { cpuRequest: '250m', memoryRequest: '75Mi', cpuLimit: '1' },
  schedulerResources: { cpuRequest: '250m', memoryRequest: '256Mi', cpuLimit: '1' },
  sentryResources: { cpuRequest: '100m', memoryRequest: '30Mi', cpuLimit: '1' },
  injectorResources: { cpuRequest: '100m', memoryRequest: '30Mi', cpuLimit: '1' },
};

export const ORDERS_ACCESS: AppSecretAccess = {
  appId: 'orders',
  namespace: 'shop',
  serviceAccountName: 'orders',
  vaultRole: 'shop-orders',
  secretPaths: ['secret/data/dapr/orders-kafka', 'secret/data/dapr/orders-redis'],
};

export const PAYMENTS_ACCESS: AppSecretAccess = {
  appId: 'payments',
  namespace: 'shop',
  serviceAccountName: 'payments-sa',
  vaultRole: 'shop-payments',
  secretPaths: ['secret/data/dapr/payments-postgres'],
};

/** Props of a complete prod environment. */
export function prodProps(overrides: Partial<DaprPlatformStackProps> = {}): DaprPlatformStackProps {
  return {
    profile: EnvironmentProfile.PROD,
    daprVersion: DaprVersion.V1_18_3,
    mtls: new MtlsPolicy({ workloadCertTtl: Duration.hours(24), allowedClockSkew: Duration.minutes(15) }),
    ha: HaDecision.ENABLED,
    kubeContext: 'prod-eu',
    schedulerStorageSize: '16Gi',
    schedulerStorageClassName: 'ssd-retain',
    placementStorageSize: '2Gi',
    placementStorageClassName: 'ssd-retain',
    ...RESOURCES,
    vaultAddress: 'https://vault.example.com:8200',
    vaultKubernetesHost: 'https://10.0.0.1:443',
    vaultKubernetesCa: KubernetesApiCa.fromClusterRootCaConfigMap(),
    appsNamespace: 'shop',
    appSecretAccess: [ORDERS_ACCESS, PAYMENTS_ACCESS],
    argoRepoUrl: 'https://github.com/acme/platform.git',
    argoTargetRevision: 'main',
    argoPath: 'dist/prod',
    stateBucket: 'acme-tfstate',
    stateRegion: 'eu-central-1',
    stateKmsKeyId: 'alias/tfstate',
    ...overrides,
  };
}

/** Props of a dev environment (self-signed Sentry, in-cluster brokers, no HA). */
export function devProps(overrides: Partial<DaprPlatformStackProps> = {}): DaprPlatformStackProps {
  return {
    profile: EnvironmentProfile.DEV,
    daprVersion: DaprVersion.V1_18_3,
    mtls: new MtlsPolicy(),
    ha: HaDecision.DISABLED,
    kubeContext: 'kind-dapr',
    schedulerStorageSize: '1Gi',
    vaultAddress: 'http://vault.vault.svc:8200',
    vaultKubernetesHost: 'https://kubernetes.default.svc:443',
    appsNamespace: 'shop',
    appSecretAccess: [ORDERS_ACCESS],
    argoRepoUrl: 'https://github.com/acme/platform.git',
    argoTargetRevision: 'main',
    argoPath: 'dist/dev',
    devRedis: true,
    devKafka: true,
    ...overrides,
  };
}

/** A DaprPlatformStack in a fresh app. */
export function platformStack(id: string, props: DaprPlatformStackProps): DaprPlatformStack {
  return new DaprPlatformStack(Testing.app(), id, props);
}
