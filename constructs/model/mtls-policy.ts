import { Duration } from 'cdk8s';
import { goDuration } from './go-duration';
import { EnvironmentProfile, isStrict } from './profile';

/** Props of {@link MtlsPolicy}. */
export interface MtlsPolicyProps {
  /**
   * Whether Sentry issues workload certificates and sidecars talk mTLS.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Lifetime of the workload certificates Sentry issues.
   * @default Duration.hours(24)
   */
  readonly workloadCertTtl?: Duration;
  /**
   * Clock skew tolerated when validating certificates.
   * @default Duration.minutes(15)
   */
  readonly allowedClockSkew?: Duration;
  /**
   * Trust domain of the control plane (Sentry's `--trust-domain`, Helm `global.mtls.controlPlaneTrustDomain`).
   * @default 'cluster.local'
   */
  readonly controlPlaneTrustDomain?: string;
  /**
   * Trust domain of the apps (their SPIFFE IDs and `accessControl.trustDomain`).
   * @default - the control plane's trust domain, so the two always agree
   */
  readonly trustDomain?: string;
  /**
   * Namespace of the Dapr control plane.
   * @default 'dapr-system'
   */
  readonly controlPlaneNamespace?: string;
  /**
   * Cluster DNS domain.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

const TRUST_DOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * The one mTLS policy of an environment. The control plane's Helm values (`global.mtls.*`) and
 * every app Configuration and access-control policy read this object, so they cannot disagree.
 * Plain data: no construct scope.
 */
export class MtlsPolicy {
  /** Whether Sentry issues workload certificates and sidecars talk mTLS. */
  public readonly enabled: boolean;
  /** Lifetime of the workload certificates Sentry issues. */
  public readonly workloadCertTtl: Duration;
  /** Clock skew tolerated when validating certificates. */
  public readonly allowedClockSkew: Duration;
  /** Trust domain of the control plane. */
  public readonly controlPlaneTrustDomain: string;
  /** Trust domain of the apps. */
  public readonly trustDomain: string;
  /** Namespace of the Dapr control plane. */
  public readonly controlPlaneNamespace: string;
  /** Cluster DNS domain. */
  public readonly clusterDomain: string;

  public constructor(props: MtlsPolicyProps = {}) {
    this.enabled = props.enabled ?? true;
    this.workloadCertTtl = props.workloadCertTtl ?? Duration.hours(24);
    this.allowedClockSkew = props.allowedClockSkew ?? Duration.minutes(15);
    this.controlPlaneTrustDomain = props.controlPlaneTrustDomain ?? 'cluster.local';
    this.trustDomain = props.trustDomain ?? this.controlPlaneTrustDomain;
    this.controlPlaneNamespace = props.controlPlaneNamespace ?? 'dapr-system';
    this.clusterDomain = props.clusterDomain ?? 'cluster.local';
  }

  /** `workloadCertTTL` as Dapr reads it, e.g. `24h`. */
  public get workloadCertTtlString(): string {
    return goDuration(this.workloadCertTtl);
  }

  /** `allowedClockSkew` as Dapr reads it, e.g. `15m`. */
  public get allowedClockSkewString(): string {
    return goDuration(this.allowedClockSkew);
  }

  /** Sentry's address as sidecars reach it. */
  public get sentryAddress(): string {
    return `dapr-sentry.${this.controlPlaneNamespace}.svc.${this.clusterDomain}:443`;
  }

  /** Problems with this policy for a profile, as messages naming the value and the fix. */
  public validate(profile: EnvironmentProfile): string[] {
    const errors: string[] = [];
    if (!this.enabled && isStrict(profile)) {
      errors.push(`mTLS is disabled in a ${profile} environment: set 'enabled: true' (only dev may run without mTLS).`);
    }
    const ttl = this.workloadCertTtl.toSeconds();
    if (ttl < 3600 || ttl > 7 * 24 * 3600) {
      errors.push(`workloadCertTtl ${this.workloadCertTtlString} is outside 1h..168h: use e.g. Duration.hours(24).`);
    }
    if (this.allowedClockSkew.toSeconds() * 2 >= ttl) {
      errors.push(
        `allowedClockSkew ${this.allowedClockSkewString} is not below half the workload certificate TTL ${this.workloadCertTtlString}: use e.g. Duration.minutes(15).`,
      );
    }
    for (const [what, value] of [
      ['controlPlaneTrustDomain', this.controlPlaneTrustDomain],
      ['trustDomain', this.trustDomain],
    ] as const) {
      if (!TRUST_DOMAIN.test(value)) {
        errors.push(`${what} '${value}' is not a valid SPIFFE trust domain (lowercase letters, digits, '-' and '.'): use e.g. 'cluster.local'.`);
      }
    }
    return errors;
  }
}
