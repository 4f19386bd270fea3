import { Duration } from 'cdk8s';
import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { GenericComponent } from '../constructs/k8s/generic-component';
import { PostgresComponentVersion, PostgresQueryExecMode, PostgresStateStore } from '../constructs/k8s/postgres-state-store';
import { KeyPrefix, RedisStateStore } from '../constructs/k8s/redis-state-store';
import { VaultAuth, VaultSecretStore } from '../constructs/k8s/vault-secret-store';
import { WorkloadRole } from '../constructs/k8s/workload-types';
import { DaprApp } from '../constructs/model/dapr-app';
import { DaprVersion } from '../constructs/model/dapr-version';
import { daprChart, errorsOf, find, synth } from './helpers';

const orders = DaprApp.fromAppId('orders', 'apps');

function vault(chart: ReturnType<typeof daprChart>) {
  return new VaultSecretStore(chart, 'vault', { name: 'vault', vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'dapr', auth: VaultAuth.tokenFile() });
}

describe('PostgresStateStore', () => {
  test('v2 (the default): the exact component, connection string by reference, actor store', () => {
    const chart = daprChart();
    const store = vault(chart);
    new PostgresStateStore(chart, 'pg', {
      name: 'orders-state',
      connectionString: store.secret('orders-db', 'dsn'),
      endpoint: 'orders-db.example.com:5432',
      tablePrefix: 'orders_',
      metadataTableName: 'public.dapr_metadata',
      timeout: Duration.seconds(30),
      cleanupInterval: Duration.minutes(10),
      connectionMaxIdleTime: Duration.minutes(5),
      maxConns: 8,
      queryExecMode: PostgresQueryExecMode.SIMPLE_PROTOCOL,
      keyPrefix: KeyPrefix.APP_ID,
      actorStateStore: true,
      scopes: [orders],
    });
    expect(find(synth(chart), 'Component', 'orders-state')).toEqual({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'orders-state', namespace: 'apps' },
      auth: { secretStore: 'vault' },
      scopes: ['orders'],
      spec: {
        type: 'state.postgresql',
        version: 'v2',
        metadata: [
          { name: 'connectionString', secretKeyRef: { name: 'orders-db', key: 'dsn' } },
          { name: 'tablePrefix', value: 'orders_' },
          { name: 'metadataTableName', value: 'public.dapr_metadata' },
          { name: 'timeout', value: '30s' },
          { name: 'cleanupInterval', value: '10m' },
          { name: 'connectionMaxIdleTime', value: '5m' },
          { name: 'maxConns', value: '8' },
          { name: 'queryExecMode', value: 'simple_protocol' },
          { name: 'keyPrefix', value: 'appid' },
          { name: 'actorStateStore', value: 'true' },
        ],
      },
    });
    expect(store.scopes).toEqual(['orders']);
  });

  test('v1 with tableName; an actor host using it gets its egress and its secret', () => {
    const chart = daprChart();
    const store = vault(chart);
    const pg = new PostgresStateStore(chart, 'pg', { name: 'legacy-state', componentVersion: PostgresComponentVersion.V1, connectionString: store.secret('legacy-db', 'dsn'), endpoint: 'pg.data.svc.cluster.local:5432', tableName: 'state', actorStateStore: true });
    const app = new DaprWorkload(chart, 'orders', { appId: 'orders', image: 'registry.example.com/orders:1.0.0', appPort: 8080, role: WorkloadRole.ACTOR_HOST });
    app.uses(pg);
    const out = synth(chart);
    expect(find(out, 'Component', 'legacy-state').spec).toEqual({
      type: 'state.postgresql',
      version: 'v1',
      metadata: [
        { name: 'connectionString', secretKeyRef: { name: 'legacy-db', key: 'dsn' } },
        { name: 'tableName', value: 'state' },
        { name: 'actorStateStore', value: 'true' },
      ],
    });
    expect(find(out, 'NetworkPolicy', 'orders').spec.egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }], ports: [{ protocol: 'TCP', port: 5432 }] });
    expect(app.secretAccess.secretPaths).toEqual(['secret/data/dapr/legacy-db']);
  });

  test('errors, one per root cause: a v1 setting on v2 and back, bad endpoint, bad pool and timeout, a second actor store', () => {
    const chart = daprChart();
    const store = vault(chart);
    store.addScope(orders);
    new RedisStateStore(chart, 'redis', { name: 'cache', redisHost: 'redis.example.com:6380', redisPassword: store.secret('redis', 'password'), actorStateStore: true, scopes: [orders] });
    new PostgresStateStore(chart, 'a', { name: 'a', connectionString: store.secret('a', 'dsn'), endpoint: 'a.example.com', tableName: 't', maxConns: 0, timeout: Duration.millis(500), actorStateStore: true, scopes: [orders] });
    new PostgresStateStore(chart, 'b', { name: 'b', componentVersion: PostgresComponentVersion.V1, connectionString: store.secret('b', 'dsn'), endpoint: 'b.example.com:5432', tablePrefix: 'x_', scopes: [orders] });
    expect(errorsOf(chart)).toEqual([
      "[test/a] PostgreSQL state store 'a': endpoint 'a.example.com' is not one 'host:port': give the server of the connection string, e.g. 'orders-db.example.com:5432'.",
      "[test/a] PostgreSQL state store 'a': tableName is a v1 setting, and this store is v2: use tablePrefix (v2 keeps a table per app), or componentVersion V1.",
      "[test/a] PostgreSQL state store 'a': maxConns 0 is not a positive integer.",
      "[test/a] PostgreSQL state store 'a': timeout 500ms is under one second: every query would fail under load; use at least 1s.",
      "[test/a] PostgreSQL state store 'a' is a second actor state store in namespace 'apps' (the first is 'cache' at test/redis): daprd fails with \"detected duplicate actor state store\"; keep actorStateStore on one of them.",
      "[test/b] PostgreSQL state store 'b': tablePrefix is a v2 setting, and this store is v1: use tableName, or componentVersion V2.",
    ]);
  });

  test.each(DaprVersion.supported().map((v) => [v.version, v] as const))('v1 and v2 validate against the specs of Dapr %s', (_, daprVersion) => {
    const chart = daprChart({ daprVersion });
    const store = vault(chart);
    new PostgresStateStore(chart, 'v1', { name: 'v1', componentVersion: PostgresComponentVersion.V1, connectionString: store.secret('a', 'dsn'), endpoint: 'a.example.com:5432', tableName: 's', metadataTableName: 'm', timeout: Duration.seconds(20), scopes: [orders] });
    new PostgresStateStore(chart, 'v2', { name: 'v2', connectionString: store.secret('b', 'dsn'), endpoint: 'b.example.com:5432', tablePrefix: 'p_', cleanupInterval: Duration.hours(1), actorStateStore: true, scopes: [orders] });
    expect(errorsOf(chart)).toEqual([]);
  });
});

describe('GenericComponent', () => {
  test('any type with a spec: the exact component, metadata by value and by reference', () => {
    const chart = daprChart();
    const store = vault(chart);
    new GenericComponent(chart, 'pg', {
      name: 'orders-state',
      componentType: 'state.postgresql',
      componentVersion: 'v2',
      metadata: [
        { name: 'connectionString', secretRef: store.secret('orders-db', 'dsn') },
        { name: 'tablePrefix', value: 'orders_' },
        { name: 'keyPrefix', value: 'name' },
      ],
      endpoints: [{ host: 'orders-db.example.com', port: 5432 }],
      actorStateStore: true,
      scopes: [orders],
    });
    expect(find(synth(chart), 'Component', 'orders-state')).toEqual({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'orders-state', namespace: 'apps' },
      auth: { secretStore: 'vault' },
      scopes: ['orders'],
      spec: {
        type: 'state.postgresql',
        version: 'v2',
        metadata: [
          { name: 'connectionString', secretKeyRef: { name: 'orders-db', key: 'dsn' } },
          { name: 'tablePrefix', value: 'orders_' },
          { name: 'keyPrefix', value: 'name' },
          { name: 'actorStateStore', value: 'true' },
        ],
      },
    });
  });

  test('checked by the base rules: unknown key with its spelling, sensitive by value, allowed values', () => {
    const chart = daprChart();
    new GenericComponent(chart, 'pg', {
      name: 'pg',
      componentType: 'state.postgresql',
      metadata: [
        { name: 'ConnectionString', value: 'host=db password=hunter2' },
        { name: 'connectionString', value: 'host=db password=hunter2' },
        { name: 'queryExecMode', value: 'fast' },
      ],
      scopes: [orders],
    });
    expect(errorsOf(chart)).toEqual([
      "[test/pg] state.postgresql component 'pg': metadata key 'ConnectionString' does not exist for state.postgresql v1 in Dapr 1.18.3; the spec spells it 'connectionString'.",
      "[test/pg] state.postgresql component 'pg': 'connectionString' is sensitive and was given as a plain value: pass a SecretRef instead.",
      "[test/pg] state.postgresql component 'pg': 'queryExecMode' is 'fast', not one of cache_describe, cache_statement, describe_exec, exec, simple_protocol.",
    ]);
  });

  test('a type without a spec: the error says exactly how to add it, for the pinned version', () => {
    const chart = daprChart({ daprVersion: DaprVersion.V1_18_3 });
    new GenericComponent(chart, 'http', { name: 'webhook', componentType: 'bindings.http', metadata: [{ name: 'url', value: 'https://hooks.example.com' }], scopes: [orders] });
    expect(errorsOf(chart)).toEqual([
      "[test/http] bindings.http component 'webhook': the reference data of Dapr 1.18.3 (imports/dapr-reference-data.ts) holds no metadata spec for bindings.http/v1, so its metadata cannot be checked; " +
        'add it: put dapr/components-contrib@v1.18.4:bindings/http/[v1/]metadata.yaml (e.g. from `go mod download -json github.com/dapr/components-contrib@v1.18.4`) ' +
        'into ../shared/dapr-reference/1.18.3/component-metadata/bindings.http.metadata.yaml, add its row (upstream path, sha256) to PROVENANCE.md there, and run `npm run import` (README, "How to add a component"). ' +
        'Specs held for Dapr 1.18.3: pubsub.kafka/v1, secretstores.hashicorp.vault/v1, state.postgresql/v1, state.postgresql/v2, state.redis/v1.',
    ]);
  });

  test('errors of its own: bad type and version, actorStateStore as metadata, on a non-state type, bad endpoint', () => {
    const chart = daprChart();
    new GenericComponent(chart, 'a', { name: 'a', componentType: 'postgres', componentVersion: '2', metadata: [], scopes: [orders] });
    new GenericComponent(chart, 'b', {
      name: 'b',
      componentType: 'pubsub.kafka',
      metadata: [
        { name: 'brokers', value: 'k:9093' },
        { name: 'authType', value: 'none' },
        { name: 'actorStateStore', value: 'true' },
      ],
      endpoints: [{ host: 'k', port: 0 }],
      actorStateStore: true,
      scopes: [orders],
    });
    const errors = errorsOf(chart).filter((e) => !/holds no metadata spec|does not exist for/.test(e));
    expect(errors).toEqual([
      "[test/a] postgres component 'a': componentType 'postgres' is not '<category>.<name>', e.g. 'state.postgresql' or 'bindings.http'.",
      "[test/a] postgres component 'a': componentVersion '2' is not a version such as 'v1' or 'v2'.",
      "[test/b] pubsub.kafka component 'b': set 'actorStateStore' with the actorStateStore prop, not as a metadata entry (workloads read the prop to find their actor store).",
      "[test/b] pubsub.kafka component 'b': endpoint 'k:0' needs a host and a TCP port 1-65535.",
      "[test/b] pubsub.kafka component 'b': only a state store (state.*) can be the actor state store: remove actorStateStore.",
    ]);
  });
});

describe('actor state store capability', () => {
  test("a state type whose pinned spec lacks the actorStateStore capability is refused as actor store (spec's capabilities stubbed: every type held today has it)", () => {
    const chart = daprChart();
    const real = DaprVersion.prototype.componentSpec;
    const spy = jest.spyOn(DaprVersion.prototype, 'componentSpec').mockImplementation(function (this: DaprVersion, type: string, v: string) {
      const spec = real.call(this, type, v);
      return spec && type === 'state.postgresql' ? { ...spec, capabilities: ['crud', 'etag'] } : spec;
    });
    try {
      const store = vault(chart);
      new PostgresStateStore(chart, 'pg', { name: 'pg', connectionString: store.secret('a', 'dsn'), endpoint: 'a.example.com:5432', actorStateStore: true, scopes: [orders] });
      expect(errorsOf(chart)).toEqual([
        "[test/pg] PostgreSQL state store 'pg': state.postgresql v2 cannot be an actor state store in Dapr 1.18.3 (its spec's capabilities are crud, etag): use a type with the actorStateStore capability, e.g. state.redis or state.postgresql.",
      ]);
    } finally {
      spy.mockRestore();
    }
  });
});
