'use strict';
/**
 * `npm run build`: compiles the two packages built from constructs/ into packages/<name>/lib and
 * copies what each package ships beside its code (CHANGELOG.md; API.md and README.md live in the
 * package folder). `@dapr-platform/constructs` first: `@dapr-platform/terraform` compiles against
 * its declarations (packages/terraform/tsconfig.json maps the package names to them), so its
 * output imports the model by package name, exactly as installed from npm.
 *
 *   node scripts/build-packages.js
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const PACKAGES = ['constructs', 'terraform'];

for (const name of PACKAGES) {
  const dir = path.join(root, 'packages', name);
  fs.rmSync(path.join(dir, 'lib'), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
  fs.copyFileSync(path.join(root, 'CHANGELOG.md'), path.join(dir, 'CHANGELOG.md'));
  const files = [];
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : files.push(e.name)));
  walk(path.join(dir, 'lib'));
  console.log(`packages/${name}: ${files.filter((f) => f.endsWith('.js')).length} modules compiled into lib/`);
}
