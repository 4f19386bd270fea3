import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { snapshotTree } from './file-tree';

// scripts/code-cache.js: the V8 code cache scripts/ts-register.js installs for every CommonJS module.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parsePack, encodePack } = require('../scripts/code-cache.js') as {
  parsePack(buf: Buffer): Map<string, { stamp: string; data: Buffer; crc: number }>;
  encodePack(map: Map<string, { stamp: string; data: Buffer }>): Buffer;
};

const ROOT = path.resolve(__dirname, '..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-code-cache-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

interface Stats {
  hits: number;
  misses: number;
  rejected: number;
  corrupt: number;
  fallbacks: number;
  produced: number;
  written: number;
}

/** The counters of a run: zero but for `counts`. */
const S = (counts: Partial<Stats> = {}): Stats => ({ hits: 0, misses: 0, rejected: 0, corrupt: 0, fallbacks: 0, produced: 0, written: 0, ...counts });

/** Runs node with the loader on `args`; returns stdout, stderr and the code cache's counters. */
function run(args: string[], cache: string, env: Record<string, string> = {}) {
  const statsFile = path.join(scratch, `stats-${process.hrtime.bigint()}.json`);
  const r = spawnSync(process.execPath, ['-r', './scripts/ts-register.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, DAPR_TS_CACHE: cache, DAPR_TS_PREFETCH: '0', DAPR_CODE_CACHE_STATS: statsFile, ...env },
    encoding: 'utf8',
  });
  const stats = fs.existsSync(statsFile) ? (JSON.parse(fs.readFileSync(statsFile, 'utf8')) as Stats) : undefined;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, stats };
}

/** The one pack file of a cache folder. */
function packOf(cache: string): string {
  const files = fs.readdirSync(path.join(cache, 'v8'));
  expect(files).toHaveLength(1);
  expect(files[0]).toBe(`${process.version}-${process.arch}-${require('v8').cachedDataVersionTag()}.pack`);
  return path.join(cache, 'v8', files[0]);
}

/** A small module graph: main.js requires a .js and a .ts module, prints what they export. */
function fixture(name: string) {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'lib.js'), "'use strict';\nexports.value = 1;\nexports.where = () => new Error('here').stack.split('\\n')[1].trim();\n");
  fs.writeFileSync(path.join(dir, 'typed.ts'), 'export const label: string = "a";\nexport function twice(n: number): number {\n  return n * 2;\n}\n');
  const main = path.join(dir, 'main.js');
  fs.writeFileSync(main, "const lib = require('./lib');\nconst typed = require('./typed.ts');\nprocess.stdout.write(`${lib.value} ${typed.label} ${typed.twice(21)} ${lib.where()}`);\n");
  return { dir, main };
}

/**
 * Output of the same program with the code cache off: what every cached run must print. It also
 * fills the transpile cache, so that later runs do not load @swc/core (whose modules would count).
 */
function uncached(main: string, cache: string) {
  return run([main], cache, { DAPR_CODE_CACHE: '0' });
}

describe('code cache', () => {
  test('a module seen once is noted, seen twice gets its data written at exit; the next run is all hits; the output is the one without a cache', () => {
    const { dir, main } = fixture('hits');
    const cache = path.join(scratch, 'cache-hits');
    const expected = uncached(main, cache);
    expect(expected.stdout).toBe(`1 a 42 at exports.where (${path.join(dir, 'lib.js')}:3:23)`);
    expect(expected.stats).toEqual(S());

    const cold = run([main], cache);
    expect(cold.stderr).toBe('');
    expect(cold.stdout).toBe(expected.stdout);
    // lib.js and typed.ts (main.js, the entry module, keeps Node.js's own compile)
    expect(cold.stats).toEqual(S({ misses: 2, written: 2 }));
    const noted = parsePack(fs.readFileSync(packOf(cache)));
    expect([...noted.keys()].sort()).toEqual([path.join(dir, 'lib.js'), path.join(dir, 'typed.ts')]);
    expect([...noted.values()].map((e) => e.data.length)).toEqual([0, 0]); // no data yet: only the stamps

    const second = run([main], cache);
    expect([second.stdout, second.stderr]).toEqual([expected.stdout, '']);
    expect(second.stats).toEqual(S({ misses: 2, produced: 2, written: 2 }));
    for (const e of parsePack(fs.readFileSync(packOf(cache))).values()) expect(e.data.length).toBeGreaterThan(0);

    const warm = run([main], cache);
    expect(warm.stderr).toBe('');
    expect(warm.stdout).toBe(expected.stdout);
    expect(warm.stats).toEqual(S({ hits: 2 }));
  });

  test('DAPR_CODE_CACHE=0 and --enable-source-maps leave every module to Node.js: no pack is written', () => {
    const { main } = fixture('off');
    const cache = path.join(scratch, 'cache-off');
    expect(run([main], cache, { DAPR_CODE_CACHE: '0' }).stats?.written).toBe(0);
    const maps = run(['--enable-source-maps', main], cache);
    expect(maps.stats).toEqual(S());
    expect(fs.existsSync(path.join(cache, 'v8'))).toBe(false);
  });

  test('a stale entry is never used: a changed .js (same size, same mtime, as npm extracts packages) or .ts source is compiled again', () => {
    const { dir, main } = fixture('stale');
    const cache = path.join(scratch, 'cache-stale');
    const lib = path.join(dir, 'lib.js');
    const NPM_MTIME = new Date('1985-10-26T08:15:00Z'); // what npm gives every file it extracts
    fs.utimesSync(lib, NPM_MTIME, NPM_MTIME);
    uncached(main, cache);
    run([main], cache);
    expect(run([main], cache).stats).toEqual(S({ misses: 2, produced: 2, written: 2 }));
    const before = fs.statSync(lib);
    const source = fs.readFileSync(lib, 'utf8');
    fs.writeFileSync(lib, source.replace('exports.value = 1;', 'exports.value = 7;'));
    fs.utimesSync(lib, NPM_MTIME, NPM_MTIME);
    expect(fs.statSync(lib).size).toBe(before.size);
    expect(fs.statSync(lib).mtimeMs).toBe(before.mtimeMs);
    const typed = path.join(dir, 'typed.ts');
    fs.writeFileSync(typed, fs.readFileSync(typed, 'utf8').replace('"a"', '"b"'));

    const expected = uncached(main, cache).stdout;
    const changed = run([main], cache);
    expect(changed.stderr).toBe('');
    expect(changed.stdout).toBe(expected);
    expect(changed.stdout).toMatch(/^7 b 42 /);
    expect(changed.stats).toEqual(S({ misses: 2, written: 2 }));
    // one entry per file: the stale ones were replaced (by the new stamps), not added to
    expect(parsePack(fs.readFileSync(packOf(cache))).size).toBe(2);
    expect(run([main], cache).stats).toEqual(S({ misses: 2, produced: 2, written: 2 }));
    const again = run([main], cache);
    expect(again.stats).toEqual(S({ hits: 2 }));
    expect(again.stdout).toBe(changed.stdout);
  });

  test('a corrupt pack, a corrupt blob and data V8 rejects all fall back to a normal compile, same output, and are rewritten', () => {
    const { dir, main } = fixture('corrupt');
    const cache = path.join(scratch, 'cache-corrupt');
    const expected = uncached(main, cache).stdout;
    run([main], cache);
    run([main], cache);
    const pack = packOf(cache);
    const good = fs.readFileSync(pack);

    // Garbage instead of a pack.
    fs.writeFileSync(pack, 'not a pack\n12\n{');
    const garbage = run([main], cache);
    expect([garbage.stdout, garbage.stderr]).toEqual([expected, '']);
    expect(garbage.stats).toEqual(S({ misses: 2, corrupt: 1, written: 2 }));

    // One blob's bytes changed (its CRC no longer matches): that module compiles without it.
    const flipped = Buffer.from(good);
    const lib = parsePack(flipped).get(path.join(dir, 'lib.js'))!;
    for (let i = 0; i < lib.data.length; i += 7) lib.data[i] ^= 0xff; // a view into `flipped`
    fs.writeFileSync(pack, flipped);
    const blob = run([main], cache);
    expect([blob.stdout, blob.stderr]).toEqual([expected, '']);
    expect(blob.stats).toEqual(S({ hits: 1, misses: 1, corrupt: 1, produced: 1, written: 2 }));

    // A well-formed entry with another module's data: V8 refuses it (cachedDataRejected).
    const entries = parsePack(good);
    const typed = entries.get(path.join(dir, 'typed.ts'))!;
    entries.set(path.join(dir, 'lib.js'), { ...entries.get(path.join(dir, 'lib.js'))!, data: typed.data });
    fs.writeFileSync(pack, encodePack(entries));
    const rejected = run([main], cache);
    expect([rejected.stdout, rejected.stderr]).toEqual([expected, '']);
    expect(rejected.stats).toEqual(S({ hits: 1, rejected: 1, produced: 1, written: 2 }));
    expect(run([main], cache).stats).toEqual(S({ hits: 2 }));
  });

  test('a module Node.js must handle itself (a syntax error) reports exactly as without the cache', () => {
    const { dir, main } = fixture('syntax');
    fs.writeFileSync(path.join(dir, 'lib.js'), 'exports.value = ;\n');
    const cache = path.join(scratch, 'cache-syntax');
    const plain = uncached(main, cache);
    const r = run([main], cache);
    expect(r.status).toBe(1);
    expect(r.stats?.fallbacks).toBe(1);
    const firstLines = (s: string) => s.split('\n').slice(0, 5).join('\n');
    expect(firstLines(r.stderr)).toBe(firstLines(plain.stderr));
    expect(r.stderr).toContain('SyntaxError: Unexpected token');
  });

  test('synth writes the same bytes with a warm, a corrupt and no code cache', () => {
    const cache = path.join(scratch, 'cache-synth');
    const synth = (name: string, env: Record<string, string> = {}) => {
      const out = path.join(scratch, `synth-${name}`);
      const r = run(['stacks/main.ts', '--dist', path.join(out, 'dist'), '--cdktf-out', path.join(out, 'cdktf.out')], cache, env);
      expect(r.status).toBe(0);
      return { stats: r.stats!, tree: snapshotTree(out) };
    };
    const off = synth('off', { DAPR_CODE_CACHE: '0' });
    const cold = synth('cold');
    expect(cold.stats.misses).toBeGreaterThan(300); // node_modules included
    expect(cold.stats.produced).toBe(0);
    const second = synth('second');
    expect(second.stats.produced).toBe(second.stats.misses);
    const warm = synth('warm');
    expect(warm.stats.hits).toBe(second.stats.produced);
    expect(warm.stats.misses).toBe(0);
    const pack = packOf(cache);
    const buf = fs.readFileSync(pack);
    for (const e of parsePack(buf).values()) e.data[e.data.length >> 1] ^= 0x55;
    fs.writeFileSync(pack, buf);
    const corrupt = synth('corrupt');
    expect(corrupt.stats.corrupt).toBe(warm.stats.hits);
    expect(corrupt.stats.hits).toBe(0);
    for (const r of [cold, second, warm, corrupt]) expect(r.tree).toEqual(off.tree);
    expect(Object.keys(off.tree).length).toBeGreaterThan(10);
  });
});
