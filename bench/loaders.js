#!/usr/bin/env node
'use strict';
/*
 * How to run the TypeScript of `npm run synth`: the alternatives side by side, interleaved, cold
 * (nothing built, no cache) and warm, each checked to write the same bytes as the others. The
 * alternatives are not dependencies of the project: install them into a scratch folder first.
 *
 *   mkdir /tmp/loaders && (cd /tmp/loaders && npm init -y && npm i @swc-node/register esbuild-register esbuild tsx)
 *   node bench/loaders.js /tmp/loaders [--reps 5]
 *
 * Prints a Markdown table (wall ms, median and min, per variant).
 */
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const [alt, ...rest] = process.argv.slice(2);
if (!alt) throw new Error('usage: node bench/loaders.js <folder with the alternatives installed> [--reps n]');
const reps = rest[0] === '--reps' ? Number(rest[1]) : 5;
const mod = (p) => path.join(path.resolve(alt), 'node_modules', p);
const version = (p) => JSON.parse(fs.readFileSync(mod(`${p}/package.json`), 'utf8')).version;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-loaders-'));

const synthArgs = (out) => ['stacks/main.ts', '--dist', path.join(out, 'dist'), '--cdktf-out', path.join(out, 'cdktf.out')];
const sh = (cmd, env) => ({ cmd: '/bin/sh', args: ['-c', cmd], env });
/** Each variant: a command per run; `cold` prepares the state of a fresh clone. */
const VARIANTS = {
  'tsc -p tsconfig.build.json && node -r ./scripts/resolve-built.js build/stacks/main.js (before)': {
    run: (out) => sh(`node_modules/.bin/tsc -p tsconfig.build.json && node -r ./scripts/resolve-built.js build/stacks/main.js --dist ${out}/dist --cdktf-out ${out}/cdktf.out`),
    cold: () => fs.rmSync(path.join(ROOT, 'build'), { recursive: true, force: true }),
  },
  [`scripts/ts-register.js (@swc/core ${JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@swc/core/package.json'), 'utf8')).version}, content-hash cache)`]: {
    run: (out, cold) => ({ cmd: process.execPath, args: ['-r', './scripts/ts-register.js', ...synthArgs(out)], env: { DAPR_TS_CACHE: path.join(work, cold ? `cache-${Date.now()}` : 'cache-warm') } }),
  },
  [`@swc-node/register ${version('@swc-node/register')}`]: {
    run: (out) => ({ cmd: process.execPath, args: ['-r', './scripts/package-sources-register.js', '-r', mod('@swc-node/register'), ...synthArgs(out)], env: { SWC_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') } }),
  },
  [`esbuild-register ${version('esbuild-register')} (esbuild ${version('esbuild')})`]: {
    run: (out) => ({ cmd: process.execPath, args: ['-r', './scripts/package-sources-register.js', '-r', mod('esbuild-register'), ...synthArgs(out)] }),
  },
  [`tsx ${version('tsx')} (node -r tsx/cjs, its cache in TMPDIR)`]: {
    run: (out, cold) => ({ cmd: process.execPath, args: ['-r', './scripts/package-sources-register.js', '-r', mod('tsx/dist/cjs/index.cjs'), ...synthArgs(out)], env: { TMPDIR: path.join(work, cold ? `tmp-${Date.now()}` : 'tmp-warm') } }),
  },
};

function digest(dir) {
  const h = crypto.createHash('sha256');
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(path.relative(dir, p)).update(fs.readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

const times = {};
let expected;
try {
  fs.mkdirSync(path.join(work, 'tmp-warm'));
  for (let i = 0; i <= reps; i++) {
    const names = Object.keys(VARIANTS);
    for (const name of names.map((_, j) => names[(i + j) % names.length])) {
      for (const cold of [true, false]) {
        const v = VARIANTS[name];
        if (cold) v.cold?.();
        const out = fs.mkdtempSync(path.join(work, 'out-'));
        const c = v.run(out, cold);
        if (c.env?.TMPDIR) fs.mkdirSync(c.env.TMPDIR, { recursive: true });
        const t = process.hrtime.bigint();
        const r = spawnSync(c.cmd, c.args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...c.env } });
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        if (r.status !== 0) throw new Error(`${name} failed:\n${r.stderr}`);
        const d = `${digest(path.join(out, 'dist'))}/${digest(path.join(out, 'cdktf.out', 'stacks'))}`;
        expected ??= d;
        if (d !== expected) throw new Error(`${name} writes different output`);
        fs.rmSync(out, { recursive: true, force: true });
        if (i > 0) ((times[name] ??= { cold: [], warm: [] })[cold ? 'cold' : 'warm']).push(ms);
        process.stderr.write(`${i === 0 ? 'warm-up' : `round ${i}`} ${cold ? 'cold' : 'warm'} ${Math.round(ms)} ms  ${name}\n`);
      }
    }
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2);
};
const lines = [`${reps} interleaved rounds; every variant wrote the same bytes.`, '', '| how synth runs the TypeScript | cold ms, median (min) | warm ms, median (min) |', '|---|---:|---:|'];
for (const [name, t] of Object.entries(times)) lines.push(`| ${name} | ${med(t.cold)} (${Math.round(Math.min(...t.cold))}) | ${med(t.warm)} (${Math.round(Math.min(...t.warm))}) |`);
process.stdout.write(`${lines.join('\n')}\n`);
