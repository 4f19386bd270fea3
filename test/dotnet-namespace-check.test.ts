// scripts/dotnet-namespace-check.js (run by `npm run jsii` on the C# jsii-pacmak generates): a
// namespace or type of ours that shadows a global name is refused, one case per rule, on small
// C# trees written here in the shape jsii-pacmak writes.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const script = path.join(__dirname, '..', 'scripts', 'dotnet-namespace-check.js');

function check(files: Record<string, string>): { status: number | null; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dotnet-ns-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    const r = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const chart = (ns: string) => `using Amazon.JSII.Runtime.Deputy;

namespace ${ns}
{
    /// <summary>A chart; Constructs.Construct in a comment is no reference.</summary>
    [JsiiClass(nativeType: typeof(${ns}.DaprChart), fullyQualifiedName: "x.DaprChart")]
    public class DaprChart : Org.Cdk8s.Chart
    {
        public DaprChart(Constructs.Construct scope, string id, ${ns}.IDaprChartProps? props = null): base(new DeputyProps(new object?[]{scope, id, props}))
        {
        }
    }
}
`;
const props = (ns: string) => `namespace ${ns}\n{\n    public interface IDaprChartProps\n    {\n    }\n}\n`;
const anchor = (ns: string) => `namespace ${ns}.Internal.DependencyResolution\n{\n    public sealed class Anchor\n    {\n        public Anchor()\n        {\n            new Constructs.Internal.DependencyResolution.Anchor();\n        }\n    }\n}\n`;

describe('.NET namespace check', () => {
  test('Logistics.DaprPlatform: every qualified name binds globally or to a declared type of ours', () => {
    const r = check({ 'a/DaprChart.cs': chart('Logistics.DaprPlatform'), 'a/IDaprChartProps.cs': props('Logistics.DaprPlatform'), 'a/Anchor.cs': anchor('Logistics.DaprPlatform'), 'AssemblyInfo.cs': '[assembly: JsiiAssembly("x", "0.1.0", "x-0.1.0.tgz")]\n' });
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^\.NET namespaces: 4 files in Logistics\.DaprPlatform, Logistics\.DaprPlatform\.Internal\.DependencyResolution: \d+ qualified names checked, none shadowed/);
  });

  test('Logistics.DaprPlatform.Constructs: Constructs.Construct binds to our namespace (CS0234, jsii #3081), in the class and in the anchor', () => {
    const ns = 'Logistics.DaprPlatform.Constructs';
    const r = check({ 'a/DaprChart.cs': chart(ns), 'a/IDaprChartProps.cs': props(ns), 'a/Anchor.cs': anchor(ns) });
    expect(r.status).toBe(1);
    expect(r.out).toContain("a/DaprChart.cs: 'Constructs.Construct' binds to 'Logistics.DaprPlatform.Constructs' (declared in Logistics.DaprPlatform.Constructs's enclosing namespace Logistics.DaprPlatform), not the global 'Constructs'");
    expect(r.out).toContain("a/Anchor.cs: 'Constructs.Internal.DependencyResolution.Anchor' binds to 'Logistics.DaprPlatform.Constructs'");
    expect(r.out).toMatch(/^\.NET namespaces: 2 problem\(s\) in 3 files:/);
  });

  test('a type of ours named like a global root (Org) shadows it; a reference to an undeclared type of ours; a type named like a using import', () => {
    const ns = 'Logistics.DaprPlatform';
    const r = check({
      'a/DaprChart.cs': chart(ns),
      'a/Org.cs': `namespace ${ns}\n{\n    public class Org\n    {\n    }\n}\n`,
      'a/DeputyProps.cs': `namespace ${ns}\n{\n    public class DeputyProps\n    {\n    }\n}\n`,
    });
    expect(r.status).toBe(1);
    expect(r.out).toContain("a/DaprChart.cs: 'Org.Cdk8s.Chart' binds to 'Logistics.DaprPlatform.Org'");
    expect(r.out).toContain("a/DaprChart.cs: 'Logistics.DaprPlatform.IDaprChartProps' names nothing the generated code declares");
    expect(r.out).toContain("a type of ours is named 'DeputyProps', which the generated code uses unqualified from Amazon.JSII.Runtime.Deputy: rename it");
  });
});
