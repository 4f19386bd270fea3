// Prints the package.json that scripts/jsii-check.sh compiles the library with: ours, reduced to
// what jsii reads, with the non-jsii runtime dependencies bundled (jsii's rule for dependencies
// that have no .jsii assembly) and the jsii peers also listed as devDependencies.
// `--surface=app-team`: the app-team package (no constructs/terraform), whose peers are constructs,
// cdk8s and cdk8s-plus-28 only (the cdktf peers dropped).
const pkg = require('../package.json');

const appTeam = process.argv.includes('--surface=app-team');
const peers = Object.fromEntries(Object.entries(pkg.peerDependencies ?? {}).filter(([d]) => !appTeam || !/^(cdktf$|@cdktf\/)/.test(d)));
const jsiiModules = Object.keys(peers);
const bundled = Object.keys(pkg.dependencies ?? {}).filter((d) => !jsiiModules.includes(d));
const devDependencies = Object.fromEntries(jsiiModules.map((d) => [d, pkg.devDependencies?.[d] ?? pkg.dependencies?.[d] ?? peers[d]]));

const out = {
  name: pkg.name,
  version: pkg.version,
  description: pkg.description,
  license: pkg.license,
  author: pkg.author,
  repository: pkg.repository,
  main: pkg.main,
  types: pkg.types,
  dependencies: Object.fromEntries(bundled.map((d) => [d, pkg.dependencies[d]])),
  bundleDependencies: bundled,
  peerDependencies: peers,
  devDependencies,
  jsii: { ...pkg.jsii, excludeTypescript: ['constructs/policy/**'] },
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
