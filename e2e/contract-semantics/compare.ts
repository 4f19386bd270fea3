/*
 * Compares the contract's topic-grant and access-control semantics (constructs/contract/, through the
 * contract builder, as the synth and `check --contract` use them) with the real code of Dapr 1.18.3,
 * case by case: the probe (e2e/contract-semantics/probe, built by run.sh) decides every case with
 * daprd's own functions. Exit 1 listing every case where they differ.
 *
 *   node -r ./scripts/ts-register.js e2e/contract-semantics/compare.ts <probe binary>
 */
import { spawnSync } from 'child_process';
import { invocationAllowed } from '../../constructs/contract/access-control';
import { TopicOperation, topicAllowed } from '../../constructs/contract/topic-scopes';
import { buildContractDocument } from '../../constructs/policy/contract-builder';

const FACTS = { environment: 'probe', profile: 'prod', daprVersion: '1.18.3', namespace: 'n', controlPlaneNamespace: 'dapr-system', trustDomain: 't', controlPlaneTrustDomain: 't', externalHosts: [], externalApps: [] };

const TOPIC_METADATA: Record<string, string>[] = [
  {},
  { subscriptionScopes: 'a=x,y;b=', publishingScopes: 'a=z;c=x' },
  { allowedTopics: 'x,y' },
  { allowedTopics: 'x', subscriptionScopes: 'a=y' },
  { protectedTopics: 'x' },
  { protectedTopics: 'x', subscriptionScopes: 'a=x', publishingScopes: 'b=x' },
  { SubscriptionScopes: ' a = x , y ; b=y', PUBLISHINGSCOPES: 'c = z' },
  { subscriptionScopes: 'a;b=x' },
  { subscriptionScopes: 'a=x;a=y' },
  { publishingScopes: 'a=x=y' },
  { allowedTopics: 'x,,y', protectedTopics: 'y' },
  { subscriptionScopes: '', allowedTopics: '' },
  { protectedTopics: 'x,y', allowedTopics: 'x', publishingScopes: 'a=x,y;b=z' },
];

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
  const topicCases: { metadata: Record<string, string>; appId: string; topic: string; operation: string }[] = [];
  const topicMine: boolean[] = [];
  for (const metadata of TOPIC_METADATA) {
    const component = { apiVersion: 'dapr.io/v1alpha1', kind: 'Component', metadata: { name: 'events', namespace: 'n' }, scopes: ['a', 'b', 'c'], spec: { type: 'pubsub.kafka', version: 'v1', metadata: Object.entries(metadata).map(([name, value]) => ({ name, value })) } };
    const topics = buildContractDocument([component], FACTS).components[0].topics!;
    for (const appId of ['a', 'b', 'c']) {
      for (const topic of ['x', 'y', 'z']) {
        for (const op of [TopicOperation.PUBLISH, TopicOperation.SUBSCRIBE]) {
          topicCases.push({ metadata, appId, topic, operation: op });
          topicMine.push(topicAllowed(topics, op, appId, topic));
        }
      }
    }
  }
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
  const r = spawnSync(probe, [], { input: JSON.stringify({ topics: topicCases, invocations: invocationCases }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    process.stderr.write(`the probe failed (exit ${r.status}): ${r.stderr}\n`);
    return 1;
  }
  // Dapr's logger writes to stdout too: the verdicts are the probe's last line.
  const real = JSON.parse(r.stdout.trim().split('\n').pop()!) as { topics: boolean[]; invocations: boolean[] };
  const diffs: string[] = [];
  topicCases.forEach((c, i) => {
    if (real.topics[i] !== topicMine[i]) diffs.push(`topic ${JSON.stringify(c)}: daprd ${real.topics[i]}, contract ${topicMine[i]}`);
  });
  invocationCases.forEach((c, i) => {
    if (real.invocations[i] !== invocationMine[i]) diffs.push(`invocation ${JSON.stringify(c)}: daprd ${real.invocations[i]}, contract ${invocationMine[i]}`);
  });
  const allowedTopics = real.topics.filter((x) => x).length;
  const allowedCalls = real.invocations.filter((x) => x).length;
  console.log(`topics: ${topicCases.length} cases (${allowedTopics} allowed by daprd), invocations: ${invocationCases.length} cases (${allowedCalls} allowed by daprd); ${diffs.length} differ`);
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
