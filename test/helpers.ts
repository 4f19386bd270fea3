import { App, Chart, Testing } from 'cdk8s';
import { DaprChart, DaprChartProps, ExternalHost } from '../constructs/k8s/dapr-chart';
import { DaprVersion } from '../constructs/model/dapr-version';
import { assertValid, validationErrors } from '../constructs/model/validation';

/** The external hosts the tests' components use, with their (made-up) address ranges. */
export const TEST_EXTERNAL_HOSTS: ExternalHost[] = [
  { host: 'vault.example.com', cidrs: ['10.0.0.16/28'] },
  { host: 'redis.example.com', cidrs: ['10.0.8.0/28'] },
  { host: 'orders.redis.example.com', cidrs: ['10.0.8.16/28'] },
  { host: 'kafka-0.example.com', cidrs: ['10.0.12.0/26'] },
  { host: 'kafka-1.example.com', cidrs: ['10.0.12.64/26'] },
  { host: 'ledger-db.example.com', cidrs: ['10.0.16.0/28'] },
  { host: 'audit-db.example.com', cidrs: ['10.0.16.16/28'] },
];

/** A DaprChart in a fresh test app (namespace `apps`, prod profile, the newest Dapr release and the test hosts' CIDRs unless given). */
export function daprChart(props: DaprChartProps = {}): DaprChart {
  const app: App = Testing.app();
  return new DaprChart(app, 'test', { namespace: 'apps', externalHosts: TEST_EXTERNAL_HOSTS, ...(props.contract ? {} : { daprVersion: DaprVersion.LATEST }), ...props });
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
