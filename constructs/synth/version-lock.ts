/*
 * The Dapr version each environment runs today: a committed JSON file (the reference platform's is
 * stacks/dapr-versions.lock.json; `PlatformSynthOptions.versionLock` names a platform's own). Synth
 * reads it to refuse version changes Dapr does not support (more than one minor up, a rollback
 * below what the running version allows) and, after a successful synth, writes the pinned
 * versions back. A change of the file in a diff is an upgrade or a rollback of that environment;
 * CI applies each commit in order, so one commit moves an environment by one step.
 */
import * as fs from 'fs';
import { DaprVersion } from '../model/dapr-version';

const COMMENT =
  'The Dapr version each environment runs, written by `npm run synth` after it checked the step from the version recorded here (one minor up at most; rollbacks not below what the running version allows). Review a change of this file as an upgrade or rollback. Do not edit by hand.';

export interface VersionLock {
  /** Environment name → Dapr version. */
  readonly environments: { [env: string]: string };
}

/** Reads the lock; throws a message naming the file and the fix when it is missing or malformed. */
export function readVersionLock(file: string): VersionLock {
  if (!fs.existsSync(file)) {
    throw new Error(`version lock ${file} is missing: restore it (git checkout -- ${file}); it records the Dapr version each environment runs.`);
  }
  let parsed: any;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`version lock ${file} is not JSON (${(e as Error).message}): restore it from git.`);
  }
  const envs = parsed?.environments;
  if (envs === null || typeof envs !== 'object' || Array.isArray(envs) || Object.values(envs).some((v) => typeof v !== 'string')) {
    throw new Error(`version lock ${file} has no "environments" object of version strings: restore it from git.`);
  }
  return { environments: { ...envs } };
}

/** The running version of an environment per the lock; undefined for a new environment. */
export function runningVersion(lock: VersionLock, env: string, file: string): DaprVersion | undefined {
  const v = lock.environments[env];
  if (v === undefined) return undefined;
  try {
    return DaprVersion.of(v);
  } catch {
    throw new Error(
      `version lock ${file} says '${env}' runs Dapr ${v}, which has no reference data here: add ../shared/dapr-reference/${v} and run 'npm run import', or correct the lock to the version the cluster runs.`,
    );
  }
}

/** The lock text with `updates` applied (deterministic: environments sorted by name). */
export function versionLockText(lock: VersionLock, updates: { [env: string]: string }): string {
  const merged: { [env: string]: string } = { ...lock.environments, ...updates };
  const environments: { [env: string]: string } = {};
  for (const k of Object.keys(merged).sort()) environments[k] = merged[k];
  return `${JSON.stringify({ comment: COMMENT, environments }, null, 2)}\n`;
}
