// Prints the package.json that scripts/jsii-check.sh compiles the app-team package with:
// packages/constructs/package.json, reduced to what jsii reads, with the non-jsii runtime dependencies bundled (jsii's rule for dependencies
// that have no .jsii assembly) and the jsii peers also listed as devDependencies.
const pkg = require('../packages/constructs/package.json');
const repo = require('../package.json');

const jsiiModules = Object.keys(pkg.peerDependencies ?? {});
const bundled = Object.keys(pkg.dependencies ?? {}).filter((d) => !jsiiModules.includes(d));
const devDependencies = Object.fromEntries(jsiiModules.map((d) => [d, repo.devDependencies?.[d] ?? pkg.dependencies?.[d] ?? pkg.peerDependencies[d]]));

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
  peerDependencies: pkg.peerDependencies,
  devDependencies,
  jsii: { ...pkg.jsii, excludeTypescript: ['constructs/policy/**', 'constructs/terraform/**', 'constructs/internal.ts'] },
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
