import { Release } from '@cdktf/provider-helm/lib/release';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { DEV_RELEASE_SETTINGS, DevBrokerScope } from './dev-broker-settings';

const REDIS_AUTH_SECRET = 'dev-redis-auth';

/** The Redis of {@link DevBrokers}. */
export interface DevRedisOptions {
  /** Bitnami `redis` chart version. */
  readonly chartVersion: string;
  /** The KV secret (inside the mount) the Redis components read. */
  readonly secretName: string;
  /** The key of the password in it. */
  readonly passwordKey: string;
}

/**
 * A standalone Redis (Bitnami chart) whose password Terraform generates once, hands Redis through a
 * Kubernetes Secret (`auth.existingSecret`) and writes to Vault KV for the apps. Returns the release.
 */
export function addDevRedis(scope: Construct, b: DevBrokerScope, o: DevRedisOptions): Release {
  const redisPassword = b.generatedPassword('redis');
  const redisAuth = new SecretV1(scope, 'redis-auth', {
    metadata: { name: REDIS_AUTH_SECRET, namespace: b.namespace, labels: b.labels },
    data: { 'redis-password': redisPassword },
    type: 'Opaque',
    dependsOn: b.dependsOn,
  });
  const release = new Release(scope, 'redis', {
    name: 'redis',
    chart: 'redis',
    repository: 'oci://registry-1.docker.io/bitnamicharts',
    version: o.chartVersion,
    namespace: b.namespace,
    ...DEV_RELEASE_SETTINGS,
    values: [
      stringify(
        {
          architecture: 'standalone',
          auth: { enabled: true, existingSecret: REDIS_AUTH_SECRET, existingSecretPasswordKey: 'redis-password' },
          master: { persistence: { enabled: false } },
        },
        { lineWidth: 0 },
      ),
    ],
    dependsOn: [redisAuth],
  });
  new KvSecretV2(scope, 'redis-credentials', {
    mount: b.kvMountPath,
    name: o.secretName,
    dataJson: Fn.jsonencode({ [o.passwordKey]: redisPassword }),
    deleteAllVersions: true,
    dependsOn: b.dependsOn,
  });
  return release;
}
