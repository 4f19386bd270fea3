/*
 * `npm run verify -- --env <env>`: after `cdktf deploy` and the Argo CD sync, says whether Dapr came
 * up as committed, with the checks of the production guide's validation section, in order (control
 * plane, mTLS, trust bundle expiry, components, sidecars). Each line: PASS/FAIL, the check, the
 * object, and for a failure the fix. Exit 1 when a check failed (CI), 2 on a usage error.
 *
 *   npm run verify -- --env prod                                  # the context the environment names
 *   npm run verify -- --env prod --kubeconfig <file> --context <name>
 *   npm run verify -- --env prod --api-only                       # the API server harness: skip what needs running pods
 *   npm run verify -- --env prod --record <file.json>             # also write expectations + cluster snapshot (test fixtures)
 *   npm run verify -- --env prod --snapshot <file.json>           # check a recorded snapshot instead of a cluster
 *   npm run verify -- --env prod --now 2026-11-26T12:00:00Z       # compute expiry against this time
 *
 * Reads the committed output: dist/<env>/ (--dist) and cdktf.out/stacks/<env>/cdk.tf.json (--cdktf-out).
 * kubectl from PATH (--kubectl). Reads only (get, logs); never writes to the cluster.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readClusterSnapshot } from '../constructs/verify/cluster-snapshot';
import { ClusterSnapshot, exitCode, VerifyExpectations, formatResult, runChecks, VerifyStatus } from '../constructs/verify/verify-checks';
import { expectationsOf, readManifestDir } from '../constructs/verify/verify-expectations';
import { ENVIRONMENTS } from './environments';

/** What `--record` writes: the expectations and the cluster as read (the unit tests' input). */
export interface VerifyRecording {
  readonly expectations: VerifyExpectations;
  readonly snapshot: ClusterSnapshot;
}

/** The guide: alert (and fail verification) when the root or the issuer expires within 30 days. */
export const EXPIRY_THRESHOLD_DAYS = 30;

/** Why `--smoke` is refused here (see NOTES/README: the smoke tests need a real cluster). */
export const SMOKE_UNSUPPORTED =
  "--smoke is not available: the smoke tests (an invocation along an allowed and a denied edge, a state round trip, a publish) go through a caller's daprd HTTP API, which listens on the pod's loopback only (the real 1.18.3 injector gives daprd '--dapr-listen-addresses [::1],127.0.0.1', e2e/cluster/fixtures/prod-orders-pod.json) and requires the app's Dapr API token; reaching it needs kubectl port-forward or an exec into the app container, and running pods. Run them on a real cluster from the app's own smoke job; verify checks everything up to the sidecars.";

interface Options {
  env: string;
  kubeconfig?: string;
  context?: string;
  kubectl: string;
  apiOnly: boolean;
  record?: string;
  snapshot?: string;
  now: Date;
  dist: string;
  cdktfOut: string;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  let env: string | undefined;
  const o: Partial<Options> = { kubectl: 'kubectl', apiOnly: false, now: new Date(), dist: 'dist', cdktfOut: 'cdktf.out' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--env') env = value();
    else if (a === '--kubeconfig') o.kubeconfig = value();
    else if (a === '--context') o.context = value();
    else if (a === '--kubectl') o.kubectl = value();
    else if (a === '--api-only') o.apiOnly = true;
    else if (a === '--record') o.record = value();
    else if (a === '--snapshot') o.snapshot = value();
    else if (a === '--dist') o.dist = value();
    else if (a === '--cdktf-out') o.cdktfOut = value();
    else if (a === '--now') {
      const v = value();
      o.now = new Date(v);
      if (Number.isNaN(o.now.getTime())) throw new UsageError(`--now '${v}' is not a date: use RFC 3339, e.g. 2026-11-26T12:00:00Z`);
    } else if (a === '--smoke') throw new UsageError(SMOKE_UNSUPPORTED);
    else throw new UsageError(`unknown argument '${a}': use --env, --kubeconfig, --context, --kubectl, --api-only, --record, --snapshot, --now, --dist, --cdktf-out`);
  }
  if (!env) throw new UsageError(`--env is required: one of ${ENVIRONMENTS.map((e) => e.name).join(', ')}`);
  return { ...(o as Options), env };
}

export function main(argv: readonly string[]): number {
  let o: Options;
  try {
    o = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) { console.error(`verify: ${e.message}`); return 2; }
    throw e;
  }
  const spec = ENVIRONMENTS.find((e) => e.name === o.env);
  if (!spec) { console.error(`verify: unknown environment '${o.env}': use one of ${ENVIRONMENTS.map((e) => e.name).join(', ')}`); return 2; }
  const tfFile = path.join(o.cdktfOut, 'stacks', spec.name, 'cdk.tf.json');
  if (!fs.existsSync(tfFile)) { console.error(`verify: ${tfFile} is missing: run 'npm run synth' first`); return 2; }
  const exp = expectationsOf({
    env: spec.name,
    controlPlaneNamespace: spec.controlPlaneNamespace,
    manifests: readManifestDir(path.join(o.dist, spec.name)),
    terraform: JSON.parse(fs.readFileSync(tfFile, 'utf8')),
    expiryThresholdDays: EXPIRY_THRESHOLD_DAYS,
  });
  const context = o.context ?? spec.clusterContext;
  let snap: ClusterSnapshot;
  if (o.snapshot) snap = (JSON.parse(fs.readFileSync(o.snapshot, 'utf8')) as VerifyRecording).snapshot;
  else {
    try {
      snap = readClusterSnapshot({ kubectl: o.kubectl, kubeconfig: o.kubeconfig, context }, exp, { readLogs: !o.apiOnly });
    } catch (e) {
      console.error(`FAIL verify: ${(e as Error).message}`);
      return 1;
    }
  }
  if (o.record) fs.writeFileSync(o.record, `${JSON.stringify({ expectations: exp, snapshot: snap } satisfies VerifyRecording, null, 2)}\n`);
  console.log(`verify ${spec.name}: ${o.snapshot ? `snapshot ${o.snapshot}` : `context ${context}${o.kubeconfig ? ` (${o.kubeconfig})` : ''}`}; expiry against ${o.now.toISOString()}${o.apiOnly ? '; --api-only: checks needing running pods are not evaluated' : ''}`);
  const results = runChecks(exp, snap, { apiOnly: o.apiOnly, now: o.now });
  for (const r of results) console.log(formatResult(r));
  const n = (s: VerifyStatus) => results.filter((r) => r.status === s).length;
  console.log(`${n(VerifyStatus.PASS)} passed, ${n(VerifyStatus.FAIL)} failed${o.apiOnly ? `, ${n(VerifyStatus.REAL_CLUSTER_ONLY)} need a real cluster (running pods)` : ''}`);
  return exitCode(results);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
