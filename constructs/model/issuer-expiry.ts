/**
 * The Sentry issuer's expiry, known to synth from a committed record (stacks/sentry-issuers.json):
 * after `cdktf deploy`, `node scripts/record-issuer.js --env <env>` writes the Terraform output
 * `sentry_issuer_not_after` and the issuer generation into it, and the change is reviewed and
 * committed. Synth then warns, deterministically for a given date, when the issuer expires within the
 * environment's threshold or the record is for an older generation than the stack declares.
 */
import { EnvironmentProfile, isStrict } from './profile';

/** One environment's record. */
export interface IssuerRecord {
  /** The issuer generation (`issuerRotation`) the record was taken after. */
  readonly rotation: number;
  /** RFC 3339 expiry of the issuer (Terraform output `sentry_issuer_not_after`). */
  readonly notAfter: string;
}

/** Days before expiry synth starts warning: 90 in the strict profiles (the alert's warning level), 30 in dev. */
export function issuerWarningDays(profile: EnvironmentProfile): number {
  return isStrict(profile) ? 90 : 30;
}

export interface IssuerCheckInput {
  readonly env: string;
  readonly profile: EnvironmentProfile;
  /** The generation the stack declares. */
  readonly rotation: number;
  readonly record?: IssuerRecord;
  readonly now: Date;
  /** Where the record lives, for messages. */
  readonly recordFile: string;
}

/** The warnings about the committed issuer of one environment (none when it is fine). */
export function issuerExpiryWarnings(i: IssuerCheckInput): string[] {
  const record = `node scripts/record-issuer.js --env ${i.env}`;
  if (!i.record) return [`no issuer record for '${i.env}' in ${i.recordFile}: after 'cdktf deploy', run '${record}' and commit the file, so synth can watch the issuer's expiry.`];
  const out: string[] = [];
  const notAfter = new Date(i.record.notAfter);
  if (Number.isNaN(notAfter.getTime())) return [`issuer record of '${i.env}' in ${i.recordFile}: notAfter '${i.record.notAfter}' is not an RFC 3339 time: run '${record}' again.`];
  if (i.record.rotation < i.rotation) {
    out.push(`issuer record of '${i.env}' is for generation ${i.record.rotation}, the stack declares ${i.rotation}: after the rotation's 'cdktf deploy', run '${record}' and commit the file.`);
  }
  const threshold = issuerWarningDays(i.profile);
  const days = Math.floor((notAfter.getTime() - i.now.getTime()) / 86_400_000);
  if (days < threshold) {
    out.push(`the Sentry issuer of '${i.env}' (generation ${i.record.rotation}) expires ${i.record.notAfter}, in ${days} day(s) (threshold ${threshold}): rotate it: raise issuerRotation to ${i.record.rotation + 1}, 'cdktf deploy', then '${record}' (docs/control-plane.md, "Rotating the issuer").`);
  }
  return out;
}
