import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { daprVersionChangeErrors } from '../constructs/model/dapr-upgrade';
import { DaprVersion } from '../constructs/model/dapr-version';
import { SynthError, synthesize } from '../stacks/main';
import { readVersionLock } from '../constructs/synth/version-lock';
import { DEFAULT_VERSION_LOCK } from '../stacks/main';
import { devProps, errorsOf, platformStack, prodProps, synthJson } from './terraform/helpers';

const { V1_16_19, V1_17_13, V1_18_3 } = DaprVersion;

const JUMP =
  'Dapr 1.18.3 is more than one minor above the 1.16.19 the environment runs: Dapr upgrades go one minor at a time (CRDs, the reminder migration to the Scheduler, the Scheduler storage all change per minor). ' +
  'Pin 1.17.13 first, synth and apply it, then pin 1.18.3.';
const BELOW_FLOOR =
  'Dapr 1.16.19 is below 1.17.7, the lowest version an environment running 1.18.3 can roll back to: Dapr 1.18 Sentry issues Ed25519 keys (workload certificates, and its own CA when it self-signs), which Sentry and daprd before 1.17.7 cannot verify. ' +
  'Roll back to 1.17.13 (>= 1.17.7) instead, or fix forward on 1.18.';

describe('Dapr version steps', () => {
  test.each([
    ['1.16.19 → 1.17.13 (one minor up)', V1_16_19, V1_17_13],
    ['1.17.13 → 1.18.3 (one minor up)', V1_17_13, V1_18_3],
    ['1.18.3 → 1.18.3 (no change)', V1_18_3, V1_18_3],
    ['1.18.3 → 1.17.13 (rollback to >= 1.17.7)', V1_18_3, V1_17_13],
    ['1.17.13 → 1.16.19 (rollback one minor, no floor on 1.17)', V1_17_13, V1_16_19],
  ])('allowed: %s', (_name, running, target) => {
    expect(daprVersionChangeErrors(running, target)).toEqual([]);
  });

  test('refused: 1.16 → 1.18 skips a minor', () => {
    expect(daprVersionChangeErrors(V1_16_19, V1_18_3)).toEqual([JUMP]);
  });

  test('refused: 1.18 → 1.16 rolls back below 1.17.7 (Ed25519)', () => {
    expect(daprVersionChangeErrors(V1_18_3, V1_16_19)).toEqual([BELOW_FLOOR]);
  });
});

describe('DaprPlatformStack refuses the step at synth, naming the construct path', () => {
  test('prod running 1.16.19, pinned 1.18.3', () => {
    const stack = platformStack('prod', prodProps({ daprVersion: V1_18_3, runningDaprVersion: V1_16_19 }));
    expect(errorsOf(stack)).toEqual([`daprVersion: ${JUMP}`]);
    expect(() => synthJson(stack)).toThrow(`[prod/dapr-control-plane] daprVersion: ${JUMP}`);
  });

  test('dev running 1.18.3, pinned 1.16.19', () => {
    expect(errorsOf(platformStack('dev', devProps({ daprVersion: V1_16_19, runningDaprVersion: V1_18_3 })))).toEqual([`daprVersion: ${BELOW_FLOOR}`]);
  });

  test.each([
    [V1_16_19, V1_17_13],
    [V1_17_13, V1_18_3],
  ])('prod running %s, pinned %s: valid', (running, target) => {
    expect(errorsOf(platformStack('prod', prodProps({ daprVersion: target, runningDaprVersion: running })))).toEqual([]);
  });
});

describe('the version lock', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-versions-lock-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const lockWith = (environments: Record<string, string>) => {
    const file = path.join(tmp, `lock-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify({ environments }));
    return file;
  };
  const run = (file: string, update = false, only = ['prod']) =>
    synthesize({ only, distDir: path.join(tmp, 'dist'), cdktfOutDir: path.join(tmp, 'cdktf.out'), write: update, versionLock: file, updateVersionLock: update });

  test('the committed lock records what every environment pins today', () => {
    expect(readVersionLock(DEFAULT_VERSION_LOCK).environments).toEqual({ dev: '1.18.3', staging: '1.18.3', prod: '1.18.3' });
  });

  test('a lock saying prod runs 1.16.19 refuses the 1.18.3 prod pins', () => {
    expect(() => run(lockWith({ prod: '1.16.19' }))).toThrow(new SynthError([`[prod/dapr-control-plane] daprVersion: ${JUMP}`]));
  });

  test('a lock saying prod runs 1.17.13 allows it, and synth writes 1.18.3 into the lock (sorted, other environments kept)', () => {
    const file = lockWith({ staging: '1.17.13', prod: '1.17.13' });
    run(file, true);
    const text = fs.readFileSync(file, 'utf8');
    expect(JSON.parse(text).environments).toEqual({ prod: '1.18.3', staging: '1.17.13' });
    expect(text.endsWith('}\n')).toBe(true);
    run(file, true);
    expect(fs.readFileSync(file, 'utf8')).toBe(text); // deterministic
  });

  test('an environment missing from the lock is new (no check); a missing or unknown lock entry is refused', () => {
    expect(run(lockWith({})).map((o) => o.env.name)).toEqual(['prod']);
    const missing = path.join(tmp, 'nope.json');
    expect(() => run(missing)).toThrow(new SynthError([`version lock ${missing} is missing: restore it (git checkout -- ${missing}); it records the Dapr version each environment runs.`]));
    const unknown = lockWith({ prod: '1.15.0' });
    expect(() => run(unknown)).toThrow(
      new SynthError([
        `version lock ${unknown} says 'prod' runs Dapr 1.15.0, which has no reference data here: add ../shared/dapr-reference/1.15.0 and run 'npm run import', or correct the lock to the version the cluster runs.`,
      ]),
    );
  });
});
