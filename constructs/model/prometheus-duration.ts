import { Duration } from 'cdk8s';
import { goDuration } from './go-duration';

/**
 * Renders a duration as Prometheus reads it (`model.ParseDuration`, also the Prometheus Operator's
 * `Duration` fields), in the largest whole unit: `90d`, `1h`, `15m`, `30s`, `500ms` (below a day
 * Prometheus reads the units Go does).
 */
export function prometheusDuration(d: Duration): string {
  const ms = d.toMilliseconds();
  return ms !== 0 && ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : goDuration(d);
}
