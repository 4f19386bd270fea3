'use strict';
/*
 * Scaling: synthesizes a generated environment with N workloads through the same steps as
 * `npm run synth` (PlatformSynth, constructs/terraform/platform-synth.ts), each timed: build both
 * halves, validate both (every error collected), render, run the policy engine in-process, write
 * the YAML files, TOPOLOGY.md, topology.json and cdk.tf.json into a temporary directory.
 *
 *   node bench/scale.js <workloads> [--save-docs <file.json>] [--keep]
 *
 * Prints one result line (bench/lib/child.js): { workloads, ms, gcMs, phases, rssMiB, k8sObjects,
 * terraformResources, bytes, sha256 (of the dist files) }.
 * `ms` is measured in-process from before the first require to the end; the orchestrator
 * (bench/run.js) measures wall time around the whole process.
 */
const t0 = process.hrtime.bigint();
const { PerformanceObserver } = require('perf_hooks');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { buildGeneratedEnvironment, loadModules, load } = require('./lib/generated-env');
const { report } = require('./lib/child');

const req = load;
const now = () => Number(process.hrtime.bigint() - t0) / 1e6;

// Time spent in garbage collection, which grows with the live heap rather than with the work.
let gcMs = 0;
const gc = new PerformanceObserver((list) => list.getEntries().forEach((e) => (gcMs += e.duration)));
gc.observe({ entryTypes: ['gc'] });

function main(argv) {
  const n = Number(argv[0]);
  if (!Number.isInteger(n) || n < 1) throw new Error('usage: node bench/scale.js <workloads> [--save-docs <file>] [--keep]');
  const saveIdx = argv.indexOf('--save-docs');
  const saveDocs = saveIdx >= 0 ? argv[saveIdx + 1] : undefined;
  const keep = argv.includes('--keep');

  loadModules();
  const { validationErrors } = req('constructs/model/validation');
  const { renderChart } = req('constructs/k8s/render-chart');
  const { checkDocuments, documentsFromObjects, Severity } = req('constructs/policy/engine');
  const { groupManifests, toYaml, writeFiles } = req('constructs/synth/manifest-files');
  const { topologyMarkdown, topologyOf } = req('constructs/synth/topology');
  const phases = {};
  let mark = 0;
  const phase = (name) => {
    const t = now();
    phases[name] = Math.round((t - mark) * 10) / 10;
    mark = t;
  };
  phase('load');

  req('constructs/terraform/token-creation-stacks').deferTokenCreationStacks(); // as PlatformSynth (constructs/terraform/platform-synth.ts)
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-bench-scale-'));
  const g = buildGeneratedEnvironment(n, { cdktfOutDir: path.join(out, 'cdktf.out') });
  phase('build');

  // As PlatformSynth: the chart's validations run as it renders (renderChart), the stack's here.
  const tfErrors = validationErrors(g.tfApp);
  phase('validate');

  const chart = renderChart(g.chart);
  const errors = [...chart.errors, ...tfErrors];
  if (errors.length) throw new Error(`generated environment is invalid (${errors.length} errors):\n  ${errors.slice(0, 20).join('\n  ')}`);
  const manifests = chart.manifests;
  const terraform = g.stack.toTerraform();
  phase('render');

  const docs = [
    ...documentsFromObjects(`dist/${g.env.name}`, manifests, 'kubernetes'),
    ...documentsFromObjects(`cdktf.out/stacks/${g.env.name}/cdk.tf.json`, [terraform], 'terraform'),
  ];
  const result = checkDocuments(docs, { profile: g.env.profile, daprVersion: g.env.daprVersion.version });
  const policyErrors = result.findings.filter((f) => f.severity === Severity.ERROR);
  if (policyErrors.length) {
    throw new Error(`policy errors (${policyErrors.length}):\n  ${policyErrors.slice(0, 20).map((f) => `[${f.ruleId}] ${f.object}: ${f.message}`).join('\n  ')}`);
  }
  phase('policy');

  g.tfApp.synth();
  const topology = topologyOf(g.chart, g.env.name, g.env.appsNamespace);
  const files = [
    ...groupManifests(manifests).map((f) => ({ file: f.file, content: toYaml(f.documents) })),
    { file: 'TOPOLOGY.md', content: topologyMarkdown(topology) },
    { file: 'topology.json', content: `${JSON.stringify(topology, null, 2)}\n` },
  ];
  writeFiles(path.join(out, 'dist', g.env.name), files);
  phase('write');

  const ms = now();
  const bytes = files.reduce((s, f) => s + Buffer.byteLength(f.content), 0) + fs.statSync(path.join(out, 'cdktf.out', 'stacks', g.env.name, 'cdk.tf.json')).size;
  let tfResources = 0;
  for (const byName of Object.values(terraform.resource ?? {})) tfResources += Object.keys(byName).length;
  if (saveDocs) fs.writeFileSync(saveDocs, JSON.stringify({ env: g.env.name, profile: g.env.profile, daprVersion: g.env.daprVersion.version, manifests, terraform }));
  if (!keep) fs.rmSync(out, { recursive: true, force: true });
  const digest = require('crypto').createHash('sha256');
  for (const f of files) digest.update(`${f.file}\0${f.content}\0`);
  // GC entries reach the observer asynchronously: report once they are in (after `ms` was taken).
  setImmediate(() => {
    gc.takeRecords().forEach((e) => (gcMs += e.duration));
    gc.disconnect();
    report({ workloads: n, ms: Math.round(ms * 100) / 100, gcMs: Math.round(gcMs), phases, k8sObjects: manifests.length, terraformResources: tfResources, warnings: result.warnings, bytes, sha256: digest.digest('hex'), ...(keep ? { out } : {}) });
  });
}

main(process.argv.slice(2));
