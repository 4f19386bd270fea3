import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// scripts/ts-register.js: the transpile-only loader `npm run synth` and `npm run check` run on.

const ROOT = path.resolve(__dirname, '..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-ts-register-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function run(args: string[], cache: string) {
  return spawnSync(process.execPath, ['-r', './scripts/ts-register.js', ...args], { cwd: ROOT, env: { ...process.env, DAPR_TS_CACHE: cache }, encoding: 'utf8' });
}

const STATS = "require('./stacks/summary'); process.stdout.write(JSON.stringify(require('./scripts/ts-register.js').stats))";

describe('ts-register', () => {
  test('transpiles each file once per content: an empty cache fills, a warm cache loads without transpiling', () => {
    const cache = path.join(scratch, 'cache');
    const statsOf = () => {
      const r = run(['-e', STATS], cache);
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as { hits: number; misses: number };
    };
    const cold = statsOf();
    expect(cold.hits).toBe(0);
    expect(cold.misses).toBeGreaterThan(0);
    expect(fs.readdirSync(cache)).toHaveLength(cold.misses);
    expect(statsOf()).toEqual({ hits: cold.misses, misses: 0 });
  });

  test('the cache is keyed by content: a changed source is transpiled again, never served stale', () => {
    const cache = path.join(scratch, 'cache-content');
    const file = path.join(scratch, 'value.ts');
    const print = ['-e', `process.stdout.write(String(require(${JSON.stringify(file)}).value))`];
    fs.writeFileSync(file, 'export const value: number = 1;\n');
    expect(run(print, cache).stdout).toBe('1');
    fs.writeFileSync(file, 'export const value: number = 2;\n');
    expect(run(print, cache).stdout).toBe('2');
    expect(fs.readdirSync(cache)).toHaveLength(2);
  });

  test('synth fails with a clear message on what the type checker would have caught (a port written as a string)', () => {
    const out = path.join(scratch, 'type-error');
    const r = run(['test/fixtures/type-error-synth.ts', '--dist', path.join(out, 'dist'), '--cdktf-out', path.join(out, 'cdktf.out')], path.join(scratch, 'cache'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      [
        'Synth failed with 3 error(s):',
        ...['dev', 'staging', 'prod'].map((env) => `  ${env}: [${env}/returns] workload 'returns': appPort "8080" is a string, not a number: write appPort: 8080, without quotes.`),
        '',
      ].join('\n'),
    );
    expect(fs.existsSync(path.join(out, 'dist'))).toBe(false);
  });
});
