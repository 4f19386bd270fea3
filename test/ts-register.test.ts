import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// scripts/ts-register.js: the transpile-only loader `npm run synth` and `npm run check` run on.

const ROOT = path.resolve(__dirname, '..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-ts-register-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Runs node with the loader; the prefetch worker is off unless asked for (it makes counts racy). */
function run(args: string[], cache: string, prefetch = false) {
  return spawnSync(process.execPath, ['-r', './scripts/ts-register.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, DAPR_TS_CACHE: cache, DAPR_TS_PREFETCH: prefetch ? '1' : '0' },
    encoding: 'utf8',
  });
}

const STATS = "require('./constructs/synth/issuer-records'); process.stdout.write(JSON.stringify(require('./scripts/ts-register.js').stats))";

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
    expect(fs.readdirSync(cache).filter((f) => f.endsWith('.js'))).toHaveLength(cold.misses);
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
    expect(fs.readdirSync(cache).filter((f) => f.endsWith('.js'))).toHaveLength(2);
  });

  test('on a cold cache, a worker thread transpiles every project source alongside', () => {
    const cache = path.join(scratch, 'cache-prefetch');
    // The first require misses and starts the worker; the script then waits until the cache holds
    // an entry for every distinct project source (or 10 s pass).
    const script = `
      require('./constructs/synth/issuer-records');
      const fs = require('fs');
      const { projectSources } = require('./scripts/ts-register.js');
      const want = new Set(projectSources().map((f) => fs.readFileSync(f, 'utf8'))).size;
      const start = Date.now();
      const poll = () => {
        const have = fs.readdirSync(process.env.DAPR_TS_CACHE).filter((f) => f.endsWith('.js')).length;
        if (have >= want || Date.now() - start > 10000) process.stdout.write(JSON.stringify({ want, have }));
        else setTimeout(poll, 20);
      };
      poll();`;
    const r = run(['-e', script], cache, true);
    expect(r.stderr).toBe('');
    const { want, have } = JSON.parse(r.stdout);
    expect(want).toBeGreaterThan(50);
    expect(have).toBe(want);
    expect(fs.readdirSync(cache).filter((f) => f.endsWith('.tmp'))).toEqual([]);
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
