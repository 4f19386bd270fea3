// Prints the package.json that scripts/jsii-check.sh compiles a package with: ours
// (packages/<name>/package.json), reduced to what jsii reads, with the non-jsii runtime dependencies
// bundled (jsii's rule for dependencies that have no .jsii assembly) and the jsii peers also listed
// as devDependencies (at the versions the repository pins).
//
//   node scripts/jsii-package.js constructs|terraform
const name = process.argv[2];
if (!['constructs', 'terraform'].includes(name)) throw new Error(`usage: jsii-package.js constructs|terraform (got ${name})`);
const pkg = require(`../packages/${name}/package.json`);
const repo = require('../package.json');

const jsiiModules = Object.keys(pkg.peerDependencies ?? {});
const bundled = Object.keys(pkg.dependencies ?? {}).filter((d) => !jsiiModules.includes(d));
const devDependencies = Object.fromEntries(jsiiModules.map((d) => [d, repo.devDependencies?.[d] ?? pkg.peerDependencies[d]]));

const out = {
  name: pkg.name,
  version: pkg.version,
  description: pkg.description,
  license: pkg.license,
  author: pkg.author,
  repository: pkg.repository,
  main: pkg.main,
  types: pkg.types,
  // The Terraform package imports `@dapr-platform/constructs/internal`; jsii's compiler resolves
  // subpaths the node10 way, through typesVersions.
  ...(pkg.typesVersions ? { typesVersions: pkg.typesVersions } : {}),
  dependencies: Object.fromEntries(bundled.map((d) => [d, pkg.dependencies[d]])),
  bundleDependencies: bundled,
  peerDependencies: pkg.peerDependencies,
  devDependencies,
  jsii:
    name === 'constructs'
      ? { ...pkg.jsii, excludeTypescript: ['constructs/policy/**'] }
      : { outdir: 'dist-jsii', targets: pkg.jsii?.targets ?? {}, tsc: { outDir: 'lib', rootDir: '.' } },
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
