import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { checkNamespace, checkObjectName } from '../model/names';
import { prometheusDuration } from '../model/prometheus-duration';

/** The Prometheus Operator's API group and version of its monitors and rules. */
export const MONITORING_API_VERSION = 'monitoring.coreos.com/v1';

/** A label selector requirement's operator. */
export enum SelectorOperator {
  IN = 'In',
  NOT_IN = 'NotIn',
  EXISTS = 'Exists',
  DOES_NOT_EXIST = 'DoesNotExist',
}

/** One requirement of a label selector. */
export interface SelectorRequirement {
  /** The label key. */
  readonly key: string;
  /** How the label is compared. */
  readonly operator: SelectorOperator;
  /**
   * The values (In, NotIn).
   * @default - none (Exists, DoesNotExist)
   */
  readonly values?: string[];
}

/** One metrics endpoint of the selected pods. */
export interface PodMetricsEndpoint {
  /** The name of the container port to scrape. */
  readonly port: string;
  /**
   * The HTTP path.
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * The scrape interval.
   * @default - Prometheus' global scrape interval
   */
  readonly interval?: Duration;
}

/** Props of {@link PodMonitor}. */
export interface PodMonitorProps {
  /** The PodMonitor's name (stable, explicit). */
  readonly name: string;
  /**
   * Its namespace.
   * @default - the enclosing chart's namespace
   */
  readonly namespace?: string;
  /**
   * Labels on the object (e.g. what the Prometheus' podMonitorSelector selects).
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Pod labels that must all match.
   * @default - none
   */
  readonly matchLabels?: { [key: string]: string };
  /**
   * Further selector requirements.
   * @default - none
   */
  readonly matchExpressions?: SelectorRequirement[];
  /**
   * Namespaces whose pods are selected.
   * @default - the PodMonitor's own namespace
   */
  readonly namespaces?: string[];
  /** The endpoints to scrape. */
  readonly endpoints: PodMetricsEndpoint[];
}

/**
 * A Prometheus Operator `PodMonitor` (monitoring.coreos.com/v1): which pods Prometheus scrapes, on
 * which named container ports. Rendered as a plain ApiObject (the operator's CRDs are not among
 * the generated bindings).
 */
export class PodMonitor extends Construct {
  /** The PodMonitor's name. */
  public readonly name: string;
  /** Its namespace. */
  public readonly namespace: string;

  public constructor(scope: Construct, id: string, props: PodMonitorProps) {
    super(scope, id);
    this.name = props.name;
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? '';
    const namespaces = props.namespaces ?? [this.namespace];
    new ApiObject(this, 'Resource', {
      apiVersion: MONITORING_API_VERSION,
      kind: 'PodMonitor',
      metadata: { name: this.name, namespace: this.namespace, labels: props.labels },
      spec: {
        selector: {
          matchLabels: props.matchLabels,
          matchExpressions: props.matchExpressions?.map((r) => ({ key: r.key, operator: r.operator, values: r.values })),
        },
        namespaceSelector: { matchNames: namespaces },
        podMetricsEndpoints: props.endpoints.map((e) => ({
          port: e.port,
          path: e.path ?? '/metrics',
          interval: e.interval ? prometheusDuration(e.interval) : undefined,
        })),
      },
    });
    this.node.addValidation({
      validate: () => {
        const errors = [checkObjectName('PodMonitor name', this.name), ...[this.namespace, ...namespaces].map(checkNamespace)].filter((e): e is string => !!e);
        if (!props.endpoints.length) errors.push(`PodMonitor '${this.name}' has no endpoints: list the container ports to scrape.`);
        if (!Object.keys(props.matchLabels ?? {}).length && !(props.matchExpressions ?? []).length) {
          errors.push(`PodMonitor '${this.name}' selects every pod of its namespaces: give matchLabels or matchExpressions.`);
        }
        for (const r of props.matchExpressions ?? []) {
          const needsValues = r.operator === SelectorOperator.IN || r.operator === SelectorOperator.NOT_IN;
          if (needsValues !== !!r.values?.length) {
            errors.push(`PodMonitor '${this.name}': selector on '${r.key}' with ${r.operator} ${needsValues ? 'needs values' : 'takes no values'}.`);
          }
        }
        return errors;
      },
    });
  }
}
