import * as fs from 'fs';
import * as path from 'path';

/**
 * The raw upstream reference files, ../shared next to the repository. Only the tests that compare
 * with the raw files read it; everything else uses the data generated into imports/.
 */
export const SHARED_DIR = path.resolve(__dirname, '..', '..', 'shared');
/** ../shared/dapr-reference: per Dapr version, the CRDs, chart values, component specs and annotation keys. */
export const REFERENCE_DIR = path.join(SHARED_DIR, 'dapr-reference');
/** Set to `1` (CI does) to make a missing ../shared a test failure instead of a skip. */
export const REQUIRE_SHARED_ENV = 'DAPR_PLATFORM_REQUIRE_SHARED';

/** A path under ../shared; throws (fails the test) when it does not exist. */
export function requireShared(...segments: string[]): string {
  const p = path.join(SHARED_DIR, ...segments);
  if (!fs.existsSync(p)) {
    throw new Error(
      `Shared Dapr reference data is missing: ${p} does not exist. These tests compare with the raw upstream files in ` +
        `../shared; check out 'shared' next to this repository.`,
    );
  }
  return p;
}

/** A path under ../shared/dapr-reference; throws when it does not exist. */
export function requireReference(...segments: string[]): string {
  return requireShared('dapr-reference', ...segments);
}

/** What to do with the raw-file tests: run them, skip them (loudly), or fail because CI requires them. */
export enum SharedMode {
  RUN = 'run',
  SKIP = 'skip',
  FAIL = 'fail',
}

/** The mode for a reference directory and an environment (pure, so it is tested directly). */
export function sharedMode(referenceDir: string, env: NodeJS.ProcessEnv): SharedMode {
  if (fs.existsSync(referenceDir)) return SharedMode.RUN;
  return env[REQUIRE_SHARED_ENV] === '1' ? SharedMode.FAIL : SharedMode.SKIP;
}

/** The message of a skipped or failed raw-file block. */
export function missingSharedMessage(name: string, mode: SharedMode, referenceDir: string = REFERENCE_DIR): string {
  const what = `'${name}' compares with the raw upstream files in ${referenceDir}, which does not exist`;
  return mode === SharedMode.FAIL
    ? `${what}, and ${REQUIRE_SHARED_ENV}=1 requires them: check out 'shared' next to the repository.`
    : `SKIPPED: ${what}. Conformance still runs against the generated imports/; check out 'shared' next to the repository ` +
        `(or set ${REQUIRE_SHARED_ENV}=1 to make this a failure, as CI does).`;
}

/**
 * `describe` for tests that read the raw upstream files in ../shared. Without ../shared the block
 * is skipped with a console.warn naming it (and the summary reporter lists every skipped test), or,
 * with DAPR_PLATFORM_REQUIRE_SHARED=1, replaced by one failing test. The block's body must not read
 * ../shared while jest collects it (jest runs the body of a skipped describe too): read in the tests.
 */
export function describeWithShared(name: string, body: () => void): void {
  const mode = sharedMode(REFERENCE_DIR, process.env);
  if (mode === SharedMode.RUN) {
    describe(name, body);
  } else if (mode === SharedMode.FAIL) {
    describe(name, () => {
      test('needs ../shared/dapr-reference', () => {
        throw new Error(missingSharedMessage(name, mode));
      });
    });
  } else {
    console.warn(missingSharedMessage(name, mode));
    describe.skip(name, body);
  }
}
