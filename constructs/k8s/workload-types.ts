import type { IDaprApp } from '../model/dapr-app';
import type { DaprWorkload } from './dapr-workload';
import type { IPubSub } from './dapr-component';
import type { FeatureFlag, InvocationOperation, TracingOptions } from './mtls-configuration';
import type { BulkSubscribeOptions, SubscriptionRule } from './subscription';

/** How the app talks to its sidecar (`dapr.io/app-protocol`). */
export enum AppProtocol {
  /** HTTP/1.1. */
  HTTP = 'http',
  /** gRPC (HTTP/2 with TLS off). */
  GRPC = 'grpc',
  /** HTTP/1.1 over TLS. */
  HTTPS = 'https',
  /** gRPC over TLS. */
  GRPCS = 'grpcs',
  /** HTTP/2 without TLS (cleartext). */
  H2C = 'h2c',
}

/** daprd log level (`dapr.io/log-level`). */
export enum LogLevel {
  /** Debug. */
  DEBUG = 'debug',
  /** Info (Dapr's default). */
  INFO = 'info',
  /** Warnings and worse. */
  WARN = 'warn',
  /** Errors only. */
  ERROR = 'error',
}

/** What the workload is, which sets grace periods, sidecar size and what it needs in scope. */
export enum WorkloadRole {
  /** An ordinary service. */
  SERVICE = 'service',
  /** Hosts actors: exactly one actor state store in scope, longer grace period, bigger sidecar. */
  ACTOR_HOST = 'actor-host',
  /** Hosts workflows (which run on actors): as ACTOR_HOST, plus bounded concurrency. */
  WORKFLOW_HOST = 'workflow-host',
}

/** Settings every workload of an environment shares (the app Configuration's non-graph part). */
export interface WorkloadConfigurationDefaults {
  /**
   * Tracing for the workload's Configuration.
   * @default - no tracing
   */
  readonly tracing?: TracingOptions;
  /**
   * Sidecar metrics.
   * @default true
   */
  readonly metricsEnabled?: boolean;
  /**
   * Feature flags.
   * @default - none
   */
  readonly features?: FeatureFlag[];
}

/** Options of {@link DaprWorkload.subscribe}. */
export interface SubscribeOptions {
  /** The app path that receives the events. */
  readonly route: string;
  /**
   * Routing rules tried before the route.
   * @default - none
   */
  readonly rules?: SubscriptionRule[];
  /**
   * Dead-letter topic; the subscriber's sidecar may publish to it.
   * @default - none
   */
  readonly deadLetterTopic?: string;
  /**
   * Bulk delivery.
   * @default - one event per delivery
   */
  readonly bulkSubscribe?: BulkSubscribeOptions;
  /**
   * The Subscription's name.
   * @default '<app-id>-<topic>' with dots replaced by dashes
   */
  readonly name?: string;
}

/** Options of an invocation edge ({@link DaprWorkload.invokes}, `invokesApp`, `allowsInvocationFrom`). */
export interface InvocationOptions {
  /**
   * The edge crosses namespaces, on purpose: the callee is in another namespace than the caller
   * (callers then use the app-id `<app-id>.<namespace>`). Without it such an edge is refused.
   * @default false
   */
  readonly crossNamespace?: boolean;
}

/** One invocation edge. */
export interface InvocationEdge {
  /** The calling workload. */
  readonly caller: DaprWorkload;
  /** The workload invoked. */
  readonly callee: DaprWorkload;
  /** The operations the caller may invoke. */
  readonly operations: InvocationOperation[];
}

/** One invocation edge to or from an app declared elsewhere (see {@link DaprWorkload.invokesApp}, {@link DaprWorkload.allowsInvocationFrom}). */
export interface ExternalInvocationEdge {
  /** The workload of this app on the edge (the caller for `invokesApp`, the callee for `allowsInvocationFrom`). */
  readonly workload: DaprWorkload;
  /** The app declared elsewhere. */
  readonly app: IDaprApp;
  /** The operations invoked. */
  readonly operations: InvocationOperation[];
  /** True if the edge was declared as crossing namespaces. */
  readonly crossNamespace: boolean;
}

/** One topic edge. */
export interface TopicEdge {
  /** The publishing workload. */
  readonly app: DaprWorkload;
  /** The pub/sub the topic lives in. */
  readonly pubsub: IPubSub;
  /** The topic. */
  readonly topic: string;
}

/** The app container's name. */
export const APP_CONTAINER = 'app';
/** daprd's internal gRPC port: sidecar to sidecar (service invocation, actor calls between replicas). */
export const DAPR_INTERNAL_GRPC_PORT = 50002;
/** The environment variable Dapr SDKs read the API token from. */
export const DAPR_API_TOKEN_ENV = 'DAPR_API_TOKEN';
/** The environment variable daprd reads the app token from, and the app verifies incoming calls with (Dapr's `APP_API_TOKEN`). */
export const APP_API_TOKEN_ENV = 'APP_API_TOKEN';
