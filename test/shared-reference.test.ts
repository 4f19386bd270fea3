import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { missingSharedMessage, REFERENCE_DIR, requireShared, SharedMode, sharedMode } from './shared-reference';

describe('tests reading ../shared: run, skip loudly, or fail in CI', () => {
  const present = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-reference-'));
  const missing = path.join(present, 'no-such-dir');

  test('../shared present: the raw-file tests run, whatever the environment says', () => {
    expect(sharedMode(present, {})).toBe(SharedMode.RUN);
    expect(sharedMode(present, { DAPR_PLATFORM_REQUIRE_SHARED: '1' })).toBe(SharedMode.RUN);
  });

  test('../shared missing: skipped, unless DAPR_PLATFORM_REQUIRE_SHARED=1 makes it a failure', () => {
    expect(sharedMode(missing, {})).toBe(SharedMode.SKIP);
    expect(sharedMode(missing, { DAPR_PLATFORM_REQUIRE_SHARED: '0' })).toBe(SharedMode.SKIP);
    expect(sharedMode(missing, { DAPR_PLATFORM_REQUIRE_SHARED: '1' })).toBe(SharedMode.FAIL);
  });

  test('the messages name the block, the missing directory and the switch', () => {
    expect(missingSharedMessage('chart values', SharedMode.SKIP, missing)).toBe(
      `SKIPPED: 'chart values' compares with the raw upstream files in ${missing}, which does not exist. Conformance still runs against ` +
        `the generated imports/; check out 'shared' next to the repository (or set DAPR_PLATFORM_REQUIRE_SHARED=1 to make this a failure, as CI does).`,
    );
    expect(missingSharedMessage('chart values', SharedMode.FAIL, missing)).toBe(
      `'chart values' compares with the raw upstream files in ${missing}, which does not exist, and DAPR_PLATFORM_REQUIRE_SHARED=1 requires them: ` +
        `check out 'shared' next to the repository.`,
    );
  });

  test('requireShared throws on a missing path instead of letting a test pass on nothing', () => {
    expect(() => requireShared('dapr-reference', '0.0.0')).toThrow(/Shared Dapr reference data is missing: .*0\.0\.0 does not exist/);
  });

  test('the reference directory is ../shared/dapr-reference, next to the repository', () => {
    expect(REFERENCE_DIR).toBe(path.resolve(__dirname, '..', '..', 'shared', 'dapr-reference'));
  });
});
