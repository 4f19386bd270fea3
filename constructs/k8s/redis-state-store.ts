import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { goDuration } from '../model/go-duration';
import { isStrict } from '../model/profile';
import { parseHostPorts } from '../model/host-ports';
import { SecretRef } from '../model/secret-ref';
import { ComponentEndpoint, DaprComponent, DaprComponentProps, IStateStore, MetadataEntry } from './dapr-component';

/** How keys in the store are prefixed (`keyPrefix`, read by daprd for every state store). */
export class KeyPrefix {
  /** `<app-id>||<key>`: each app sees its own keys (Dapr's default). */
  public static readonly APP_ID = new KeyPrefix('appid');
  /** `<component name>||<key>`: apps sharing the component share keys. */
  public static readonly NAME = new KeyPrefix('name');
  /** `<namespace>.<app-id>||<key>`. */
  public static readonly NAMESPACE = new KeyPrefix('namespace');
  /** No prefix. */
  public static readonly NONE = new KeyPrefix('none');
  /** A fixed custom prefix. */
  public static custom(prefix: string): KeyPrefix {
    return new KeyPrefix(prefix);
  }

  private constructor(
    /** The value written to `keyPrefix`. */
    public readonly value: string,
  ) {}
}

/** Redis deployment type (`redisType`). */
export enum RedisType {
  /** A single node or a primary with replicas. */
  NODE = 'node',
  /** Redis Cluster. */
  CLUSTER = 'cluster',
}

/** Props of {@link RedisStateStore}. */
export interface RedisStateStoreProps extends DaprComponentProps {
  /** `host:port` of Redis (`redisHost`). */
  readonly redisHost: string;
  /**
   * TLS to Redis (`enableTLS`). Required in staging and prod.
   * @default true
   */
  readonly enableTls?: boolean;
  /**
   * Skip verification of Redis' certificate (`insecureSkipTLSVerify`, Dapr 1.18+; in 1.16 `enableTLS` never verified).
   * Refused in staging and prod.
   * @default false
   */
  readonly insecureSkipTlsVerify?: boolean;
  /**
   * Password (`redisPassword`), by reference only. Required in staging and prod.
   * @default - no password
   */
  readonly redisPassword?: SecretRef;
  /**
   * ACL user name (`redisUsername`), by reference.
   * @default - the default user
   */
  readonly redisUsername?: SecretRef;
  /**
   * Whether this is the actor state store (`actorStateStore`); at most one per namespace.
   * @default false
   */
  readonly actorStateStore?: boolean;
  /**
   * Key prefix strategy (`keyPrefix`).
   * @default - Dapr's default, KeyPrefix.APP_ID
   */
  readonly keyPrefix?: KeyPrefix;
  /**
   * Default time-to-live of saved state (`ttlInSeconds`).
   * @default - state does not expire
   */
  readonly ttl?: Duration;
  /**
   * Retries of a failed Redis command (`redisMaxRetries`).
   * @default 3
   */
  readonly maxRetries?: number;
  /**
   * Minimum backoff between retries (`redisMinRetryInterval`).
   * @default Duration.millis(8) (Redis client default)
   */
  readonly minRetryInterval?: Duration;
  /**
   * Maximum backoff between retries (`redisMaxRetryInterval`).
   * @default Duration.millis(512) (Redis client default)
   */
  readonly maxRetryInterval?: Duration;
  /**
   * Redis deployment type (`redisType`).
   * @default RedisType.NODE
   */
  readonly redisType?: RedisType;
  /**
   * Database number (`redisDB`); only for RedisType.NODE.
   * @default 0
   */
  readonly redisDb?: number;
}

/** A `state.redis` component: saga and actor state that survives a pod restart. */
export class RedisStateStore extends DaprComponent implements IStateStore {
  public readonly componentType = 'state.redis';
  public readonly isActorStateStore: boolean;
  private readonly props: RedisStateStoreProps;

  public constructor(scope: Construct, id: string, props: RedisStateStoreProps) {
    super(scope, id, props);
    this.props = props;
    this.isActorStateStore = props.actorStateStore ?? false;
    this.applyInitialScopes();
  }

  public get endpoints(): ComponentEndpoint[] {
    return parseHostPorts(this.props.redisHost);
  }

  protected renderMetadata(): MetadataEntry[] {
    const p = this.props;
    const m: MetadataEntry[] = [
      { name: 'redisHost', value: p.redisHost },
      { name: 'enableTLS', value: String(p.enableTls ?? true) },
    ];
    if (p.insecureSkipTlsVerify) m.push({ name: 'insecureSkipTLSVerify', value: 'true' });
    if (p.redisUsername) m.push({ name: 'redisUsername', secretRef: p.redisUsername });
    if (p.redisPassword) m.push({ name: 'redisPassword', secretRef: p.redisPassword });
    if (p.redisType) m.push({ name: 'redisType', value: p.redisType });
    if (p.redisDb !== undefined) m.push({ name: 'redisDB', value: String(p.redisDb) });
    if (p.maxRetries !== undefined) m.push({ name: 'redisMaxRetries', value: String(p.maxRetries) });
    if (p.minRetryInterval) m.push({ name: 'redisMinRetryInterval', value: goDuration(p.minRetryInterval) });
    if (p.maxRetryInterval) m.push({ name: 'redisMaxRetryInterval', value: goDuration(p.maxRetryInterval) });
    if (p.ttl) m.push({ name: 'ttlInSeconds', value: String(p.ttl.toSeconds()) });
    if (p.keyPrefix) m.push({ name: 'keyPrefix', value: p.keyPrefix.value });
    if (this.isActorStateStore) m.push({ name: 'actorStateStore', value: 'true' });
    return m;
  }

  protected validateSpecific(): string[] {
    const p = this.props;
    const errors: string[] = [];
    const what = `Redis state store '${this.componentName}'`;
    const profile = this.settings.profile;
    if (parseHostPorts(p.redisHost).length === 0) {
      errors.push(`${what}: redisHost '${p.redisHost}' is not 'host:port': use e.g. 'redis-master.data.svc.cluster.local:6379'.`);
    }
    if (isStrict(profile)) {
      if (p.enableTls === false) errors.push(`${what}: enableTls is false in a ${profile} environment: use the managed TLS endpoint.`);
      if (!p.redisPassword) errors.push(`${what}: no redisPassword in a ${profile} environment: pass a SecretRef to the password.`);
      if (p.insecureSkipTlsVerify) errors.push(`${what}: insecureSkipTlsVerify in a ${profile} environment: trust Redis' CA in daprd instead.`);
    }
    for (const [name, value] of [
      ['maxRetries', p.maxRetries],
      ['redisDb', p.redisDb],
    ] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 0)) errors.push(`${what}: ${name} ${value} is not a non-negative integer.`);
    }
    if (p.redisDb !== undefined && p.redisType === RedisType.CLUSTER) errors.push(`${what}: redisDb is set for a Redis Cluster, which has only database 0: remove it.`);
    if (p.ttl && p.ttl.toSeconds() < 1) errors.push(`${what}: ttl must be at least one second.`);
    if (this.isActorStateStore) errors.push(...this.actorStateStoreErrors(what));
    return errors;
  }
}

export { parseHostPorts };
