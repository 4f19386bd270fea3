import { EnvironmentProfile } from '../../model/profile';
import type { DaprComponentDoc } from '../document-index';
import { asString } from '../util';

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

/** True if a metadata value is the text `true` (any case, trimmed). */
export function isTrue(value: unknown): boolean {
  return asString(value)?.trim().toLowerCase() === 'true';
}

/** A Component metadata entry by name (case-insensitive): whether present, its plain value, whether it comes from a secret. */
export function metadataValue(c: DaprComponentDoc, name: string): { present: boolean; value?: string; fromSecret: boolean } {
  const lower = name.toLowerCase();
  const item = c.metadata.find((m) => m.name.toLowerCase() === lower);
  if (!item) return { present: false, fromSecret: false };
  return { present: true, value: asString(item.value), fromSecret: item.secretKeyRef !== undefined || item.envRef !== undefined };
}
