import { DaprVersion } from './dapr-version';

/**
 * The lowest version an environment running a given minor may be rolled back to, and why.
 * Rolling back below it breaks something the newer release already wrote.
 */
const ROLLBACK_FLOORS: { readonly minor: string; readonly floor: string; readonly reason: string }[] = [
  {
    minor: '1.18',
    floor: '1.17.7',
    reason:
      'Dapr 1.18 Sentry issues Ed25519 keys (workload certificates, and its own CA when it self-signs), which Sentry and daprd before 1.17.7 cannot verify',
  },
];

function parts(v: DaprVersion | string): [number, number, number] {
  const [a, b, c] = (typeof v === 'string' ? v : v.version).split('.').map(Number);
  return [a, b, c];
}

/** True if version a is below version b. */
function below(a: DaprVersion | string, b: DaprVersion | string): boolean {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i];
  return false;
}

/**
 * Errors of moving an environment from the Dapr version it runs (`running`) to the pinned one
 * (`target`): upgrades go one minor at a time (1.16 → 1.17 → 1.18, as Dapr supports them: CRDs,
 * the reminder migration to the Scheduler and the Scheduler storage change are per-minor steps);
 * a rollback goes back at most one minor and never below the floor of the running minor.
 * Each message says why and what to do instead.
 */
export function daprVersionChangeErrors(running: DaprVersion, target: DaprVersion): string[] {
  const [rMaj, rMin] = parts(running);
  const [tMaj, tMin] = parts(target);
  if (running.version === target.version) return [];
  const steps = DaprVersion.supported();
  const stepFor = (major: number, minor: number) =>
    steps.filter((v) => parts(v)[0] === major && parts(v)[1] === minor).pop()?.version ?? `${major}.${minor}.x`;
  if (!below(target, running)) {
    if (tMaj !== rMaj || tMin > rMin + 1) {
      return [
        `Dapr ${target} is more than one minor above the ${running} the environment runs: Dapr upgrades go one minor at a time (CRDs, the reminder migration to the Scheduler, the Scheduler storage all change per minor). ` +
          `Pin ${stepFor(rMaj, rMin + 1)} first, synth and apply it, then pin ${target}.`,
      ];
    }
    return [];
  }
  const errors: string[] = [];
  const floor = ROLLBACK_FLOORS.find((f) => f.minor === running.minor);
  if (floor && below(target, floor.floor)) {
    errors.push(
      `Dapr ${target} is below ${floor.floor}, the lowest version an environment running ${running} can roll back to: ${floor.reason}. ` +
        `Roll back to ${stepFor(parts(floor.floor)[0], parts(floor.floor)[1])} (>= ${floor.floor}) instead, or fix forward on ${running.minor}.`,
    );
  } else if (tMaj !== rMaj || tMin < rMin - 1) {
    errors.push(
      `Dapr ${target} is more than one minor below the ${running} the environment runs: roll back one minor at a time (pin ${stepFor(rMaj, rMin - 1)} first), or fix forward on ${running.minor}.`,
    );
  }
  return errors;
}
