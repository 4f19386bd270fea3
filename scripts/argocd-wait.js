#!/usr/bin/env node
/*
 * Waits until Argo CD has synced an environment's Application to a revision and it is healthy, and
 * fails loudly when it does not get there: a failed sync operation, a degraded application, or an
 * application still OutOfSync at the revision (drift that self-heal does not repair).
 *
 *   node scripts/argocd-wait.js --env prod --revision <git sha> [--timeout 900] [--interval 10] [--context <kube context>]
 *
 * The Application's name and namespace are read from the environment's Terraform stack
 * (cdktf.out/stacks/<env>/cdk.tf.json, the kubernetes_manifest of kind Application): run
 * `npm run synth` first. It reads the Application with kubectl (the current context, or --context).
 * Exit codes: 0 synced and healthy, 1 failed or degraded, 2 drift (OutOfSync at the revision on 3
 * consecutive reads), 3 timed out.
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

/** Consecutive reads OutOfSync at the revision before it counts as drift. */
const DRIFT_READS = 3;

/** What an Application's status says about reaching `revision`. */
function argoState(app, revision) {
  const status = app.status ?? {};
  const sync = status.sync ?? {};
  const health = status.health ?? {};
  const op = status.operationState ?? {};
  const opRevision = op.syncResult?.revision ?? op.operation?.sync?.revision;
  if (opRevision === revision && (op.phase === 'Failed' || op.phase === 'Error')) {
    return { state: 'failed', detail: `sync of ${revision} ${op.phase}: ${op.message ?? 'no message'}` };
  }
  if (sync.revision !== revision) {
    return { state: 'waiting', detail: `synced revision is ${sync.revision ?? 'none'}, waiting for ${revision} (sync ${sync.status ?? 'unknown'}, operation ${op.phase ?? 'none'})` };
  }
  if (op.phase === 'Running') return { state: 'waiting', detail: `sync of ${revision} running` };
  if (sync.status === 'OutOfSync') {
    const drifted = (status.resources ?? []).filter((r) => r.status === 'OutOfSync').map((r) => `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`);
    return { state: 'drift', detail: `at ${revision} but OutOfSync: ${drifted.join(', ') || 'no resource listed'}` };
  }
  if (health.status === 'Degraded' || health.status === 'Missing') return { state: 'failed', detail: `synced ${revision} but ${health.status}: ${health.message ?? 'no message'}` };
  if (sync.status === 'Synced' && health.status === 'Healthy') return { state: 'done', detail: `synced ${revision}, healthy` };
  return { state: 'waiting', detail: `synced ${revision}, sync ${sync.status ?? 'unknown'}, health ${health.status ?? 'unknown'}` };
}

/** The Argo CD Application of an environment's Terraform stack. */
function applicationOf(stackFile) {
  if (!fs.existsSync(stackFile)) throw new Error(`${stackFile} is missing: run 'npm run synth' first.`);
  const tf = JSON.parse(fs.readFileSync(stackFile, 'utf8'));
  const apps = Object.values(tf.resource?.kubernetes_manifest ?? {}).filter((r) => r.manifest?.kind === 'Application');
  if (apps.length !== 1) throw new Error(`${stackFile} declares ${apps.length} Argo CD Applications; expected one.`);
  return { name: apps[0].manifest.metadata.name, namespace: apps[0].manifest.metadata.namespace };
}

function parseArgs(argv) {
  const o = { env: undefined, revision: undefined, timeout: 900, interval: 10, context: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === '--env') o.env = v();
    else if (a === '--revision') o.revision = v();
    else if (a === '--timeout') o.timeout = Number(v());
    else if (a === '--interval') o.interval = Number(v());
    else if (a === '--context') o.context = v();
    else throw new Error(`unknown argument '${a}': use --env, --revision, --timeout, --interval, --context`);
  }
  if (!o.env || !o.revision) throw new Error('--env <name> and --revision <git sha> are required');
  return o;
}

async function main(argv) {
  const o = parseArgs(argv);
  const app = applicationOf(path.join(__dirname, '..', 'cdktf.out', 'stacks', o.env, 'cdk.tf.json'));
  const kubectl = ['get', 'application.argoproj.io', app.name, '-n', app.namespace, '-o', 'json', ...(o.context ? ['--context', o.context] : [])];
  const deadline = Date.now() + o.timeout * 1000;
  let last = '';
  let driftReads = 0;
  for (;;) {
    let state;
    try {
      state = argoState(JSON.parse(execFileSync('kubectl', kubectl, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })), o.revision);
    } catch (e) {
      state = { state: 'waiting', detail: `cannot read Application ${app.namespace}/${app.name}: ${(e.stderr || e.message || '').toString().trim()}` };
    }
    if (state.detail !== last) console.log(`argocd ${app.namespace}/${app.name}: ${state.detail}`);
    last = state.detail;
    if (state.state === 'done') return 0;
    if (state.state === 'failed') {
      console.error(`ERROR: Argo CD sync of ${o.env} failed: ${state.detail}`);
      return 1;
    }
    driftReads = state.state === 'drift' ? driftReads + 1 : 0;
    // Self-heal repairs a transient difference within a few reads; a lasting one is drift.
    if (state.state === 'drift' && driftReads >= DRIFT_READS) {
      console.error(`ERROR: DRIFT: ${o.env} is OutOfSync with dist/${o.env} at ${o.revision}: ${state.detail}`);
      return 2;
    }
    if (Date.now() > deadline) {
      console.error(`ERROR: Argo CD did not sync ${o.env} to ${o.revision} within ${o.timeout} s: ${state.detail}`);
      return 3;
    }
    await new Promise((r) => setTimeout(r, o.interval * 1000));
  }
}

module.exports = { argoState, applicationOf };

if (require.main === module) require('./run-main').runMain(main);
