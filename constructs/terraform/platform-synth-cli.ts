import { formatSummary } from './synth-summary';
import { PlatformSynth, PlatformSynthOptions, SynthError } from './platform-synth';

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
  public static run(options: PlatformSynthOptions, argv: string[], output?: ISynthCliOutput): number {
    const out = output ?? CONSOLE;
    try {
      const effective = PlatformSynthCli.parse(options, argv);
      const results = PlatformSynth.synthesize(effective);
      for (const r of results) {
        out.log(formatSummary(r.summary));
        for (const w of r.warnings) out.log(`  warning [${w.ruleId}] ${w.object}: ${w.message}`);
        out.log('');
      }
      out.log(`Synthesized ${results.map((r) => r.name).join(', ')}. Commit ${effective.distDir}/; CI applies ${effective.cdktfOutDir}/stacks/<env> with 'cdktf deploy'.`);
      return 0;
    } catch (e) {
      if (e instanceof SynthError) {
        out.error(e.message);
        return 1;
      }
      throw e;
    }
  }

  /** The options with the flags applied: files are written, and a version lock is written back. */
  private static parse(options: PlatformSynthOptions, argv: string[]): PlatformSynthOptions {
    const only: string[] = [];
    let distDir = options.distDir ?? 'dist';
    let cdktfOutDir = options.cdktfOutDir ?? 'cdktf.out';
    let versionLock = options.versionLock;
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
      else throw new SynthError([`unknown argument '${a}': use ${USAGE}`]);
    }
    return { ...options, only: only.length ? only : options.only, distDir, cdktfOutDir, write: true, versionLock, updateVersionLock: versionLock !== undefined };
  }
}
