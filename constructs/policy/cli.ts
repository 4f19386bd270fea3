#!/usr/bin/env node
/**
 * `check <dir-or-files...> [--profile dev|staging|prod] [--dapr-version x.y.z] [--contract file] [--provided-secret [ns/]name]... [--json report.json]`
 *
 * Prints findings grouped by severity and `N errors, M warnings`. Exit code: 1 if any error,
 * 0 otherwise, 2 on usage errors (bad arguments, missing or unparsable input).
 * Run as `npm run check -- dist/prod --profile prod --json report.json` in this repository; an app
 * team that installed `@dapr-platform/constructs` runs the same as `dapr-platform-check` (the
 * package's `bin`), e.g. `dapr-platform-check dist --profile prod --contract contract/prod.contract.json`.
 */
import { DaprVersion } from '../model/dapr-version';
import { EnvironmentProfile } from '../model/profile';
import { ContractInputError, LoadedContract, readContractFile } from '../contract/read-contract';
import { CheckResult, checkDocuments, NEWEST_SUPPORTED_SOURCE, formatText, loadDocuments, parseProfile, PolicyInputError, writeJsonReport } from './engine';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PROCESS_IO: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export const USAGE = [
  'Usage: check <dir-or-files...> [--profile dev|staging|prod] [--dapr-version x.y.z] [--contract FILE] [--provided-secret [ns/]name]... [--json report.json]',
  '',
  '  Checks synthesized Kubernetes manifests (*.yaml, *.yml, *.json) and Terraform JSON (cdk.tf.json)',
  '  against the Dapr production-readiness rules (docs/policy-rules.md).',
  '',
  '  --profile        environment profile (default: prod)',
  `  --dapr-version   Dapr version of the reference data (${DaprVersion.supported().map((v) => v.version).join(', ')}; default: the contract's, else the dapr helm_release chart version, else the newest)`,
  '  --contract FILE  the platform contract (dist/<env>.contract.json) to check an app team\'s documents against:',
  '                   its apps count as existing, and the DAPR-CONTRACT-* rules check scopes, topics, access and version',
  '  --provided-secret [NS/]NAME',
  '                   a Kubernetes Secret the platform provides outside these documents (repeatable)',
  '  --json FILE      also write the findings as a JSON report',
  '',
  '  Exit code: 1 if any error was found, 0 otherwise, 2 on usage errors.',
].join('\n');

interface ParsedArgs {
  readonly paths: string[];
  readonly profile: EnvironmentProfile;
  readonly daprVersion?: string;
  readonly contract?: string;
  readonly json?: string;
  readonly providedSecrets: string[];
  readonly help: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): ParsedArgs {
  const args = [...argv];
  if (args[0] === 'check') args.shift();
  const paths: string[] = [];
  let profile = EnvironmentProfile.PROD;
  let daprVersion: string | undefined;
  let json: string | undefined;
  let contract: string | undefined;
  const providedSecrets: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = args[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
      return next;
    };
    switch (flag) {
      case '--help':
      case '-h':
        help = true;
        break;
      case '--profile': {
        const value = takeValue();
        const p = parseProfile(value);
        if (!p) throw new UsageError(`Unknown profile '${value}': use one of ${Object.values(EnvironmentProfile).join(', ')}.`);
        profile = p;
        break;
      }
      case '--dapr-version':
        daprVersion = takeValue();
        break;
      case '--json':
        json = takeValue();
        break;
      case '--contract':
        contract = takeValue();
        break;
      case '--provided-secret': {
        const value = takeValue();
        if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(value)) {
          throw new UsageError(`--provided-secret '${value}' is not a Secret name or namespace/name, e.g. 'dapr-api-token' or 'apps/dapr-api-token'.`);
        }
        providedSecrets.push(value);
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`Unknown option '${arg}'.`);
        paths.push(arg);
    }
  }
  if (!help && paths.length === 0) throw new UsageError('Give at least one directory or file to check, e.g. dist/prod.');
  return { paths, profile, daprVersion, contract, json, providedSecrets, help };
}

/**
 * When nothing in the input said which Dapr release the cluster runs (no `--dapr-version`, no
 * `--contract`, no dapr helm_release, as with an app team's own output), the rules used the newest
 * supported release: say so, since the reference data (annotations, component metadata) differ
 * between releases and an older cluster may refuse what passed here.
 */
export function versionGuessWarning(result: Pick<CheckResult, 'daprVersion' | 'daprVersionSource'>): string | undefined {
  if (result.daprVersionSource !== NEWEST_SUPPORTED_SOURCE) return undefined;
  return (
    `warning: nothing in the input pins the Dapr version (no --dapr-version, no --contract, no dapr helm_release), ` +
    `so the rules used ${result.daprVersion}, the newest supported: pass --contract <platform contract> or ` +
    `--dapr-version <the version the cluster runs>.\n`
  );
}

/** Runs the CLI; returns the exit code (never calls process.exit). */
export function main(argv: readonly string[], io: CliIo = PROCESS_IO): number {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  let daprVersion: DaprVersion | undefined;
  try {
    daprVersion = args.daprVersion === undefined ? undefined : DaprVersion.of(args.daprVersion.replace(/^v/, ''));
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return 2;
  }
  let contract: LoadedContract | undefined;
  try {
    contract = args.contract === undefined ? undefined : readContractFile(args.contract);
  } catch (e) {
    if (!(e instanceof ContractInputError)) throw e;
    io.stderr(`${e.message}\n`);
    return 2;
  }
  let result: CheckResult;
  try {
    const docs = loadDocuments(args.paths);
    if (docs.length === 0) {
      io.stderr(`No Kubernetes manifests or Terraform JSON found in ${args.paths.join(', ')}: run 'npm run synth' first or pass the right directory.\n`);
      return 2;
    }
    result = checkDocuments(docs, { profile: args.profile, daprVersion, providedSecrets: args.providedSecrets, contract });
  } catch (e) {
    if (e instanceof PolicyInputError) {
      io.stderr(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  io.stdout(formatText(result));
  const guessed = versionGuessWarning(result);
  if (guessed) io.stderr(guessed);
  if (args.json !== undefined) {
    writeJsonReport(args.json, result);
    io.stdout(`JSON report written to ${args.json}\n`);
  }
  return result.errors > 0 ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
