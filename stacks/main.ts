/*
 * `npm run synth`: every environment's Kubernetes manifests (dist/<env>/, committed, synced by
 * Argo CD) and Terraform JSON (cdktf.out/stacks/<env>/, applied by `cdktf deploy` from CI), from
 * one model. Stops with every error listed when the model is invalid.
 *
 *   node -r ./scripts/ts-register.js stacks/main.ts [--env <name>] [--dist <dir>] [--cdktf-out <dir>] [--version-lock <file>]
 *
 * It reads the Dapr version each environment runs from the version lock (stacks/dapr-versions.lock.json),
 * refuses unsupported steps to the pinned version, and writes the pinned versions back.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App as K8sApp } from 'cdk8s';
import { App as TfApp } from 'cdktf';
import { DaprVersion } from '../constructs/model/dapr-version';
import { issuerExpiryWarnings } from '../constructs/model/issuer-expiry';
import { formatSynthErrors, validationErrors } from '../constructs/model/validation';
import { buildContractDocument, checkDocuments, contractText, documentsFromObjects, Finding, Severity } from '../constructs/policy/engine';
import { contractFactsOf } from '../constructs/contract/contract-facts';
import { ENVIRONMENTS, EnvironmentSpec } from './environments';
import { groupManifests, toYaml, writeFiles } from './manifests';
import { buildPlatform, Platform } from './platform';
import { countBy, EnvironmentSummary, formatSummary, resourceTotals } from './summary';
import { addTerraformStack } from './terraform';
import { topologyMarkdown, topologyOf } from './topology';
import { DEFAULT_ISSUER_RECORD, readIssuerRecords } from './sentry-issuers';
import { DEFAULT_VERSION_LOCK, VersionLock, readVersionLock, runningVersion, versionLockText } from './version-lock';

/** What one environment produced, in memory. */
export interface EnvironmentOutput {
  readonly env: EnvironmentSpec;
  readonly platform: Platform;
  readonly manifests: any[];
  /** Terraform JSON of the environment's stack. */
  readonly terraform: any;
  readonly summary: EnvironmentSummary;
  /** Files under dist/<env>/ and their content. */
  readonly files: { file: string; content: string }[];
  /** The policy engine's warnings (errors stop the synth). */
  readonly warnings: Finding[];
  /** The platform contract's text, written to dist/<env>.contract.json. */
  readonly contractText: string;
}

export interface SynthOptions {
  /** Environments to synthesize; all when empty. */
  readonly only?: string[];
  readonly distDir: string;
  readonly cdktfOutDir: string;
  /** Write files (false: build and validate in memory only). */
  readonly write: boolean;
  /**
   * The Dapr version lock (what each environment runs today), read to check the version steps.
   * Default: stacks/dapr-versions.lock.json under the working directory.
   */
  readonly versionLock?: string;
  /** After a successful synth, write the pinned versions into the lock (only with `write`). Default false. */
  readonly updateVersionLock?: boolean;
  /** The Sentry issuer record (stacks/sentry-issuers.json under the working directory by default). */
  readonly issuerRecord?: string;
  /** The date the issuer's expiry is compared with. Default: now. */
  readonly now?: Date;
}

/** Thrown when the model is invalid: carries every error of every environment. */
export class SynthError extends Error {
  public constructor(public readonly errors: string[]) {
    super(formatSynthErrors(errors));
  }
}

/** Builds, validates and (optionally) writes the selected environments. */
export function synthesize(options: SynthOptions): EnvironmentOutput[] {
  const unknown = (options.only ?? []).filter((n) => !ENVIRONMENTS.some((e) => e.name === n));
  if (unknown.length) throw new SynthError([`unknown environment(s) ${unknown.join(', ')}: use one of ${ENVIRONMENTS.map((e) => e.name).join(', ')}`]);
  const envs = ENVIRONMENTS.filter((e) => !options.only?.length || options.only.includes(e.name));

  const lockFile = options.versionLock ?? DEFAULT_VERSION_LOCK;
  let lock: VersionLock;
  let running: Map<string, DaprVersion | undefined>;
  try {
    lock = readVersionLock(lockFile);
    running = new Map(envs.map((e) => [e.name, runningVersion(lock, e.name, lockFile)]));
  } catch (e) {
    throw new SynthError([(e as Error).message]);
  }

  // cdktf's App creates its outdir but not the folders above it.
  fs.mkdirSync(options.cdktfOutDir, { recursive: true });
  const tfApp = new TfApp({ outdir: options.cdktfOutDir, skipValidation: true });
  const built = envs.map((env) => {
    // Never synthesized through cdk8s (we render and write the files ourselves), so the outdir is
    // only recorded; Testing.app() would create a temporary folder per environment and leave it.
    const k8sApp = new K8sApp({ outdir: path.join(options.distDir, env.name) });
    const platform = buildPlatform(k8sApp, env);
    const stack = addTerraformStack(tfApp, env, platform, running.get(env.name));
    return { env, k8sApp, platform, stack };
  });

  // Every error of both planes and every environment, before anything is written.
  const errors = [...built.flatMap((b) => validationErrors(b.k8sApp).map((e) => `${b.env.name}: ${e}`)), ...validationErrors(tfApp)];
  if (errors.length) throw new SynthError(errors);

  // The policy engine reads the synthesized documents of both planes, as `npm run check` does.
  const rendered = built.map((b) => ({ ...b, manifests: b.platform.chart.toJson(), terraform: b.stack.toTerraform() }))
    // The platform contract (dist/<env>.contract.json): what app teams build and check against.
    .map((r) => ({ ...r, contract: { file: path.join(options.distDir, `${r.env.name}.contract.json`), document: buildContractDocument(r.manifests, contractFactsOf(r.platform.chart, r.env.name)) } }));
  const policyErrors: string[] = [];
  const warnings = new Map<string, Finding[]>();
  for (const r of rendered) {
    const docs = [
      ...documentsFromObjects(`dist/${r.env.name}`, r.manifests, 'kubernetes'),
      ...documentsFromObjects(`cdktf.out/stacks/${r.env.name}/cdk.tf.json`, [r.terraform], 'terraform'),
    ];
    const result = checkDocuments(docs, { profile: r.env.profile, daprVersion: r.env.daprVersion.version, contract: r.contract });
    policyErrors.push(...result.findings.filter((f) => f.severity === Severity.ERROR).map((f) => `${r.env.name}: [${f.ruleId}] ${f.object}: ${f.message}`));
    warnings.set(r.env.name, result.findings.filter((f) => f.severity !== Severity.ERROR));
  }
  if (policyErrors.length) throw new SynthError(policyErrors);

  // The committed Sentry issuer's expiry (environments with a Vault CA): warnings, not errors.
  const recordFile = options.issuerRecord ?? DEFAULT_ISSUER_RECORD;
  const records = readIssuerRecords(recordFile);
  for (const b of built) {
    const bundle = b.stack.sentryTrustBundle;
    if (!bundle) continue;
    const messages = issuerExpiryWarnings({ env: b.env.name, profile: b.env.profile, rotation: bundle.rotation, record: records[b.env.name], now: options.now ?? new Date(), recordFile });
    warnings.get(b.env.name)!.push(...messages.map((message) => ({
      ruleId: 'DAPR-CA-001', severity: Severity.WARNING, object: `SentryTrustBundle ${bundle.node.path}`, file: recordFile, message, link: 'docs/control-plane.md#rotating-the-issuer',
    })));
  }

  if (options.write) tfApp.synth();
  if (options.write && options.updateVersionLock) {
    fs.writeFileSync(lockFile, versionLockText(lock, Object.fromEntries(envs.map((e) => [e.name, e.daprVersion.version]))));
  }
  return rendered.map(({ env, platform, manifests, terraform, contract }) => {
    const topology = topologyOf(platform.chart, env.name, env.appsNamespace);
    const files = [
      ...groupManifests(manifests).map((f) => ({ file: f.file, content: toYaml(f.documents) })),
      { file: 'TOPOLOGY.md', content: topologyMarkdown(topology) },
      { file: 'topology.json', content: `${JSON.stringify(topology, null, 2)}\n` },
      { file: 'kafka-topics.json', content: kafkaTopicsFile(env, platform) },
    ];
    const distDir = path.join(options.distDir, env.name);
    if (options.write) writeFiles(distDir, files);
    const contractFile = contractText(contract.document);
    if (options.write) fs.writeFileSync(contract.file, contractFile);
    const totals = resourceTotals(manifests);
    const summary: EnvironmentSummary = {
      environment: env.name,
      profile: env.profile,
      daprVersion: env.daprVersion.version,
      terraformResources: countBy(terraformResources(terraform), (r) => r),
      kubernetesObjects: countBy(manifests, (m) => m.kind),
      workloads: totals.workloads,
      pods: totals.pods,
      app: totals.app,
      sidecars: totals.sidecars,
      manifestDir: path.relative(process.cwd(), distDir) || distDir,
      manifestFiles: files.length,
      terraformFile: path.relative(process.cwd(), path.join(options.cdktfOutDir, 'stacks', env.name, 'cdk.tf.json')),
    };
    return { env, platform, manifests, terraform, summary, files, warnings: warnings.get(env.name) ?? [], contractText: contractFile };
  });
}

/**
 * dist/<env>/kafka-topics.json: the declared topics. For managed Kafka it is what the platform team's
 * tooling applies (docs/kafka-topics.md); for in-cluster Kafka the same topics are Strimzi KafkaTopics
 * in the Terraform stack, and the file is for review.
 */
export function kafkaTopicsFile(env: EnvironmentSpec, platform: Platform): string {
  const appliedBy = env.kafka.inCluster
    ? `Terraform: Strimzi KafkaTopic objects in cdktf.out/stacks/${env.name}/cdk.tf.json (StrimziKafkaTopics)`
    : 'the platform team\'s topic tooling (kafka_topic of the Mongey/kafka Terraform provider, for_each over topics; docs/kafka-topics.md)';
  return `${JSON.stringify({ environment: env.name, appliedBy, ...platform.topics.manifest() }, null, 2)}\n`;
}

/** Resource types of a Terraform JSON document, one entry per resource. */
export function terraformResources(tf: any): string[] {
  const out: string[] = [];
  for (const [type, byName] of Object.entries<any>(tf.resource ?? {})) for (const _ of Object.keys(byName)) out.push(type);
  return out;
}

function parseArgs(argv: string[]): SynthOptions {
  const only: string[] = [];
  let distDir = 'dist';
  let cdktfOutDir = 'cdktf.out';
  let versionLock = DEFAULT_VERSION_LOCK;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new SynthError([`${a} needs a value`]);
      return v;
    };
    if (a === '--env') only.push(...value().split(','));
    else if (a === '--dist') distDir = value();
    else if (a === '--cdktf-out') cdktfOutDir = value();
    else if (a === '--version-lock') versionLock = value();
    else throw new SynthError([`unknown argument '${a}': use --env <name>, --dist <dir>, --cdktf-out <dir>, --version-lock <file>`]);
  }
  return { only, distDir, cdktfOutDir, write: true, versionLock, updateVersionLock: true };
}

export function main(argv: string[]): number {
  try {
    const options = parseArgs(argv);
    const outputs = synthesize(options);
    for (const o of outputs) {
      console.log(formatSummary(o.summary));
      for (const w of o.warnings) console.log(`  warning [${w.ruleId}] ${w.object}: ${w.message}`);
      console.log('');
    }
    console.log(`Synthesized ${outputs.map((o) => o.env.name).join(', ')}. Commit ${options.distDir}/; CI applies ${options.cdktfOutDir}/stacks/<env> with 'cdktf deploy'.`);
    return 0;
  } catch (e) {
    if (e instanceof SynthError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
