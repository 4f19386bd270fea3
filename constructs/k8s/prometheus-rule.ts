import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { checkNamespace, checkObjectName } from '../model/names';
import { prometheusDuration } from '../model/prometheus-duration';
import { RuleGroup } from '../model/alerting-rule';
import { MONITORING_API_VERSION } from './pod-monitor';

/** Something that supplies rule groups when the PrometheusRule renders (e.g. from a graph still being declared). */
export interface IRuleGroupSource {
  /** The groups, as of now. */
  ruleGroups(): RuleGroup[];
}

/** Props of {@link PrometheusRule}. */
export interface PrometheusRuleProps {
  /** The PrometheusRule's name (stable, explicit). */
  readonly name: string;
  /**
   * Its namespace.
   * @default - the enclosing chart's namespace
   */
  readonly namespace?: string;
  /**
   * Labels on the object (e.g. what the Prometheus' ruleSelector selects).
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Groups known at construction; more come from {@link PrometheusRule.addGroup} and {@link PrometheusRule.addSource}.
   * @default - none
   */
  readonly groups?: RuleGroup[];
}

const ALERT_NAME = /^[A-Z][A-Za-z0-9]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A Prometheus Operator `PrometheusRule` (monitoring.coreos.com/v1) holding alerting rules with
 * the kube-prometheus conventions: CamelCase names, a `severity` label (warning or critical) and
 * `summary`, `description` and `runbook_url` annotations.
 */
export class PrometheusRule extends Construct {
  /** The PrometheusRule's name. */
  public readonly name: string;
  /** Its namespace. */
  public readonly namespace: string;
  private readonly staticGroups: RuleGroup[];
  private readonly sources: IRuleGroupSource[] = [];

  public constructor(scope: Construct, id: string, props: PrometheusRuleProps) {
    super(scope, id);
    this.name = props.name;
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? '';
    this.staticGroups = [...(props.groups ?? [])];
    new ApiObject(this, 'Resource', {
      apiVersion: MONITORING_API_VERSION,
      kind: 'PrometheusRule',
      metadata: { name: this.name, namespace: this.namespace, labels: props.labels },
      spec: { groups: Lazy.any({ produce: () => this.groups.map(renderGroup) }) },
    });
    this.node.addValidation({ validate: () => this.validateRule() });
  }

  /** Adds a group. */
  public addGroup(group: RuleGroup): void {
    this.staticGroups.push(group);
  }

  /** Adds a source of groups, asked when the rule renders and validates. */
  public addSource(source: IRuleGroupSource): void {
    this.sources.push(source);
  }

  /** Every group, in order: those added directly, then each source's. */
  public get groups(): RuleGroup[] {
    return [...this.staticGroups, ...this.sources.flatMap((s) => s.ruleGroups())];
  }

  private validateRule(): string[] {
    const errors = [checkObjectName('PrometheusRule name', this.name), checkNamespace(this.namespace)].filter((e): e is string => !!e);
    const seen = new Set<string>();
    for (const g of this.groups) {
      if (seen.has(g.name)) errors.push(`rule group '${g.name}' appears twice: group names must be unique.`);
      seen.add(g.name);
      if (!g.rules.length) errors.push(`rule group '${g.name}' has no rules: drop it or add one.`);
      for (const r of g.rules) {
        const what = `alert '${r.alert}' (group '${g.name}')`;
        if (!ALERT_NAME.test(r.alert)) errors.push(`${what}: the name is not CamelCase: use e.g. 'DaprSomethingWrong'.`);
        if (!r.expr.trim()) errors.push(`${what} has an empty expression.`);
        for (const k of Object.keys(r.labels ?? {})) {
          if (!LABEL_NAME.test(k)) errors.push(`${what}: label '${k}' is not a Prometheus label name.`);
          if (k === 'severity') errors.push(`${what}: set severity through the severity property, not labels.`);
        }
        if (!/^https?:\/\//.test(r.runbookUrl)) errors.push(`${what}: runbookUrl '${r.runbookUrl}' is not an http(s) URL.`);
      }
    }
    return errors;
  }
}

function renderGroup(g: RuleGroup): any {
  return {
    name: g.name,
    interval: g.interval ? prometheusDuration(g.interval) : undefined,
    rules: g.rules.map((r) => ({
      alert: r.alert,
      expr: r.expr,
      for: r.forDuration ? prometheusDuration(r.forDuration) : undefined,
      labels: { ...r.labels, severity: r.severity },
      annotations: { summary: r.summary, description: r.description, runbook_url: r.runbookUrl },
    })),
  };
}
