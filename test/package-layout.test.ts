/**
 * The library is two packages built from one source tree: `@dapr-platform/constructs` (everything
 * under constructs/ except constructs/terraform/) and `@dapr-platform/terraform`
 * (constructs/terraform/). These tests keep the planes apart, so an app team that installs only
 * the first never needs cdktf or a Terraform provider.
 */
import * as fs from 'fs';
import * as path from 'path';
import { specifiers } from './import-specifiers';

const { PACKAGE_SOURCES } = require('../scripts/package-sources');

const ROOT = path.resolve(__dirname, '..');
const TERRAFORM_DIR = path.join(ROOT, 'constructs', 'terraform');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}


const inTerraform = (f: string) => f.startsWith(TERRAFORM_DIR + path.sep);
const files = tsFiles(path.join(ROOT, 'constructs'));
const rel = (f: string) => path.relative(ROOT, f);

describe('package layout', () => {
  test('tsconfig paths map the package names exactly as scripts/package-sources.js does', () => {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
    const expected = Object.fromEntries(Object.entries(PACKAGE_SOURCES).map(([name, file]) => [name, [`./${file}`]]));
    expect(tsconfig.compilerOptions.paths).toEqual(expected);
  });

  test('nothing outside constructs/terraform/ imports cdktf or a Terraform provider', () => {
    const offenders = files
      .filter((f) => !inTerraform(f))
      .flatMap((f) => specifiers(fs.readFileSync(f, 'utf8')).filter((s) => /^(cdktf|@cdktf\/)/.test(s) || s === '@dapr-platform/terraform').map((s) => `${rel(f)}: ${s}`));
    expect(offenders).toEqual([]);
  });

  test('constructs/terraform/ reaches the rest of the library only through the package names', () => {
    const offenders = files
      .filter(inTerraform)
      .flatMap((f) =>
        specifiers(fs.readFileSync(f, 'utf8'))
          .filter((s) => s.startsWith('.') && !inTerraform(path.resolve(path.dirname(f), s)))
          .map((s) => `${rel(f)}: ${s}`),
      );
    expect(offenders).toEqual([]);
  });

  test('the checks see a violation (a fixture import of each kind)', () => {
    expect(specifiers("import { App } from 'cdktf';\nexport { X } from '../model/names';\nimport type { Y } from './y';")).toEqual([
      'cdktf',
      '../model/names',
      './y',
    ]);
  });
});

describe('the app-team package\'s command', () => {
  it('`dapr-platform-check` is the policy CLI, compiled from constructs/policy/cli.ts, which keeps its shebang', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', 'constructs', 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'dapr-platform-check': 'lib/constructs/policy/cli.js' });
    expect(pkg.files).toContain('lib/**/*.js');
    // tsconfig's outDir lib/ with rootDir ../..: constructs/policy/cli.ts compiles to lib/constructs/policy/cli.js.
    const source = fs.readFileSync(path.join(ROOT, 'constructs', 'policy', 'cli.ts'), 'utf8');
    expect(source.split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(source).toContain('if (require.main === module) {');
  });
});
