'use strict';
/*
 * The frameworks' own floor for the reference platform: a bare script that loads cdk8s,
 * cdk8s-plus-28's `k8s` bindings, cdktf and exactly the provider resource modules the full synth
 * loads (deep imports, listed by bench/prep.js), then synthesizes the same number of plain objects
 * with the same content: one ApiObject per synthesized Kubernetes document and one
 * TerraformResource / TerraformDataSource / TerraformProvider per block of the Terraform JSON. No
 * constructs of ours, no validation, no policy check. It writes the same output: the same YAML
 * files (same grouping, same YAML options), TOPOLOGY.md and topology.json, and cdk.tf.json per
 * environment through cdktf's own synth.
 *
 *   node bench/floor.js <fixture.json> <distDir> <cdktfOutDir>
 */
const start = process.hrtime.bigint();
const fs = require('fs');
const path = require('path');
const { report, msSince } = require('./lib/child');

const [fixtureFile, distDir, cdktfOutDir] = process.argv.slice(2);
if (!fixtureFile || !distDir || !cdktfOutDir) throw new Error('usage: node bench/floor.js <fixture.json> <distDir> <cdktfOutDir>');
// The input is what the full synth produced (prepared once, untimed work of the prep step); reading
// it back is part of the floor's cost, like the full synth reads its model.
const fixture = JSON.parse(fs.readFileSync(fixtureFile, 'utf8'));

const { ApiObject, App, Chart } = require('cdk8s');
require('cdk8s-plus-28/lib/imports/k8s');
const { App: TfApp, TerraformDataSource, TerraformProvider, TerraformResource, TerraformStack } = require('cdktf');
for (const m of fixture.providerModules) require(m);
const YAML = require('yaml');
const loadMs = msSince(start);

// Terraform meta-arguments go through raw overrides (cdktf drops them from synthesized attributes).
const META_ARGUMENTS = ['depends_on', 'lifecycle', 'count', 'for_each', 'provider', 'connection', 'provisioner'];
const stripMeta = ({ '//': _meta, ...rest }) => rest;
function plain(element, attributes) {
  const own = {};
  for (const [k, v] of Object.entries(stripMeta(attributes))) {
    if (META_ARGUMENTS.includes(k)) element.addOverride(k, v);
    else own[k] = v;
  }
  return own;
}

class PlainResource extends TerraformResource {
  constructor(scope, type, name, attributes) {
    super(scope, name, { terraformResourceType: type });
    this.overrideLogicalId(name);
    this.attributes = plain(this, attributes);
  }
  synthesizeAttributes() {
    return this.attributes;
  }
}

class PlainDataSource extends TerraformDataSource {
  constructor(scope, type, name, attributes) {
    super(scope, `data-${name}`, { terraformResourceType: type });
    this.overrideLogicalId(name);
    this.attributes = plain(this, attributes);
  }
  synthesizeAttributes() {
    return this.attributes;
  }
}

class PlainProvider extends TerraformProvider {
  constructor(scope, type, required, attributes) {
    super(scope, `provider-${type}`, {
      terraformResourceType: type,
      terraformGeneratorMetadata: { providerName: type, providerVersion: required?.version },
      terraformProviderSource: required?.source,
    });
    this.attributes = attributes;
  }
  synthesizeAttributes() {
    return this.attributes;
  }
}

const tfApp = new TfApp({ outdir: cdktfOutDir, skipValidation: true });
let bytes = 0;
for (const env of fixture.environments) {
  // Kubernetes half: one ApiObject per document, rendered by cdk8s.
  const k8sApp = new App({ outdir: path.join(distDir, env.name) });
  const chart = new Chart(k8sApp, env.name);
  env.manifests.forEach((m, i) => new ApiObject(chart, `o${i}`, m));
  const docs = chart.toJson();
  const dir = path.join(distDir, env.name);
  for (const f of env.yamlFiles) {
    const content = f.documents.map((i) => YAML.stringify(docs[i], { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
    write(path.join(dir, f.file), content);
  }
  for (const f of env.otherFiles) write(path.join(dir, f.file), f.content);
  write(path.join(distDir, `${env.name}.contract.json`), env.contractText);

  // Terraform half: the same blocks as plain elements of one stack per environment.
  const tf = env.terraform;
  const stack = new TerraformStack(tfApp, env.name);
  const required = tf.terraform?.required_providers ?? {};
  for (const [type, configs] of Object.entries(tf.provider ?? {})) for (const c of configs) new PlainProvider(stack, type, required[type], c);
  for (const [type, byName] of Object.entries(tf.resource ?? {})) for (const [name, a] of Object.entries(byName)) new PlainResource(stack, type, name, a);
  for (const [type, byName] of Object.entries(tf.data ?? {})) for (const [name, a] of Object.entries(byName)) new PlainDataSource(stack, type, name, a);
  if (tf.terraform?.backend) stack.addOverride('terraform.backend', tf.terraform.backend);
  if (tf.output) stack.addOverride('output', tf.output);
}
tfApp.synth();
for (const env of fixture.environments) bytes += fs.statSync(path.join(cdktfOutDir, 'stacks', env.name, 'cdk.tf.json')).size;
report({ ms: msSince(start), loadMs, bytes });

function write(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  bytes += Buffer.byteLength(content);
}
