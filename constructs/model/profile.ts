/**
 * How strict an environment is. Dev is relaxed (self-signed Sentry CA, in-cluster brokers, no HA);
 * staging and prod are strict and share every production rule.
 */
export enum EnvironmentProfile {
  /** Relaxed: for a developer cluster. */
  DEV = 'dev',
  /** Strict: production rules on a pre-production cluster. */
  STAGING = 'staging',
  /** Strict: production. */
  PROD = 'prod',
}

/** True for the profiles that must follow every production rule (staging and prod). */
export function isStrict(profile: EnvironmentProfile): boolean {
  return profile !== EnvironmentProfile.DEV;
}
