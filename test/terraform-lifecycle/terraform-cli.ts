import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/*
 * Runs the real Terraform CLI on built-in-only configurations (offline: no provider download, no
 * checkpoint call). The binary: $TERRAFORM_BINARY_NAME (as cdktf honours it), else `terraform` on
 * PATH. With REQUIRE_TERRAFORM=1 (CI), a missing binary fails the tests instead of skipping them.
 */

/** The Terraform binary, or undefined when none is installed. */
export function findTerraform(): string | undefined {
  const name = process.env.TERRAFORM_BINARY_NAME || 'terraform';
  if (name.includes('/')) return fs.existsSync(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Whether CI demands the real binary (a missing one fails instead of skipping). */
export const TERRAFORM_REQUIRED = process.env.REQUIRE_TERRAFORM === '1';

export interface TerraformRun {
  readonly exitCode: number;
  /** stdout and stderr, colourless. */
  readonly output: string;
}

function run(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): TerraformRun {
  const r = spawnSync(bin, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { exitCode: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** `terraform version` (first line), e.g. `Terraform v1.11.4`. */
export function terraformVersion(bin: string): string {
  return run(bin, ['version'], os.tmpdir(), offlineEnv(os.tmpdir())).output.split('\n')[0].trim();
}

function offlineEnv(dir: string): NodeJS.ProcessEnv {
  const cliConfig = path.join(dir, '.terraformrc');
  if (!fs.existsSync(cliConfig)) fs.writeFileSync(cliConfig, '');
  return {
    PATH: process.env.PATH,
    HOME: dir,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_CLI_CONFIG_FILE: cliConfig,
  };
}

/**
 * Runs `terraform <args>` in `dir` (a working directory that keeps its local state between calls),
 * offline, without colour, after writing `config` as its `main.tf.json` when given.
 */
export function terraformIn(bin: string, dir: string, args: string[], config?: any): TerraformRun {
  if (config !== undefined) fs.writeFileSync(path.join(dir, 'main.tf.json'), `${JSON.stringify(config, null, 2)}\n`);
  return run(bin, [...args, '-no-color'], dir, offlineEnv(dir));
}

/** What Terraform said about one configuration. */
export interface ValidationResult {
  readonly init: TerraformRun;
  readonly validate: TerraformRun;
  /** Both exited 0. */
  readonly ok: boolean;
}

/**
 * Writes the configuration as `main.tf.json` into a fresh directory and runs `terraform init
 * -backend=false` and `terraform validate` there. Validate runs even when init fails (init stops
 * at the first syntax error, validate reports the reference errors too). The directory is removed.
 */
export function initAndValidate(bin: string, config: any): ValidationResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-platform-tf-lifecycle-'));
  try {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), `${JSON.stringify(config, null, 2)}\n`);
    const env = offlineEnv(dir);
    const init = run(bin, ['init', '-backend=false', '-input=false', '-no-color'], dir, env);
    const validate = run(bin, ['validate', '-no-color'], dir, env);
    return { init, validate, ok: init.exitCode === 0 && validate.exitCode === 0 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
