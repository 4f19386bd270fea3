import { EnvironmentProfile } from '../../constructs/model/profile';
import {
  COMPONENT_KAFKA_AUTH,
  COMPONENT_KNOWN_METADATA,
  COMPONENT_NO_PLAIN_SECRETS,
  COMPONENT_ONE_ACTOR_STORE,
  COMPONENT_SCOPES_EXIST,
  COMPONENT_SCOPES_PRESENT,
  COMPONENT_SECRET_KEY_REFS,
  COMPONENT_SECRET_STORE,
  COMPONENT_SPEC_KNOWN,
  COMPONENT_VAULT_TLS,
} from '../../constructs/policy/rules/components';
import {
  findingsOf,
  findObject,
  goodProdSet,
  hardenedDeployment,
  k8s,
  kafkaPubSub,
  messagesOf,
  redisStateStore,
  setMetadata,
  vaultStore,
} from './fixtures';

const { DEV, STAGING, PROD } = EnvironmentProfile;

describe('DAPR-COMP-001 scopes present', () => {
  it('fails on a component without scopes and names the apps to scope to', () => {
    const store = redisStateStore();
    delete store.scopes;
    const docs = [k8s(store), k8s(hardenedDeployment('order-api', 1))];
    const findings = findingsOf(COMPONENT_SCOPES_PRESENT, docs, DEV);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'DAPR-COMP-001', object: 'Component orders/statestore', severity: 'error' });
    expect(findings[0].message).toContain("add top-level 'scopes: [order-api]'");
  });

  it('fails on scopes written under spec and says to move them', () => {
    const store = redisStateStore();
    store.spec.scopes = store.scopes;
    delete store.scopes;
    expect(messagesOf(COMPONENT_SCOPES_PRESENT, [k8s(store)])[0]).toContain("has 'scopes' under 'spec'");
  });

  it('fails on an empty scopes list', () => {
    expect(findingsOf(COMPONENT_SCOPES_PRESENT, [k8s(redisStateStore('statestore', []))])).toHaveLength(1);
  });

  it('passes on scoped components', () => {
    expect(findingsOf(COMPONENT_SCOPES_PRESENT, [k8s(redisStateStore())])).toEqual([]);
    expect(findingsOf(COMPONENT_SCOPES_PRESENT, goodProdSet())).toEqual([]);
  });
});

describe('DAPR-COMP-002 scopes are existing app-ids', () => {
  it('fails on a scope no workload in the namespace has, suggesting the closest app-id', () => {
    const docs = [k8s(redisStateStore('statestore', ['order-apj'])), k8s(hardenedDeployment('order-api', 1))];
    const [msg] = messagesOf(COMPONENT_SCOPES_EXIST, docs, DEV);
    expect(msg).toContain("scoped to 'order-apj'");
    expect(msg).toContain("(did you mean 'order-api'?)");
  });

  it('does not count app-ids of another namespace', () => {
    const other = hardenedDeployment('order-api', 1);
    other.metadata.namespace = 'billing';
    expect(findingsOf(COMPONENT_SCOPES_EXIST, [k8s(redisStateStore('statestore', ['order-api'])), k8s(other)])).toHaveLength(1);
  });

  it('passes when every scope is an app-id', () => {
    expect(findingsOf(COMPONENT_SCOPES_EXIST, [k8s(redisStateStore('statestore', ['order-api'])), k8s(hardenedDeployment('order-api', 1))])).toEqual([]);
    expect(findingsOf(COMPONENT_SCOPES_EXIST, goodProdSet())).toEqual([]);
  });
});

describe('DAPR-COMP-003 secretKeyRef has name and key', () => {
  it('fails on a secretKeyRef without key', () => {
    const store = redisStateStore();
    setMetadata(store, 'redisPassword', { secretKeyRef: { name: 'orders-redis' } });
    const [msg] = messagesOf(COMPONENT_SECRET_KEY_REFS, [k8s(store)], DEV);
    expect(msg).toContain("metadata 'redisPassword' has a secretKeyRef without 'key'");
  });

  it('fails on a secretKeyRef without name and key', () => {
    const store = redisStateStore();
    setMetadata(store, 'redisPassword', { secretKeyRef: {} });
    expect(messagesOf(COMPONENT_SECRET_KEY_REFS, [k8s(store)])[0]).toContain("without 'name' and 'key'");
  });

  it('passes on complete references', () => {
    expect(findingsOf(COMPONENT_SECRET_KEY_REFS, [k8s(redisStateStore())])).toEqual([]);
  });
});

describe('DAPR-COMP-004 auth.secretStore', () => {
  const apps = () => [k8s(hardenedDeployment('order-api', 1)), k8s(hardenedDeployment('order-worker', 1))];

  it('fails when the named store does not exist, suggesting the closest store', () => {
    const store = redisStateStore();
    store.auth.secretStore = 'vaultt';
    const [msg] = messagesOf(COMPONENT_SECRET_STORE, [k8s(store), k8s(vaultStore()), ...apps()], DEV);
    expect(msg).toContain("no secret store Component 'vaultt' in namespace 'orders' (did you mean 'vault'?)");
  });

  it('fails when the named component is not a secret store', () => {
    const store = redisStateStore();
    store.auth.secretStore = 'pubsub';
    const kafka = kafkaPubSub();
    delete kafka.auth;
    const findings = findingsOf(COMPONENT_SECRET_STORE, [k8s(store), k8s(kafka), ...apps()]);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain("has type 'pubsub.kafka', not a secretstores.* type");
  });

  it('fails when the store is in another namespace', () => {
    const vault = vaultStore();
    vault.metadata.namespace = 'security';
    expect(findingsOf(COMPONENT_SECRET_STORE, [k8s(redisStateStore()), k8s(vault), ...apps()])).toHaveLength(1);
  });

  it('fails when the store is not scoped to every app of the component', () => {
    const vault = vaultStore();
    vault.scopes = ['order-api'];
    const [msg] = messagesOf(COMPONENT_SECRET_STORE, [k8s(redisStateStore()), k8s(vault), ...apps()]);
    expect(msg).toContain("Component orders/vault is not scoped to 'order-worker'");
  });

  it('fails when an unscoped component reads from a store scoped to fewer apps', () => {
    const store = redisStateStore();
    delete store.scopes;
    const vault = vaultStore();
    vault.scopes = ['order-api'];
    expect(messagesOf(COMPONENT_SECRET_STORE, [k8s(store), k8s(vault), ...apps()])[0]).toContain("'order-worker'");
  });

  it('passes for the kubernetes store, no store, an unscoped store and a store scoped to all apps', () => {
    const k = redisStateStore();
    k.auth.secretStore = 'kubernetes';
    const none = redisStateStore('cache');
    delete none.auth;
    const unscopedVault = vaultStore();
    delete unscopedVault.scopes;
    expect(findingsOf(COMPONENT_SECRET_STORE, [k8s(k), k8s(none), ...apps()])).toEqual([]);
    expect(findingsOf(COMPONENT_SECRET_STORE, [k8s(redisStateStore()), k8s(unscopedVault), ...apps()])).toEqual([]);
    expect(findingsOf(COMPONENT_SECRET_STORE, goodProdSet())).toEqual([]);
  });
});

describe('DAPR-COMP-005 no plain secrets', () => {
  it('fails on a sensitive field (per the component spec) with a plain value', () => {
    const store = redisStateStore();
    setMetadata(store, 'redisPassword', { value: 'hunter2' });
    const findings = findingsOf(COMPONENT_NO_PLAIN_SECRETS, [k8s(store)], DEV);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain("sensitive metadata 'redisPassword' as a plain value");
    expect(findings[0].message).toContain("resolved by secret store 'vault'");
    expect(findings[0].message).not.toContain('hunter2');
  });

  it('fails on a plain vaultToken (not flagged sensitive in the spec)', () => {
    const vault = vaultStore();
    setMetadata(vault, 'vaultToken', { value: 's.abcdef' });
    expect(messagesOf(COMPONENT_NO_PLAIN_SECRETS, [k8s(vault)])[0]).toContain("'vaultToken'");
  });

  it('fails on a plain saslPassword of Kafka', () => {
    const kafka = kafkaPubSub();
    setMetadata(kafka, 'saslPassword', { value: 'p' });
    expect(findingsOf(COMPONENT_NO_PLAIN_SECRETS, [k8s(kafka)])).toHaveLength(1);
  });

  it('passes on secretKeyRef, envRef and empty values', () => {
    const store = redisStateStore();
    setMetadata(store, 'sentinelPassword', { envRef: 'SENTINEL_PASSWORD' });
    setMetadata(store, 'clientKey', { value: '' });
    expect(findingsOf(COMPONENT_NO_PLAIN_SECRETS, [k8s(store)])).toEqual([]);
    expect(findingsOf(COMPONENT_NO_PLAIN_SECRETS, goodProdSet())).toEqual([]);
  });
});

describe('DAPR-COMP-006 known metadata keys', () => {
  it('fails on a key the component does not have, suggesting the right one', () => {
    const store = redisStateStore();
    setMetadata(store, 'password', { secretKeyRef: { name: 's', key: 'k' } });
    const [msg] = messagesOf(COMPONENT_KNOWN_METADATA, [k8s(store)], DEV);
    expect(msg).toContain("has metadata 'password', which Dapr 1.18.3 does not know");
    expect(msg).toContain("(did you mean 'redisPassword'?)");
  });

  it('checks against the pinned version: redisPort exists in 1.18.3 but not in 1.16.19', () => {
    const store = redisStateStore();
    setMetadata(store, 'redisPort', { value: '6380' });
    expect(findingsOf(COMPONENT_KNOWN_METADATA, [k8s(store)], PROD, '1.18.3')).toEqual([]);
    expect(findingsOf(COMPONENT_KNOWN_METADATA, [k8s(store)], PROD, '1.16.19')).toHaveLength(1);
  });

  it('accepts runtime keys on state stores but not on other types', () => {
    expect(findingsOf(COMPONENT_KNOWN_METADATA, [k8s(redisStateStore())])).toEqual([]);
    const kafka = kafkaPubSub();
    setMetadata(kafka, 'actorStateStore', { value: 'true' });
    setMetadata(kafka, 'consumerID', { value: 'orders' });
    const msgs = messagesOf(COMPONENT_KNOWN_METADATA, [k8s(kafka)]);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toContain("'actorStateStore'");
  });

  it('matches names case-insensitively, as the runtime does, and skips types without reference data', () => {
    const store = redisStateStore();
    setMetadata(store, 'REDISHOST', { value: 'x:6379' });
    const other = { apiVersion: 'dapr.io/v1alpha1', kind: 'Component', metadata: { name: 'b' }, spec: { type: 'bindings.cron', version: 'v1', metadata: [{ name: 'schedule', value: '@every 1m' }] }, scopes: ['a'] };
    expect(findingsOf(COMPONENT_KNOWN_METADATA, [k8s(store), k8s(other)])).toEqual([]);
  });
});

describe('DAPR-COMP-007 one actor state store', () => {
  it('fails on a second unscoped actor state store', () => {
    const a = redisStateStore('actors-a');
    delete a.scopes;
    const b = redisStateStore('actors-b');
    delete b.scopes;
    const findings = findingsOf(COMPONENT_ONE_ACTOR_STORE, [k8s(a), k8s(b)], DEV);
    expect(findings).toHaveLength(1);
    expect(findings[0].object).toBe('Component orders/actors-b');
    expect(findings[0].message).toContain("besides 'actors-a'");
  });

  it('fails when two actor stores share an app', () => {
    const findings = findingsOf(COMPONENT_ONE_ACTOR_STORE, [k8s(redisStateStore('a', ['x', 'y'])), k8s(redisStateStore('b', ['y']))]);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain("for app 'y'");
  });

  it('flags every store that an app would load together with an unscoped one', () => {
    const b = redisStateStore('b');
    delete b.scopes;
    const findings = findingsOf(COMPONENT_ONE_ACTOR_STORE, [k8s(redisStateStore('a', ['x'])), k8s(b), k8s(redisStateStore('c', ['z']))]);
    expect(findings.map((f) => f.object)).toEqual(['Component orders/b', 'Component orders/c']);
    expect(findings[1].message).toContain("besides 'b'");
  });

  it('passes for actor stores scoped to disjoint apps, in different namespaces, or without actorStateStore', () => {
    expect(findingsOf(COMPONENT_ONE_ACTOR_STORE, [k8s(redisStateStore('a', ['x'])), k8s(redisStateStore('b', ['y']))])).toEqual([]);
    const other = redisStateStore('b');
    other.metadata.namespace = 'billing';
    const plain = redisStateStore('cache');
    setMetadata(plain, 'actorStateStore', { value: 'false' });
    expect(findingsOf(COMPONENT_ONE_ACTOR_STORE, [k8s(redisStateStore('a')), k8s(other), k8s(plain)])).toEqual([]);
  });
});

describe('DAPR-COMP-008 Kafka authType', () => {
  it('fails without authType in every profile', () => {
    const kafka = kafkaPubSub();
    kafka.spec.metadata = kafka.spec.metadata.filter((m: { name: string }) => m.name !== 'authType');
    for (const profile of [DEV, STAGING, PROD]) {
      expect(messagesOf(COMPONENT_KAFKA_AUTH, [k8s(kafka)], profile)[0]).toContain("has no 'authType'");
    }
  });

  it("fails on authType 'none' in prod only", () => {
    const kafka = kafkaPubSub();
    setMetadata(kafka, 'authType', { value: 'none' });
    expect(messagesOf(COMPONENT_KAFKA_AUTH, [k8s(kafka)], PROD)[0]).toContain("authType 'none' in a prod environment");
    expect(findingsOf(COMPONENT_KAFKA_AUTH, [k8s(kafka)], STAGING)).toEqual([]);
    expect(findingsOf(COMPONENT_KAFKA_AUTH, [k8s(kafka)], DEV)).toEqual([]);
  });

  it('passes with SASL', () => {
    expect(findingsOf(COMPONENT_KAFKA_AUTH, [k8s(kafkaPubSub())])).toEqual([]);
  });
});

describe('DAPR-COMP-009 Vault TLS verification', () => {
  it('fails on skipVerify "true" in staging and prod', () => {
    const vault = vaultStore();
    setMetadata(vault, 'skipVerify', { value: 'true' });
    expect(findingsOf(COMPONENT_VAULT_TLS, [k8s(vault)], STAGING)).toHaveLength(1);
    expect(messagesOf(COMPONENT_VAULT_TLS, [k8s(vault)], PROD)[0]).toContain('remove skipVerify');
  });

  it('does not apply to dev and passes on skipVerify "false"', () => {
    const vault = vaultStore();
    setMetadata(vault, 'skipVerify', { value: 'true' });
    expect(findingsOf(COMPONENT_VAULT_TLS, [k8s(vault)], DEV)).toEqual([]);
    setMetadata(vault, 'skipVerify', { value: 'false' });
    expect(findingsOf(COMPONENT_VAULT_TLS, [k8s(vault)], PROD)).toEqual([]);
    expect(findingsOf(COMPONENT_VAULT_TLS, goodProdSet())).toEqual([]);
  });
});

describe('component rules on the good set', () => {
  it('find the Redis store, the Kafka pubsub and the Vault store', () => {
    const docs = goodProdSet();
    expect(findObject(docs, 'Component', 'statestore').spec.type).toBe('state.redis');
    expect(findObject(docs, 'Component', 'pubsub').spec.type).toBe('pubsub.kafka');
    expect(findObject(docs, 'Component', 'vault').spec.type).toBe('secretstores.hashicorp.vault');
  });
});

describe('DAPR-COMP-010 a metadata spec exists for the type', () => {
  it('warns on a type the reference data has no spec for, with the steps to add it', () => {
    const other = { apiVersion: 'dapr.io/v1alpha1', kind: 'Component', metadata: { name: 'hook', namespace: 'orders' }, spec: { type: 'bindings.http', version: 'v1', metadata: [{ name: 'url', value: 'https://hooks.example.com' }] }, scopes: ['order-api'] };
    const findings = findingsOf(COMPONENT_SPEC_KNOWN, [k8s(other)], PROD, '1.16.19');
    expect(findings).toEqual([expect.objectContaining({ ruleId: 'DAPR-COMP-010', severity: 'warning', object: 'Component orders/hook' })]);
    expect(findings[0].message).toBe(
      'Component orders/hook has type bindings.http v1, for which the reference data of Dapr 1.16.19 holds no metadata spec, so its metadata names and sensitive fields go unchecked; ' +
        'add it: put dapr/components-contrib@v1.16.13:bindings/http/[v1/]metadata.yaml (e.g. from `go mod download -json github.com/dapr/components-contrib@v1.16.13`) ' +
        'into ../shared/dapr-reference/1.16.19/component-metadata/bindings.http.metadata.yaml, add its row (upstream path, sha256) to PROVENANCE.md there, and run `npm run import` (README, "How to add a component"). ' +
        'Specs held for Dapr 1.16.19: pubsub.kafka/v1, secretstores.hashicorp.vault/v1, state.postgresql/v1, state.postgresql/v2, state.redis/v1.',
    );
  });

  it('is quiet for types with a spec, in every version', () => {
    for (const v of ['1.16.19', '1.17.13', '1.18.3']) expect(findingsOf(COMPONENT_SPEC_KNOWN, goodProdSet(), PROD, v)).toEqual([]);
  });
});
