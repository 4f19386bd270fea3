/** Synth warns when the committed Sentry issuer expires within the environment's threshold (DAPR-CA-001). */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { issuerExpiryWarnings, issuerWarningDays } from '../constructs/model/issuer-expiry';
import { EnvironmentProfile } from '../constructs/model/profile';
import { synthesize } from '../stacks/main';
import { readIssuerRecords } from '../constructs/synth/issuer-records';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'issuer-expiry-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function prodWarnings(record: object | undefined, now: string): string[] {
  const file = path.join(dir, `record-${Math.random().toString(36).slice(2)}.json`);
  if (record) fs.writeFileSync(file, JSON.stringify({ environments: { prod: record } }));
  const [out] = synthesize({ only: ['prod'], distDir: dir, cdktfOutDir: dir, write: false, issuerRecord: file, now: new Date(now) });
  return out.warnings.filter((w) => w.ruleId === 'DAPR-CA-001').map((w) => `${w.object}: ${w.message}`);
}

describe('DAPR-CA-001: the committed issuer expiry', () => {
  test('prod: 89 days before expiry synth warns with the rotation to do; 91 days before it does not', () => {
    const record = { rotation: 1, notAfter: '2027-06-01T00:00:00Z' };
    expect(prodWarnings(record, '2027-03-04T00:00:00Z')).toEqual([
      `SentryTrustBundle prod/sentry-trust-bundle: the Sentry issuer of 'prod' (generation 1) expires 2027-06-01T00:00:00Z, in 89 day(s) (threshold 90): rotate it: raise issuerRotation to 2, 'cdktf deploy', then 'node scripts/record-issuer.js --env prod' (docs/control-plane.md, "Rotating the issuer").`,
    ]);
    expect(prodWarnings(record, '2027-03-02T00:00:00Z')).toEqual([]);
  });

  test('no record: synth says how to write one', () => {
    expect(prodWarnings(undefined, '2027-03-02T00:00:00Z')).toEqual([
      expect.stringMatching(/no issuer record for 'prod' in .*record-.*\.json: after 'cdktf deploy', run 'node scripts\/record-issuer.js --env prod' and commit the file/),
    ]);
  });

  test('thresholds per profile; a record older than the declared generation and a malformed time warn', () => {
    expect([issuerWarningDays(EnvironmentProfile.DEV), issuerWarningDays(EnvironmentProfile.STAGING), issuerWarningDays(EnvironmentProfile.PROD)]).toEqual([30, 90, 90]);
    const base = { env: 'staging', profile: EnvironmentProfile.STAGING, now: new Date('2027-01-01T00:00:00Z'), recordFile: 'r.json' };
    expect(issuerExpiryWarnings({ ...base, rotation: 2, record: { rotation: 1, notAfter: '2028-01-01T00:00:00Z' } })).toEqual([
      "issuer record of 'staging' is for generation 1, the stack declares 2: after the rotation's 'cdktf deploy', run 'node scripts/record-issuer.js --env staging' and commit the file.",
    ]);
    expect(issuerExpiryWarnings({ ...base, rotation: 1, record: { rotation: 1, notAfter: 'soon' } })).toEqual([
      "issuer record of 'staging' in r.json: notAfter 'soon' is not an RFC 3339 time: run 'node scripts/record-issuer.js --env staging' again.",
    ]);
    expect(issuerExpiryWarnings({ ...base, profile: EnvironmentProfile.DEV, rotation: 1, record: { rotation: 1, notAfter: '2027-03-01T00:00:00Z' } })).toEqual([]);
  });
});

describe('scripts/record-issuer.js', () => {
  test('writes the record synth reads, environments sorted, and refuses a bad time', () => {
    const file = path.join(dir, 'sentry-issuers.json');
    const run = (...args: string[]) => execFileSync('node', [path.join(__dirname, '..', 'scripts', 'record-issuer.js'), '--file', file, ...args], { encoding: 'utf8', stdio: 'pipe' });
    run('--env', 'prod', '--rotation', '2', '--not-after', '2027-11-01T10:00:00Z');
    run('--env', 'staging', '--not-after', '2027-09-01T10:00:00Z');
    expect(readIssuerRecords(file)).toEqual({ prod: { rotation: 2, notAfter: '2027-11-01T10:00:00Z' }, staging: { rotation: 1, notAfter: '2027-09-01T10:00:00Z' } });
    expect(Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).environments)).toEqual(['prod', 'staging']);
    expect(() => run('--env', 'prod', '--not-after', 'next year')).toThrow(/not an RFC 3339 time: 'next year'/);
  });
});
