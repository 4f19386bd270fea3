import { App, Chart, Testing } from 'cdk8s';
import { DaprChart, DaprChartProps } from '../constructs/k8s/dapr-chart';
import { assertValid, validationErrors } from '../constructs/model/validation';

/** A DaprChart in a fresh test app (namespace `apps`, prod profile unless given). */
export function daprChart(props: DaprChartProps = {}): DaprChart {
  const app: App = Testing.app();
  return new DaprChart(app, 'test', { namespace: 'apps', ...props });
}

/** Validates like synth does, then renders the chart's manifests. */
export function synth(chart: Chart): any[] {
  assertValid(chart);
  return Testing.synth(chart);
}

/** The validation errors of a chart (without the `[path] ` prefix when `bare`). */
export function errorsOf(chart: Chart): string[] {
  return validationErrors(chart);
}

/** The one manifest of a kind and name. */
export function find(manifests: any[], kind: string, name: string): any {
  const found = manifests.filter((m) => m.kind === kind && m.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} '${name}', found ${found.length}`);
  return found[0];
}
