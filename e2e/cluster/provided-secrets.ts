/**
 * The Secrets the platform documents as provided from outside dist/ and Terraform (created by the
 * cluster's operators), read from the README section whose heading names provided Secrets, a table
 * whose first column is `namespace/name`, the second the keys (`key1`, `key2`), an optional column
 * `environments` (`dev`, `prod`; all when absent or empty):
 *
 *   ## Secrets the platform provides
 *   | secret | keys | environments | ... |
 *   |---|---|---|---|
 *   | `order-management/some-secret` | `token` | `staging`, `prod` | ... |
 *
 * The harness creates exactly these (with placeholder values) and nothing else, so a Secret that is
 * referenced but neither rendered, created by Terraform nor documented here is missing in the cluster.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface ProvidedSecret {
  readonly name: string;
  readonly namespace: string;
  readonly keys: readonly string[];
}

export interface ProvidedSecrets {
  readonly source: string;
  readonly secrets: readonly ProvidedSecret[];
  /** What was read, for the log (always said, so an absent list is visible). */
  readonly notes: readonly string[];
}

const ticks = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

export function parseProvidedSecrets(markdown: string, env: string, source: string): ProvidedSecrets {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^#{2,4} .*(secrets?.*provided|provided.*secrets?|secrets? the platform provides)/i.test(l));
  if (start < 0) return { source, secrets: [], notes: [`${source} documents no provided Secrets (no section "Secrets the platform provides")`] };
  const secrets: ProvidedSecret[] = [];
  let header: string[] | undefined;
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,4} /.test(line)) break;
    if (!line.startsWith('|')) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (!header) { header = cells.map((c) => c.toLowerCase()); continue; }
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    const [ref] = ticks(cells[0]);
    if (!ref || !ref.includes('/')) continue;
    const envCol = header.indexOf('environments');
    const envs = envCol >= 0 ? ticks(cells[envCol] ?? '') : [];
    if (envs.length && !envs.includes(env)) continue;
    const [namespace, name] = ref.split('/');
    secrets.push({ namespace, name, keys: ticks(cells[1] ?? '') });
  }
  return { source, secrets, notes: [`${source} documents ${secrets.length} provided Secret(s) for this environment`] };
}

export function readProvidedSecrets(repo: string, env: string): ProvidedSecrets {
  const file = path.join(repo, 'README.md');
  return parseProvidedSecrets(fs.readFileSync(file, 'utf8'), env, 'README.md');
}
