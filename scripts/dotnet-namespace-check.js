// Checks the C# that jsii-pacmak generates for our assembly (code only: no .NET SDK here) for what
// made it fail to compile (CS0234, jsii issue #3081): a namespace or type of ours that shadows a
// name the generated code means globally. C# looks a qualified name's first identifier up in the
// enclosing namespaces first, innermost out: with the namespace `Logistics.DaprPlatform.Constructs`,
// `Constructs.Construct` inside it binds to `Logistics.DaprPlatform.Constructs`, not the constructs
// library. Checked, for every file under the directory given:
//   - the first identifier of every qualified name (`Constructs.Construct`, `Org.Cdk8s.Chart`,
//     `System.Type`) is not the name of a namespace or type declared in one of the file's enclosing
//     namespaces (below the global one), except our own root (`Logistics`);
//   - every qualified name into our namespaces (`Logistics.DaprPlatform.DaprChart`) names a type or
//     namespace the generated code declares;
//   - no type of ours is named like what the code uses unqualified from its `using` directives
//     (`DeputyProps`, `ByRefValue`, `JsiiProperty`...), which a type in the enclosing namespace would shadow.
// What it cannot check: anything that needs the referenced assemblies (Amazon.JSII.Runtime,
// Constructs, Org.Cdk8s): member names, overloads, types. Exit 1 listing every problem.
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/dotnet-namespace-check.js <directory of generated C#>');
  process.exit(2);
}
const files = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.cs')) files.push(p);
  }
})(dir);

// Code without comments and string literals (names inside them are not references).
const code = (text) =>
  text
    .replace(/\/\/.*$/gm, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/@"(?:[^"]|"")*"/g, '""')
    .replace(/"(?:[^"\\\n]|\\.)*"/g, '""')
    .replace(/'(?:[^'\\\n]|\\.)'/g, "''");

const parsed = files.map((file) => {
  const text = code(fs.readFileSync(file, 'utf8'));
  const ns = /^\s*namespace\s+([A-Za-z_][\w.]*)/m.exec(text)?.[1];
  const types = [...text.matchAll(/\b(?:class|interface|enum|struct|record|delegate\s+\S+)\s+([A-Za-z_]\w*)/g)].map((m) => m[1]);
  const usings = [...text.matchAll(/^\s*using\s+([\w.]+)\s*;/gm)].map((m) => m[1]);
  return { file: path.relative(dir, file), text, ns, types, usings };
});

// What our code declares: every namespace (and its prefixes), and the types of each namespace.
const namespaces = new Set();
const typesIn = new Map();
for (const f of parsed) {
  if (!f.ns) continue;
  const parts = f.ns.split('.');
  for (let i = 1; i <= parts.length; i++) namespaces.add(parts.slice(0, i).join('.'));
  const set = typesIn.get(f.ns) ?? new Set();
  f.types.forEach((t) => set.add(t));
  typesIn.set(f.ns, set);
}
const ourRoots = new Set([...namespaces].map((n) => n.split('.')[0]));
// Members of a namespace: its child namespaces and its types.
const membersOf = (ns) => {
  const out = new Set(typesIn.get(ns) ?? []);
  for (const n of namespaces) if (n.startsWith(`${ns}.`) && !n.slice(ns.length + 1).includes('.')) out.add(n.slice(ns.length + 1));
  return out;
};

const problems = [];
let references = 0;
for (const f of parsed) {
  // Global-scope files (AssemblyInfo.cs) have no enclosing namespace; the others, innermost first, the global one excluded.
  const enclosing = f.ns ? f.ns.split('.').map((_, i, a) => a.slice(0, a.length - i).join('.')) : [];
  const seen = new Set();
  for (const m of f.text.matchAll(/(?<![\w.])([A-Za-z_]\w*)((?:\s*\.\s*[A-Za-z_]\w*)+)/g)) {
    const name = `${m[1]}${m[2].replace(/\s+/g, '')}`;
    if (seen.has(name) || f.usings.includes(name) || /^namespace\b/.test(f.text.slice(Math.max(0, m.index - 10), m.index + 1).trim())) continue;
    seen.add(name);
    const first = m[1];
    const binds = enclosing.find((ns) => membersOf(ns).has(first));
    if (ourRoots.has(first)) {
      references++;
      // A reference into our own namespaces: after the longest namespace of ours it names, a type declared there.
      const parts = name.split('.');
      let n = parts.length;
      while (n > 0 && !namespaces.has(parts.slice(0, n).join('.'))) n--;
      if (n === 0 || (n < parts.length && !typesIn.get(parts.slice(0, n).join('.'))?.has(parts[n]))) {
        problems.push(`${f.file}: '${name}' names nothing the generated code declares`);
      }
    } else if (binds) {
      references++;
      problems.push(`${f.file}: '${name}' binds to '${binds}.${first}' (declared in ${f.ns}'s enclosing namespace ${binds}), not the global '${first}' (CS0234/CS0246)`);
    } else if (/^[A-Z]/.test(first) && !/^[A-Z_]+$/.test(first)) {
      references++;
    }
  }
}

// Names the code uses unqualified from its using directives, against our type names.
const ourTypes = new Set([...typesIn.values()].flatMap((s) => [...s]));
const unqualified = new Set();
for (const f of parsed) {
  if (!f.usings.length) continue;
  for (const m of f.text.matchAll(/(?<![\w.])((?:Jsii|Deputy)\w*|ByRefValue|AnonymousObject)\b/g)) unqualified.add(m[1]);
}
for (const n of unqualified) {
  if (ourTypes.has(n) || ourTypes.has(`${n}Attribute`)) problems.push(`a type of ours is named '${n}', which the generated code uses unqualified from Amazon.JSII.Runtime.Deputy: rename it`);
}

if (problems.length > 0) {
  console.error(`.NET namespaces: ${problems.length} problem(s) in ${files.length} files:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `.NET namespaces: ${files.length} files in ${[...namespaces].filter((n) => typesIn.has(n)).join(', ')}: ${references} qualified names checked, ` +
    `none shadowed by an enclosing namespace, every one into ours declared; no type of ours named like ${[...unqualified].sort().join(', ')}`,
);
