import { isSensitiveHeaderName } from '../../model/sensitive-header';
import { DocumentIndex, K8sObject } from '../document-index';
import { Rule, RuleViolation, Severity } from '../types';
import { asArray, asObject, asString, asStringList, getPath } from '../util';
import { ALL_PROFILES, BUILTIN_SECRET_STORE, inNamespace, secretStoreProblem, secretStoresByNamespace, STRICT_PROFILES, unknownScopesProblem } from './common';

const HTTP_ENDPOINT_DOC = 'https://docs.dapr.io/reference/resource-specs/httpendpoints-schema/';
const SECRETS_DOC = 'https://docs.dapr.io/operations/components/component-secrets/';

/** A Dapr HTTPEndpoint as the rules read it. */
interface HttpEndpointDoc {
  readonly object: K8sObject;
  /** Top-level `scopes`; undefined if absent or empty (every app of the namespace may call it). */
  readonly scopes?: string[];
  /** `auth.secretStore`. */
  readonly secretStore?: string;
  readonly baseUrl?: string;
  readonly headers: readonly { name: string; hasValue: boolean; value: unknown }[];
  /** True if `spec.clientTLS.privateKey` is a plain `value`. */
  readonly plainPrivateKey: boolean;
}

/** The HTTPEndpoints of the documents (parsed per call: a handful per environment). */
function httpEndpoints(index: DocumentIndex): HttpEndpointDoc[] {
  return index
    .ofKind('HTTPEndpoint')
    .filter((o) => o.apiVersion.startsWith('dapr.io/'))
    .map((o) => {
      const scopes = asStringList(o.body.scopes);
      const tls = asObject(getPath(o.body, 'spec', 'clientTLS')) ?? {};
      return {
        object: o,
        scopes: scopes && scopes.length > 0 ? scopes : undefined,
        secretStore: asString(getPath(o.body, 'auth', 'secretStore')),
        baseUrl: asString(getPath(o.body, 'spec', 'baseUrl')),
        headers: asArray(getPath(o.body, 'spec', 'headers')).map((h) => {
          const item = asObject(h) ?? {};
          return { name: asString(item.name) ?? '', hasValue: Object.prototype.hasOwnProperty.call(item, 'value'), value: item.value };
        }),
        plainPrivateKey: asObject(tls.privateKey)?.value !== undefined,
      };
    });
}

function v(e: HttpEndpointDoc, message: string): RuleViolation {
  return { target: e.object, message };
}

export const HTTP_ENDPOINT_SCOPES_PRESENT: Rule = {
  id: 'DAPR-HTTP-001',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description: 'Every HTTPEndpoint has top-level `scopes`, so only the listed apps can call it (with its headers and client certificate).',
  why: HTTP_ENDPOINT_DOC,
  check: ({ index }) =>
    httpEndpoints(index)
      .filter((e) => e.scopes === undefined)
      .map((e) => {
        const apps = index.appIdsIn(e.object.namespace);
        return v(
          e,
          `${e.object.ref} has no 'scopes', so every Dapr app ${inNamespace(e.object.namespace)} can call it with its headers and credentials: ` +
            `add top-level 'scopes: ${apps.length > 0 ? `[${apps.join(', ')}]` : '[<app-id>]'}' listing only its callers.`,
        );
      }),
};

export const HTTP_ENDPOINT_SCOPES_EXIST: Rule = {
  id: 'DAPR-HTTP-002',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description: "Every app-id in an HTTPEndpoint's `scopes` is the `dapr.io/app-id` of a Deployment/StatefulSet in the same namespace.",
  why: HTTP_ENDPOINT_DOC,
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const e of httpEndpoints(index)) {
      const problem = unknownScopesProblem(index, e.object.ref, e.object.namespace, e.scopes);
      if (problem) out.push(v(e, problem));
    }
    return out;
  },
};

export const HTTP_ENDPOINT_SECRET_STORE: Rule = {
  id: 'DAPR-HTTP-003',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    "An HTTPEndpoint's `auth.secretStore` names a secret store Component (`secretstores.*`) in the same namespace that is scoped to every app of the endpoint (or is `kubernetes`/absent).",
  why: SECRETS_DOC,
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    const stores = secretStoresByNamespace(index);
    for (const e of httpEndpoints(index)) {
      const ns = e.object.namespace;
      const problem = secretStoreProblem(index, stores, {
        ref: e.object.ref,
        ns,
        storeName: e.secretStore,
        apps: e.scopes ?? index.appIdsIn(ns),
        failure: 'the endpoint fails to load',
      });
      if (problem) out.push(v(e, problem));
    }
    return out;
  },
};

export const HTTP_ENDPOINT_NO_PLAIN_SECRETS: Rule = {
  id: 'DAPR-HTTP-004',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    'HTTPEndpoint headers that carry credentials (`Authorization`, `Cookie`, names with `token`, `key`, `secret`, `auth`...) and the client TLS private key come from a `secretKeyRef`, never a plain `value`.',
  why: SECRETS_DOC,
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const e of httpEndpoints(index)) {
      const store = e.secretStore || BUILTIN_SECRET_STORE;
      for (const h of e.headers) {
        if (!h.hasValue || !isSensitiveHeaderName(h.name) || asString(h.value) === '') continue;
        out.push(
          v(
            e,
            `${e.object.ref} has header '${h.name}', which carries a credential, as a plain value (it is in the manifest, in Git and readable by anyone who can read HTTPEndpoints): ` +
              `replace 'value' with 'secretKeyRef: {name: <secret>, key: <key>}' resolved by secret store '${store}'.`,
          ),
        );
      }
      if (e.plainPrivateKey) {
        out.push(v(e, `${e.object.ref} has clientTLS.privateKey as a plain value (the client key is in the manifest and in Git): give it as 'secretKeyRef: {name: <secret>, key: <key>}' resolved by secret store '${store}'.`));
      }
    }
    return out;
  },
};

export const HTTP_ENDPOINT_HTTPS: Rule = {
  id: 'DAPR-HTTP-005',
  severity: Severity.ERROR,
  profiles: STRICT_PROFILES,
  description: 'An HTTPEndpoint outside the cluster has an `https://` baseUrl in staging and prod (its headers carry credentials).',
  why: HTTP_ENDPOINT_DOC,
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const e of httpEndpoints(index)) {
      const m = /^http:\/\/(?:[^@/]*@)?([^/:?#]+)/i.exec(e.baseUrl ?? '');
      if (!m || /\.svc(\.|$)/.test(m[1])) continue;
      out.push(v(e, `${e.object.ref} has baseUrl '${e.baseUrl}', plain http to host '${m[1]}' outside the cluster, so its headers and payloads cross the network unencrypted: use https.`));
    }
    return out;
  },
};

export const HTTP_ENDPOINT_RULES: readonly Rule[] = [
  HTTP_ENDPOINT_SCOPES_PRESENT,
  HTTP_ENDPOINT_SCOPES_EXIST,
  HTTP_ENDPOINT_SECRET_STORE,
  HTTP_ENDPOINT_NO_PLAIN_SECRETS,
  HTTP_ENDPOINT_HTTPS,
];
