import { IConstruct } from 'constructs';

/**
 * Runs every validation below a scope and returns all errors, each prefixed with the construct
 * path (`[path] message`), so one run shows all of them.
 */
export function validationErrors(scope: IConstruct): string[] {
  const errors: string[] = [];
  for (const c of scope.node.findAll()) {
    for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
  }
  return errors;
}

/** Throws one error listing every validation error below a scope, if there are any. */
export function assertValid(scope: IConstruct): void {
  const errors = validationErrors(scope);
  if (errors.length > 0) {
    throw new Error(`Validation failed with ${errors.length} error(s):\n  ${errors.join('\n  ')}`);
  }
}

/** Where {@link synthOrReport} writes (the process's stderr by default). */
export interface ISynthReportOutput {
  /** Receives the error report. */
  error(text: string): void;
}

/** An app that synthesizes its constructs (a cdk8s or cdktf App). */
export interface ISynthesizableApp extends IConstruct {
  /** Validates and writes the output. */
  synth(): void;
}

/** The report of a failed synth: how many, then one `[path] message` per line (as `npm run synth` prints it). */
export function formatSynthErrors(errors: readonly string[]): string {
  return `Synth failed with ${errors.length} error(s):\n  ${errors.join('\n  ')}`;
}

/**
 * Validates every construct below `app` and, when all are valid, synthesizes it: returns 0. When
 * not, prints every error the way the platform's synth does (no stack trace, each error with its
 * construct path, the bad value and the fix), writes nothing and returns 1, for
 * `process.exitCode = synthOrReport(app)`.
 */
export function synthOrReport(app: ISynthesizableApp, output?: ISynthReportOutput): number {
  const errors = validationErrors(app);
  if (errors.length > 0) {
    (output ?? { error: (t: string) => process.stderr.write(`${t}\n`) }).error(formatSynthErrors(errors));
    return 1;
  }
  app.synth();
  return 0;
}

/**
 * The synth entry points for the languages jsii reaches (Go, .NET, Java, Python), which cannot call
 * the module's functions: `DaprSynth.synthOrReport(app)` is {@link synthOrReport}.
 */
export class DaprSynth {
  /**
   * Validates every construct below `app` and, when all are valid, synthesizes it: returns 0. When
   * not, prints every error to stderr the way the platform's synth does and returns 1, writing
   * nothing (what {@link synthOrReport} does). Use the result as the process's exit code.
   */
  public static synthOrReport(app: ISynthesizableApp): number {
    return synthOrReport(app);
  }

  /** Like {@link DaprSynth.synthOrReport}, the report written to `output` instead of stderr. */
  public static synthOrReportTo(app: ISynthesizableApp, output: ISynthReportOutput): number {
    return synthOrReport(app, output);
  }

  /** Every validation error below `scope`, each as `[construct path] message` ({@link validationErrors}). */
  public static validationErrors(scope: IConstruct): string[] {
    return validationErrors(scope);
  }

  private constructor() {}
}
