import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { goDuration } from '../model/go-duration';
import { SecretRef } from '../model/secret-ref';
import { ComponentEndpoint, DaprComponent, DaprComponentProps, IStateStore, MetadataEntry } from './dapr-component';
import { KeyPrefix, parseHostPorts } from './redis-state-store';

/** The `state.postgresql` component version (`spec.version`); each has its own table layout. */
export enum PostgresComponentVersion {
  /** v1: one table (`tableName`), supports the state query API. */
  V1 = 'v1',
  /** v2: a table per app (`tablePrefix`), faster, no query API; cannot read v1 tables. */
  V2 = 'v2',
}

/** How the component runs queries (`queryExecMode`), for proxies such as PgBouncer in transaction mode. */
export enum PostgresQueryExecMode {
  /** Prepare and cache statements (pgx's default). */
  CACHE_STATEMENT = 'cache_statement',
  /** Cache statement descriptions only. */
  CACHE_DESCRIBE = 'cache_describe',
  /** Describe, then execute, every time. */
  DESCRIBE_EXEC = 'describe_exec',
  /** Extended protocol without preparing. */
  EXEC = 'exec',
  /** Simple protocol (works behind PgBouncer in transaction mode). */
  SIMPLE_PROTOCOL = 'simple_protocol',
}

/** Props of {@link PostgresStateStore}. */
export interface PostgresStateStoreProps extends DaprComponentProps {
  /** The connection string (`connectionString`), by reference only: it holds the password. Use `sslmode=verify-full` in staging and prod. */
  readonly connectionString: SecretRef;
  /**
   * `host:port` of the server the connection string names, for the callers' NetworkPolicy egress
   * (the connection string is a secret, so it is not read at synth).
   */
  readonly endpoint: string;
  /**
   * The component version.
   * @default PostgresComponentVersion.V2
   */
  readonly componentVersion?: PostgresComponentVersion;
  /**
   * Table of the state (`tableName`); v1 only.
   * @default - the component's default, `state`
   */
  readonly tableName?: string;
  /**
   * Prefix of the per-app tables (`tablePrefix`), optionally a schema (`public.`); v2 only.
   * @default - no prefix
   */
  readonly tablePrefix?: string;
  /**
   * Table of the component's own metadata (`metadataTableName`).
   * @default - the component's default, `dapr_metadata`
   */
  readonly metadataTableName?: string;
  /**
   * Timeout of every database operation (`timeout`).
   * @default - the component's default, 20s
   */
  readonly timeout?: Duration;
  /**
   * Interval of the cleanup of expired rows (`cleanupInterval`).
   * @default - the component's default, 1h
   */
  readonly cleanupInterval?: Duration;
  /**
   * Idle time after which pooled connections close (`connectionMaxIdleTime`).
   * @default - the driver's default
   */
  readonly connectionMaxIdleTime?: Duration;
  /**
   * Size of the connection pool (`maxConns`).
   * @default - the component's default, the greater of 4 and the number of CPUs
   */
  readonly maxConns?: number;
  /**
   * Query execution mode (`queryExecMode`).
   * @default - the component's default, PostgresQueryExecMode.CACHE_STATEMENT
   */
  readonly queryExecMode?: PostgresQueryExecMode;
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
}

/**
 * A `state.postgresql` component (v1 or v2, as the pinned Dapr version's specs describe them):
 * state and actor state in PostgreSQL, the connection string by reference.
 */
export class PostgresStateStore extends DaprComponent implements IStateStore {
  public readonly componentType = 'state.postgresql';
  public readonly isActorStateStore: boolean;
  protected readonly componentVersion: string;
  private readonly props: PostgresStateStoreProps;

  public constructor(scope: Construct, id: string, props: PostgresStateStoreProps) {
    super(scope, id, props);
    this.props = props;
    this.componentVersion = props.componentVersion ?? PostgresComponentVersion.V2;
    this.isActorStateStore = props.actorStateStore ?? false;
    this.applyInitialScopes();
  }

  public get endpoints(): ComponentEndpoint[] {
    return parseHostPorts(this.props.endpoint).slice(0, 1);
  }

  protected renderMetadata(): MetadataEntry[] {
    const p = this.props;
    const m: MetadataEntry[] = [{ name: 'connectionString', secretRef: p.connectionString }];
    // A setting of the other version is reported by validateSpecific (with the fix), not rendered.
    const v1 = this.componentVersion === PostgresComponentVersion.V1;
    if (p.tableName !== undefined && v1) m.push({ name: 'tableName', value: p.tableName });
    if (p.tablePrefix !== undefined && !v1) m.push({ name: 'tablePrefix', value: p.tablePrefix });
    if (p.metadataTableName !== undefined) m.push({ name: 'metadataTableName', value: p.metadataTableName });
    if (p.timeout) m.push({ name: 'timeout', value: goDuration(p.timeout) });
    if (p.cleanupInterval) m.push({ name: 'cleanupInterval', value: goDuration(p.cleanupInterval) });
    if (p.connectionMaxIdleTime) m.push({ name: 'connectionMaxIdleTime', value: goDuration(p.connectionMaxIdleTime) });
    if (p.maxConns !== undefined) m.push({ name: 'maxConns', value: String(p.maxConns) });
    if (p.queryExecMode) m.push({ name: 'queryExecMode', value: p.queryExecMode });
    if (p.keyPrefix) m.push({ name: 'keyPrefix', value: p.keyPrefix.value });
    if (this.isActorStateStore) m.push({ name: 'actorStateStore', value: 'true' });
    return m;
  }

  protected validateSpecific(): string[] {
    const p = this.props;
    const errors: string[] = [];
    const what = `PostgreSQL state store '${this.componentName}'`;
    const v = this.componentVersion;
    if (parseHostPorts(p.endpoint).length !== 1) {
      errors.push(`${what}: endpoint '${p.endpoint}' is not one 'host:port': give the server of the connection string, e.g. 'orders-db.example.com:5432'.`);
    }
    if (p.tableName !== undefined && v !== PostgresComponentVersion.V1) {
      errors.push(`${what}: tableName is a v1 setting, and this store is ${v}: use tablePrefix (v2 keeps a table per app), or componentVersion V1.`);
    }
    if (p.tablePrefix !== undefined && v !== PostgresComponentVersion.V2) {
      errors.push(`${what}: tablePrefix is a v2 setting, and this store is ${v}: use tableName, or componentVersion V2.`);
    }
    if (p.maxConns !== undefined && (!Number.isInteger(p.maxConns) || p.maxConns < 1)) errors.push(`${what}: maxConns ${p.maxConns} is not a positive integer.`);
    if (p.timeout && p.timeout.toMilliseconds() < 1000) errors.push(`${what}: timeout ${goDuration(p.timeout)} is under one second: every query would fail under load; use at least 1s.`);
    if (this.isActorStateStore) errors.push(...this.actorStateStoreErrors(what));
    return errors;
  }
}
