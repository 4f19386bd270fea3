import * as fs from 'fs';
import * as path from 'path';
import { EnvironmentProfile } from '../constructs/model/profile';
import { SecretRef } from '../constructs/model/secret-ref';
import { AuditStore, recipe } from './fixtures/readme-add-component';
import { daprChart, errorsOf, find, synth } from './helpers';

const ROOT = path.join(__dirname, '..');

describe('README, "How to add a component"', () => {
  test('its code is test/fixtures/readme-add-component.ts, verbatim (with the package import path)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.split('## How to add a component\n')[1].split('\n## ')[0];
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    const fixture = fs.readFileSync(path.join(__dirname, 'fixtures', 'readme-add-component.ts'), 'utf8');
    const code = fixture.split('// --- README recipe start ---\n')[1].split('// --- README recipe end ---')[0];
    expect(block).toBe(code.replace("'../../constructs'", "'@dapr-platform/constructs'"));
  });

  test('followed as written, it synthesizes in prod: both stores scoped, egress and secrets derived', () => {
    const chart = daprChart({ profile: EnvironmentProfile.PROD });
    recipe(chart);
    const out = synth(chart);
    expect(find(out, 'Component', 'ledger')).toEqual({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'ledger', namespace: 'apps' },
      auth: { secretStore: 'vault' },
      scopes: ['orders'],
      spec: {
        type: 'state.postgresql',
        version: 'v2',
        metadata: [
          { name: 'connectionString', secretKeyRef: { name: 'ledger-db', key: 'dsn' } },
          { name: 'tablePrefix', value: 'ledger_' },
        ],
      },
    });
    expect(find(out, 'Component', 'audit').spec).toEqual({
      type: 'state.postgresql',
      version: 'v1',
      metadata: [
        { name: 'connectionString', secretKeyRef: { name: 'audit-db', key: 'dsn' } },
        { name: 'tableName', value: 'audit' },
      ],
    });
    expect(find(out, 'Component', 'vault').scopes).toEqual(['orders']);
    const egress = find(out, 'NetworkPolicy', 'orders').spec.egress;
    expect(egress.some((r: any) => r.ports.some((p: any) => p.port === 5432))).toBe(true);
  });

  test("the typed construct's own rule fails as it says", () => {
    const chart = daprChart();
    recipe(chart);
    new AuditStore(chart, 'audit2', { name: 'audit2', connectionString: SecretRef.fromKubernetesSecret('x', 'y'), host: 'db.other.net' });
    expect(errorsOf(chart).filter((e) => e.includes('audit2'))).toContainEqual("[test/audit2] audit store 'audit2': host 'db.other.net' is not ours: use <name>.example.com.");
  });
});
