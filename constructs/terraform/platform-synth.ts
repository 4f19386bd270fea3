/*
 * The synth pipeline every platform runs (the reference platform's `npm run synth` is one caller):
 * build each environment's two halves, validate both planes with every error collected, run the
 * policy engine on the rendered documents, warn about the Sentry issuer's expiry, then write
 * dist/<env>/ (manifests grouped into files, TOPOLOGY.md, topology.json, kafka-topics.json) and
 * cdktf.out/stacks/<env>/, and the version lock.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App as K8sApp } from 'cdk8s';
import { App as TfApp } from 'cdktf';
import { DaprChart, DaprVersion, KafkaTopicCatalog, validationErrors } from '@dapr-platform/constructs';
import {
  buildContractDocument,
  checkDocuments,
  contractFactsOf,
  contractText,
  documentsFromObjects,
  groupManifests,
  issuerExpiryWarnings,
  readIssuerRecords,
  readVersionLock,
  renderChart,
  runningVersion,
  Severity,
  toYaml,
  topologyMarkdown,
  topologyOf,
  VersionLock,
  versionLockText,
  writeFiles,
} from '@dapr-platform/constructs/internal';
import { DaprPlatformStack } from './dapr-platform-stack';
import { StrimziKafkaTopics } from './strimzi-kafka-topics';
import { deferTokenCreationStacks } from './token-creation-stacks';
import { countBy, EnvironmentSummary, resourceTotals, terraformResources } from './synth-summary';

/** What the pipeline hands a platform to declare one environment in. */
export interface EnvironmentContext {
  /** The environment's name: the Terraform stack's id and the folder `dist/<name>/`. */
  readonly name: string;
  /** The environment's own cdk8s App: declare the environment's `DaprChart` in it. */
  readonly k8sApp: K8sApp;
  /** The cdktf App of all environments: declare the environment's {@link DaprPlatformStack} in it, with id `name`. */
  readonly tfApp: TfApp;
  /**
   * The Dapr version the environment runs today, per the version lock (pass it to
   * `DaprPlatformStackProps.runningDaprVersion`).
   * @default - none: a new environment, or no version lock
   */
  readonly runningDaprVersion?: DaprVersion;
}

/** What a platform declared for one environment. */
export interface EnvironmentDeclaration {
  /** The Kubernetes half. Its profile, Dapr version and namespace are the environment's. */
  readonly chart: DaprChart;
  /** The Terraform half, in `EnvironmentContext.tfApp` with the environment's name as id. */
  readonly stack: DaprPlatformStack;
  /**
   * The declared Kafka topics, written to `dist/<env>/kafka-topics.json` (applied by
   * {@link StrimziKafkaTopics} when the stack holds one, else by the platform team's topic tooling).
   * @default - no kafka-topics.json
   */
  readonly kafkaTopics?: KafkaTopicCatalog;
}

/** One environment of a platform: its name and how it is declared. */
export interface IPlatformEnvironment {
  /** The environment's name (`dev`, `prod`, ...): a short DNS label. */
  readonly name: string;
  /** Declares the environment's two halves in the apps of `context`. */
  declare(context: EnvironmentContext): EnvironmentDeclaration;
}

/** Options of {@link PlatformSynth.synthesize}. */
export interface PlatformSynthOptions {
  /** The platform's environments, in the order they are synthesized and reported. */
  readonly environments: IPlatformEnvironment[];
  /**
   * Synthesize only these environments (names).
   * @default - all
   */
  readonly only?: string[];
  /**
   * Where the manifests go (`<distDir>/<env>/`).
   * @default 'dist'
   */
  readonly distDir?: string;
  /**
   * Where the Terraform JSON goes (`<cdktfOutDir>/stacks/<env>/cdk.tf.json`).
   * @default 'cdktf.out'
   */
  readonly cdktfOutDir?: string;
  /**
   * Write the files (false: build, validate and check in memory only).
   * @default true
   */
  readonly write?: boolean;
  /**
   * The Dapr version lock: a committed JSON file with the version each environment runs today.
   * Synth refuses a step Dapr does not support from it.
   * @default - none: every environment is treated as new
   */
  readonly versionLock?: string;
  /**
   * After a successful synth, write the pinned versions into `versionLock` (only with `write`).
   * @default false
   */
  readonly updateVersionLock?: boolean;
  /**
   * The Sentry issuer record (`{"environments": {"<env>": {"rotation": n, "notAfter": "<RFC 3339>"}}}`),
   * read to warn before the issuer of an environment with a Vault CA expires. A missing file means
   * no records: each such environment gets a warning saying so.
   * @default 'sentry-issuers.json'
   */
  readonly issuerRecord?: string;
  /**
   * The date the issuer's expiry is compared with.
   * @default - now
   */
  readonly now?: Date;
}

/** One file of an environment's manifest folder. */
export interface OutputFile {
  /** Path relative to `dist/<env>/`. */
  readonly file: string;
  /** The file's content. */
  readonly content: string;
}

/** A warning of the policy engine or the issuer check (errors stop the synth). */
export interface SynthWarning {
  /** The rule, e.g. `DAPR-CA-001`. */
  readonly ruleId: string;
  /** The object: `Kind namespace/name`, a Terraform address or a construct. */
  readonly object: string;
  /** The file the object is written to (or the record the warning is about). */
  readonly file: string;
  /** What is wrong and the fix. */
  readonly message: string;
  /** Where the requirement is explained. */
  readonly link: string;
}

/** What one environment produced, in memory. */
export interface EnvironmentSynthResult {
  /** The environment's name. */
  readonly name: string;
  /** What the platform declared for it. */
  readonly declaration: EnvironmentDeclaration;
  /** The Kubernetes manifests, in synth order. */
  readonly manifests: any[];
  /** The stack's Terraform JSON. */
  readonly terraform: any;
  /** Counts and resource totals. */
  readonly summary: EnvironmentSummary;
  /** The files of `dist/<env>/`. */
  readonly files: OutputFile[];
  /** Warnings of the policy engine and the issuer check. */
  readonly warnings: SynthWarning[];
  /** The platform contract (docs/platform-contract.md), written to `dist/<env>.contract.json`. */
  readonly contractText: string;
}

/** What {@link PlatformSynth.synthesize} did: the environments, or every error and nothing written. */
export interface PlatformSynthResult {
  /**
   * Every error of every environment, one per root cause, each naming the construct path (or the
   * object), the bad value and the fix (`formatSynthErrors` prints them). When there is any, nothing
   * was written and `environments` is empty.
   */
  readonly errors: string[];
  /** What each selected environment produced, in the order of `PlatformSynthOptions.environments`. */
  readonly environments: EnvironmentSynthResult[];
}

const failed = (errors: string[]): PlatformSynthResult => ({ errors, environments: [] });

/**
 * The apps synth declares environments in: a cdk8s App per environment and one cdktf App for all.
 * The cdk8s Apps are never synthesized through cdk8s (the pipeline renders and writes the files
 * itself), so their outdir is only recorded; Testing.app() would create a temporary folder per
 * environment and leave it.
 */
function newK8sApp(distDir: string, env: string): K8sApp {
  return new K8sApp({ outdir: path.join(distDir, env) });
}

function newTfApp(cdktfOutDir: string): TfApp {
  // cdktf's App creates its outdir but not the folders above it.
  fs.mkdirSync(cdktfOutDir, { recursive: true });
  return new TfApp({ outdir: cdktfOutDir, skipValidation: true });
}

/** The synth pipeline of a platform (see {@link PlatformSynthOptions}); the CLI around it is {@link PlatformSynthCli}. */
export class PlatformSynth {
  /**
   * Builds, validates, checks and (unless `write` is false) writes the selected environments. When
   * the model (or the options) are invalid it writes nothing and returns every error of every
   * environment: the construct errors of both planes, then the policy engine's.
   */
  public static synthesize(options: PlatformSynthOptions): PlatformSynthResult {
    const distDir = options.distDir ?? 'dist';
    const cdktfOutDir = options.cdktfOutDir ?? 'cdktf.out';
    const write = options.write ?? true;
    const all = options.environments;
    const names = all.map((e) => e.name);
    const setupErrors: string[] = [];
    const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
    if (duplicates.length) setupErrors.push(`environment(s) ${[...new Set(duplicates)].join(', ')} declared more than once: give each environment its own name.`);
    const unknown = (options.only ?? []).filter((n) => !names.includes(n));
    if (unknown.length) setupErrors.push(`unknown environment(s) ${unknown.join(', ')}: use one of ${names.join(', ')}`);
    if (options.updateVersionLock && options.versionLock === undefined) setupErrors.push('updateVersionLock is set without a versionLock: name the lock file (versionLock) or drop updateVersionLock.');
    if (setupErrors.length) return failed(setupErrors);
    const envs = all.filter((e) => !options.only?.length || options.only.includes(e.name));

    let lock: VersionLock | undefined;
    const running = new Map<string, DaprVersion | undefined>();
    if (options.versionLock !== undefined) {
      const lockFile = options.versionLock;
      try {
        lock = readVersionLock(lockFile);
        for (const e of envs) running.set(e.name, runningVersion(lock, e.name, lockFile));
      } catch (e) {
        return failed([(e as Error).message]);
      }
    }
    const recordFile = options.issuerRecord ?? 'sentry-issuers.json';
    let records: ReturnType<typeof readIssuerRecords>;
    try {
      records = readIssuerRecords(recordFile);
    } catch (e) {
      return failed([(e as Error).message]);
    }

    deferTokenCreationStacks();
    const tfApp = newTfApp(cdktfOutDir);
    const built = envs.map((env) => {
      const k8sApp = newK8sApp(distDir, env.name);
      const declaration = env.declare({ name: env.name, k8sApp, tfApp, runningDaprVersion: running.get(env.name) });
      return { name: env.name, k8sApp, declaration };
    });

    // Every error of both planes and every environment, before anything is written. A chart's
    // validations run once, as it renders (renderChart); after a declaration error nothing renders.
    const declared = built.flatMap((b) => declarationErrors(b.name, b.k8sApp, tfApp, b.declaration));
    const charts = declared.length ? undefined : built.map((b) => renderChart(b.declaration.chart));
    const errors = [
      ...declared,
      ...built.flatMap((b, i) => (charts ? charts[i].errors : validationErrors(b.k8sApp)).map((e) => `${b.name}: ${e}`)),
      ...validationErrors(tfApp),
    ];
    if (errors.length || !charts) return failed(errors);

    // The policy engine reads the synthesized documents of both planes, as `npm run check` does.
    const rendered = built.map((b, i) => ({ ...b, manifests: charts[i].manifests, terraform: b.declaration.stack.toTerraform() }))
      // The platform contract: what app teams build and check against; the apps it declares as living elsewhere satisfy the policy rules.
      .map((r) => ({ ...r, contract: { file: path.join(distDir, `${r.name}.contract.json`), document: buildContractDocument(r.manifests, contractFactsOf(r.declaration.chart, r.name)) } }));
    const policyErrors: string[] = [];
    const warnings = new Map<string, SynthWarning[]>();
    for (const r of rendered) {
      const docs = [
        ...documentsFromObjects(`dist/${r.name}`, r.manifests, 'kubernetes'),
        ...documentsFromObjects(`cdktf.out/stacks/${r.name}/cdk.tf.json`, [r.terraform], 'terraform'),
      ];
      const settings = r.declaration.chart.settings;
      const result = checkDocuments(docs, { profile: settings.profile, daprVersion: settings.daprVersion.version, contract: r.contract });
      policyErrors.push(...result.findings.filter((f) => f.severity === Severity.ERROR).map((f) => `${r.name}: [${f.ruleId}] ${f.object}: ${f.message}`));
      warnings.set(
        r.name,
        result.findings.filter((f) => f.severity !== Severity.ERROR).map((f) => ({ ruleId: f.ruleId, object: f.object, file: f.file, message: f.message, link: f.link })),
      );
    }
    if (policyErrors.length) return failed(policyErrors);

    // The committed Sentry issuer's expiry (environments with a Vault CA): warnings, not errors.
    for (const b of built) {
      const bundle = b.declaration.stack.sentryTrustBundle;
      if (!bundle) continue;
      const profile = b.declaration.chart.settings.profile;
      const messages = issuerExpiryWarnings({ env: b.name, profile, rotation: bundle.rotation, record: records[b.name], now: options.now ?? new Date(), recordFile });
      warnings.get(b.name)!.push(...messages.map((message) => ({
        ruleId: 'DAPR-CA-001', object: `SentryTrustBundle ${bundle.node.path}`, file: recordFile, message, link: 'docs/control-plane.md#rotating-the-issuer',
      })));
    }

    if (write) tfApp.synth();
    if (write && options.updateVersionLock && lock) {
      fs.writeFileSync(options.versionLock!, versionLockText(lock, Object.fromEntries(built.map((b) => [b.name, b.declaration.chart.settings.daprVersion.version]))));
    }
    const environments = rendered.map(({ name, declaration, manifests, terraform, contract }): EnvironmentSynthResult => {
      const { chart, stack, kafkaTopics } = declaration;
      const topology = topologyOf(chart, name, chart.namespace ?? 'default');
      const files: OutputFile[] = [
        ...groupManifests(manifests).map((f) => ({ file: f.file, content: toYaml(f.documents) })),
        { file: 'TOPOLOGY.md', content: topologyMarkdown(topology) },
        { file: 'topology.json', content: `${JSON.stringify(topology, null, 2)}\n` },
        ...(kafkaTopics ? [{ file: 'kafka-topics.json', content: PlatformSynth.kafkaTopicsFile(name, kafkaTopics, strimziTopicsIn(stack)) }] : []),
      ];
      const envDistDir = path.join(distDir, name);
      if (write) writeFiles(envDistDir, files);
      // Files beside dist/<env>/ (dist/<env>.<what>.json), derived from the rendered documents, are written here.
      const contractFile = contractText(contract.document);
      if (write) fs.writeFileSync(contract.file, contractFile);
      const totals = resourceTotals(manifests);
      const settings = chart.settings;
      const summary: EnvironmentSummary = {
        environment: name,
        profile: settings.profile,
        daprVersion: settings.daprVersion.version,
        terraformResources: countBy(terraformResources(terraform), (r) => r),
        kubernetesObjects: countBy(manifests, (m) => m.kind),
        workloads: totals.workloads,
        pods: totals.pods,
        app: totals.app,
        sidecars: totals.sidecars,
        manifestDir: path.relative(process.cwd(), envDistDir) || envDistDir,
        manifestFiles: files.length,
        terraformFile: path.relative(process.cwd(), path.join(cdktfOutDir, 'stacks', name, 'cdk.tf.json')),
      };
      return { name, declaration, manifests, terraform, summary, files, warnings: warnings.get(name) ?? [], contractText: contractFile };
    });
    return { errors: [], environments };
  }

  /**
   * `dist/<env>/kafka-topics.json`: the declared topics. For managed Kafka it is what the platform
   * team's tooling applies (docs/kafka-topics.md); for in-cluster Kafka (`strimzi`: the stack holds
   * {@link StrimziKafkaTopics}) the same topics are Strimzi KafkaTopics in the Terraform stack, and
   * the file is for review.
   */
  public static kafkaTopicsFile(environment: string, topics: KafkaTopicCatalog, strimzi: boolean): string {
    const appliedBy = strimzi
      ? `Terraform: Strimzi KafkaTopic objects in cdktf.out/stacks/${environment}/cdk.tf.json (StrimziKafkaTopics)`
      : 'the platform team\'s topic tooling (kafka_topic of the Mongey/kafka Terraform provider, for_each over topics; docs/kafka-topics.md)';
    return `${JSON.stringify({ environment, appliedBy, ...topics.manifest() }, null, 2)}\n`;
  }
}

/** Whether a stack applies the declared topics itself (in-cluster Kafka). */
function strimziTopicsIn(stack: DaprPlatformStack): boolean {
  return stack.node.findAll().some((c) => c instanceof StrimziKafkaTopics);
}

/** A declaration whose halves are not where the pipeline reads them. */
function declarationErrors(name: string, k8sApp: K8sApp, tfApp: TfApp, d: EnvironmentDeclaration): string[] {
  const errors: string[] = [];
  if (d.chart.node.root !== k8sApp) {
    errors.push(`${name}: [${d.chart.node.path}] the environment's DaprChart is not in the k8sApp declare() was given: declare it with context.k8sApp as its scope.`);
  }
  if (d.stack.node.root !== tfApp) {
    errors.push(`${name}: [${d.stack.node.path}] the environment's DaprPlatformStack is not in the tfApp declare() was given: declare it with context.tfApp as its scope.`);
  }
  if (d.stack.node.id !== name) {
    errors.push(`${name}: [${d.stack.node.path}] the environment's DaprPlatformStack has id '${d.stack.node.id}': give it the environment's name ('${name}'), the folder cdktf.out/stacks/${name}/.`);
  }
  const checked = d.chart.settings.daprVersion.version;
  const installed = d.stack.daprVersion.version;
  if (checked !== installed) {
    errors.push(
      `${name}: [${d.chart.node.path}] the DaprChart checks the manifests against Dapr ${checked}, but the DaprPlatformStack installs ${installed}: ` +
        `give both the same daprVersion (the release the environment runs), so the manifests are checked against the control plane that runs them.`,
    );
  }
  return errors;
}
