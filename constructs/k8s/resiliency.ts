import { Chart, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Resiliency as ResiliencyResource } from '../../imports/dapr.io';
import { IDaprApp } from '../model/dapr-app';
import { goDuration } from '../model/go-duration';
import { checkReferencedAppId, checkObjectName } from '../model/names';
import { IDaprComponent } from './dapr-component';

/** Backoff of a retry policy. */
export enum RetryBackoff {
  /** The same wait every time (`duration`). */
  CONSTANT = 'constant',
  /** Growing waits up to `maxInterval`. */
  EXPONENTIAL = 'exponential',
}

/** Options of a retry policy. */
export interface RetryOptions {
  /** Backoff kind. */
  readonly backoff: RetryBackoff;
  /** Most retries; -1 retries forever (refused: it hides outages). */
  readonly maxRetries: number;
  /**
   * Wait between retries (constant backoff).
   * @default Duration.seconds(5) for constant backoff
   */
  readonly duration?: Duration;
  /**
   * Longest wait (exponential backoff).
   * @default Duration.seconds(60)
   */
  readonly maxInterval?: Duration;
  /**
   * HTTP status codes that are retried, e.g. `500-599,429`.
   * @default - every error is retried
   */
  readonly httpStatusCodes?: string;
  /**
   * gRPC status codes that are retried, e.g. `1-4,8-11,13,14`.
   * @default - every error is retried
   */
  readonly grpcStatusCodes?: string;
}

/** Options of a circuit breaker. */
export interface CircuitBreakerOptions {
  /** When it opens: an expression such as `consecutiveFailures >= 5`. */
  readonly trip: string;
  /** How long it stays open before it lets a probe through. */
  readonly timeout: Duration;
  /**
   * Requests let through while half-open.
   * @default 1
   */
  readonly maxRequests?: number;
  /**
   * Window after which the failure counts reset while closed.
   * @default - never (counts reset on state change)
   */
  readonly interval?: Duration;
}

/** A named policy of a {@link Resiliency}; obtained from its add* methods. */
export class ResiliencyPolicy {
  /** @internal */
  public constructor(
    /** The policy name under `spec.policies.*`. */
    public readonly name: string,
    /** `timeouts`, `retries` or `circuitBreakers`. */
    public readonly kind: string,
    /** The Resiliency that owns it. */
    public readonly owner: Resiliency,
  ) {}
}

/** Which policies apply to a target. */
export interface TargetPolicies {
  /**
   * Timeout policy.
   * @default - none
   */
  readonly timeout?: ResiliencyPolicy;
  /**
   * Retry policy.
   * @default - none
   */
  readonly retry?: ResiliencyPolicy;
  /**
   * Circuit breaker.
   * @default - none
   */
  readonly circuitBreaker?: ResiliencyPolicy;
}

/** The policies of a component target ({@link Resiliency.targetComponent}): each direction is optional. */
export interface ComponentTargetPolicies {
  /**
   * Policies for calls from the app into the component (publish, state operations).
   * @default - none
   */
  readonly outbound?: TargetPolicies;
  /**
   * Policies for deliveries from the component to the app (subscriptions).
   * @default - none
   */
  readonly inbound?: TargetPolicies;
}

/** Props of {@link Resiliency}. */
export interface ResiliencyProps {
  /** The Resiliency's `metadata.name`. */
  readonly name: string;
  /**
   * Namespace.
   * @default - the enclosing chart's namespace
   */
  readonly namespace?: string;
  /**
   * The apps whose sidecars apply it (`scopes`).
   * @default - none yet; add with addScope; synth fails if there are none
   */
  readonly scopes?: IDaprApp[];
}

/**
 * A `dapr.io/v1alpha1` Resiliency: named timeouts, retries and circuit breakers, applied to
 * invocation targets (apps) and components (outbound/inbound), scoped to the apps that use it.
 */
export class Resiliency extends Construct {
  /** The Resiliency's `metadata.name`. */
  public readonly resiliencyName: string;
  /** The Resiliency's namespace. */
  public readonly namespace: string;
  private readonly timeouts = new Map<string, Duration>();
  private readonly retries = new Map<string, RetryOptions>();
  private readonly breakers = new Map<string, CircuitBreakerOptions>();
  private readonly apps = new Map<string, { app: IDaprApp; policies: TargetPolicies }>();
  private readonly components = new Map<string, { component: IDaprComponent; outbound?: TargetPolicies; inbound?: TargetPolicies }>();
  private readonly scopeSet = new Map<string, IDaprApp>();
  private readonly errors: string[] = [];

  public constructor(scope: Construct, id: string, props: ResiliencyProps) {
    super(scope, id);
    this.resiliencyName = props.name;
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? '';
    (props.scopes ?? []).forEach((a) => this.addScope(a));
    new ResiliencyResource(this, 'Resource', {
      metadata: { name: props.name, namespace: this.namespace },
      scopes: Lazy.any({ produce: () => [...this.scopeSet.keys()].sort() }),
      spec: {
        policies: Lazy.any({ produce: () => this.renderPolicies() }),
        targets: Lazy.any({ produce: () => this.renderTargets() }),
      },
    });
    this.node.addValidation({ validate: () => this.validate() });
  }

  /** Adds an app whose sidecar applies this Resiliency. */
  public addScope(app: IDaprApp): void {
    this.scopeSet.set(app.appId, app);
  }

  /** Declares a timeout policy. */
  public addTimeout(name: string, timeout: Duration): ResiliencyPolicy {
    this.checkNewName(name);
    this.timeouts.set(name, timeout);
    return new ResiliencyPolicy(name, 'timeouts', this);
  }

  /** Declares a retry policy. */
  public addRetry(name: string, options: RetryOptions): ResiliencyPolicy {
    this.checkNewName(name);
    this.retries.set(name, options);
    return new ResiliencyPolicy(name, 'retries', this);
  }

  /** Declares a circuit breaker. */
  public addCircuitBreaker(name: string, options: CircuitBreakerOptions): ResiliencyPolicy {
    this.checkNewName(name);
    this.breakers.set(name, options);
    return new ResiliencyPolicy(name, 'circuitBreakers', this);
  }

  /** Applies policies to service invocation of an app (`targets.apps.<app-id>`). */
  public targetApp(app: IDaprApp, policies: TargetPolicies): void {
    this.checkPolicies(`app '${app.appId}'`, policies);
    this.apps.set(app.appId, { app, policies });
  }

  /**
   * Applies policies to a component (`targets.components.<name>`): outbound for calls into it
   * (publish, state), inbound for deliveries from it (subscriptions).
   */
  public targetComponent(component: IDaprComponent, policies: ComponentTargetPolicies): void {
    const { outbound, inbound } = policies;
    if (outbound) this.checkPolicies(`component '${component.componentName}' outbound`, outbound);
    if (inbound) this.checkPolicies(`component '${component.componentName}' inbound`, inbound);
    this.components.set(component.componentName, { component, outbound, inbound });
  }

  private checkNewName(name: string): void {
    if (this.timeouts.has(name) || this.retries.has(name) || this.breakers.has(name)) {
      this.errors.push(`policy name '${name}' is declared twice: give each policy its own name.`);
    }
  }

  private checkPolicies(target: string, p: TargetPolicies): void {
    const expect: [ResiliencyPolicy | undefined, string][] = [
      [p.timeout, 'timeouts'],
      [p.retry, 'retries'],
      [p.circuitBreaker, 'circuitBreakers'],
    ];
    for (const [policy, kind] of expect) {
      if (!policy) continue;
      if (policy.owner !== this) this.errors.push(`${target}: policy '${policy.name}' belongs to Resiliency '${policy.owner.resiliencyName}': declare it on this one.`);
      if (policy.kind !== kind) this.errors.push(`${target}: policy '${policy.name}' is a ${policy.kind} policy, given where ${kind} is expected.`);
    }
  }

  private renderPolicies() {
    const sorted = <T>(m: Map<string, T>) => [...m.keys()].sort().map((k) => [k, m.get(k)!] as const);
    const out: Record<string, unknown> = {};
    if (this.timeouts.size) out.timeouts = Object.fromEntries(sorted(this.timeouts).map(([k, d]) => [k, goDuration(d)]));
    if (this.retries.size) {
      out.retries = Object.fromEntries(
        sorted(this.retries).map(([k, r]) => [
          k,
          {
            policy: r.backoff,
            duration: r.backoff === RetryBackoff.CONSTANT ? goDuration(r.duration ?? Duration.seconds(5)) : undefined,
            maxInterval: r.backoff === RetryBackoff.EXPONENTIAL ? goDuration(r.maxInterval ?? Duration.seconds(60)) : undefined,
            maxRetries: r.maxRetries,
            matching:
              r.httpStatusCodes || r.grpcStatusCodes ? { httpStatusCodes: r.httpStatusCodes, gRPCStatusCodes: r.grpcStatusCodes } : undefined,
          },
        ]),
      );
    }
    if (this.breakers.size) {
      out.circuitBreakers = Object.fromEntries(
        sorted(this.breakers).map(([k, b]) => [
          k,
          { maxRequests: b.maxRequests ?? 1, interval: b.interval ? goDuration(b.interval) : undefined, timeout: goDuration(b.timeout), trip: b.trip },
        ]),
      );
    }
    return out;
  }

  private renderTargets() {
    const names = (p?: TargetPolicies) =>
      p ? { timeout: p.timeout?.name, retry: p.retry?.name, circuitBreaker: p.circuitBreaker?.name } : undefined;
    const out: Record<string, unknown> = {};
    if (this.apps.size) out.apps = Object.fromEntries([...this.apps.keys()].sort().map((k) => [k, names(this.apps.get(k)!.policies)]));
    if (this.components.size) {
      out.components = Object.fromEntries(
        [...this.components.keys()].sort().map((k) => {
          const c = this.components.get(k)!;
          return [k, { outbound: names(c.outbound), inbound: names(c.inbound) }];
        }),
      );
    }
    return out;
  }

  private validate(): string[] {
    const errors = [...this.errors];
    const what = `Resiliency '${this.resiliencyName}'`;
    const nameError = checkObjectName('resiliency name', this.resiliencyName);
    if (nameError) errors.push(nameError);
    if (this.scopeSet.size === 0) errors.push(`${what} has no scopes, so every sidecar in '${this.namespace}' would apply it: addScope the apps it is for.`);
    for (const app of this.scopeSet.values()) {
      const idError = checkReferencedAppId(app);
      if (idError) errors.push(idError);
    }
    if (this.apps.size + this.components.size === 0) errors.push(`${what} targets nothing: call targetApp or targetComponent.`);
    for (const c of this.components.values()) {
      if (c.component.namespace !== this.namespace) {
        errors.push(`${what} targets component '${c.component.componentName}' of namespace '${c.component.namespace}': only components of '${this.namespace}' are visible.`);
      }
    }
    for (const [name, r] of this.retries) {
      if (!Number.isInteger(r.maxRetries) || r.maxRetries < 0) {
        errors.push(`${what}: retry '${name}' maxRetries ${r.maxRetries} is not a non-negative integer (-1, retry forever, hides outages): use e.g. 3.`);
      }
      if (r.backoff === RetryBackoff.CONSTANT && r.maxInterval) errors.push(`${what}: retry '${name}' is constant but sets maxInterval: use 'duration'.`);
      if (r.backoff === RetryBackoff.EXPONENTIAL && r.duration) errors.push(`${what}: retry '${name}' is exponential but sets duration: use 'maxInterval'.`);
    }
    for (const [name, b] of this.breakers) {
      if (!/^(consecutiveFailures|requests|totalFailures)\s*(>=|>|==)\s*\d+$/.test(b.trip.trim())) {
        errors.push(`${what}: circuit breaker '${name}' trip '${b.trip}' is not an expression such as 'consecutiveFailures >= 5'.`);
      }
      if (b.maxRequests !== undefined && (!Number.isInteger(b.maxRequests) || b.maxRequests < 1)) {
        errors.push(`${what}: circuit breaker '${name}' maxRequests ${b.maxRequests} is not a positive integer.`);
      }
    }
    for (const [name, d] of this.timeouts) {
      if (d.toMilliseconds() <= 0) errors.push(`${what}: timeout '${name}' must be positive.`);
    }
    return errors;
  }
}
