import { Duration } from 'cdk8s';
import { DaprApp } from '../constructs/model/dapr-app';
import { DaprVersion } from '../constructs/model/dapr-version';
import { EnvironmentProfile } from '../constructs/model/profile';
import { SecretRef } from '../constructs/model/secret-ref';
import { InitialOffset, KafkaAuthType, KafkaPubSub, SaslMechanism } from '../constructs/k8s/kafka-pub-sub';
import { KeyPrefix, RedisStateStore } from '../constructs/k8s/redis-state-store';
import { VaultAuth, VaultSecretStore } from '../constructs/k8s/vault-secret-store';
import { Construct } from 'constructs';
import { DaprComponent, MetadataEntry } from '../constructs/k8s/dapr-component';
import { daprChart, errorsOf, find, synth } from './helpers';

const checkout = DaprApp.fromAppId('checkout', 'apps');
const orders = DaprApp.fromAppId('orders', 'apps');

function vault(chart: ReturnType<typeof daprChart>, extra: Partial<ConstructorParameters<typeof VaultSecretStore>[2]> = {}) {
  return new VaultSecretStore(chart, 'vault', {
    name: 'vault',
    vaultAddr: 'https://vault.example.com:8200',
    vaultKvPrefix: 'dapr',
    auth: VaultAuth.tokenFile(),
    ...extra,
  });
}

describe('VaultSecretStore', () => {
  test('renders the exact component with a token file and scopes', () => {
    const chart = daprChart();
    const store = vault(chart, { scopes: [orders], caPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' });
    const c = find(synth(chart), 'Component', 'vault');
    expect(c).toEqual({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'vault', namespace: 'apps' },
      scopes: ['orders'],
      spec: {
        type: 'secretstores.hashicorp.vault',
        version: 'v1',
        metadata: [
          { name: 'vaultAddr', value: 'https://vault.example.com:8200' },
          { name: 'enginePath', value: 'secret' },
          { name: 'vaultKVPrefix', value: 'dapr' },
          { name: 'vaultKVUsePrefix', value: 'true' },
          { name: 'vaultValueType', value: 'map' },
          { name: 'vaultTokenMountPath', value: '/vault/secrets/token' },
          { name: 'caPem', value: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' },
        ],
      },
    });
    expect(store.secretPolicyPath('orders-redis')).toBe('secret/data/dapr/orders-redis');
    expect(JSON.stringify(c)).not.toContain('vaultKubernetesMountPath');
  });

  test('a token from a Kubernetes Secret is a secretKeyRef with no auth block', () => {
    const chart = daprChart();
    vault(chart, { scopes: [orders], auth: VaultAuth.tokenFromSecret(SecretRef.fromKubernetesSecret('vault-token', 'token')) });
    const c = find(synth(chart), 'Component', 'vault');
    expect(c.auth).toBeUndefined();
    expect(c.spec.metadata).toContainEqual({ name: 'vaultToken', secretKeyRef: { name: 'vault-token', key: 'token' } });
    expect(c.spec.metadata.map((m: any) => m.name)).not.toContain('vaultTokenMountPath');
  });

  test('skipVerify is refused in production and allowed in dev', () => {
    const prod = daprChart({ profile: EnvironmentProfile.PROD });
    vault(prod, { scopes: [orders], skipVerify: true });
    expect(errorsOf(prod)).toEqual([expect.stringMatching(/^\[test\/vault\] .*skipVerify is true in a prod environment: remove it/)]);

    const dev = daprChart({ profile: EnvironmentProfile.DEV });
    vault(dev, { scopes: [orders], skipVerify: true });
    expect(errorsOf(dev)).toEqual([]);
  });

  test('plain HTTP Vault is refused in staging', () => {
    const chart = daprChart({ profile: EnvironmentProfile.STAGING });
    vault(chart, { scopes: [orders], vaultAddr: 'http://vault:8200' });
    expect(errorsOf(chart).join('\n')).toMatch(/vaultAddr 'http:\/\/vault:8200' is plain HTTP/);
  });

  test('the store token cannot come from a secret store', () => {
    const chart = daprChart();
    const other = vault(chart, { scopes: [orders] });
    new VaultSecretStore(chart, 'vault2', {
      name: 'vault2',
      vaultAddr: 'https://vault.example.com:8200',
      vaultKvPrefix: 'dapr',
      auth: VaultAuth.tokenFromSecret(other.secret('token', 'token')),
      scopes: [orders],
    });
    expect(errorsOf(chart).join('\n')).toMatch(/bootstrap token must come from a Kubernetes Secret/);
  });
});

describe('RedisStateStore', () => {
  test('renders TLS, the password by reference through the secret store, and typed options', () => {
    const chart = daprChart();
    const store = vault(chart);
    new RedisStateStore(chart, 'redis', {
      name: 'orders-state',
      redisHost: 'orders.redis.example.com:6380',
      redisPassword: store.secret('orders-redis', 'password'),
      actorStateStore: true,
      keyPrefix: KeyPrefix.NAME,
      ttl: Duration.hours(1),
      maxRetries: 5,
      minRetryInterval: Duration.millis(100),
      scopes: [orders],
    });
    const manifests = synth(chart);
    expect(find(manifests, 'Component', 'orders-state')).toEqual({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'orders-state', namespace: 'apps' },
      auth: { secretStore: 'vault' },
      scopes: ['orders'],
      spec: {
        type: 'state.redis',
        version: 'v1',
        metadata: [
          { name: 'redisHost', value: 'orders.redis.example.com:6380' },
          { name: 'enableTLS', value: 'true' },
          { name: 'redisPassword', secretKeyRef: { name: 'orders-redis', key: 'password' } },
          { name: 'redisMaxRetries', value: '5' },
          { name: 'redisMinRetryInterval', value: '100ms' },
          { name: 'ttlInSeconds', value: '3600' },
          { name: 'keyPrefix', value: 'name' },
          { name: 'actorStateStore', value: 'true' },
        ],
      },
    });
    // The app that reads the password through the store is scoped to the store too.
    expect(find(manifests, 'Component', 'vault').scopes).toEqual(['orders']);
  });

  test('a second actor state store in the namespace is an error naming the first', () => {
    const chart = daprChart();
    const store = vault(chart);
    const common = { redisHost: 'redis:6379', redisPassword: store.secret('redis', 'password'), actorStateStore: true, scopes: [orders] };
    new RedisStateStore(chart, 'a', { name: 'actors-a', ...common });
    new RedisStateStore(chart, 'b', { name: 'actors-b', ...common });
    expect(errorsOf(chart)).toEqual([
      expect.stringMatching(/^\[test\/b\] Redis state store 'actors-b' is a second actor state store in namespace 'apps' \(the first is 'actors-a' at test\/a\)/),
    ]);
  });

  test('no TLS or no password is refused in prod', () => {
    const chart = daprChart();
    new RedisStateStore(chart, 'r', { name: 'state', redisHost: 'redis:6379', enableTls: false, scopes: [orders] });
    const errors = errorsOf(chart).join('\n');
    expect(errors).toMatch(/enableTls is false in a prod environment/);
    expect(errors).toMatch(/no redisPassword in a prod environment: pass a SecretRef/);
  });

  test('insecureSkipTLSVerify does not exist in Dapr 1.16 (the pinned version decides)', () => {
    const chart = daprChart({ profile: EnvironmentProfile.DEV, daprVersion: DaprVersion.V1_16_19 });
    new RedisStateStore(chart, 'r', { name: 'state', redisHost: 'redis:6379', insecureSkipTlsVerify: true, scopes: [orders] });
    expect(errorsOf(chart).join('\n')).toMatch(/metadata key 'insecureSkipTLSVerify' does not exist for state.redis v1 in Dapr 1.16.19/);

    const chart18 = daprChart({ profile: EnvironmentProfile.DEV, daprVersion: DaprVersion.V1_18_3 });
    new RedisStateStore(chart18, 'r', { name: 'state', redisHost: 'redis:6379', insecureSkipTlsVerify: true, scopes: [orders] });
    expect(errorsOf(chart18)).toEqual([]);
  });

  test('an unscoped component is an error', () => {
    const chart = daprChart({ profile: EnvironmentProfile.DEV });
    new RedisStateStore(chart, 'r', { name: 'state', redisHost: 'redis:6379' });
    expect(errorsOf(chart)).toEqual([expect.stringMatching(/state.redis component 'state' has no scopes, so every app in namespace 'apps' would load it/)]);
  });
});

describe('DaprComponent rules for any component', () => {
  // A component an app team writes itself: the base class still refuses a plain-string secret.
  class HandWrittenRedis extends DaprComponent {
    public readonly componentType = 'state.redis';
    public constructor(scope: Construct, id: string, private readonly password: string) {
      super(scope, id, { name: 'handwritten', scopes: [orders] });
      this.applyInitialScopes();
    }
    public get endpoints() {
      return [];
    }
    protected renderMetadata(): MetadataEntry[] {
      return [
        { name: 'redisHost', value: 'redis:6379' },
        { name: 'redisPassword', value: this.password },
        { name: 'redisPasword', value: 'typo' },
      ];
    }
    protected validateSpecific(): string[] {
      return [];
    }
  }

  test('a plain-string password and an unknown metadata key are refused, naming the fix', () => {
    const chart = daprChart();
    new HandWrittenRedis(chart, 'r', 'hunter2');
    const errors = errorsOf(chart).join('\n');
    expect(errors).toMatch(/\[test\/r\] state.redis component 'handwritten': 'redisPassword' is sensitive and was given as a plain value: pass a SecretRef instead/);
    expect(errors).toMatch(/metadata key 'redisPasword' does not exist for state.redis v1 in Dapr 1.18.3; the spec spells it|metadata key 'redisPasword' does not exist for state.redis v1 in Dapr 1.18.3; remove it/);
  });
});

describe('KafkaPubSub', () => {
  function kafka(chart: ReturnType<typeof daprChart>, extra: Partial<ConstructorParameters<typeof KafkaPubSub>[2]> = {}) {
    const store = vault(chart, { scopes: [checkout] });
    return new KafkaPubSub(chart, 'kafka', {
      name: 'events',
      brokers: ['kafka-0.example.com:9093', 'kafka-1.example.com:9093'],
      authType: KafkaAuthType.PASSWORD,
      saslUsername: store.secret('kafka', 'username'),
      saslPassword: store.secret('kafka', 'password'),
      scopes: [checkout],
      ...extra,
    });
  }

  test('renders brokers as a comma string, SASL by reference and a consumer group per app', () => {
    const chart = daprChart();
    kafka(chart, { initialOffset: InitialOffset.OLDEST, maxMessageBytes: 2_097_152 });
    expect(find(synth(chart), 'Component', 'events')).toEqual({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'events', namespace: 'apps' },
      auth: { secretStore: 'vault' },
      scopes: ['checkout'],
      spec: {
        type: 'pubsub.kafka',
        version: 'v1',
        metadata: [
          { name: 'brokers', value: 'kafka-0.example.com:9093,kafka-1.example.com:9093' },
          { name: 'authType', value: 'password' },
          { name: 'consumerGroup', value: '{appID}' },
          { name: 'initialOffset', value: 'oldest' },
          { name: 'saslUsername', secretKeyRef: { name: 'kafka', key: 'username' } },
          { name: 'saslPassword', secretKeyRef: { name: 'kafka', key: 'password' } },
          { name: 'saslMechanism', value: 'SHA-512' },
          { name: 'maxMessageBytes', value: '2097152' },
        ],
      },
    });
  });

  test('a component without authType is refused', () => {
    const chart = daprChart();
    kafka(chart, { authType: undefined as unknown as KafkaAuthType });
    expect(errorsOf(chart).join('\n')).toMatch(/authType 'undefined' is missing or unknown; the component refuses to start without one/);
  });

  test('authType none is refused in prod, allowed in dev', () => {
    const prod = daprChart();
    kafka(prod, { authType: KafkaAuthType.NONE, saslUsername: undefined, saslPassword: undefined });
    expect(errorsOf(prod).join('\n')).toMatch(/authType none in a prod environment/);
    const dev = daprChart({ profile: EnvironmentProfile.DEV });
    kafka(dev, { authType: KafkaAuthType.NONE, saslUsername: undefined, saslPassword: undefined });
    expect(errorsOf(dev)).toEqual([]);
  });

  test('mtls needs CA, client cert and key; SASL fields do not belong to it', () => {
    const chart = daprChart();
    kafka(chart, { authType: KafkaAuthType.MTLS, saslMechanism: SaslMechanism.SHA_256 });
    const errors = errorsOf(chart).join('\n');
    expect(errors).toMatch(/authType mtls needs 'clientCert'/);
    expect(errors).toMatch(/authType mtls needs 'clientKey'/);
    expect(errors).toMatch(/authType mtls needs 'caCert'/);
    expect(errors).toMatch(/'saslUsername' is set but authType is mtls/);
    expect(errors).toMatch(/saslMechanism is set but authType is mtls/);
  });

  test('a malformed broker is refused', () => {
    const chart = daprChart();
    kafka(chart, { brokers: ['kafka-0'] });
    expect(errorsOf(chart).join('\n')).toMatch(/broker 'kafka-0' is not 'host:port'/);
  });
});
