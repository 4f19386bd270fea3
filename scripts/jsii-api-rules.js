// What Go (and .NET, Java, Python) users of the jsii bindings trip over, refused in the compiled
// assembly (the .jsii file given as argument; run by scripts/jsii-check.sh after jsii):
//   - an optional parameter of a primitive type (boolean, string, number): jsii has no overloads,
//     so Go passes it positionally as `nil`; declare an option struct (`FooOptions`) or a second method;
//   - more than one optional parameter, or an optional parameter that is not a struct: likewise;
//   - a protected member whose doc comment does not say it is an extension point for subclasses:
//     Go has no `protected`, the bindings show it as public, so its doc must say who may call it
//     (checked where it is declared: an override carries the declaration's contract).
// Exit 1 listing every violation.
const fs = require('fs');

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/jsii-api-rules.js <.jsii>');
  process.exit(2);
}
const assembly = JSON.parse(fs.readFileSync(file, 'utf8'));
const NOTE = 'Extension point for subclasses';
const isStruct = (type) => !!type.fqn && assembly.types[type.fqn]?.datatype === true;
const docText = (docs) => [docs?.summary, docs?.remarks].filter(Boolean).join(' ');

const problems = [];
function checkParameters(where, parameters) {
  const optional = (parameters ?? []).filter((p) => p.optional);
  for (const p of optional) {
    if (p.type.primitive) {
      problems.push(`${where}: optional ${p.type.primitive} parameter '${p.name}': Go passes it as nil; use an option struct or a second method.`);
    } else if (!isStruct(p.type)) {
      problems.push(`${where}: optional parameter '${p.name}' is not a struct: use an option struct.`);
    }
  }
  if (optional.length > 1) {
    problems.push(`${where}: ${optional.length} optional parameters (${optional.map((p) => p.name).join(', ')}): Go passes each as nil; put them in one option struct.`);
  }
}

for (const [fqn, type] of Object.entries(assembly.types)) {
  if (type.initializer) checkParameters(`${fqn} constructor`, type.initializer.parameters);
  for (const m of type.methods ?? []) {
    checkParameters(`${fqn}.${m.name}()`, m.parameters);
    if (m.protected && !m.overrides && !docText(m.docs).includes(NOTE)) problems.push(`${fqn}.${m.name}(): protected, and its doc does not say '${NOTE}' (Go shows it as public).`);
  }
  for (const p of type.properties ?? []) {
    if (p.protected && !p.overrides && !docText(p.docs).includes(NOTE)) problems.push(`${fqn}.${p.name}: protected, and its doc does not say '${NOTE}' (Go shows it as public).`);
  }
}

if (problems.length > 0) {
  console.error(`jsii API rules: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`jsii API rules: no optional positional primitive, at most one optional (struct) parameter per call, every protected member documented as an extension point (${Object.keys(assembly.types).length} types)`);
