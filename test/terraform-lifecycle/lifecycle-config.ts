/*
 * Extracts the lifecycle expressions of a synthesized Terraform JSON document into a configuration
 * that needs only Terraform's built-in provider, so real Terraform can parse and validate them on a
 * machine without the kubernetes/helm/vault providers.
 *
 * What it validates: the lifecycle blocks' expressions (`precondition`/`postcondition` conditions
 * and error messages, `replace_triggered_by` addresses) with Terraform's own parser and
 * reference checker. What it does NOT validate: the provider schemas (attribute names and types of
 * helm_release, vault_*, kubernetes_*), which need the real providers.
 *
 * How: each resource holding such a lifecycle block is stood in by a `terraform_data` resource of
 * the same name (logical ids are unique per stack, so `helm_release.x` becomes `terraform_data.x`)
 * carrying exactly those lifecycle entries; each `terraform_data` the expressions refer to is
 * copied at its own address with its literal `input`/`triggers_replace` and its lifecycle. A
 * reference the configuration cannot stand in (a provider resource, a data source, a variable, a
 * local, a module, `self` on a provider resource) is reported as an error, never dropped.
 */

/** Lifecycle entries carried into the stand-in configuration. */
export const EXPRESSION_LIFECYCLE_KEYS = ['precondition', 'postcondition', 'replace_triggered_by'] as const;

/** The extracted configuration and what it holds. */
export interface LifecycleConfig {
  /** Terraform JSON (`main.tf.json`) using only `terraform_data`. */
  readonly config: any;
  /** Addresses of the original resources whose lifecycle blocks were carried, e.g. `helm_release.x`. */
  readonly hosts: string[];
  /** References that could not be stood in: the caller must fail on these. */
  readonly errors: string[];
}

const PSEUDO_ROOTS = new Set(['each', 'count', 'path', 'terraform']);

/** `${ ... }` bodies of a template string, or the string itself for a bare address. */
function expressionsOf(value: string, bare: boolean): string[] {
  if (bare && !value.includes('${')) return [value];
  const out: string[] = [];
  const re = /\$\{([^}]*)\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) out.push(m[1]);
  return out;
}

/** Root references (`type.name`, `self.attr`, `var.x`, ...) in an expression, outside string literals. */
export function referencesIn(expression: string): { root: string; name: string }[] {
  const code = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const out: { root: string; name: string }[] = [];
  const re = /(?<![\w.\-])([a-z_][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(code)) !== null) out.push({ root: m[1], name: m[2] });
  return out;
}

function hasInterpolation(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes('${');
}

/** Builds the built-in-only configuration from one synthesized stack (`cdk.tf.json` parsed). */
export function lifecycleConfig(stack: any): LifecycleConfig {
  const resources: Record<string, Record<string, any>> = stack.resource ?? {};
  const standIns: Record<string, any> = {};
  const hosts: string[] = [];
  const errors: string[] = [];
  const referenced = new Set<string>();
  const hostTypes = new Map<string, string>();

  for (const type of Object.keys(resources).sort()) {
    for (const name of Object.keys(resources[type]).sort()) {
      const r = resources[type][name];
      const lifecycle = r.lifecycle ?? {};
      const carried: Record<string, any> = {};
      for (const k of EXPRESSION_LIFECYCLE_KEYS) if (lifecycle[k] !== undefined) carried[k] = lifecycle[k];
      if (Object.keys(carried).length === 0) continue;
      const address = `${type}.${name}`;
      hosts.push(address);

      const expressions: string[] = [];
      for (const k of ['precondition', 'postcondition'] as const) {
        for (const c of carried[k] ?? []) {
          expressions.push(...expressionsOf(String(c.condition), false), ...expressionsOf(String(c.error_message ?? ''), false));
        }
      }
      for (const a of carried.replace_triggered_by ?? []) expressions.push(...expressionsOf(String(a), true));
      for (const k of ['count', 'for_each'] as const) if (r[k] !== undefined) expressions.push(...expressionsOf(JSON.stringify(r[k]), false));

      for (const e of expressions) {
        for (const ref of referencesIn(e)) {
          if (PSEUDO_ROOTS.has(ref.root)) continue;
          if (ref.root === 'self') {
            if (type !== 'terraform_data') errors.push(`${address}: 'self.${ref.name}' reads an attribute of the ${type} schema, which a terraform_data stand-in does not have`);
            continue;
          }
          if (ref.root === 'terraform_data') {
            if (!resources.terraform_data?.[ref.name]) errors.push(`${address}: refers to terraform_data.${ref.name}, which the stack does not declare`);
            else referenced.add(ref.name);
            continue;
          }
          errors.push(`${address}: refers to ${ref.root}.${ref.name}, which this built-in-only configuration cannot stand in`);
        }
      }

      const host: Record<string, any> = type === 'terraform_data' ? literalCopy(address, r, errors) : {};
      for (const k of ['count', 'for_each'] as const) if (r[k] !== undefined) host[k] = r[k];
      host.lifecycle = { ...(host.lifecycle ?? {}), ...carried };
      if (standIns[name]) errors.push(`${address}: a stand-in named '${name}' exists already`);
      standIns[name] = host;
      hostTypes.set(name, type);
    }
  }
  for (const name of [...referenced].sort()) {
    const hostType = hostTypes.get(name);
    if (hostType === 'terraform_data') continue; // a host itself, copied with its lifecycle
    if (hostType !== undefined) {
      errors.push(`terraform_data.${name}: its name is also that of the stand-in for ${hostType}.${name}; rename one of them`);
      continue;
    }
    standIns[name] = literalCopy(`terraform_data.${name}`, resources.terraform_data[name], errors);
  }
  const config = Object.keys(standIns).length ? { resource: { terraform_data: standIns } } : {};
  return { config, hosts, errors };
}

/** A terraform_data resource with its literal arguments and lifecycle (no provisioners, no depends_on). */
function literalCopy(address: string, r: any, errors: string[]): Record<string, any> {
  const out: Record<string, any> = {};
  for (const k of ['input', 'triggers_replace'] as const) {
    if (r[k] === undefined) continue;
    if (hasInterpolation(r[k])) {
      errors.push(`${address}: its ${k} holds references to other resources; a lifecycle expression reads it, and this configuration cannot stand them in`);
      continue;
    }
    out[k] = r[k];
  }
  if (r.lifecycle) out.lifecycle = { ...r.lifecycle };
  return out;
}
