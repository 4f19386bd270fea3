'use strict';
/*
 * Transpile-only TypeScript for `npm run synth` and `npm run check`: a require hook on the
 * project's own @swc/core (the compiler jest uses, same options), with a content-hash cache.
 *
 *   node -r ./scripts/ts-register.js stacks/main.ts [args]
 *
 * No type checking here: that is `npm run typecheck` / `npm test` / CI. Each `.ts` file is
 * transpiled once per content (key: sha256 of @swc/core's version, the options and the source);
 * the result lives in node_modules/.cache/dapr-platform-ts/ (outside git, gone with a fresh
 * `npm ci`; DAPR_TS_CACHE moves it). On a warm cache @swc/core is not even loaded. Source maps are
 * inline: `NODE_OPTIONS=--enable-source-maps` maps stack traces back to the .ts lines.
 */
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');

const SWC_OPTIONS = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
  swcrc: false,
  configFile: false,
};

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = process.env.DAPR_TS_CACHE ? path.resolve(process.env.DAPR_TS_CACHE) : path.join(ROOT, 'node_modules', '.cache', 'dapr-platform-ts');
const SWC_VERSION = JSON.parse(fs.readFileSync(require.resolve('@swc/core/package.json'), 'utf8')).version;
const KEY_PREFIX = `${SWC_VERSION}\0${JSON.stringify(SWC_OPTIONS)}\0`;

/** Counters for tests and the benchmark: how many files came from the cache, how many were transpiled. */
const stats = { hits: 0, misses: 0 };

let swc;
function transpile(source, filename) {
  const key = crypto.createHash('sha256').update(KEY_PREFIX).update(source).digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    const code = fs.readFileSync(cached, 'utf8');
    stats.hits++;
    return code;
  } catch {
    // not cached yet
  }
  swc ??= require('@swc/core');
  const { code } = swc.transformSync(source, { ...SWC_OPTIONS, filename });
  stats.misses++;
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Write then rename: a concurrent run never reads a half-written file.
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  } catch {
    // A read-only cache only costs speed.
  }
  return code;
}

Module._extensions['.ts'] = function compileTs(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};

module.exports = { transpile, stats, CACHE_DIR };
