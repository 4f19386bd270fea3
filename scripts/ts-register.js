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
 * inline: `NODE_OPTIONS=--enable-source-maps` maps stack traces back to the .ts lines. On a cold
 * cache a worker thread transpiles the rest of the project alongside (see prefetch()).
 * Every CommonJS module loaded after this file (node_modules included) is compiled with a V8 code
 * cache kept in the same folder (scripts/code-cache.js; DAPR_CODE_CACHE=0 turns it off).
 */
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const { isMainThread, threadId, workerData } = require('worker_threads');
// The library's package names resolve to their sources in this repository (scripts/package-sources.js).
require('./package-sources').resolveToSources();

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
const sourceKey = (source) => crypto.createHash('sha256').update(KEY_PREFIX).update(source).digest('hex');
const cachePath = (source, key = sourceKey(source)) => path.join(CACHE_DIR, `${key}.js`);

function transpile(source, filename, key = sourceKey(source)) {
  const cached = cachePath(source, key);
  try {
    const code = fs.readFileSync(cached, 'utf8');
    stats.hits++;
    return code;
  } catch {
    // not cached yet
  }
  prefetch();
  stats.misses++;
  return transpileTo(cached, source, filename);
}

function transpileTo(cached, source, filename) {
  swc ??= require('@swc/core');
  const { code } = swc.transformSync(source, { ...SWC_OPTIONS, filename });
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Write then rename: a concurrent run (or the prefetch worker) never reads a half-written file.
    const tmp = `${cached}.${process.pid}.${threadId}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  } catch {
    // A read-only cache only costs speed.
  }
  return code;
}

/**
 * On the first miss (a fresh clone, or changed sources), transpiles every other TypeScript file of
 * the project into the cache on a worker thread, on the second CPU, while this thread goes on
 * loading cdk8s and cdktf; a file the worker has not reached yet is transpiled here as before. The
 * worker never holds the process open. DAPR_TS_PREFETCH=0 turns it off.
 */
let prefetching = false;
function prefetch() {
  if (prefetching || process.env.DAPR_TS_PREFETCH === '0') return;
  prefetching = true;
  try {
    const { Worker } = require('worker_threads');
    const worker = new Worker(__filename, { workerData: { daprTsPrefetch: true }, stdout: true, stderr: true });
    worker.on('error', () => undefined); // only ever costs speed
    worker.unref();
  } catch {
    // no worker threads: everything is transpiled on this thread
  }
}

/** The project's TypeScript sources, largest first (the generated bindings and data in imports/). */
function projectSources() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  for (const d of ['imports', 'constructs', 'stacks']) if (fs.existsSync(path.join(ROOT, d))) walk(path.join(ROOT, d));
  return out;
}

if (!isMainThread && workerData?.daprTsPrefetch) {
  for (const file of projectSources()) {
    const source = fs.readFileSync(file, 'utf8');
    const cached = cachePath(source);
    if (!fs.existsSync(cached)) transpileTo(cached, source, file);
  }
}

// V8 code cache for every CommonJS module loaded after this point (scripts/code-cache.js).
const codeCache = isMainThread ? require('./code-cache') : undefined;
codeCache?.install(CACHE_DIR);

Module._extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = sourceKey(source);
  const code = transpile(source, filename, key);
  // The transpiled code is a function of the key: it stamps the module's code cache entry.
  codeCache?.stampNextCompile(filename, key);
  module._compile(code, filename);
};

module.exports = { transpile, stats, projectSources, CACHE_DIR, codeCacheStats: codeCache?.stats };
