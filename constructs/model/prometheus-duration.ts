import { Duration } from 'cdk8s';

/**
 * Renders a duration as Prometheus reads it (`model.ParseDuration`, also the Prometheus Operator's
 * `Duration` fields), in the largest whole unit: `90d`, `1h`, `15m`, `30s`, `500ms`.
 */
export function prometheusDuration(d: Duration): string {
  const ms = d.toMilliseconds();
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
