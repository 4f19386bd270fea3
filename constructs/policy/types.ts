import type { DaprVersion } from '../model/dapr-version';
import type { EnvironmentProfile } from '../model/profile';
import type { LoadedContract } from '../contract/read-contract';
import type { DocumentIndex } from './document-index';

/** How bad a finding is. Errors fail the check (exit code 1); warnings are reported only. */
export enum Severity {
  ERROR = 'error',
  WARNING = 'warning',
}

/** What a loaded document is. */
export type DocumentFormat = 'kubernetes' | 'terraform';

/** One parsed document: a Kubernetes object or a Terraform JSON configuration (`cdk.tf.json`). */
export interface LoadedDocument {
  /** The file it came from, as given (or a label for in-memory documents, e.g. `dist/prod/app.k8s.yaml`). */
  readonly file: string;
  /** Position of the document in its file, 0-based (items of a `kind: List` share their list's index). */
  readonly index: number;
  /** Kubernetes manifest or Terraform JSON. */
  readonly format: DocumentFormat;
  /** The parsed content. */
  readonly content: Record<string, unknown>;
}

/** What a finding points at: an object reference and the file it came from. */
export interface PolicyTarget {
  /** `Kind namespace/name` (Kubernetes, cluster-scoped kinds: `Kind name`) or `helm_release.<id>` (Terraform). */
  readonly ref: string;
  /** The document the object came from. */
  readonly doc: LoadedDocument;
}

/** A rule's verdict on one object: what is wrong and how to fix it. */
export interface RuleViolation {
  /** The object at fault. */
  readonly target: PolicyTarget;
  /** Names the object, the bad value and the fix. */
  readonly message: string;
}

/** What a rule sees: every document indexed once, the profile and the Dapr version. */
export interface RuleContext {
  readonly index: DocumentIndex;
  readonly profile: EnvironmentProfile;
  readonly daprVersion: DaprVersion;
  /**
   * Kubernetes Secrets the platform provides outside the checked documents (created by hand, by an
   * operator, by another repository), as `name` (any namespace) or `namespace/name`.
   * @default - none
   */
  readonly providedSecrets?: readonly string[];
  /**
   * The platform contract the documents are checked against (`--contract`): its apps count as
   * existing apps, and the DAPR-CONTRACT-* rules check the cross-repository grants.
   * @default - none
   */
  readonly contract?: LoadedContract;
}

/** A production-readiness rule. */
export interface Rule {
  /** Stable id, `DAPR-<AREA>-<NNN>`, e.g. `DAPR-COMP-001`. */
  readonly id: string;
  /** Severity of every finding of this rule. */
  readonly severity: Severity;
  /** The profiles the rule applies to. */
  readonly profiles: readonly EnvironmentProfile[];
  /** One line: what the rule requires. */
  readonly description: string;
  /** Where the requirement is explained (docs.dapr.io or kubernetes.io). */
  readonly why: string;
  /** Checks every relevant object; must run in time linear in the number of documents. */
  check(ctx: RuleContext): RuleViolation[];
}

/** One problem found in the documents. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** `Kind namespace/name`, or `helm_release.<id>`. */
  readonly object: string;
  /** The file the object came from. */
  readonly file: string;
  /** What is wrong, with the bad value and the fix. */
  readonly message: string;
  /** The rule's `why` link. */
  readonly link: string;
}
