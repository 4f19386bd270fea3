'use strict';
/*
 * Full synth of the reference platform (every environment, both halves) from compiled JavaScript,
 * exactly as `npm run synth` runs it (build/stacks/main.js `main()`), writing into the given
 * directories instead of the committed dist/ and cdktf.out/.
 *
 *   node bench/full-synth.js <distDir> <cdktfOutDir>
 */
const start = process.hrtime.bigint();
const fs = require('fs');
const path = require('path');
const { report, msSince } = require('./lib/child');

const [distDir, cdktfOutDir] = process.argv.slice(2);
if (!distDir || !cdktfOutDir) throw new Error('usage: node bench/full-synth.js <distDir> <cdktfOutDir>');
const log = console.log;
console.log = () => {}; // the per-environment summary is computed and formatted, not printed
const { main } = require(path.resolve(__dirname, '..', 'build', 'stacks', 'main.js'));
const loadedMs = msSince(start);
const code = main(['--dist', distDir, '--cdktf-out', cdktfOutDir]);
console.log = log;
if (code !== 0) throw new Error(`synth failed with exit code ${code}`);
const ms = msSince(start);
report({ ms, loadMs: loadedMs, bytes: bytesUnder(distDir) + bytesUnder(path.join(cdktfOutDir, 'stacks')) });

function bytesUnder(dir) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? bytesUnder(p) : fs.statSync(p).size;
  }
  return total;
}
