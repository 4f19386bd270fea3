/*
 * Compares the contract's access-control semantics (constructs/contract/access-control.ts, through
 * the contract builder, as the synth and `check --contract` use them) with the real code of Dapr
 * 1.18.3, case by case: the probe (e2e/contract-semantics/probe, built by run.sh) decides every case
 * with daprd's own functions. Exit 1 listing every case where they differ. (Topic grants go through
 * daprTopicDecision, which e2e/pubsub-scopes compares with daprd.)
 *
 *   node -r ./scripts/ts-register.js e2e/contract-semantics/compare.ts <probe binary>
 */
import { spawnSync } from 'child_process';
import { invocationAllowed } from '../../constructs/contract/access-control';
import { buildContractDocument } from '../../constructs/policy/contract-builder';

const FACTS = { environment: 'probe', profile: 'prod', daprVersion: '1.18.3', namespace: 'n', controlPlaneNamespace: 'dapr-system', trustDomain: 't', controlPlaneTrustDomain: 't', externalHosts: [], externalApps: [] };

const ACCESS_CONTROL: unknown[] = [
  {},
  { defaultAction: 'allow', trustDomain: 't' },
  { defaultAction: 'deny', trustDomain: 't' },
  {
    defaultAction: 'deny',
    trustDomain: 't',
    policies: [{ appId: 'a', namespace: 'n', trustDomain: 't', defaultAction: 'deny', operations: [{ name: '/reserve', httpVerb: ['POST'], action: 'allow' }] }],
  },
  { trustDomain: 't', policies: [{ appId: 'a', namespace: 'n', trustDomain: 't', operations: [{ name: '/orders/*', httpVerb: ['*'], action: 'allow' }] }] },
  {
    defaultAction: 'allow',
    trustDomain: 't',
    policies: [
      { appId: 'a', namespace: 'n', trustDomain: 't', defaultAction: 'deny', operations: [{ name: '/orders/**', httpVerb: ['GET'], action: 'allow' }, { name: '/ord*', httpVerb: ['POST'], action: 'allow' }] },
      { appId: 'b', namespace: 'n', trustDomain: 'other', defaultAction: 'allow', operations: [{ name: '/reserve', httpVerb: ['POST'], action: 'deny' }] },
    ],
  },
  {
    defaultAction: 'deny',
    trustDomain: 't',
    policies: [
      { appId: 'a', namespace: 'm', trustDomain: 't', defaultAction: 'allow', operations: [{ name: 'noslash', httpVerb: ['post'], action: 'deny' }] },
      { appId: 'a', namespace: 'n', trustDomain: 't', defaultAction: 'allow', operations: [{ name: '/UPPER', httpVerb: ['POST', 'GET'], action: 'deny' }, { name: '/reserve', httpVerb: ['GET'], action: 'deny' }] },
    ],
  },
  {
    defaultAction: 'deny',
    trustDomain: 't',
    policies: [{ appId: 'a', namespace: 'n', trustDomain: 't', defaultAction: 'deny', operations: [{ name: '/orders/*/items', httpVerb: ['GET'], action: 'allow' }, { name: '/reserve', httpVerb: ['POST'], action: 'allow' }, { name: '/reserve', httpVerb: ['GET'], action: 'allow' }] }],
  },
];
const CALLERS = [
  { appId: 'a', namespace: 'n', trustDomain: 't' },
  { appId: 'a', namespace: 'n', trustDomain: 'other' },
  { appId: 'a', namespace: 'm', trustDomain: 't' },
  { appId: 'b', namespace: 'n', trustDomain: 'other' },
  { appId: 'c', namespace: 'n', trustDomain: 't' },
];
const OPERATIONS = ['/reserve', '/reserve/x', '/orders', '/orders/1', '/orders/1/items', '/ord', '/ordinal', '/upper', '/noslash', '/x', 'reserve'];
const VERBS = ['POST', 'GET'];

function main(probe: string): number {
  const invocationCases: { accessControl: unknown; caller: (typeof CALLERS)[number]; operation: string; verb: string }[] = [];
  const invocationMine: boolean[] = [];
  for (const accessControl of ACCESS_CONTROL) {
    const manifests = [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'callee', namespace: 'n' }, spec: { template: { metadata: { annotations: { 'dapr.io/enabled': 'true', 'dapr.io/app-id': 'callee', 'dapr.io/config': 'callee' } }, spec: { containers: [] } } } },
      { apiVersion: 'dapr.io/v1alpha1', kind: 'Configuration', metadata: { name: 'callee', namespace: 'n' }, spec: { accessControl } },
    ];
    const acl = buildContractDocument(manifests, FACTS).apps[0].accessControl;
    for (const caller of CALLERS) {
      for (const operation of OPERATIONS) {
        for (const verb of VERBS) {
          invocationCases.push({ accessControl, caller, operation, verb });
          invocationMine.push(invocationAllowed(acl, caller, operation, verb));
        }
      }
    }
  }
  const r = spawnSync(probe, [], { input: JSON.stringify({ invocations: invocationCases }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    process.stderr.write(`the probe failed (exit ${r.status}): ${r.stderr}\n`);
    return 1;
  }
  // Dapr's logger writes to stdout too: the verdicts are the probe's last line.
  const real = JSON.parse(r.stdout.trim().split('\n').pop()!) as { invocations: boolean[] };
  const diffs: string[] = [];
  invocationCases.forEach((c, i) => {
    if (real.invocations[i] !== invocationMine[i]) diffs.push(`invocation ${JSON.stringify(c)}: daprd ${real.invocations[i]}, contract ${invocationMine[i]}`);
  });
  const allowedCalls = real.invocations.filter((x) => x).length;
  console.log(`invocations: ${invocationCases.length} cases (${allowedCalls} allowed by daprd); ${diffs.length} differ`);
  for (const d of diffs) console.log(`  DIFFERS ${d}`);
  return diffs.length === 0 ? 0 : 1;
}

if (require.main === module) {
  const probe = process.argv[2];
  if (!probe) {
    process.stderr.write('usage: compare.ts <probe binary>\n');
    process.exitCode = 2;
  } else process.exitCode = main(probe);
}
