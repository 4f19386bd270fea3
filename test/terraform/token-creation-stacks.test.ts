import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Lazy, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { deferTokenCreationStacks } from '../../constructs/terraform/token-creation-stacks';
import { synthesize } from '../../stacks/main';

// Token creation stacks: captured as cdktf captures them, formatted only when read.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackTraceModule = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: (below?: (...args: any[]) => unknown) => string[] };
const cdktfCapture = stackTraceModule.captureStackTrace;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-creation-stacks-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
// Each test starts from cdktf's own capture (the synth test checks that synth defers it itself).
afterEach(() => (stackTraceModule.captureStackTrace = cdktfCapture));

/** Where a frame points (file:line:column), dropped: two captures on one line differ only there. */
const withoutPositions = (lines: string[]) => lines.map((l) => l.replace(/:\d+:\d+\)?$/, ''));

describe('deferTokenCreationStacks', () => {
  test('applies to the installed cdktf (0.21.0), once', () => {
    expect(deferTokenCreationStacks()).toBe(true);
    const deferred = stackTraceModule.captureStackTrace;
    expect(deferred).not.toBe(cdktfCapture);
    expect(deferTokenCreationStacks()).toBe(true);
    expect(stackTraceModule.captureStackTrace).toBe(deferred);
  });

  test("the same lines as cdktf's own capture, an array in every way", () => {
    deferTokenCreationStacks();
    // Both captures through one call expression, so that every frame is the same but for its column.
    const capture = (fn: () => string[]) => fn();
    function tokenMaker(): [string[], string[]] {
      return [capture(stackTraceModule.captureStackTrace), capture(cdktfCapture)];
    }
    const [deferred, own] = tokenMaker();
    expect(Array.isArray(deferred)).toBe(true);
    expect(own.length).toBeGreaterThan(5);
    expect(deferred.length).toBe(own.length);
    expect(withoutPositions([...deferred])).toEqual(withoutPositions(own));
    expect(withoutPositions(deferred.join('\n').split('\n'))).toEqual(withoutPositions(own));
    expect(withoutPositions(JSON.parse(JSON.stringify(deferred)))).toEqual(withoutPositions(own));
    expect(deferred.some((l) => l.includes('token-creation-stacks.test.ts:'))).toBe(true);
  });

  test("a token that fails to resolve still names where it was made", () => {
    deferTokenCreationStacks();
    const app = new App({ outdir: path.join(scratch, 'fails'), skipValidation: true });
    const stack = new TerraformStack(app, 's');
    function declareBrokenOutput() {
      new TerraformOutput(stack, 'o', { value: Token.asString(Lazy.stringValue({ produce: () => { throw new Error('not yet known'); } })) });
    }
    declareBrokenOutput();
    // The stack names the frames down to this test file, where the token was made.
    expect(() => stack.toTerraform()).toThrow(/^Resolution error: not yet known\.\nObject creation stack:\n {2}at .*(\n {2}at .*)*token-creation-stacks\.test\.ts:\d+/);
  });

  test('a synth defers them and formats no stack: every token resolves, no creation stack is read', () => {
    expect(stackTraceModule.captureStackTrace).toBe(cdktfCapture);
    const original = Error.prepareStackTrace;
    const formatted = jest.fn((error: Error, frames: NodeJS.CallSite[]) => [String(error), ...frames.map((f) => `    at ${f}`)].join('\n'));
    Error.prepareStackTrace = formatted;
    try {
      const outputs = synthesize({ distDir: path.join(scratch, 'dist'), cdktfOutDir: path.join(scratch, 'cdktf.out'), write: true });
      expect(outputs.map((o) => o.env.name)).toEqual(['dev', 'staging', 'prod']);
    } finally {
      Error.prepareStackTrace = original;
    }
    expect(formatted).not.toHaveBeenCalled();
  });
});
