import { Duration } from 'cdk8s';

/** Alert severities, as the kube-prometheus mixins use them. */
export enum AlertSeverity {
  /** Needs attention soon (working hours). */
  WARNING = 'warning',
  /** Needs attention now (pages). */
  CRITICAL = 'critical',
}

/** One alerting rule. */
export interface AlertingRule {
  /** The alert's name (CamelCase, e.g. `DaprComponentInitFailures`). */
  readonly alert: string;
  /** The PromQL expression; every series it returns fires. */
  readonly expr: string;
  /**
   * How long the expression must hold before the alert fires.
   * @default - fires at the first evaluation
   */
  readonly forDuration?: Duration;
  /** Its severity (the `severity` label). */
  readonly severity: AlertSeverity;
  /**
   * Further static labels.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /** One line: what is wrong. */
  readonly summary: string;
  /** What is wrong in detail, with template variables such as `{{ $labels.app_id }}`. */
  readonly description: string;
  /** Where the runbook for this alert is. */
  readonly runbookUrl: string;
}

/** A group of rules, evaluated together. */
export interface RuleGroup {
  /** The group's name (unique within the PrometheusRule). */
  readonly name: string;
  /** Its rules, in order. */
  readonly rules: AlertingRule[];
  /**
   * The evaluation interval.
   * @default - Prometheus' global evaluation interval
   */
  readonly interval?: Duration;
}
