import * as fs from 'fs';
import * as path from 'path';
import { ALL_RULES } from '../../constructs/policy/engine';

const DOC = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'policy-rules.md'), 'utf8');

/** The rows of the rule table in docs/policy-rules.md: id → [severity, profiles, what, why]. */
function tableRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of DOC.split('\n')) {
    const m = /^\| `(DAPR-[A-Z]+-\d{3})` \| (.*) \|$/.exec(line);
    if (m) rows.set(m[1], m[2].split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  return rows;
}

describe('the rule table in README.md', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  it('is the same table as docs/policy-rules.md', () => {
    const table = (text: string) => text.split('\n').filter((l) => /^\| `DAPR-/.test(l));
    expect(table(readme)).toEqual(table(DOC));
    expect(table(readme)).toHaveLength(ALL_RULES.length);
  });
});

describe('docs/policy-rules.md', () => {
  const rows = tableRows();

  it('lists exactly the rules of the engine', () => {
    expect([...rows.keys()]).toEqual(ALL_RULES.map((r) => r.id));
  });

  it.each(ALL_RULES.map((r) => [r.id, r] as const))('documents %s with its severity, profiles, description and link', (id, rule) => {
    const [severity, profiles, what, why] = rows.get(id) ?? [];
    expect(severity).toBe(rule.severity);
    expect(profiles).toBe(rule.profiles.join(', '));
    expect(what.replace(/\\\|/g, '|')).toBe(rule.description);
    expect(why).toContain(`(${rule.why})`);
  });

  it('explains how to run the check and the Checkov scan', () => {
    expect(DOC).toContain('npm run check -- dist/prod --profile prod --json report.json');
    expect(DOC).toContain('bash scripts/checkov.sh');
    const skips = fs.readFileSync(path.join(__dirname, '..', '..', '.checkov.yaml'), 'utf8').match(/CKV2?_[A-Z0-9]+_\d+/g) ?? [];
    for (const id of new Set(skips)) expect(DOC).toContain(`\`${id}\``);
  });
});
