'use strict';
/*
 * A V8 code cache for the CommonJS modules `npm run synth` and `npm run check` load (Node.js 20 has
 * no module.enableCompileCache). Loaded by scripts/ts-register.js on the main thread.
 *
 * Each module (node_modules included) is compiled with vm.Script and the cached data V8 produced
 * for it on an earlier run, so V8 deserializes bytecode instead of parsing and compiling again.
 * The cache is one pack file per Node.js version, architecture and V8 cachedDataVersionTag (V8's
 * own version, flags and CPU features): <cache dir>/v8/<node>-<arch>-<tag>.pack, beside the
 * transpile cache (DAPR_TS_CACHE moves both). One entry per absolute path, stamped with:
 *   - .js/.cjs files: the length and CRC-32 of the text compiled (see contentStamp());
 *   - TypeScript: the transpile cache key (sha256 of @swc/core's version, options and source).
 * A miss, a stale stamp or data V8 rejects compiles as usual. A module's data is produced the second
 * time it is loaded unchanged (the first time the pack only notes its stamp), at process exit (so it
 * holds the functions the run compiled lazily, not only the top level); the pack is rewritten once,
 * atomically. Every blob carries a CRC-32 checked before V8 sees it. Any problem
 * with the cache (unreadable, corrupt, unwritable) only costs speed: the module is then compiled
 * by Node.js's own Module.prototype._compile, as it is without this file.
 *
 * Not used (Node.js's own compile instead) for: the entry module, ES modules, other formats, with
 * source maps enabled (--enable-source-maps registers maps inside Node.js's compile), with a policy
 * manifest, or when DAPR_CODE_CACHE=0.
 */
const fs = require('fs');
const Module = require('module');
const path = require('path');
const v8 = require('v8');
const vm = require('vm');
const zlib = require('zlib');

const MAGIC = 'dapr-platform-code-cache-1';
const WRAPPER = '(function (exports, require, module, __filename, __dirname) { ';
const WRAPPER_END = '\n});';

/**
 * Counters for tests: modules compiled with accepted cached data (hits), without (misses), data V8
 * refused, blobs or packs that failed their check, modules left to Node.js's compile (fallbacks),
 * blobs produced at exit, entries in the pack written at exit.
 */
const stats = { hits: 0, misses: 0, rejected: 0, corrupt: 0, fallbacks: 0, produced: 0, written: 0 };
const NO_DATA = Buffer.alloc(0);

let packFile;
/** filename -> { stamp, data, crc } from the pack on disk (data checked when used; empty: seen once). */
let entries;
/** filename -> { stamp, script } compiled this run, whose data is produced at exit. */
const produced = new Map();
/** filename -> { stamp, data } to keep when the pack is rewritten. */
const kept = new Map();
let dirty = false;

function packPath(cacheDir) {
  return path.join(cacheDir, 'v8', `${process.version}-${process.arch}-${v8.cachedDataVersionTag()}.pack`);
}

/**
 * Pack layout: MAGIC '\n', the JSON index's byte length as a decimal line, the JSON index
 * ([filename, stamp, offset, length, crc32][]), then the blobs (offsets from the end of the index).
 * Throws on anything malformed.
 */
function parsePack(buf) {
  const map = new Map();
  const nl1 = buf.indexOf(10);
  if (nl1 < 0 || buf.toString('latin1', 0, nl1) !== MAGIC) throw new Error('not a code cache pack');
  const nl2 = buf.indexOf(10, nl1 + 1);
  const indexLength = Number(buf.toString('latin1', nl1 + 1, nl2));
  const start = nl2 + 1 + indexLength;
  if (nl2 < 0 || !Number.isSafeInteger(indexLength) || start > buf.length) throw new Error('bad index length');
  for (const [filename, stamp, offset, length, crc] of JSON.parse(buf.toString('utf8', nl2 + 1, start))) {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || start + offset + length > buf.length) throw new Error('truncated');
    map.set(filename, { stamp, data: buf.subarray(start + offset, start + offset + length), crc });
  }
  return map;
}

/** The pack of entries (filename -> { stamp, data }), each blob with its CRC-32. */
function encodePack(map) {
  const index = [];
  const blobs = [];
  let offset = 0;
  for (const [filename, { stamp, data }] of map) {
    index.push([filename, stamp, offset, data.length, zlib.crc32(data)]);
    blobs.push(data);
    offset += data.length;
  }
  const indexBuf = Buffer.from(JSON.stringify(index), 'utf8');
  return Buffer.concat([Buffer.from(`${MAGIC}\n${indexBuf.length}\n`, 'latin1'), indexBuf, ...blobs]);
}

function readPack(file) {
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return new Map(); // no pack yet
  }
  try {
    return parsePack(buf);
  } catch {
    stats.corrupt++;
    dirty = true;
    return new Map();
  }
}

function writePack() {
  if (!dirty && produced.size === 0) return;
  for (const [filename, { stamp, script }] of produced) {
    try {
      kept.set(filename, { stamp, data: script.createCachedData() });
      stats.produced++;
    } catch {
      // no data for this one: compiled again next time
    }
  }
  // Entries of other commands (e.g. `npm run check` loads fewer modules) stay; stale stamps were replaced above.
  for (const [filename, e] of entries) if (!kept.has(filename) && !produced.has(filename)) kept.set(filename, e);
  try {
    fs.mkdirSync(path.dirname(packFile), { recursive: true });
    // Write then rename: a concurrent run never reads a half-written pack.
    const tmp = `${packFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, encodePack(kept));
    fs.renameSync(tmp, packFile);
    stats.written = kept.size;
  } catch {
    // A read-only cache only costs speed.
  }
}

/**
 * The stamp of a JavaScript module: its length and the CRC-32 of the very text V8 compiles. Not the
 * file's mtime: npm extracts every package file with the same fixed mtime, and a reinstall may get
 * the old inode numbers back, while V8 checks cached data only against the source's length, so a
 * same-length change under a stale stamp would run the old code. (Also covers a file changed while
 * it loads, and a hook that rewrites a module's text.)
 */
function contentStamp(content) {
  return `${content.length}:${zlib.crc32(content)}`;
}

/**
 * The entry for a module as it is now: 'new' (no entry, or a stale stamp), 'seen' (loaded once
 * before, no data yet), or the entry with its data (checked against its CRC-32: 'corrupt' if not).
 */
function lookup(filename, stamp) {
  const e = entries.get(filename);
  if (!e || e.stamp !== stamp) return 'new';
  if (e.data.length === 0) return 'seen';
  if (zlib.crc32(e.data) !== e.crc) {
    stats.corrupt++;
    return 'corrupt';
  }
  return e;
}

/** Compiles the module wrapper with cached data; undefined when it cannot (the caller falls back). */
function compileWrapper(content, filename, stamp) {
  const found = lookup(filename, stamp);
  const hit = typeof found === 'object' ? found : undefined;
  let script;
  try {
    script = new vm.Script(WRAPPER + content + WRAPPER_END, {
      filename,
      columnOffset: -WRAPPER.length, // columns on line 1 as in Node.js's own compile
      cachedData: hit?.data,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
  } catch {
    return undefined; // a syntax error, or ESM syntax: Node.js's compile reports or handles it
  }
  if (hit && !script.cachedDataRejected) {
    stats.hits++;
    kept.set(filename, hit);
  } else if (found === 'new') {
    // Data only for a module loaded a second time unchanged (as browsers do): a one-shot run (CI,
    // a fresh clone) does not pay for serializing a cache it never reads, and a file being edited
    // is not serialized on every save. The pack remembers that it was seen.
    stats.misses++;
    kept.set(filename, { stamp, data: NO_DATA });
    dirty = true;
  } else {
    if (hit) stats.rejected++;
    else stats.misses++;
    produced.set(filename, { stamp, script });
  }
  return script.runInThisContext({ displayErrors: true });
}

function validateString(request) {
  if (typeof request === 'string') return;
  const err = new TypeError(`The "request" argument must be of type string. Received ${request === null ? 'null' : typeof request}`);
  err.code = 'ERR_INVALID_ARG_TYPE';
  throw err;
}

/** Module-scope `require` exactly as Node.js builds it without a policy manifest. */
function makeRequire(mod) {
  const require = function require(id) {
    return mod.require(id);
  };
  function resolve(request, options) {
    validateString(request);
    return Module._resolveFilename(request, mod, false, options);
  }
  resolve.paths = function paths(request) {
    validateString(request);
    return Module._resolveLookupPaths(request, mod);
  };
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

const usable = () =>
  process.env.DAPR_CODE_CACHE !== '0' &&
  !process.sourceMapsEnabled &&
  !process.execArgv.some((a) => a.startsWith('--experimental-policy') || a.startsWith('--policy-integrity'));

/** TypeScript stamp handed over by the .ts hook for the next _compile of that file. */
let pendingTs;
function stampNextCompile(filename, stamp) {
  pendingTs = { filename, stamp };
}

function install(cacheDir) {
  if (process.env.DAPR_CODE_CACHE_STATS) {
    // For the tests: the counters as they are at exit (after the pack was written).
    process.on('exit', () => fs.writeFileSync(process.env.DAPR_CODE_CACHE_STATS, JSON.stringify(stats)));
  }
  if (!usable()) return false;
  packFile = packPath(cacheDir);
  const original = Module.prototype._compile;
  Module.prototype._compile = function compileWithCodeCache(content, filename, format) {
    let stamp;
    if (pendingTs?.filename === filename) {
      stamp = `ts:${pendingTs.stamp}`;
      pendingTs = undefined;
    } else if (/\.c?js$/.test(filename)) {
      stamp = contentStamp(content);
    }
    // The entry module keeps Node.js's compile (its stat cache, --inspect-brk, format detection).
    if (stamp === undefined || format === 'module' || this.id === '.' || process.sourceMapsEnabled) {
      return original.call(this, content, filename, format);
    }
    entries ??= readPack(packFile);
    let fn;
    try {
      fn = compileWrapper(content, filename, stamp);
    } catch {
      fn = undefined;
    }
    if (fn === undefined) {
      stats.fallbacks++;
      return original.call(this, content, filename, format);
    }
    return Reflect.apply(fn, this.exports, [this.exports, makeRequire(this), this, filename, path.dirname(filename)]);
  };
  process.prependListener('exit', () => {
    if (entries) writePack();
  });
  return true;
}

module.exports = { install, stampNextCompile, stats, packPath, parsePack, encodePack };
