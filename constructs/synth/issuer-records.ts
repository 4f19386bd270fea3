/*
 * The Sentry issuer record (the reference platform's is stacks/sentry-issuers.json;
 * `PlatformSynthOptions.issuerRecord` names a platform's own): the Sentry issuer of each environment
 * with a Vault CA, as the last `cdktf deploy` left it (its generation and the Terraform output
 * `sentry_issuer_not_after`), written by `node scripts/record-issuer.js --env <env>` and committed. Synth reads it to warn before the
 * issuer expires (constructs/model/issuer-expiry.ts).
 */
import * as fs from 'fs';
import { IssuerRecord } from '../model/issuer-expiry';

/** The records by environment; none when the file is absent. Throws on a malformed file. */
export function readIssuerRecords(file: string): { [env: string]: IssuerRecord } {
  if (!fs.existsSync(file)) return {};
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  const envs = parsed?.environments ?? {};
  for (const [env, r] of Object.entries<any>(envs)) {
    if (typeof r?.rotation !== 'number' || typeof r?.notAfter !== 'string') throw new Error(`${file}: environment '${env}' needs {"rotation": <number>, "notAfter": "<RFC 3339>"}: run 'node scripts/record-issuer.js --env ${env}'.`);
  }
  return envs;
}
