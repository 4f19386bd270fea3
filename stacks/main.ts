/*
 * `npm run synth`: the reference platform's environments through the library's synth pipeline
 * (`PlatformSynth` of @dapr-platform/terraform): every environment's Kubernetes manifests
 * (dist/<env>/, committed, synced by Argo CD) and Terraform JSON (cdktf.out/stacks/<env>/, applied
 * by `cdktf deploy` from CI). Stops with every error listed when the model is invalid.
 *
 *   node -r ./scripts/ts-register.js stacks/main.ts [--env <name>] [--dist <dir>] [--cdktf-out <dir>] [--version-lock <file>]
 *
 * It reads the Dapr version each environment runs from the version lock (stacks/dapr-versions.lock.json),
 * refuses unsupported steps to the pinned version, and writes the pinned versions back.
 */
import { formatSynthErrors } from '@dapr-platform/constructs';
import { EnvironmentSynthResult, IPlatformEnvironment, PlatformSynth, PlatformSynthCli, PlatformSynthOptions } from '@dapr-platform/terraform';
import { ENVIRONMENTS, EnvironmentSpec } from './environments';
import { buildPlatform, Platform } from './platform';
import { addTerraformStack } from './terraform';

/** The committed version lock and issuer record, relative to the repository root (synth runs there). */
export const DEFAULT_VERSION_LOCK = 'stacks/dapr-versions.lock.json';
export const DEFAULT_ISSUER_RECORD = 'stacks/sentry-issuers.json';

/** The reference platform's environments as the pipeline takes them; `declared` collects each one's Platform. */
export function referenceEnvironments(declared?: Map<string, Platform>): IPlatformEnvironment[] {
  return ENVIRONMENTS.map((env) => ({
    name: env.name,
    declare: ({ k8sApp, tfApp, runningDaprVersion }) => {
      const platform = buildPlatform(k8sApp, env);
      declared?.set(env.name, platform);
      return { chart: platform.chart, stack: addTerraformStack(tfApp, env, platform, runningDaprVersion), kafkaTopics: platform.topics };
    },
  }));
}

/** What one environment produced, with the reference platform's spec and declarations (for tests). */
export interface EnvironmentOutput extends EnvironmentSynthResult {
  readonly env: EnvironmentSpec;
  readonly platform: Platform;
}

/** The pipeline's options without the environments; the lock and the issuer record default to the committed ones. */
export type SynthOptions = Omit<PlatformSynthOptions, 'environments'>;

/** Thrown by {@link synthesize} when the model is invalid: carries every error of every environment. */
export class SynthError extends Error {
  public constructor(public readonly errors: string[]) {
    super(formatSynthErrors(errors));
  }
}

/** Builds, validates and (optionally) writes the reference platform's environments; throws {@link SynthError}. */
export function synthesize(options: SynthOptions): EnvironmentOutput[] {
  const declared = new Map<string, Platform>();
  const result = PlatformSynth.synthesize({
    versionLock: DEFAULT_VERSION_LOCK,
    issuerRecord: DEFAULT_ISSUER_RECORD,
    ...options,
    environments: referenceEnvironments(declared),
  });
  if (result.errors.length) throw new SynthError(result.errors);
  return result.environments.map((r) => ({ ...r, env: ENVIRONMENTS.find((e) => e.name === r.name)!, platform: declared.get(r.name)! }));
}

/** dist/<env>/kafka-topics.json of a reference environment. */
export function kafkaTopicsFile(env: EnvironmentSpec, platform: Platform): string {
  return PlatformSynth.kafkaTopicsFile(env.name, platform.topics, env.kafka.inCluster);
}

export function main(argv: string[]): number {
  return PlatformSynthCli.run({ environments: referenceEnvironments(), versionLock: DEFAULT_VERSION_LOCK, issuerRecord: DEFAULT_ISSUER_RECORD }, argv);
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
