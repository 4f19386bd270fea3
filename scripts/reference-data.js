/*
 * Derives the generated reference modules of imports/ from ../shared/dapr-reference (pure: reads
 * files, returns module texts, writes nothing). Used by scripts/import-crds.js, and by the tests
 * that check the committed modules equal what the raw files give.
 *
 *   imports/dapr-reference-data.ts  per version: component metadata fields, sidecar annotation keys,
 *                                   Helm chart value paths, CRD kinds (synth-time validation)
 *   imports/dapr-crd-schemas.ts     per version and kind: the CRDs' openAPIV3Schemas without their
 *                                   prose (descriptions), for the conformance tests
 *
 * Both record where each fact comes from: the upstream tag and commit named in the version's
 * PROVENANCE.md, the upstream path of each file and the sha256 of the file that was read.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const YAML = require('yaml');

const VERSION_DIR = /^\d+\.\d+\.\d+$/;

function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** The Dapr versions under a reference directory, oldest first. */
function referenceVersions(referenceDir) {
  return fs.readdirSync(referenceDir).filter((d) => VERSION_DIR.test(d)).sort(compareVersions);
}

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');
const readYaml = (file) => YAML.parse(fs.readFileSync(file, 'utf8'));
const sortedFiles = (dir, suffix) => fs.readdirSync(dir).filter((f) => f.endsWith(suffix)).sort();

/** Object with its keys sorted, recursively (arrays keep their order): canonical JSON. */
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
}

// ---- provenance -----------------------------------------------------------------------------

/**
 * The upstream tags/commits and the file table of <version>/PROVENANCE.md. Throws when the file
 * does not say what it is expected to say, so an unparsable provenance never goes unnoticed.
 */
function readProvenance(vdir, version) {
  const file = path.join(vdir, 'PROVENANCE.md');
  const text = fs.readFileSync(file, 'utf8');
  const tag = (repo) => {
    const m = new RegExp('^- ' + repo.replace('/', '\\/') + ' tag `(v[^`]+)` = commit `([0-9a-f]{40})`', 'm').exec(text);
    if (!m) throw new Error(`${file}: no line '- ${repo} tag \`v…\` = commit \`<40 hex>\`'`);
    return { repo, tag: m[1], commit: m[2] };
  };
  const dapr = tag('dapr/dapr');
  if (dapr.tag !== `v${version}`) throw new Error(`${file}: dapr/dapr tag is ${dapr.tag}, expected v${version}`);
  const rows = new Map();
  for (const m of text.matchAll(/^\| `([^`]+)` \| ([^|@\s]+)@(v[^|\s]+) \| `([^`]+)` \| `([0-9a-f]+)…?` \|$/gm)) {
    rows.set(m[1], { repo: m[2], tag: m[3], path: m[4], sha256: m[5] });
  }
  return { dapr, componentsContrib: tag('dapr/components-contrib'), rows, file };
}

/** Where a local reference file comes from, checked against the PROVENANCE.md table. */
function fileSource(vdir, provenance, rel) {
  const digest = sha256(fs.readFileSync(path.join(vdir, rel)));
  const row = provenance.rows.get(rel);
  if (!row && rel.startsWith('component-metadata/')) {
    // A component spec is a copy of an upstream file: without its row nobody can tell which
    // components-contrib tag it came from (README, "How to add a component").
    throw new Error(
      `${provenance.file}: ${rel} has no row in the file table. Add one: ` +
        `| \`${rel}\` | dapr/components-contrib@${provenance.componentsContrib.tag} | \`<category>/<name>/[<version>/]metadata.yaml\` | \`${digest}\` |`,
    );
  }
  if (!row) {
    // Derived files (annotations.txt) are described in prose, from the dapr/dapr tag.
    return { file: rel, upstream: `derived from dapr/dapr@${provenance.dapr.tag} (see PROVENANCE.md)`, sha256: digest };
  }
  if (!digest.startsWith(row.sha256)) {
    throw new Error(`${provenance.file}: ${rel} has sha256 ${digest}, PROVENANCE.md says ${row.sha256}`);
  }
  return { file: rel, upstream: `${row.repo}@${row.tag}:${row.path}`, sha256: digest };
}

function versionSource(provenance) {
  return {
    dapr: `${provenance.dapr.repo}@${provenance.dapr.tag} = ${provenance.dapr.commit}`,
    componentsContrib: `${provenance.componentsContrib.repo}@${provenance.componentsContrib.tag} = ${provenance.componentsContrib.commit}`,
  };
}

// ---- component metadata, chart values, annotations --------------------------------------------

function componentFields(dir) {
  const builtin = readYaml(path.join(dir, '_builtin-authentication-profiles.yaml'));
  const out = {};
  for (const file of sortedFiles(dir, '.metadata.yaml')) {
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
  for (const file of sortedFiles(dir, '.values.yaml')) {
    const name = file.replace('.values.yaml', '');
    const values = readYaml(path.join(dir, file)) ?? {};
    if (name === 'dapr') for (const k of Object.keys(values)) walk(k, values[k]);
    else walk(name, values);
  }
  return Object.fromEntries(Object.keys(paths).sort().map((k) => [k, paths[k]]));
}

function referenceVersionData(vdir, provenance) {
  const rel = (sub, suffix) => sortedFiles(path.join(vdir, sub), suffix).map((f) => `${sub}/${f}`);
  const sources = ['annotations.txt', ...rel('chart-values', '.yaml'), ...rel('component-metadata', '.yaml'), ...rel('crds', '.yaml')];
  return {
    source: { ...versionSource(provenance), files: sources.map((f) => fileSource(vdir, provenance, f)) },
    annotations: fs.readFileSync(path.join(vdir, 'annotations.txt'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean).sort(),
    components: componentFields(path.join(vdir, 'component-metadata')),
    chartValues: chartValuePaths(path.join(vdir, 'chart-values')),
    crds: sortedFiles(path.join(vdir, 'crds'), '.yaml').map((f) => {
      const crd = readYaml(path.join(vdir, 'crds', f));
      return { file: f, kind: crd.spec.names.kind, plural: crd.spec.names.plural, group: crd.spec.group, versions: crd.spec.versions.filter((x) => x.served).map((x) => x.name).sort() };
    }),
  };
}

// ---- CRD schemas ------------------------------------------------------------------------------

/** Keywords of a (structural) schema node whose values are schemas, and those holding lists of schemas. */
const SCHEMA_KEYWORDS = ['items', 'additionalProperties', 'not'];
const SCHEMA_LIST_KEYWORDS = ['allOf', 'anyOf', 'oneOf'];
/** Prose only: dropped. Every other keyword (type, required, enum, format, default, x-kubernetes-*, ...) is kept. */
const PROSE_KEYWORDS = ['description'];

/**
 * A schema without its prose. Property *names* are kept whatever they are (a field may well be
 * called `description`); only the keywords of schema nodes are filtered.
 */
function stripSchema(schema) {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out = {};
  for (const k of Object.keys(schema).sort()) {
    if (PROSE_KEYWORDS.includes(k)) continue;
    const v = schema[k];
    if (k === 'properties') out[k] = Object.fromEntries(Object.keys(v).sort().map((p) => [p, stripSchema(v[p])]));
    else if (SCHEMA_KEYWORDS.includes(k)) out[k] = typeof v === 'object' ? stripSchema(v) : v;
    else if (SCHEMA_LIST_KEYWORDS.includes(k)) out[k] = v.map(stripSchema);
    else out[k] = canonical(v);
  }
  return out;
}

function crdSchemas(versions, referenceDir) {
  const schemas = {};
  const index = {};
  for (const version of versions) {
    const vdir = path.join(referenceDir, version);
    const provenance = readProvenance(vdir, version);
    const crds = {};
    for (const f of sortedFiles(path.join(vdir, 'crds'), '.yaml')) {
      const rel = `crds/${f}`;
      const crd = readYaml(path.join(vdir, rel));
      const source = fileSource(vdir, provenance, rel);
      for (const v of crd.spec.versions) {
        const schema = stripSchema(v.schema.openAPIV3Schema);
        // Identical schemas (most CRDs do not change between releases) are stored once.
        const id = `${crd.spec.names.kind}.${v.name}.${sha256(JSON.stringify(schema)).slice(0, 12)}`;
        schemas[id] = schema;
        crds[`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`] = { served: v.served, storage: v.storage, schema: id, ...source };
      }
    }
    index[version] = { ...versionSource(provenance), crds: Object.fromEntries(Object.keys(crds).sort().map((k) => [k, crds[k]])) };
  }
  return { index, schemas: Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]])) };
}

// ---- modules --------------------------------------------------------------------------------

const isFlat = (v) =>
  v === null || typeof v !== 'object' || (Array.isArray(v) ? v : Object.values(v)).every((x) => x === null || typeof x !== 'object' || (Array.isArray(x) && x.every((y) => y === null || typeof y !== 'object')));

/**
 * JSON, compact but diff-friendly: an object or list whose values are all scalars (or lists of
 * scalars) takes one line if that line is short (a record such as a metadata field); else one
 * line per entry.
 */
function formatJson(value, indent = '') {
  const line = JSON.stringify(value);
  if (isFlat(value) && line.length <= 240) return line;
  const inner = indent + '  ';
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${formatJson(value[k], inner)}`).join(',\n')}\n${indent}}`;
}

const HEADER = [
  '// Generated by scripts/import-crds.js from ../shared/dapr-reference. Do not edit: run `npm run import`.',
  '// Derived facts only (key names, flags, allowed values, schemas without their prose); the reference files are not copied.',
  '/* eslint-disable */',
  '',
].join('\n');

const SOURCE_TYPES = `/** Where a generated fact comes from: the local reference file, its upstream origin and the sha256 of what was read. */
export interface ReferenceFileSource {
  /** Path under ../shared/dapr-reference/<version>/. */
  readonly file: string;
  /** \`owner/repo@tag:path\`, from the version's PROVENANCE.md. */
  readonly upstream: string;
  readonly sha256: string;
}
`;

function referenceDataModule(versions, bindingVersion, data) {
  return `${HEADER}
${SOURCE_TYPES}
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
  /** The upstream commits (from PROVENANCE.md) and every file read for this version. */
  readonly source: { readonly dapr: string; readonly componentsContrib: string; readonly files: readonly ReferenceFileSource[] };
  readonly annotations: readonly string[];
  readonly components: { readonly [typeAndVersion: string]: ReferenceComponentSpec };
  readonly chartValues: { readonly [path: string]: string };
  readonly crds: readonly { readonly file: string; readonly kind: string; readonly plural: string; readonly group: string; readonly versions: readonly string[] }[];
}

/** The Dapr version the bindings in dapr.io.ts were generated from. */
export const BINDINGS_DAPR_VERSION = ${JSON.stringify(bindingVersion)};

/** Every Dapr version we hold reference data for, oldest first. */
export const REFERENCE_VERSIONS: readonly string[] = ${JSON.stringify(versions)};

export const REFERENCE_DATA: { readonly [version: string]: ReferenceVersionData } = ${formatJson(data)};
`;
}

function crdSchemasModule({ index, schemas }) {
  return `${HEADER}
${SOURCE_TYPES}
/** An openAPIV3Schema of a CRD version, without descriptions. */
export type CrdSchema = { readonly [keyword: string]: unknown };

/** One version of one CRD in a Dapr release. */
export interface CrdSchemaRef extends ReferenceFileSource {
  readonly served: boolean;
  readonly storage: boolean;
  /** Key of the schema in CRD_SCHEMAS. */
  readonly schema: string;
}

export interface CrdVersionIndex {
  /** \`dapr/dapr@<tag> = <commit>\`, from PROVENANCE.md. */
  readonly dapr: string;
  readonly componentsContrib: string;
  /** By \`<group>/<version>/<kind>\`, i.e. \`<apiVersion>/<kind>\` of an object. */
  readonly crds: { readonly [apiVersionKind: string]: CrdSchemaRef };
}

/** Per Dapr version, the CRDs its chart ships. */
export const CRD_INDEX: { readonly [daprVersion: string]: CrdVersionIndex } = ${formatJson(index)};

/** The schemas, by \`<kind>.<version>.<sha256 prefix of the schema>\` (shared by releases that ship the same schema). */
export const CRD_SCHEMAS: { readonly [id: string]: CrdSchema } = ${formatJson(schemas)};
`;
}

/**
 * Everything generated from the reference data except the cdk8s bindings (dapr.io.ts, written by
 * `cdk8s import`): file name under imports/ -> module text.
 */
function generatedModules(referenceDir, bindingVersion) {
  const versions = referenceVersions(referenceDir);
  if (!versions.includes(bindingVersion)) {
    throw new Error(`no reference data for Dapr ${bindingVersion} in ${referenceDir} (have: ${versions.join(', ')})`);
  }
  const data = {};
  for (const v of versions) {
    const vdir = path.join(referenceDir, v);
    data[v] = referenceVersionData(vdir, readProvenance(vdir, v));
  }
  return {
    'dapr-reference-data.ts': referenceDataModule(versions, bindingVersion, data),
    'dapr-crd-schemas.ts': crdSchemasModule(crdSchemas(versions, referenceDir)),
  };
}

module.exports = { referenceVersions, generatedModules, stripSchema };
