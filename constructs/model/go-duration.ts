import { Duration } from 'cdk8s';

/**
 * Renders a duration the way Go's `time.ParseDuration` (and so Dapr) reads it, in the largest
 * whole unit: `24h`, `15m`, `30s`, `500ms`.
 */
export function goDuration(d: Duration): string {
  const ms = d.toMilliseconds();
  const units: [number, string][] = [
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** True if Go's `time.ParseDuration` accepts the string (non-negative forms only). */
export function isGoDuration(s: string): boolean {
  return s === '0' || GO_DURATION.test(s);
}
