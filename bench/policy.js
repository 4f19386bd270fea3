'use strict';
/*
 * The policy engine alone on a synthesized environment (the 1,000-workload output of
 * bench/scale.js --save-docs), both ways it runs:
 *   - in-process (`npm run synth`): checkDocuments on the objects, no parsing;
 *   - with --files <dir>...: as `npm run check` does, loadDocuments (read and parse the YAML and
 *     JSON files) and then checkDocuments.
 *
 *   node bench/policy.js <docs.json>
 *   node bench/policy.js --files <dist-dir> <cdktf-stack-dir>
 */
const start = process.hrtime.bigint();
const fs = require('fs');
const path = require('path');
const { report, msSince } = require('./lib/child');

require('../scripts/ts-register');
const engine = require(path.resolve(__dirname, '..', 'constructs', 'policy', 'engine.ts'));
const argv = process.argv.slice(2);
const loadMs = msSince(start);

let docs;
let profile;
let daprVersion;
const t0 = process.hrtime.bigint();
if (argv[0] === '--files') {
  docs = engine.loadDocuments(argv.slice(1));
  profile = 'prod';
} else {
  const saved = JSON.parse(fs.readFileSync(argv[0], 'utf8'));
  docs = [
    ...engine.documentsFromObjects(`dist/${saved.env}`, saved.manifests, 'kubernetes'),
    ...engine.documentsFromObjects(`cdktf.out/stacks/${saved.env}/cdk.tf.json`, [saved.terraform], 'terraform'),
  ];
  profile = saved.profile;
  daprVersion = saved.daprVersion;
}
const inputMs = msSince(t0);
const t1 = process.hrtime.bigint();
const result = engine.checkDocuments(docs, { profile, daprVersion });
const checkMs = msSince(t1);
if (result.errors > 0) throw new Error(`policy errors: ${result.errors}`);
report({ ms: msSince(start), loadMs, inputMs, checkMs, documents: result.documents, warnings: result.warnings });
