import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { DaprChart, DaprChartProps } from '../constructs/k8s/dapr-chart';
import { assertValid, validationErrors } from '../constructs/model/validation';

/** ../shared/dapr-reference, next to the repository (CI has it). */
export const REFERENCE_DIR = path.resolve(__dirname, '..', '..', 'shared', 'dapr-reference');

/** Fails loudly when the reference data is missing, instead of letting a test pass on nothing. */
export function requireReference(...segments: string[]): string {
  const p = path.join(REFERENCE_DIR, ...segments);
  if (!fs.existsSync(p)) {
    throw new Error(
      `Dapr reference data is missing: ${p} does not exist. These tests check our output against ` +
        `../shared/dapr-reference; check out 'shared' next to this repository.`,
    );
  }
  return p;
}

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
