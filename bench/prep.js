'use strict';
/*
 * Prep step (not timed): runs the full synth in memory and saves what the floor must reproduce,
 * as JSON: per environment the synthesized Kubernetes documents, how synth groups them into
 * files, the other files it writes (TOPOLOGY.md, topology.json) and the Terraform JSON; and the
 * provider modules (deep paths) the full synth loads, so the floor loads exactly the same ones.
 *
 *   node bench/prep.js <fixture.json>
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
require('../scripts/ts-register');

function main(argv) {
  const target = argv[0];
  if (!target) throw new Error('usage: node bench/prep.js <fixture.json>');
  const { synthesize } = require(path.join(ROOT, 'stacks', 'main.ts'));
  const { groupManifests } = require(path.join(ROOT, 'constructs', 'synth', 'manifest-files.ts'));
  // write: false writes no files (cdktf still creates its outdir, so give it a temporary one).
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-bench-prep-'));
  const outputs = synthesize({ distDir: path.join(scratch, 'dist'), cdktfOutDir: path.join(scratch, 'cdktf.out'), write: false });
  fs.rmSync(scratch, { recursive: true, force: true });

  const providerModules = Object.keys(require.cache)
    .map((f) => /[\\/]node_modules[\\/](@cdktf[\\/]provider-[^\\/]+[\\/].*)\.js$/.exec(f))
    .filter((m) => m)
    .map((m) => m[1].split(path.sep).join('/').replace(/\/index$/, ''))
    .sort();

  const environments = outputs.map((o) => {
    const indexOf = new Map(o.manifests.map((m, i) => [m, i]));
    const yamlFiles = groupManifests(o.manifests).map((f) => ({ file: f.file, documents: f.documents.map((d) => indexOf.get(d)) }));
    const yamlNames = new Set(yamlFiles.map((f) => f.file));
    return {
      name: o.env.name,
      manifests: o.manifests,
      yamlFiles,
      otherFiles: o.files.filter((f) => !yamlNames.has(f.file)),
      contractText: o.contractText,
      terraform: o.terraform,
    };
  });
  fs.writeFileSync(target, JSON.stringify({ providerModules, environments }));
  const objects = environments.reduce((s, e) => s + e.manifests.length, 0);
  const resources = environments.reduce((s, e) => s + Object.values(e.terraform.resource ?? {}).reduce((n, r) => n + Object.keys(r).length, 0), 0);
  process.stdout.write(`${JSON.stringify({ environments: environments.length, k8sObjects: objects, terraformResources: resources, providerModules })}\n`);
}

main(process.argv.slice(2));
