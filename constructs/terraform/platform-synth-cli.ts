import { formatSynthErrors } from '@dapr-platform/constructs';
import { PlatformSynth, PlatformSynthOptions } from './platform-synth';
import { formatSummary } from './synth-summary';

/** Where {@link PlatformSynthCli.run} prints (the process's stdout and stderr by default). */
export interface ISynthCliOutput {
  /** Receives the summary, the warnings and the closing line. */
  log(text: string): void;
  /** Receives the error report. */
  error(text: string): void;
}

const CONSOLE: ISynthCliOutput = { log: (t) => console.log(t), error: (t) => console.error(t) };
const USAGE = '--env <name>, --dist <dir>, --cdktf-out <dir>, --version-lock <file>';

/**
 * A platform's `synth` command around {@link PlatformSynth}:
 *
 *   node main.js [--env <name>[,<name>]] [--dist <dir>] [--cdktf-out <dir>] [--version-lock <file>]
 *
 * writes the files, prints a summary and the warnings per environment, and (with a version lock)
 * writes the pinned versions back. `process.exitCode = PlatformSynthCli.run(options, process.argv.slice(2))`.
 */
export class PlatformSynthCli {
  /**
   * Runs the synth with the command-line flags over `options`. Returns the exit code: 0, or 1 with
   * every error printed (no stack trace) when the model or the flags are invalid.
   */
  public static run(options: PlatformSynthOptions, argv: string[]): number {
    return PlatformSynthCli.runTo(options, argv, CONSOLE);
  }

  /** Like {@link PlatformSynthCli.run}, printing to `out` instead of stdout and stderr. */
  public static runTo(options: PlatformSynthOptions, argv: string[], out: ISynthCliOutput): number {
    const parsed = parseFlags(options, argv);
    const result = 'errors' in parsed ? { errors: parsed.errors, environments: [] } : PlatformSynth.synthesize(parsed.options);
    if ('errors' in parsed || result.errors.length) {
      out.error(formatSynthErrors(result.errors));
      return 1;
    }
    const effective = parsed.options;
    for (const r of result.environments) {
      out.log(formatSummary(r.summary));
      for (const w of r.warnings) out.log(`  warning [${w.ruleId}] ${w.object}: ${w.message}`);
      out.log('');
    }
    out.log(`Synthesized ${result.environments.map((r) => r.name).join(', ')}. Commit ${effective.distDir}/; CI applies ${effective.cdktfOutDir}/stacks/<env> with 'cdktf deploy'.`);
    return 0;
  }
}

/** The options with the flags applied (files are written, and a version lock is written back), or the flag's error. */
function parseFlags(options: PlatformSynthOptions, argv: string[]): { options: PlatformSynthOptions } | { errors: string[] } {
  const only: string[] = [];
  let distDir = options.distDir ?? 'dist';
  let cdktfOutDir = options.cdktfOutDir ?? 'cdktf.out';
  let versionLock = options.versionLock;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const isFlag = ['--env', '--dist', '--cdktf-out', '--version-lock'].includes(a);
    if (!isFlag) return { errors: [`unknown argument '${a}': use ${USAGE}`] };
    const v = argv[++i];
    if (v === undefined) return { errors: [`${a} needs a value`] };
    if (a === '--env') only.push(...v.split(','));
    else if (a === '--dist') distDir = v;
    else if (a === '--cdktf-out') cdktfOutDir = v;
    else versionLock = v;
  }
  return { options: { ...options, only: only.length ? only : options.only, distDir, cdktfOutDir, write: true, versionLock, updateVersionLock: versionLock !== undefined } };
}
