import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Configuration } from '../../imports/dapr.io';
import { IDaprApp } from '../model/dapr-app';
import { MtlsPolicy } from '../model/mtls-policy';
import { checkReferencedAppId, derivedFromInvalidAppId, checkObjectName } from '../model/names';
import { EnvironmentProfile, isStrict } from '../model/profile';
import { SecretRef } from '../model/secret-ref';
import { DaprChart } from './dapr-chart';

/** OTLP transport (`tracing.otel.protocol`); daprd accepts nothing else. */
export enum OtelProtocol {
  /** OTLP over gRPC. */
  GRPC = 'grpc',
  /** OTLP over HTTP. */
  HTTP = 'http',
}

/** Allow or deny (`accessControl.defaultAction`, operation `action`). */
export enum AccessAction {
  /** Allow. */
  ALLOW = 'allow',
  /** Deny. */
  DENY = 'deny',
}

/** HTTP verbs of an access-control operation (`httpVerb`). */
export enum HttpVerb {
  /** GET. */
  GET = 'GET',
  /** POST. */
  POST = 'POST',
  /** PUT. */
  PUT = 'PUT',
  /** PATCH. */
  PATCH = 'PATCH',
  /** DELETE. */
  DELETE = 'DELETE',
  /** HEAD. */
  HEAD = 'HEAD',
  /** OPTIONS. */
  OPTIONS = 'OPTIONS',
  /** Any verb (also the only one gRPC invocations match). */
  ANY = '*',
}

/** Distributed tracing to an OpenTelemetry collector. */
export interface TracingOptions {
  /** The collector's `host:port` (no scheme), e.g. `otel-collector.observability:4317`. */
  readonly endpointAddress: string;
  /** Fraction of requests traced, in (0, 1]; written as the string the CRD types it as. */
  readonly samplingRate: number;
  /**
   * OTLP transport.
   * @default OtelProtocol.GRPC
   */
  readonly protocol?: OtelProtocol;
  /**
   * TLS to the collector (`otel.isSecure`). daprd 1.18.3 has no CA field for the exporter: it
   * verifies the collector with the roots of its image, or with `collectorCa`. Plaintext
   * (`false`) needs `plaintextReason` in staging and prod.
   * @default true
   */
  readonly isSecure?: boolean;
  /**
   * The CA that signed the collector's certificate, as a key of a Kubernetes Secret in the app's
   * namespace (e.g. the `ca.crt` of a cert-manager certificate Secret). A DaprWorkload mounts it
   * into daprd only and points the OTLP exporter at it (`OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE`,
   * which the exporter daprd 1.18.3 builds reads).
   * @default - the roots of the daprd image
   */
  readonly collectorCa?: SecretRef;
  /**
   * Why traces go to the collector unencrypted, when `isSecure` is false: the explicit opt-out
   * staging and prod require.
   * @default - none: plaintext is refused in staging and prod
   */
  readonly plaintextReason?: string;
}

/** One allowed operation of a caller on the callee. */
export interface InvocationOperation {
  /** The method path, e.g. `/reserve`; `*` and `**` wildcards as Dapr supports them. */
  readonly path: string;
  /** The verbs allowed on it. */
  readonly verbs: HttpVerb[];
}

/** A Dapr feature flag (`spec.features`). */
export interface FeatureFlag {
  /** The flag, e.g. `HotReload`. */
  readonly name: string;
  /** On or off. */
  readonly enabled: boolean;
}

/** Props of {@link MtlsConfiguration}. */
export interface MtlsConfigurationProps {
  /** The Configuration's `metadata.name` (what `dapr.io/config` names). */
  readonly name: string;
  /**
   * Namespace.
   * @default - the enclosing chart's namespace
   */
  readonly namespace?: string;
  /**
   * The environment's mTLS policy; access-control trust domains come from it.
   * @default - the enclosing DaprChart's policy
   */
  readonly mtls?: MtlsPolicy;
  /**
   * Tracing.
   * @default - no tracing
   */
  readonly tracing?: TracingOptions;
  /**
   * Sidecar metrics (`spec.metrics.enabled`).
   * @default true
   */
  readonly metricsEnabled?: boolean;
  /**
   * API logging (`spec.logging.apiLogging.enabled`), health checks omitted.
   * @default false
   */
  readonly apiLogging?: boolean;
  /**
   * What happens to a call no policy allows. Must be DENY in staging and prod.
   * @default AccessAction.DENY
   */
  readonly defaultAction?: AccessAction;
  /**
   * Feature flags.
   * @default - none (the version's defaults; hot reload is on by default from 1.18)
   */
  readonly features?: FeatureFlag[];
}

interface CallerPolicy {
  readonly caller: IDaprApp;
  readonly operations: Map<string, Set<HttpVerb>>;
}

/**
 * An app Configuration that follows the environment's mTLS policy: tracing, metrics, and
 * access control that denies by default and allows exactly the declared callers and operations.
 * The sidecar's mTLS switch itself lives in the control plane's `daprsystem` Configuration
 * (Helm `global.mtls.*`), which reads the same {@link MtlsPolicy}; this one never carries `spec.mtls`.
 */
export class MtlsConfiguration extends Construct {
  /** The Configuration's `metadata.name` (what `dapr.io/config` names). */
  public readonly configurationName: string;
  /** The Configuration's namespace. */
  public readonly namespace: string;
  /** The mTLS policy its access-control trust domains come from. */
  public readonly mtls: MtlsPolicy;
  /** What happens to a call no policy allows. */
  public readonly defaultAction: AccessAction;
  private readonly callers = new Map<string, CallerPolicy>();

  public constructor(scope: Construct, id: string, props: MtlsConfigurationProps) {
    super(scope, id);
    this.configurationName = props.name;
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? '';
    this.mtls = props.mtls ?? DaprChart.settingsOf(this).mtls;
    this.defaultAction = props.defaultAction ?? AccessAction.DENY;
    const t = props.tracing;

    new Configuration(this, 'Resource', {
      metadata: { name: props.name, namespace: this.namespace },
      spec: {
        accessControl: Lazy.any({
          produce: () => ({
            defaultAction: this.defaultAction,
            trustDomain: this.mtls.trustDomain,
            policies: this.renderPolicies(),
          }),
        }),
        tracing: t
          ? {
              samplingRate: String(t.samplingRate),
              otel: { endpointAddress: t.endpointAddress, isSecure: t.isSecure ?? true, protocol: t.protocol ?? OtelProtocol.GRPC },
            }
          : undefined,
        metrics: { enabled: props.metricsEnabled ?? true },
        logging: { apiLogging: { enabled: props.apiLogging ?? false, omitHealthChecks: true } },
        features: props.features?.length ? props.features.map((f) => ({ name: f.name, enabled: f.enabled })) : undefined,
      },
    });
    this.node.addValidation({ validate: () => this.validate(props) });
  }

  /** Allows a caller to invoke the given operations; everything else from it stays denied. */
  public allowInvocation(caller: IDaprApp, operations: InvocationOperation[]): void {
    const key = `${caller.namespace}/${caller.appId}`;
    const policy = this.callers.get(key) ?? { caller, operations: new Map<string, Set<HttpVerb>>() };
    this.callers.set(key, policy);
    for (const op of operations) {
      const verbs = policy.operations.get(op.path) ?? new Set<HttpVerb>();
      op.verbs.forEach((v) => verbs.add(v));
      policy.operations.set(op.path, verbs);
    }
  }

  /** The callers allowed in, as `namespace/app-id`, sorted. */
  public get allowedCallers(): IDaprApp[] {
    return [...this.callers.keys()].sort().map((k) => this.callers.get(k)!.caller);
  }

  private renderPolicies() {
    const keys = [...this.callers.keys()].sort();
    if (keys.length === 0) return undefined;
    return keys.map((k) => {
      const p = this.callers.get(k)!;
      return {
        appId: p.caller.appId,
        namespace: p.caller.namespace,
        trustDomain: this.mtls.trustDomain,
        defaultAction: AccessAction.DENY,
        operations: [...p.operations.keys()].sort().map((path) => ({
          name: path,
          httpVerb: [...p.operations.get(path)!].sort(),
          action: AccessAction.ALLOW,
        })),
      };
    });
  }

  private validate(props: MtlsConfigurationProps): string[] {
    const errors: string[] = [];
    const what = `Configuration '${props.name}'`;
    const profile = DaprChart.settingsOf(this).profile;
    const nameError = checkObjectName('configuration name', props.name);
    // Named after the app-id of the workload it belongs to: that workload reports the app-id.
    if (nameError && !derivedFromInvalidAppId(this.node.scope)) errors.push(nameError);
    if (!this.namespace) errors.push(`${what} has no namespace: pass 'namespace' or create it inside a chart that sets one.`);
    if (this.defaultAction === AccessAction.ALLOW && isStrict(profile)) {
      errors.push(`${what}: access control defaults to allow in a ${profile} environment: use AccessAction.DENY and allow callers with allowInvocation.`);
    }
    const t = props.tracing;
    if (t) {
      if (!(t.samplingRate > 0 && t.samplingRate <= 1)) errors.push(`${what}: tracing samplingRate ${t.samplingRate} is outside (0, 1]: use e.g. 0.1 for 10%.`);
      if (/:\/\//.test(t.endpointAddress) || !/^[A-Za-z0-9.-]+:\d+$/.test(t.endpointAddress)) {
        errors.push(`${what}: tracing endpointAddress '${t.endpointAddress}' must be 'host:port' without a scheme, e.g. 'otel-collector.observability:4317'.`);
      }
      errors.push(...tracingTlsErrors(what, t, profile));
    }
    for (const { caller, operations } of this.callers.values()) {
      const idError = checkReferencedAppId(caller);
      if (idError) errors.push(`access-control policy: ${idError}`);
      if (operations.size === 0) errors.push(`${what}: caller '${caller.appId}' is allowed no operations: list the paths and verbs it calls.`);
      for (const [path, verbs] of operations) {
        if (!path.startsWith('/')) errors.push(`${what}: operation '${path}' for caller '${caller.appId}' must start with '/': use '/${path}'.`);
        if (verbs.size === 0) errors.push(`${what}: operation '${path}' for caller '${caller.appId}' has no verbs: list them (HttpVerb.POST, ...).`);
      }
    }
    return errors;
  }
}

/** TLS to the collector: plaintext only with a stated reason in strict profiles; a CA only with TLS, from a Kubernetes Secret. */
export function tracingTlsErrors(what: string, t: TracingOptions, profile: EnvironmentProfile): string[] {
  const errors: string[] = [];
  const secure = t.isSecure ?? true;
  if (!secure && isStrict(profile) && !t.plaintextReason?.trim()) {
    errors.push(
      `${what}: tracing isSecure is false in a ${profile} environment, so spans (with URLs, app-ids and headers) cross the network in plaintext: ` +
        `set isSecure: true with the collector's CA (collectorCa), or state why in plaintextReason.`,
    );
  }
  if (secure && t.plaintextReason !== undefined) errors.push(`${what}: tracing plaintextReason is given but isSecure is true: drop plaintextReason.`);
  if (t.collectorCa && !secure) errors.push(`${what}: tracing collectorCa is given but isSecure is false, so daprd never uses it: set isSecure: true or drop collectorCa.`);
  if (t.collectorCa && t.collectorCa.store !== undefined) {
    errors.push(`${what}: tracing collectorCa '${t.collectorCa}' is in a Dapr secret store; daprd reads the CA from a file, which only a Kubernetes Secret can provide: use SecretRef.fromKubernetesSecret('<name>', 'ca.crt').`);
  }
  return errors;
}
