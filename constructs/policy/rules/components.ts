import { DaprComponentDoc, DocumentIndex } from '../document-index';
import { Rule, RuleViolation, Severity } from '../types';
import { asString, compareStrings, didYouMean, getPath } from '../util';
import { COMPONENT_TOPIC_SCOPES_WELL_FORMED } from './component-topic-scopes';
import { ALL_PROFILES, BUILTIN_SECRET_STORE, contractAppIds, inNamespace, isTrue, metadataValue, PROD_ONLY, secretStoreProblem, secretStoresByNamespace, STRICT_PROFILES, unknownScopesProblem } from './common';

const SCOPES_DOC = 'https://docs.dapr.io/operations/components/component-scopes/';
const SECRETS_DOC = 'https://docs.dapr.io/operations/components/component-secrets/';


/**
 * Metadata names the runtime (daprd) reads itself, valid on every component of a type prefix
 * although the component's metadata.yaml does not list them.
 */
const RUNTIME_KEYS: Record<string, readonly string[]> = {
  'state.': [
    'actorStateStore',
    'keyPrefix',
    'outboxPublishPubsub',
    'outboxPublishTopic',
    'outboxPubsub',
    'outboxDiscardWhenMissingState',
  ],
  'pubsub.': ['consumerID', 'allowedTopics', 'publishingScopes', 'subscriptionScopes', 'protectedTopics'],
};

/** Names the component code still accepts as aliases or deprecated spellings (DAPR-NOTES §4.1). */
const ALIASES: Record<string, readonly string[]> = {
  'state.redis': ['maxRetries', 'maxRetryBackoff', 'useAzureAD'],
  'pubsub.kafka': ['authRequired'],
  'state.postgresql': ['url'],
};

/**
 * Names that hold credentials although metadata.yaml does not flag them `sensitive`
 * (`vaultToken` of Vault, `password` of PostgreSQL, `clientKey` private keys of Redis).
 */
const ALSO_SENSITIVE = new Set(['vaulttoken', 'password', 'clientkey']);

function v(c: DaprComponentDoc, message: string): RuleViolation {
  return { target: c.object, message };
}

/** The apps that load a component: its scopes, or every app of its namespace when unscoped. */
function appsOf(index: DocumentIndex, c: DaprComponentDoc): readonly string[] {
  return c.scopes ?? index.appIdsIn(c.object.namespace);
}

export const COMPONENT_SCOPES_PRESENT: Rule = {
  id: 'DAPR-COMP-001',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description: 'Every Component has top-level `scopes` (a sibling of `spec`), so only the listed apps load it.',
  why: SCOPES_DOC,
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const c of index.components) {
      if (c.scopes !== undefined && c.scopes.length > 0) continue;
      const misplaced = getPath(c.object.body, 'spec', 'scopes') !== undefined;
      const apps = index.appIdsIn(c.object.namespace);
      const example = apps.length > 0 ? `[${apps.join(', ')}]` : '[<app-id>]';
      out.push(
        v(
          c,
          misplaced
            ? `${c.object.ref} has 'scopes' under 'spec', where Dapr ignores it (the API server prunes it), so every app ${inNamespace(c.object.namespace)} loads the component: move it to the top level, a sibling of 'spec': scopes: ${example}.`
            : `${c.object.ref} has no 'scopes', so every Dapr app ${inNamespace(c.object.namespace)} loads it and can use its credentials: add top-level 'scopes: ${example}' listing only the apps that need it.`,
        ),
      );
    }
    return out;
  },
};

export const COMPONENT_SCOPES_EXIST: Rule = {
  id: 'DAPR-COMP-002',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    "Every app-id in a Component's `scopes` is the `dapr.io/app-id` of a Deployment/StatefulSet in the same namespace, or an app of the platform contract given with `--contract` (its apps and those it declares as living elsewhere).",
  why: SCOPES_DOC,
  check: ({ index, contract }) => {
    const out: RuleViolation[] = [];
    for (const c of index.components) {
      const problem = unknownScopesProblem(index, c.object.ref, c.object.namespace, c.scopes, contractAppIds(contract, c.object.namespace));
      if (problem) out.push(v(c, problem));
    }
    return out;
  },
};

export const COMPONENT_SECRET_KEY_REFS: Rule = {
  id: 'DAPR-COMP-003',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description: 'Every `secretKeyRef` in Component metadata has both `name` and `key`.',
  why: SECRETS_DOC,
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const c of index.components) {
      for (const m of c.metadata) {
        if (!m.secretKeyRef) continue;
        const missing = ['name', 'key'].filter((k) => !asString(m.secretKeyRef?.[k]));
        if (missing.length === 0) continue;
        out.push(
          v(
            c,
            `${c.object.ref} metadata '${m.name}' has a secretKeyRef without ${missing.map((k) => `'${k}'`).join(' and ')}: ` +
              `set secretKeyRef: {name: <secret>, key: <key in the secret>} (without a key Dapr looks up a key named like the secret, which rarely exists).`,
          ),
        );
      }
    }
    return out;
  },
};

export const COMPONENT_SECRET_STORE: Rule = {
  id: 'DAPR-COMP-004',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    "`auth.secretStore` names a secret store Component (`secretstores.*`) in the same namespace that is scoped to every app of the referencing Component (or is `kubernetes`/absent).",
  why: SECRETS_DOC,
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    const stores = secretStoresByNamespace(index);
    for (const c of index.components) {
      const problem = secretStoreProblem(index, stores, {
        ref: c.object.ref,
        ns: c.object.namespace,
        storeName: c.secretStore,
        apps: appsOf(index, c),
        failure: 'the component fails to load',
      });
      if (problem) out.push(v(c, problem));
    }
    return out;
  },
};

export const COMPONENT_NO_PLAIN_SECRETS: Rule = {
  id: 'DAPR-COMP-005',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    'Sensitive metadata (`sensitive: true` in the component spec, plus `vaultToken`, `password`, `clientKey`) comes from a `secretKeyRef`, never a plain `value`.',
  why: SECRETS_DOC,
  check: ({ index, daprVersion }) => {
    const out: RuleViolation[] = [];
    for (const c of index.components) {
      const spec = daprVersion.componentSpec(c.type, c.version);
      const sensitive = new Set<string>(ALSO_SENSITIVE);
      for (const [name, field] of Object.entries(spec?.fields ?? {})) if (field.sensitive) sensitive.add(name.toLowerCase());
      for (const m of c.metadata) {
        if (!m.hasValue || !sensitive.has(m.name.toLowerCase())) continue;
        const value = asString(m.value);
        if (value === undefined || value === '') continue;
        const store = c.secretStore ?? BUILTIN_SECRET_STORE;
        out.push(
          v(
            c,
            `${c.object.ref} has sensitive metadata '${m.name}' as a plain value (the secret is in the manifest, in Git and readable by anyone who can read Components): ` +
              `replace 'value' with 'secretKeyRef: {name: <secret>, key: <key>}' resolved by secret store '${store}'.`,
          ),
        );
      }
    }
    return out;
  },
};

export const COMPONENT_KNOWN_METADATA: Rule = {
  id: 'DAPR-COMP-006',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    'Every Component metadata name is known for its type and version in the pinned Dapr version (runtime keys such as `actorStateStore`/`keyPrefix` are valid on every state store).',
  why: 'https://docs.dapr.io/reference/resource-specs/component-schema/',
  check: ({ index, daprVersion }) => {
    const out: RuleViolation[] = [];
    const cache = new Map<string, { known: Set<string>; canonical: string[] } | undefined>();
    const namesFor = (type: string, version: string): { known: Set<string>; canonical: string[] } | undefined => {
      const key = `${type}/${version}`;
      if (cache.has(key)) return cache.get(key);
      const spec = daprVersion.componentSpec(type, version);
      let names: { known: Set<string>; canonical: string[] } | undefined;
      if (spec) {
        const known = new Set<string>();
        const canonical: string[] = [];
        const add = (name: string): void => {
          known.add(name.toLowerCase());
          canonical.push(name);
        };
        for (const name of Object.keys(spec.fields)) add(name);
        for (const [prefix, runtime] of Object.entries(RUNTIME_KEYS)) if (type.startsWith(prefix)) runtime.forEach(add);
        for (const name of ALIASES[type] ?? []) known.add(name.toLowerCase());
        names = { known, canonical };
      }
      cache.set(key, names);
      return names;
    };
    for (const c of index.components) {
      const names = namesFor(c.type, c.version);
      if (!names) continue;
      const { known, canonical } = names;
      for (const m of c.metadata) {
        if (known.has(m.name.toLowerCase())) continue;
        out.push(
          v(
            c,
            `${c.object.ref} (${c.type} ${c.version}) has metadata '${m.name}', which Dapr ${daprVersion.version} does not know for this component type, so it is silently ignored${didYouMean(m.name, canonical)}: ` +
              `use a name from the component's reference page or remove it.`,
          ),
        );
      }
    }
    return out;
  },
};

export const COMPONENT_ONE_ACTOR_STORE: Rule = {
  id: 'DAPR-COMP-007',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    'At most one actor state store (`actorStateStore: "true"`) per namespace is visible to any app (daprd fails on a second one).',
  why: 'https://docs.dapr.io/developing-applications/building-blocks/actors/howto-actors/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    const byNs = new Map<string, DaprComponentDoc[]>();
    for (const c of index.components) {
      if (!c.type.startsWith('state.') || !isTrue(metadataValue(c, 'actorStateStore').value)) continue;
      const list = byNs.get(c.object.namespace);
      if (list) list.push(c);
      else byNs.set(c.object.namespace, [c]);
    }
    for (const [ns, stores] of [...byNs.entries()].sort((a, b) => compareStrings(a[0], b[0]))) {
      let unscoped: DaprComponentDoc | undefined;
      let firstScoped: DaprComponentDoc | undefined;
      const owner = new Map<string, DaprComponentDoc>();
      for (const c of stores) {
        let clash: { other: DaprComponentDoc; app?: string } | undefined;
        if (c.scopes === undefined) {
          const other = unscoped ?? firstScoped;
          if (other) clash = { other };
          unscoped ??= c;
        } else {
          if (unscoped) clash = { other: unscoped };
          for (const app of c.scopes) {
            const prev = owner.get(app);
            if (prev && prev !== c && !clash) clash = { other: prev, app };
            if (!prev) owner.set(app, c);
          }
          firstScoped ??= c;
        }
        if (!clash) continue;
        const who = clash.app ? `app '${clash.app}'` : `every app ${inNamespace(ns)}`;
        out.push(
          v(
            c,
            `${c.object.ref} is a second actor state store (actorStateStore: "true") for ${who}, besides '${clash.other.object.name}'; daprd refuses to start with two ("detected duplicate actor state store"): ` +
              `keep actorStateStore: "true" on one state store only, or scope the two stores to disjoint apps.`,
          ),
        );
      }
    }
    return out;
  },
};

export const COMPONENT_KAFKA_AUTH: Rule = {
  id: 'DAPR-COMP-008',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description: 'Kafka pub/sub components set `authType` (the component fails without it), and not `none` in prod.',
  why: 'https://docs.dapr.io/reference/components-reference/supported-pubsub/setup-apache-kafka/',
  check: ({ index, profile }) => {
    const out: RuleViolation[] = [];
    for (const c of index.components) {
      if (c.type !== 'pubsub.kafka') continue;
      const auth = metadataValue(c, 'authType');
      if (!auth.present || (!auth.fromSecret && !auth.value)) {
        const deprecated = metadataValue(c, 'authRequired').present ? " ('authRequired' is deprecated)" : '';
        out.push(
          v(
            c,
            `${c.object.ref} has no 'authType'${deprecated}; the Kafka component refuses to initialize without it: set authType to 'password' (SASL), 'mtls', 'oidc' or 'awsiam'.`,
          ),
        );
      } else if (auth.value === 'none' && PROD_ONLY.includes(profile)) {
        out.push(
          v(
            c,
            `${c.object.ref} has authType 'none' in a prod environment, so any client that reaches the brokers can read and write every topic: use 'password' with saslUsername/saslPassword (secretKeyRef) and saslMechanism 'SHA-512', or 'mtls'.`,
          ),
        );
      }
    }
    return out;
  },
};

export const COMPONENT_VAULT_TLS: Rule = {
  id: 'DAPR-COMP-009',
  severity: Severity.ERROR,
  profiles: STRICT_PROFILES,
  description: 'HashiCorp Vault secret stores do not set `skipVerify: "true"` in staging and prod.',
  why: 'https://docs.dapr.io/reference/components-reference/supported-secret-stores/hashicorp-vault/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const c of index.components) {
      if (c.type !== 'secretstores.hashicorp.vault') continue;
      const skip = metadataValue(c, 'skipVerify');
      if (!isTrue(skip.value)) continue;
      out.push(
        v(
          c,
          `${c.object.ref} has skipVerify "true", so daprd does not verify Vault's TLS certificate and a man-in-the-middle can read every secret: remove skipVerify and give Vault's CA with 'caPem' (or 'caCert'/'caPath').`,
        ),
      );
    }
    return out;
  },
};

export const COMPONENT_SPEC_KNOWN: Rule = {
  id: 'DAPR-COMP-010',
  severity: Severity.WARNING,
  profiles: ALL_PROFILES,
  description:
    "Every Component's type and version has a metadata spec in the pinned Dapr version's reference data; otherwise DAPR-COMP-005/006 cannot check its metadata names and sensitive fields.",
  why: 'https://docs.dapr.io/reference/resource-specs/component-schema/',
  check: ({ index, daprVersion }) => {
    const out: RuleViolation[] = [];
    for (const c of index.components) {
      if (!c.type || !c.version || daprVersion.componentSpec(c.type, c.version)) continue;
      out.push(
        v(
          c,
          `${c.object.ref} has type ${c.type} ${c.version}, for which the reference data of Dapr ${daprVersion.version} holds no metadata spec, so its metadata names and sensitive fields go unchecked; ` +
            daprVersion.missingComponentSpecFix(c.type, c.version),
        ),
      );
    }
    return out;
  },
};

export const COMPONENT_RULES: readonly Rule[] = [
  COMPONENT_SCOPES_PRESENT,
  COMPONENT_SCOPES_EXIST,
  COMPONENT_SECRET_KEY_REFS,
  COMPONENT_SECRET_STORE,
  COMPONENT_NO_PLAIN_SECRETS,
  COMPONENT_KNOWN_METADATA,
  COMPONENT_ONE_ACTOR_STORE,
  COMPONENT_KAFKA_AUTH,
  COMPONENT_VAULT_TLS,
  COMPONENT_SPEC_KNOWN,
  COMPONENT_TOPIC_SCOPES_WELL_FORMED,
];

export { COMPONENT_TOPIC_SCOPES_WELL_FORMED };
