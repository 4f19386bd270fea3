#!/usr/bin/env node
/*
 * Regenerates imports/ from the Dapr reference data in ../shared/dapr-reference:
 *   - imports/dapr.io.ts            typed CRD bindings (cdk8s import), from the default version's CRDs
 *   - imports/dapr-reference-data.ts derived facts per version (component metadata fields, sidecar
 *                                    annotation keys, Helm chart value paths) used by synth-time validation
 * The reference files themselves are never copied into the repository.
 *
 * Usage: npm run import [-- --reference <dir>] [-- --version <x.y.z>]
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const YAML = require('yaml');

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

const compareVersions = (a, b) => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
};
const versions = fs.readdirSync(referenceDir).filter((d) => /^\d+\.\d+\.\d+$/.test(d)).sort(compareVersions);
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

// ---- 2. Reference data -----------------------------------------------------------------------
const readYaml = (file) => YAML.parse(fs.readFileSync(file, 'utf8'));

function componentFields(dir) {
  const builtin = readYaml(path.join(dir, '_builtin-authentication-profiles.yaml'));
  const out = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.metadata.yaml')).sort()) {
    const spec = readYaml(path.join(dir, file));
    const type = `${spec.type}.${spec.name}`;
    const key = `${type}/${spec.version}`;
    const fields = {};
    const add = (m, where, topLevel) => {
      const prev = fields[m.name];
      const allowed = m.allowedValues ? m.allowedValues.map(String) : [];
      fields[m.name] = {
        required: Boolean(prev?.required) || (topLevel && m.required === true),
        sensitive: Boolean(prev?.sensitive) || m.sensitive === true,
        type: prev?.type ?? m.type ?? 'string',
        allowedValues: [...new Set([...(prev?.allowedValues ?? []), ...allowed])].sort(),
        where: prev ? prev.where : where,
      };
    };
    for (const m of spec.metadata ?? []) add(m, 'metadata', true);
    for (const p of spec.authenticationProfiles ?? []) for (const m of p.metadata ?? []) add(m, `auth profile: ${p.title}`, false);
    for (const p of spec.builtinAuthenticationProfiles ?? []) {
      for (const m of p.metadata ?? []) add(m, `builtin profile: ${p.name}`, false);
      for (const bp of builtin[p.name] ?? []) for (const m of bp.metadata ?? []) add(m, `builtin profile: ${p.name}`, false);
    }
    out[key] = {
      type,
      version: spec.version,
      capabilities: (spec.capabilities ?? []).slice().sort(),
      fields: Object.fromEntries(Object.keys(fields).sort().map((k) => [k, fields[k]])),
    };
  }
  return out;
}

function chartValuePaths(dir) {
  const paths = {};
  const walk = (prefix, value) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      // An empty map is free-form: any key below it is accepted (resources, nodeSelector, ...).
      paths[prefix] = keys.length === 0 ? 'map' : 'object';
      for (const k of keys) walk(`${prefix}.${k}`, value[k]);
    } else {
      paths[prefix] = Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value;
    }
  };
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.values.yaml')).sort()) {
    const name = file.replace('.values.yaml', '');
    const values = readYaml(path.join(dir, file)) ?? {};
    if (name === 'dapr') for (const k of Object.keys(values)) walk(k, values[k]);
    else walk(name, values);
  }
  return Object.fromEntries(Object.keys(paths).sort().map((k) => [k, paths[k]]));
}

const data = {};
for (const v of versions) {
  const vdir = path.join(referenceDir, v);
  data[v] = {
    annotations: fs.readFileSync(path.join(vdir, 'annotations.txt'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean).sort(),
    components: componentFields(path.join(vdir, 'component-metadata')),
    chartValues: chartValuePaths(path.join(vdir, 'chart-values')),
    crds: fs.readdirSync(path.join(vdir, 'crds')).filter((f) => f.endsWith('.yaml')).sort().map((f) => {
      const crd = readYaml(path.join(vdir, 'crds', f));
      return { file: f, kind: crd.spec.names.kind, plural: crd.spec.names.plural, group: crd.spec.group, versions: crd.spec.versions.filter((x) => x.served).map((x) => x.name).sort() };
    }),
  };
}

const header = [
  '// Generated by scripts/import-crds.js from ../shared/dapr-reference. Do not edit: run `npm run import`.',
  '// Derived facts only (key names, flags, allowed values); the reference files are not copied.',
  '/* eslint-disable */',
  '',
].join('\n');
const body = `${header}
export interface ReferenceMetadataField {
  readonly required: boolean;
  readonly sensitive: boolean;
  readonly type: string;
  readonly allowedValues: readonly string[];
  readonly where: string;
}

export interface ReferenceComponentSpec {
  readonly type: string;
  readonly version: string;
  readonly capabilities: readonly string[];
  readonly fields: { readonly [name: string]: ReferenceMetadataField };
}

export interface ReferenceVersionData {
  readonly annotations: readonly string[];
  readonly components: { readonly [typeAndVersion: string]: ReferenceComponentSpec };
  readonly chartValues: { readonly [path: string]: string };
  readonly crds: readonly { readonly file: string; readonly kind: string; readonly plural: string; readonly group: string; readonly versions: readonly string[] }[];
}

/** The Dapr version the bindings in dapr.io.ts were generated from. */
export const BINDINGS_DAPR_VERSION = ${JSON.stringify(bindingVersion)};

/** Every Dapr version we hold reference data for, oldest first. */
export const REFERENCE_VERSIONS: readonly string[] = ${JSON.stringify(versions)};

export const REFERENCE_DATA: { readonly [version: string]: ReferenceVersionData } = ${JSON.stringify(data, null, 2)};
`;
fs.writeFileSync(path.join(root, 'imports', 'dapr-reference-data.ts'), body);
console.log(`imports/ regenerated: bindings from Dapr ${bindingVersion}, reference data for ${versions.join(', ')}`);
