#!/usr/bin/env node
/*
 * Regenerates imports/ from the Dapr reference data in ../shared/dapr-reference:
 *   - imports/dapr.io.ts            typed CRD bindings (cdk8s import), from the default version's CRDs
 *   - imports/dapr-reference-data.ts derived facts per version (component metadata fields, sidecar
 *                                    annotation keys, Helm chart value paths) used by synth-time validation
 *   - imports/dapr-crd-schemas.ts    the CRDs' openAPIV3Schemas per version and kind, without prose,
 *                                    for the conformance tests (see scripts/reference-data.js)
 * The reference files themselves are never copied into the repository.
 *
 * Component specs: every `<version>/component-metadata/*.metadata.yaml` is read, and each must have
 * its row (upstream path, sha256) in `<version>/PROVENANCE.md`. To add a component type, put
 * dapr/components-contrib's `<category>/<name>/[<version>/]metadata.yaml`, at the components-contrib
 * tag PROVENANCE.md names, there (for every Dapr version you pin), add the row, and run this
 * (README, "How to add a component").
 *
 * Usage: npm run import [-- --reference <dir>] [-- --version <x.y.z>]
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { generatedModules, referenceVersions } = require('./reference-data');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const argValue = (flag) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const referenceDir = path.resolve(root, argValue('--reference') || process.env.DAPR_REFERENCE_DIR || '../shared/dapr-reference');
if (!fs.existsSync(referenceDir)) {
  console.error(`error: Dapr reference data not found at ${referenceDir}. Check out ../shared next to this repository or pass --reference <dir>.`);
  process.exit(1);
}

const versions = referenceVersions(referenceDir);
const bindingVersion = argValue('--version') || versions[versions.length - 1];
if (!versions.includes(bindingVersion)) {
  console.error(`error: no reference data for Dapr ${bindingVersion} in ${referenceDir} (have: ${versions.join(', ')})`);
  process.exit(1);
}

// ---- 1. CRD bindings -------------------------------------------------------------------------
// cdk8s import overwrites imports/dapr.io.ts per input, so the CRDs go in as one multi-document file.
const CRD_FILES = ['components.yaml', 'configuration.yaml', 'subscription.yaml', 'resiliency.yaml', 'httpendpoints.yaml'];
const crdDir = path.join(referenceDir, bindingVersion, 'crds');
const bundleDir = path.join(root, '.crds');
fs.mkdirSync(bundleDir, { recursive: true });
const bundle = path.join(bundleDir, 'dapr-crds.yaml');
fs.writeFileSync(bundle, CRD_FILES.map((f) => fs.readFileSync(path.join(crdDir, f), 'utf8').trim()).join('\n---\n') + '\n');
execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), ['import', '--no-check-upgrade', '--language', 'typescript', '--output', 'imports'], {
  cwd: root,
  stdio: 'inherit',
});

// ---- 2. Reference data and CRD schemas ----------------------------------------------------------
for (const [file, text] of Object.entries(generatedModules(referenceDir, bindingVersion))) {
  fs.writeFileSync(path.join(root, 'imports', file), text);
}
console.log(`imports/ regenerated: bindings from Dapr ${bindingVersion}, reference data and CRD schemas for ${versions.join(', ')}`);
// Which component specs each version now holds (a spec added for one version only shows here).
for (const v of versions) {
  const files = fs.readdirSync(path.join(referenceDir, v, 'component-metadata')).filter((f) => f.endsWith('.metadata.yaml')).sort();
  console.log(`  component specs of Dapr ${v}: ${files.map((f) => f.replace(/\.metadata\.yaml$/, '')).join(', ')}`);
}
