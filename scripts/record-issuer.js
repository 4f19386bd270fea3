'use strict';
/**
 * After `cdktf deploy`: records the environment's Sentry issuer (generation and the Terraform output
 * sentry_issuer_not_after) in stacks/sentry-issuers.json, for review and commit; synth warns from it.
 *
 *   node scripts/record-issuer.js --env prod [--rotation <n>] [--not-after <RFC 3339>] [--file <record>]
 * Without --not-after it runs `terraform output -raw sentry_issuer_not_after` in cdktf.out/stacks/<env>.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { runMain } = require('./run-main');

const FILE = path.join(__dirname, '..', 'stacks', 'sentry-issuers.json');

async function main(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) o[argv[i].replace(/^--/, '')] = argv[++i];
  if (!o.env) throw new Error('--env is required');
  const file = o.file ?? FILE;
  const notAfter = o['not-after'] ?? execFileSync('terraform', ['output', '-raw', 'sentry_issuer_not_after'], { cwd: path.join('cdktf.out', 'stacks', o.env), encoding: 'utf8' }).trim();
  if (Number.isNaN(new Date(notAfter).getTime())) throw new Error(`not an RFC 3339 time: '${notAfter}'`);
  const rotation = Number(o.rotation ?? 1);
  if (!Number.isInteger(rotation) || rotation < 1) throw new Error(`--rotation '${o.rotation}' is not a whole number >= 1`);
  const doc = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const environments = { ...(doc.environments ?? {}), [o.env]: { rotation, notAfter } };
  const sorted = Object.fromEntries(Object.keys(environments).sort().map((k) => [k, environments[k]]));
  fs.writeFileSync(file, `${JSON.stringify({ comment: 'The Sentry issuer each environment runs, written by scripts/record-issuer.js after cdktf deploy; synth warns before it expires. Review and commit.', environments: sorted }, null, 2)}\n`);
  console.log(`${path.relative(process.cwd(), file)}: ${o.env} issuer generation ${rotation}, not after ${notAfter}`);
  return 0;
}
runMain(main);
