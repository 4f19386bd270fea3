#!/usr/bin/env node
/*
 * `npm run test:rules`: the alerting rules of dist/<env>/monitoring.yaml through the real promtool
 * (built from its Go module by e2e/bin/build.sh, cached outside the repository):
 *
 *   1. `promtool check rules` on the rules of every environment's PrometheusRule specs;
 *   2. `promtool test rules` on test/promtool/<AlertName>.test.yaml (one file per alert) against the
 *      prod rules; every alert of the rules needs its file and every file an alert;
 *   3. each test must be able to fail: for every alert, its rules are replaced by one that never
 *      fires and its test file must then fail.
 *
 *   node scripts/test-rules.js [--dist dist] [--promtool <path>]
 * Exits 1 on any failure. Run `npm run synth` first (CI does).
 */
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const testsDir = path.join(root, 'test', 'promtool');
const UNIT_TEST_ENV = 'prod';

function parseArgs(argv) {
  const opts = { dist: path.join(root, 'dist'), promtool: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dist') opts.dist = path.resolve(argv[++i]);
    else if (a === '--promtool') opts.promtool = path.resolve(argv[++i]);
    else throw new Error(`unknown argument '${a}': use --dist <dir>, --promtool <path>`);
  }
  return opts;
}

function promtoolPath() {
  return execFileSync('bash', [path.join(root, 'e2e', 'bin', 'build.sh'), '--print-path', 'promtool'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** The rule groups of every PrometheusRule in dist/<env>/monitoring.yaml. */
function rulesOf(distDir, env) {
  const file = path.join(distDir, env, 'monitoring.yaml');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run 'npm run synth' first.`);
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());
  const groups = docs.filter((d) => d && d.apiVersion === 'monitoring.coreos.com/v1' && d.kind === 'PrometheusRule').flatMap((d) => d.spec.groups);
  if (!groups.length) throw new Error(`${file} holds no PrometheusRule groups.`);
  return { groups };
}

function run(promtool, args, cwd) {
  const r = spawnSync(promtool, args, { cwd, encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const promtool = opts.promtool ?? promtoolPath();
  console.log(`promtool: ${execFileSync(promtool, ['--version'], { encoding: 'utf8' }).split('\n')[0]}`);
  const envs = fs.readdirSync(opts.dist).filter((e) => fs.existsSync(path.join(opts.dist, e, 'monitoring.yaml'))).sort();
  if (!envs.includes(UNIT_TEST_ENV)) throw new Error(`${path.join(opts.dist, UNIT_TEST_ENV, 'monitoring.yaml')} is missing: run 'npm run synth' first.`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-platform-rules.'));
  let failed = 0;
  try {
    // 1. check rules, every environment
    for (const env of envs) {
      const dir = path.join(work, env);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'rules.yaml'), YAML.stringify(rulesOf(opts.dist, env), { lineWidth: 0 }));
      const r = run(promtool, ['check', 'rules', 'rules.yaml'], dir);
      console.log(`== promtool check rules dist/${env}/monitoring.yaml: ${r.ok ? 'ok' : 'FAILED'}\n${indent(r.output)}`);
      if (!r.ok) failed++;
    }

    // 2. unit tests, one file per alert, against the prod rules
    const prod = rulesOf(opts.dist, UNIT_TEST_ENV);
    const alerts = [...new Set(prod.groups.flatMap((g) => g.rules.map((r) => r.alert)))].sort();
    const files = fs.readdirSync(testsDir).filter((f) => f.endsWith('.test.yaml')).sort();
    const tested = files.map((f) => f.replace(/\.test\.yaml$/, ''));
    for (const a of alerts.filter((a) => !tested.includes(a))) {
      console.log(`ERROR: alert ${a} has no unit test: add test/promtool/${a}.test.yaml`);
      failed++;
    }
    for (const t of tested.filter((t) => !alerts.includes(t))) {
      console.log(`ERROR: test/promtool/${t}.test.yaml tests no alert of dist/${UNIT_TEST_ENV}: rename or remove it`);
      failed++;
    }
    const unitDir = path.join(work, 'unit');
    fs.mkdirSync(unitDir);
    fs.writeFileSync(path.join(unitDir, 'rules.yaml'), YAML.stringify(prod, { lineWidth: 0 }));
    for (const f of files) fs.copyFileSync(path.join(testsDir, f), path.join(unitDir, f));
    for (const f of files) {
      const r = run(promtool, ['test', 'rules', f], unitDir);
      console.log(`== promtool test rules test/promtool/${f}: ${r.ok ? 'ok' : 'FAILED'}${r.ok ? '' : `\n${indent(r.output)}`}`);
      if (!r.ok) failed++;
    }

    // 3. every test fails when its alert is broken
    for (const a of alerts.filter((x) => tested.includes(x))) {
      const dir = path.join(work, `broken-${a}`);
      fs.mkdirSync(dir);
      const broken = {
        groups: prod.groups.map((g) => ({ ...g, rules: g.rules.map((r) => (r.alert === a ? { ...r, expr: 'vector(1) < 0' } : r)) })),
      };
      fs.writeFileSync(path.join(dir, 'rules.yaml'), YAML.stringify(broken, { lineWidth: 0 }));
      fs.copyFileSync(path.join(testsDir, `${a}.test.yaml`), path.join(dir, `${a}.test.yaml`));
      const r = run(promtool, ['test', 'rules', `${a}.test.yaml`], dir);
      console.log(`== ${a} replaced by a rule that never fires: its test ${r.ok ? 'PASSED (it cannot catch a broken alert)' : 'fails, as it must'}`);
      if (r.ok) failed++;
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (failed) {
    console.log(`\n${failed} rule check(s) failed.`);
    return 1;
  }
  console.log('\nAll rule checks passed.');
  return 0;
}

function indent(s) {
  return s
    .split('\n')
    .filter((l) => l)
    .map((l) => `   ${l}`)
    .join('\n');
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(`ERROR: ${e.message}`);
  process.exitCode = 1;
}
