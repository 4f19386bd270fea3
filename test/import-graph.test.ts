/*
 * Synth speed depends on what it loads: the prebuilt providers' barrels (`@cdktf/provider-vault`
 * alone is hundreds of modules) cost far more than the few resources the platform uses. Every
 * import of a provider package (and of cdk8s-plus-28) must name the module it needs, e.g.
 * `@cdktf/provider-helm/lib/release`, never the package. Checked two ways:
 *   - statically: every import/export/require specifier in the TypeScript reachable from
 *     stacks/main.ts and everything under constructs/;
 *   - at runtime: a child process loads those sources (and runs an in-memory synth) and lists
 *     every module Node loaded: no `node_modules/@cdktf/provider-*\/lib/index.js` may be among them.
 * Both checkers are also run on a probe that does import a barrel, so they cannot pass vacuously.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const PROVIDER_PACKAGES = ['@cdktf/provider-kubernetes', '@cdktf/provider-helm', '@cdktf/provider-vault'];
/** Other packages whose barrel synth must not load (cdk8s-plus-28: import `cdk8s-plus-28/lib/imports/k8s`). */
const OTHER_BARRELS = ['cdk8s-plus-28'];

/** The package whose barrel a specifier loads (the package itself, `<pkg>/lib` or `<pkg>/lib/index`), else undefined. */
type BarrelCheck = (specifier: string) => string | undefined;

function barrelOf(packages: string[], pattern?: RegExp): BarrelCheck {
  return (specifier) => {
    const s = specifier.replace(/\/+$/, '').replace(/(\/lib(\/index(\.js)?)?)$/, '');
    return packages.find((p) => s === p) ?? (pattern?.test(s) ? s : undefined);
  };
}

/** The three providers synth uses, and any other prebuilt provider added later. */
const providerBarrel = barrelOf(PROVIDER_PACKAGES, /^@cdktf\/provider-[^/]+$/);
const otherBarrel = barrelOf(OTHER_BARRELS);

interface Specifier {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
}

/** Every module specifier of a TypeScript file: imports, exports, `import x = require()`, `require()`, `import()`. */
function specifiersOf(file: string): Specifier[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: Specifier[] = [];
  const add = (node: ts.Node, text: string) => out.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, specifier: text });
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node, node.moduleReference.expression.text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments.length > 0 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node, node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The TypeScript file a relative specifier names, if any. */
function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts'), base].find((f) => f.endsWith('.ts') && fs.existsSync(f));
}

/** Walks the local import graph from the entries; returns every file reached and its specifiers. */
function importGraph(entries: string[]): Map<string, Specifier[]> {
  const graph = new Map<string, Specifier[]>();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.pop()!;
    if (graph.has(file)) continue;
    const specs = specifiersOf(file);
    graph.set(file, specs);
    for (const s of specs) {
      const local = resolveLocal(file, s.specifier);
      if (local && !graph.has(local)) queue.push(local);
    }
  }
  return graph;
}

function barrelImports(graph: Map<string, Specifier[]>, check: BarrelCheck): string[] {
  const out: string[] = [];
  for (const specs of graph.values()) {
    for (const s of specs) {
      const barrel = check(s.specifier);
      if (barrel) out.push(`${path.relative(ROOT, s.file)}:${s.line} imports '${s.specifier}' (the barrel of ${barrel}): import the module itself, e.g. '${barrel}/lib/<module>'`);
    }
  }
  return out.sort();
}

function tsFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tsFilesUnder(path.join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path.join(dir, e.name)] : []));
}

const ENTRIES = [path.join(ROOT, 'stacks', 'main.ts'), ...tsFilesUnder(path.join(ROOT, 'constructs'))];

/**
 * Loads TypeScript entries in a fresh Node.js process (transpiled by @swc/core, as jest does),
 * optionally runs `synthesize` of the first one in memory, and returns every file Node loaded.
 */
function modulesLoadedBy(entries: string[], synthesize: boolean, extraNodePath?: string): string[] {
  const script = `
    const fs = require('fs');
    const os = require('os');
    const path = require('path');
    const swc = require('@swc/core');
    require(${JSON.stringify(path.join(ROOT, 'scripts', 'package-sources.js'))}).resolveToSources();
    require.extensions['.ts'] = (module, filename) => {
      const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
        filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },
      });
      module._compile(code, filename);
    };
    const [entries, synthesize] = JSON.parse(process.argv[1]);
    const loaded = entries.map((e) => require(e));
    if (synthesize) {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'import-graph-'));
      try {
        loaded[0].synthesize({ distDir: path.join(out, 'dist'), cdktfOutDir: path.join(out, 'cdktf.out'), write: false });
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    }
    process.stdout.write(JSON.stringify(Object.keys(require.cache)));
  `;
  const env = { ...process.env, ...(extraNodePath ? { NODE_PATH: extraNodePath } : {}) };
  const r = spawnSync(process.execPath, ['-e', script, JSON.stringify([entries, synthesize])], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`loading ${entries.length} entries failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}

const PROVIDER_BARREL_FILE = /[\\/]node_modules[\\/]@cdktf[\\/]provider-[^\\/]+[\\/]lib[\\/]index\.js$/;
const OTHER_BARREL_FILE = /[\\/]node_modules[\\/]cdk8s-plus-28[\\/]lib[\\/]index\.js$/;

describe('import graph', () => {
  const graph = importGraph(ENTRIES);

  test('walks synth and the whole library, including the Terraform constructs and their deep provider imports', () => {
    const files = [...graph.keys()].map((f) => path.relative(ROOT, f));
    expect(files).toEqual(expect.arrayContaining(['stacks/main.ts', 'stacks/platform.ts', 'constructs/terraform/dapr-platform-stack.ts', 'constructs/k8s/dapr-workload.ts']));
    const deep = [...graph.values()].flat().filter((s) => s.specifier.startsWith('@cdktf/provider-'));
    expect(deep.length).toBeGreaterThan(0);
  });

  test('no file imports the barrel of a provider package (static)', () => {
    expect(barrelImports(graph, providerBarrel)).toEqual([]);
  });

  test('no file imports the cdk8s-plus-28 barrel (static)', () => {
    expect(barrelImports(graph, otherBarrel)).toEqual([]);
  });

  test('the static check finds barrel imports in every form', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-graph-probe-'));
    try {
      fs.writeFileSync(path.join(dir, 'entry.ts'), `import { helper } from './helper';\nexport const x = helper;\n`);
      fs.writeFileSync(
        path.join(dir, 'helper.ts'),
        [
          `import { Release } from '@cdktf/provider-helm';`,
          `import { Mount } from '@cdktf/provider-vault/lib/mount';`,
          `export * from '@cdktf/provider-kubernetes/lib/index';`,
          `const vault = require('@cdktf/provider-vault');`,
          `import type { KubernetesProvider } from '@cdktf/provider-kubernetes';`,
          `import { k8s } from 'cdk8s-plus-28';`,
          `export const helper = [Release, Mount, vault] as unknown as KubernetesProvider[];`,
          `export { k8s };`,
        ].join('\n'),
      );
      const probe = importGraph([path.join(dir, 'entry.ts')]);
      const found = barrelImports(probe, providerBarrel).map((m) => m.replace(/^.*helper\.ts:(\d+) imports '([^']+)'.*$/, '$1 $2'));
      expect(found).toEqual(['1 @cdktf/provider-helm', '3 @cdktf/provider-kubernetes/lib/index', '4 @cdktf/provider-vault', '5 @cdktf/provider-kubernetes']);
      expect(barrelImports(probe, otherBarrel)).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('at runtime', () => {
    let loaded: string[];
    beforeAll(() => {
      loaded = modulesLoadedBy(ENTRIES, true);
    }, 120_000);

    test('synth loads provider modules by their deep paths', () => {
      expect(loaded).toEqual(expect.arrayContaining([path.join(ROOT, 'stacks', 'main.ts')]));
      expect(loaded.some((f) => /[\\/]@cdktf[\\/]provider-helm[\\/]lib[\\/]release[\\/]index\.js$/.test(f))).toBe(true);
      expect(loaded.some((f) => /[\\/]@cdktf[\\/]provider-vault[\\/]lib[\\/]/.test(f))).toBe(true);
    });

    test('no provider barrel (node_modules/@cdktf/provider-*/lib/index.js) is loaded', () => {
      expect(loaded.filter((f) => PROVIDER_BARREL_FILE.test(f)).map((f) => path.relative(ROOT, f))).toEqual([]);
    });

    test('the cdk8s-plus-28 barrel is not loaded', () => {
      expect(loaded.filter((f) => OTHER_BARREL_FILE.test(f)).map((f) => path.relative(ROOT, f))).toEqual([]);
    });

    test('the runtime check sees a barrel when one is loaded', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-graph-probe-'));
      try {
        const probe = path.join(dir, 'probe.ts');
        fs.writeFileSync(probe, `import { Release } from '@cdktf/provider-helm';\nexport const release = Release;\n`);
        const probeLoaded = modulesLoadedBy([probe], false, path.join(ROOT, 'node_modules'));
        expect(probeLoaded.filter((f) => PROVIDER_BARREL_FILE.test(f)).map((f) => path.relative(ROOT, f).split(path.sep).join('/'))).toEqual([
          'node_modules/@cdktf/provider-helm/lib/index.js',
        ]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  });
});
