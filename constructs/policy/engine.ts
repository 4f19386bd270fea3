/**
 * Production-readiness policy engine for Dapr on Kubernetes.
 *
 * Reads what the project synthesizes (Kubernetes manifests, Terraform JSON) rather than construct
 * internals, so it checks hand-written YAML just as well. Plain TypeScript: no cdk8s/cdktf import.
 *
 *   const docs = loadDocuments(['dist/prod', 'cdktf.out/stacks/prod']);
 *   const result = checkDocuments(docs, { profile: 'prod' });
 *   console.log(formatText(result));
 */
import * as fs from 'fs';
import * as path from 'path';
import { DaprVersion } from '../model/dapr-version';
import { EnvironmentProfile } from '../model/profile';
import type { LoadedContract } from '../contract/read-contract';
import { DocumentIndex } from './document-index';
import { ALL_RULES } from './rules';
import { Finding, LoadedDocument, Rule, Severity } from './types';
import { compareStrings } from './util';

export * from './types';
export {
  classifyDocument,
  DocumentIndex,
  documentsFromObjects,
  isDaprChart,
  loadDocuments,
  parseFile,
  PolicyInputError,
} from './document-index';
export type { DaprComponentDoc, HelmRelease, K8sObject, MetadataItem, SubscriptionDoc, Workload } from './document-index';
export { ALL_RULES } from './rules';
export * from '../contract/contract-document';
export { buildContractDocument, contractText } from './contract-builder';
export { ContractInputError, LoadedContract, parseContract, readContractFile } from '../contract/read-contract';

/** Options of {@link runRules}. */
export interface RunOptions {
  /** The environment profile: selects the rules that apply. */
  readonly profile: EnvironmentProfile;
  /**
   * The Dapr version whose reference data (annotations, component metadata, chart values) the rules use.
   * @default the chart version of the dapr helm_release if pinned and supported, else the newest supported version
   */
  readonly daprVersion?: DaprVersion | string;
  /** @default ALL_RULES */
  readonly rules?: readonly Rule[];
  /** Secrets the platform provides outside the documents (`name` or `namespace/name`). @default - none */
  readonly providedSecrets?: readonly string[];
  /** The platform contract to check against (DAPR-CONTRACT-* rules; its apps count as existing). @default - none */
  readonly contract?: LoadedContract;
}

/** Options of {@link checkDocuments}; the profile may be given as text (`dev`, `staging`, `prod`). */
export interface CheckOptions {
  /** @default EnvironmentProfile.PROD */
  readonly profile?: EnvironmentProfile | string;
  /** @default see {@link RunOptions.daprVersion} */
  readonly daprVersion?: DaprVersion | string;
  /** @default ALL_RULES */
  readonly rules?: readonly Rule[];
  /** Secrets the platform provides outside the documents (`name` or `namespace/name`). @default - none */
  readonly providedSecrets?: readonly string[];
  /** The platform contract to check against (DAPR-CONTRACT-* rules; its apps count as existing). @default - none */
  readonly contract?: LoadedContract;
}

/** What a check found, with the settings it ran with. */
export interface CheckResult {
  readonly profile: EnvironmentProfile;
  /** The Dapr version the rules used. */
  readonly daprVersion: string;
  /** Where that version came from: `--dapr-version`, a helm_release, or the newest supported. */
  readonly daprVersionSource: string;
  /** Number of documents checked. */
  readonly documents: number;
  /** Number of rules that applied to the profile. */
  readonly rulesApplied: number;
  readonly errors: number;
  readonly warnings: number;
  /** Sorted: errors first, then by rule id, file, object and message. */
  readonly findings: readonly Finding[];
}

const EXACT_VERSION = /^v?(\d+\.\d+\.\d+)$/;

/** The `daprVersionSource` of a check whose input pinned no Dapr version. */
export const NEWEST_SUPPORTED_SOURCE = 'newest supported version';

/** A profile from its name (`dev`, `staging`, `prod`), or undefined. */
export function parseProfile(text: string): EnvironmentProfile | undefined {
  return (Object.values(EnvironmentProfile) as string[]).includes(text) ? (text as EnvironmentProfile) : undefined;
}

/**
 * The Dapr version to check against: the requested one, else the exact chart version of the first
 * dapr helm_release if we hold reference data for it, else the newest supported version.
 * @throws if a requested version is not supported
 */
export function resolveDaprVersion(index: DocumentIndex, requested?: DaprVersion | string, contract?: LoadedContract): { version: DaprVersion; source: string } {
  if (requested !== undefined) {
    const version = typeof requested === 'string' ? DaprVersion.of(requested.replace(/^v/, '')) : requested;
    return { version, source: 'requested' };
  }
  if (contract) return { version: DaprVersion.of(contract.document.dapr.version), source: `contract ${contract.file}` };
  const supported = new Set(DaprVersion.supported().map((s) => s.version));
  for (const r of index.helmReleases) {
    const m = r.version === undefined ? null : EXACT_VERSION.exec(r.version);
    if (m && supported.has(m[1])) return { version: DaprVersion.of(m[1]), source: `chart version of ${r.ref}` };
  }
  const newest = DaprVersion.supported().slice(-1)[0];
  return { version: newest, source: NEWEST_SUPPORTED_SOURCE };
}

const SEVERITY_ORDER: Record<Severity, number> = { [Severity.ERROR]: 0, [Severity.WARNING]: 1 };

/** The deterministic order of findings: errors first, then rule id, file, object, message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.file, b.file) ||
    compareStrings(a.object, b.object) ||
    compareStrings(a.message, b.message)
  );
}

/** Runs every rule that applies to the profile; returns the findings in deterministic order. */
export function runRules(docs: readonly LoadedDocument[] | DocumentIndex, options: RunOptions): Finding[] {
  const index = docs instanceof DocumentIndex ? docs : new DocumentIndex(docs);
  const { version } = resolveDaprVersion(index, options.daprVersion, options.contract);
  const ctx = { index, profile: options.profile, daprVersion: version, providedSecrets: options.providedSecrets, contract: options.contract };
  const findings: Finding[] = [];
  for (const rule of options.rules ?? ALL_RULES) {
    if (!rule.profiles.includes(options.profile)) continue;
    for (const violation of rule.check(ctx)) {
      findings.push({
        ruleId: rule.id,
        severity: rule.severity,
        object: violation.target.ref,
        file: violation.target.doc.file,
        message: violation.message,
        link: rule.why,
      });
    }
  }
  return findings.sort(compareFindings);
}

/**
 * Checks documents, e.g. in-process from `npm run synth` on what it just synthesized
 * (wrap objects with `documentsFromObjects`). Defaults to the prod profile.
 * @throws if the profile is unknown or the requested Dapr version is not supported
 */
export function checkDocuments(docs: readonly LoadedDocument[], options: CheckOptions = {}): CheckResult {
  const profile = typeof options.profile === 'string' ? parseProfile(options.profile) : (options.profile ?? EnvironmentProfile.PROD);
  if (profile === undefined) {
    throw new Error(`Unknown profile '${String(options.profile)}': use one of ${Object.values(EnvironmentProfile).join(', ')}.`);
  }
  const index = new DocumentIndex(docs);
  const { version, source } = resolveDaprVersion(index, options.daprVersion, options.contract);
  const rules = options.rules ?? ALL_RULES;
  const findings = runRules(index, { profile, daprVersion: version, rules, providedSecrets: options.providedSecrets, contract: options.contract });
  const errors = findings.filter((f) => f.severity === Severity.ERROR).length;
  return {
    profile,
    daprVersion: version.version,
    daprVersionSource: source,
    documents: docs.length,
    rulesApplied: rules.filter((r) => r.profiles.includes(profile)).length,
    errors,
    warnings: findings.length - errors,
    findings,
  };
}

/** The one-line total: `N errors, M warnings`. */
export function formatSummary(result: Pick<CheckResult, 'errors' | 'warnings'>): string {
  return `${result.errors} errors, ${result.warnings} warnings`;
}

/** A human-readable report: a header, findings grouped by severity, and the one-line total. */
export function formatText(result: CheckResult): string {
  const lines: string[] = [
    `Dapr policy check: profile ${result.profile}, Dapr ${result.daprVersion} (${result.daprVersionSource}), ` +
      `${result.documents} documents, ${result.rulesApplied} rules`,
  ];
  const groups: [Severity, string][] = [
    [Severity.ERROR, 'Errors'],
    [Severity.WARNING, 'Warnings'],
  ];
  for (const [severity, title] of groups) {
    const group = result.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push('', `${title} (${group.length}):`);
    for (const f of group) {
      lines.push(`  ${f.ruleId}  ${f.object}  [${f.file}]`, `    ${f.message}`, `    why: ${f.link}`);
    }
  }
  lines.push('', formatSummary(result));
  return `${lines.join('\n')}\n`;
}

/** The JSON report: settings, totals and every finding. Deterministic (no timestamps). */
export function toJsonReport(result: CheckResult): Record<string, unknown> {
  return {
    tool: 'dapr-platform policy check',
    profile: result.profile,
    daprVersion: result.daprVersion,
    daprVersionSource: result.daprVersionSource,
    documents: result.documents,
    rulesApplied: result.rulesApplied,
    summary: { errors: result.errors, warnings: result.warnings },
    findings: result.findings,
  };
}

/** Writes the JSON report, creating the directory if needed. */
export function writeJsonReport(file: string, result: CheckResult): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(toJsonReport(result), null, 2)}\n`);
}
