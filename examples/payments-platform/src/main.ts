/**
 * The payments platform's synth, through the library's pipeline (PlatformSynth): builds dev and
 * prod, validates both planes (every error listed), runs the policy engine, writes dist/<env>/ and
 * cdktf.out/stacks/<env>/ and the version lock, and prints a summary.
 *
 *   npm run synth [-- --env prod] [--dist <dir>] [--cdktf-out <dir>] [--version-lock <file>]
 */
import { IPlatformEnvironment, PlatformSynthCli } from '@dapr-platform/terraform';
import { ENVIRONMENTS } from './environments';
import { buildPayments } from './platform';
import { addPaymentsStack } from './terraform';

/** The payments platform's environments as the pipeline takes them. */
export const PAYMENTS_ENVIRONMENTS: IPlatformEnvironment[] = ENVIRONMENTS.map((env) => ({
  name: env.name,
  declare: ({ k8sApp, tfApp, runningDaprVersion }) => {
    const platform = buildPayments(k8sApp, env);
    return { chart: platform.chart, stack: addPaymentsStack(tfApp, env, platform, runningDaprVersion), kafkaTopics: platform.topics };
  },
}));

if (require.main === module) {
  process.exitCode = PlatformSynthCli.run(
    { environments: PAYMENTS_ENVIRONMENTS, versionLock: 'dapr-versions.lock.json', issuerRecord: 'sentry-issuers.json' },
    process.argv.slice(2),
  );
}
