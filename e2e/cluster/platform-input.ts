/**
 * What the harness installs besides dist/<env>/, read from the environment's Terraform JSON
 * (cdktf.out/stacks/<env>/cdk.tf.json) rather than restated: namespaces with their labels, the Helm
 * releases (chart, version, values, set, set_sensitive), and the Kubernetes Secrets Terraform creates.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

export interface NamespaceInput {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface HelmSetting {
  readonly name: string;
  readonly value: string;
  readonly type?: string;
}

export interface HelmReleaseInput {
  /** The Terraform construct path, for messages. */
  readonly path: string;
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly version: string;
  /** The `values` documents merged in order (later wins), as Helm merges them. */
  readonly values: readonly Json[];
  readonly set: readonly HelmSetting[];
  readonly setSensitive: readonly HelmSetting[];
}

export interface TerraformSecretInput {
  readonly path: string;
  readonly name: string;
  readonly namespace: string;
  readonly keys: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export interface PlatformInput {
  readonly env: string;
  readonly namespaces: readonly NamespaceInput[];
  readonly helmReleases: readonly HelmReleaseInput[];
  readonly secrets: readonly TerraformSecretInput[];
}

function resourcesOfType(tf: Json, prefix: string): Array<[string, Json]> {
  const out: Array<[string, Json]> = [];
  for (const [type, byName] of Object.entries<Json>(tf.resource ?? {})) {
    if (type === prefix || type.startsWith(`${prefix}_`)) for (const r of Object.values<Json>(byName)) out.push([type, r]);
  }
  return out;
}

function tfPath(r: Json): string {
  return r['//']?.metadata?.path ?? '(unknown path)';
}

export function readPlatformInput(cdktfOut: string, env: string): PlatformInput {
  const file = path.join(cdktfOut, 'stacks', env, 'cdk.tf.json');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run 'npm run synth' first`);
  const tf = JSON.parse(fs.readFileSync(file, 'utf8'));
  const namespaces = resourcesOfType(tf, 'kubernetes_namespace').map(([, r]) => ({
    name: r.metadata.name as string, labels: (r.metadata.labels ?? {}) as Record<string, string>,
  }));
  const helmReleases = resourcesOfType(tf, 'helm_release').map(([, r]) => ({
    path: tfPath(r), name: r.name, namespace: r.namespace ?? 'default', chart: r.chart, version: r.version,
    values: ((r.values ?? []) as string[]).map((v) => parseYaml(v) ?? {}),
    set: (r.set ?? []) as HelmSetting[], setSensitive: (r.set_sensitive ?? []) as HelmSetting[],
  }));
  const secrets = resourcesOfType(tf, 'kubernetes_secret').map(([, r]) => ({
    path: tfPath(r), name: r.metadata.name, namespace: r.metadata.namespace ?? 'default',
    keys: Object.keys({ ...(r.data ?? {}), ...(r.binary_data ?? {}) }), labels: r.metadata.labels ?? {},
  }));
  return { env, namespaces, helmReleases, secrets };
}

export function helmRelease(input: PlatformInput, chart: string): HelmReleaseInput | undefined {
  return input.helmReleases.find((r) => r.chart === chart);
}
