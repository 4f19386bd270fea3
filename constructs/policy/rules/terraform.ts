import { LoadedDocument, PolicyTarget, Rule, RuleViolation, Severity } from '../types';
import { asArray, asObject, asString, compareStrings, JsonObject } from '../util';
import { ALL_PROFILES } from './common';

/** One resource of a Terraform JSON document. */
interface TfResource extends PolicyTarget {
  readonly type: string;
  readonly id: string;
  readonly body: JsonObject;
}

function terraformResources(documents: readonly LoadedDocument[]): TfResource[] {
  const out: TfResource[] = [];
  for (const doc of documents) {
    if (doc.format !== 'terraform') continue;
    const byType = asObject(doc.content.resource) ?? {};
    for (const type of Object.keys(byType).sort(compareStrings)) {
      const byId = asObject(byType[type]) ?? {};
      for (const id of Object.keys(byId).sort(compareStrings)) {
        const body = asObject(byId[id]);
        if (body) out.push({ ref: `${type}.${id}`, doc, type, id, body });
      }
    }
  }
  return out;
}

/** Every string under a value, with its path below the resource (`lifecycle.precondition[0].condition`). */
function strings(value: unknown, path: string, out: [string, string][]): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== '//') strings(v, path ? `${path}.${k}` : k, out);
  }
  return out;
}

/** The interpolation bodies (`${…}`) of a template string. */
function interpolations(text: string): string[] {
  return [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1].replace(/"(?:[^"\\]|\\.)*"/g, '""'));
}

const LIFECYCLE_DOC = 'https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle';

export const TERRAFORM_EXPRESSIONS: Rule = {
  id: 'DAPR-TF-001',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    'Terraform expressions are valid Terraform: no `undefined` inside an interpolation (cdktf 0.21.0 renders `Op.eq(x, false)`, `0` and `""` so) and bare addresses in `lifecycle.replace_triggered_by` (no `${…}`).',
  why: LIFECYCLE_DOC,
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const r of terraformResources(index.documents)) {
      for (const [path, text] of strings(r.body, '', [])) {
        if (interpolations(text).some((e) => /(?<![\w.-])undefined(?![\w-])/.test(e))) {
          out.push({
            target: r,
            message: `${path} '${text}' refers to 'undefined', which Terraform does not know (cdktf 0.21.0 drops a false, 0 or "" operand of Op.*): write the literal, e.g. with terraformBool/terraformNumber/terraformString from constructs/terraform/lifecycle-expressions.ts.`,
          });
        }
      }
      asArray(asObject(r.body.lifecycle)?.replace_triggered_by).forEach((entry, i) => {
        const text = asString(entry);
        if (text?.includes('${')) {
          out.push({
            target: r,
            message: `lifecycle.replace_triggered_by[${i}] '${text}' is an interpolation, which Terraform's JSON syntax rejects there ("Invalid expression"): write the bare address '${text.replace(/^\$\{(.*)\}$/, '$1')}' (bareAddress() in constructs/terraform/lifecycle-expressions.ts).`,
          });
        }
      });
    }
    return out;
  },
};

/** `${vault_mount.x.path}` → the mount's literal path, when the document declares it. */
function mountPaths(backend: string, resources: Map<string, TfResource>): string[] {
  const m = /^\$\{vault_mount\.([^.}]+)\.path\}$/.exec(backend);
  const path = m ? asString(resources.get(`vault_mount.${m[1]}`)?.body.path) : undefined;
  return path ? [backend, path] : [backend];
}

export const TERRAFORM_SENTRY_PKI_NO_ROLE: Rule = {
  id: 'DAPR-TF-002',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    'No Vault PKI role (`vault_pki_secret_backend_role`) on the mounts of Sentry\'s CA (the mount of the issuer key given to the dapr chart as `dapr_sentry.tls.issuer.keyPEM`, and the mount that signs that issuer): only Sentry issues under Dapr\'s trust anchor.',
  why: 'https://docs.dapr.io/operations/security/mtls/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    const all = terraformResources(index.documents);
    for (const doc of new Set(all.map((r) => r.doc))) {
      const resources = new Map(all.filter((r) => r.doc === doc).map((r) => [r.ref, r]));
      const sentry = new Set<string>();
      for (const release of index.helmReleases.filter((h) => h.doc === doc)) {
        for (const s of asArray(release.body.set_sensitive)) {
          const entry = asObject(s);
          if (asString(entry?.name) !== 'dapr_sentry.tls.issuer.keyPEM') continue;
          const csrId = /^\$\{vault_pki_secret_backend_intermediate_cert_request\.([^.}]+)\.private_key\}$/.exec(asString(entry?.value) ?? '')?.[1];
          const csr = csrId ? resources.get(`vault_pki_secret_backend_intermediate_cert_request.${csrId}`) : undefined;
          const csrBackend = asString(csr?.body.backend);
          if (!csr || !csrBackend) continue;
          for (const p of mountPaths(csrBackend, resources)) sentry.add(p);
          for (const r of resources.values()) {
            const signer = asString(r.body.backend);
            if (r.type === 'vault_pki_secret_backend_root_sign_intermediate' && asString(r.body.csr) === `\${${csr.ref}.csr}` && signer) {
              for (const p of mountPaths(signer, resources)) sentry.add(p);
            }
          }
        }
      }
      for (const r of resources.values()) {
        const backend = asString(r.body.backend);
        if (r.type !== 'vault_pki_secret_backend_role' || !backend || !sentry.has(backend)) continue;
        out.push({
          target: r,
          message: `a PKI role on '${backend}', a mount of Sentry's CA: every certificate it issues chains to Dapr's trust anchor, so it could carry another app's SPIFFE ID. Remove the role; issue other certificates from a PKI mount of their own.`,
        });
      }
    }
    return out;
  },
};

export const TERRAFORM_RULES: readonly Rule[] = [TERRAFORM_EXPRESSIONS, TERRAFORM_SENTRY_PKI_NO_ROLE];
