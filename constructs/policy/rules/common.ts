import { EnvironmentProfile } from '../../model/profile';

/** Every profile. */
export const ALL_PROFILES: readonly EnvironmentProfile[] = [EnvironmentProfile.DEV, EnvironmentProfile.STAGING, EnvironmentProfile.PROD];
/** Staging and prod: the strict profiles. */
export const STRICT_PROFILES: readonly EnvironmentProfile[] = [EnvironmentProfile.STAGING, EnvironmentProfile.PROD];
/** Prod only. */
export const PROD_ONLY: readonly EnvironmentProfile[] = [EnvironmentProfile.PROD];

/** `in namespace 'x'` for messages. */
export function inNamespace(namespace: string): string {
  return `in namespace '${namespace}'`;
}
