import { EnvironmentProfile } from '../../constructs/model/profile';
import { checkDocuments } from '../../constructs/policy/engine';
import { WORKLOAD_ACTOR_PEERS, WORKLOAD_API_TOKEN_DELIVERED, WORKLOAD_APP_TOKEN } from '../../constructs/policy/rules/workload-wiring';
import { main } from '../../constructs/policy/cli';
import { allowDaprSidecars, apiToken, defaultDeny, findingsOf, hardenedDeployment, k8s, messagesOf, NS, redisStateStore, serviceAccount } from './fixtures';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

const { DEV, PROD } = EnvironmentProfile;
type Obj = Record<string, any>;

const app = (name = 'order-api'): Obj => hardenedDeployment(name, 3);
const env = (d: Obj): Obj[] => d.spec.template.spec.containers[0].env;
const docs = (...objects: Obj[]) => objects.map((o, i) => k8s(o, 'dist/prod/orders.k8s.yaml', i));

describe('DAPR-WORK-015 the API token reaches daprd and the app', () => {
  it('passes with the per-app token Secret of a ServiceAccount of its own', () => {
    expect(findingsOf(WORKLOAD_API_TOKEN_DELIVERED, docs(app(), ...apiToken('order-api')), DEV)).toEqual([]);
  });

  it('fails when the app container has no DAPR_API_TOKEN (daprd would answer 401)', () => {
    const d = app();
    delete d.spec.template.spec.containers[0].env;
    expect(messagesOf(WORKLOAD_API_TOKEN_DELIVERED, docs(d, ...apiToken('order-api')), DEV)).toEqual([
      "Deployment orders/order-api has dapr.io/api-token-secret 'order-api-dapr-api-token', so daprd answers 401 to every Dapr API call without that token, but no container gets DAPR_API_TOKEN from it " +
        '(the injector gives app containers no token): add env DAPR_API_TOKEN with valueFrom.secretKeyRef {name: order-api-dapr-api-token, key: token} to the app container.',
    ]);
  });

  it('fails when DAPR_API_TOKEN comes from another Secret, another key, or a plain value', () => {
    for (const entry of [
      { name: 'DAPR_API_TOKEN', valueFrom: { secretKeyRef: { name: 'other', key: 'token' } } },
      { name: 'DAPR_API_TOKEN', valueFrom: { secretKeyRef: { name: 'order-api-dapr-api-token', key: 'api-token' } } },
      { name: 'DAPR_API_TOKEN', value: 'hunter2' },
    ]) {
      const d = app();
      env(d)[0] = entry;
      const msgs = messagesOf(WORKLOAD_API_TOKEN_DELIVERED, docs(d, ...apiToken('order-api')), DEV);
      expect(msgs).toHaveLength(2);
      expect(msgs.find((m) => m.includes('but no container gets DAPR_API_TOKEN from it'))).toBeDefined();
      expect(msgs.find((m) => m.includes("container 'app' sets"))).toMatch(/container 'app' sets DAPR_API_TOKEN from (Secret '\w[\w-]*' key '[\w-]+'|a plain value \(a secret written into the manifest\)), not from the Secret daprd reads/);
    }
  });

  it('fails when the Secret is neither in the documents nor provided, and passes when provided (by name or namespace/name) or rendered by Terraform', () => {
    const msgs = messagesOf(WORKLOAD_API_TOKEN_DELIVERED, docs(app()), DEV);
    expect(msgs).toEqual([
      "Deployment orders/order-api has dapr.io/api-token-secret 'order-api-dapr-api-token', but no Secret 'order-api-dapr-api-token' in namespace 'orders' is among the documents or declared as provided by the platform, " +
        "so daprd would fail with CreateContainerConfigError: render the Secret (a DaprWorkload renders '<app-id>-dapr-api-token'), or pass --provided-secret orders/order-api-dapr-api-token if the platform creates it.",
    ]);
    for (const provided of ['order-api-dapr-api-token', `${NS}/order-api-dapr-api-token`]) {
      expect(checkDocuments(docs(app()), { profile: DEV, rules: [WORKLOAD_API_TOKEN_DELIVERED], providedSecrets: [provided] }).findings).toEqual([]);
    }
    expect(checkDocuments(docs(app()), { profile: DEV, rules: [WORKLOAD_API_TOKEN_DELIVERED], providedSecrets: ['other/order-api-dapr-api-token'] }).errors).toBe(1);
    const tf = {
      file: 'cdk.tf.json',
      index: 0,
      format: 'terraform' as const,
      content: { resource: { kubernetes_secret_v1: { t: { metadata: { name: 'order-api-dapr-api-token', namespace: '${kubernetes_namespace_v1.apps.metadata[0].name}' } } } } },
    };
    expect(findingsOf(WORKLOAD_API_TOKEN_DELIVERED, [...docs(app()), tf], DEV)).toEqual([]);
  });

  it("fails when the token is the pod's own ServiceAccount's (it would log in to Vault as the app)", () => {
    const [, secret] = apiToken('order-api');
    secret.metadata.annotations['kubernetes.io/service-account.name'] = 'order-api';
    expect(messagesOf(WORKLOAD_API_TOKEN_DELIVERED, docs(app(), serviceAccount('order-api'), secret), DEV)).toEqual([
      "Deployment orders/order-api reads its API token from Secret orders/order-api-dapr-api-token, a token of the pod's own ServiceAccount 'order-api', which Vault roles and RBAC are bound to: " +
        "a leaked API token would log in as the app; give the Secret a ServiceAccount of its own without bindings (a DaprWorkload uses '<app-id>-dapr-api-token').",
    ]);
  });

  it('fails when the token Secret names no ServiceAccount, or one not in the documents', () => {
    const [sa, secret] = apiToken('order-api');
    expect(messagesOf(WORKLOAD_API_TOKEN_DELIVERED, docs(app(), secret), DEV)).toEqual([
      expect.stringContaining("whose ServiceAccount 'order-api-dapr-api-token' is not among the documents in namespace 'orders', so the token controller deletes the Secret instead of filling it"),
    ]);
    delete secret.metadata.annotations;
    expect(messagesOf(WORKLOAD_API_TOKEN_DELIVERED, docs(app(), sa, secret), DEV)).toEqual([
      expect.stringContaining('without the annotation kubernetes.io/service-account.name, so the token controller never fills it'),
    ]);
  });

  it('fails when an Opaque Secret in the documents has no key token', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'order-api-dapr-api-token', namespace: NS }, type: 'Opaque', stringData: { apiToken: 'x' } };
    expect(messagesOf(WORKLOAD_API_TOKEN_DELIVERED, docs(app(), secret), DEV)).toEqual([
      "Deployment orders/order-api reads its API token from Secret orders/order-api-dapr-api-token, which has no key 'token' (the key daprd and the app read): add it.",
    ]);
  });

  it('ignores workloads without an API token (DAPR-WORK-008 reports those in prod)', () => {
    const d = app();
    delete d.spec.template.metadata.annotations['dapr.io/api-token-secret'];
    delete d.spec.template.spec.containers[0].env;
    expect(findingsOf(WORKLOAD_API_TOKEN_DELIVERED, docs(d), PROD)).toEqual([]);
  });

  it('the CLI takes --provided-secret, and refuses a malformed one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'provided-secret-'));
    try {
      fs.writeFileSync(path.join(dir, 'app.yaml'), YAML.stringify(app()));
      const io = () => {
        const r = { out: '', err: '' };
        return { r, io: { stdout: (t: string) => (r.out += t), stderr: (t: string) => (r.err += t) } };
      };
      const without = io();
      expect(main([dir, '--profile', 'dev'], without.io)).toBe(1);
      expect(without.r.out).toContain('DAPR-WORK-015');
      const withIt = io();
      main([dir, '--profile', 'dev', '--provided-secret', 'orders/order-api-dapr-api-token'], withIt.io);
      expect(withIt.r.out).toContain('Dapr policy check');
      expect(withIt.r.out).not.toContain('DAPR-WORK-015');
      const bad = io();
      expect(main([dir, '--provided-secret', 'Orders/Token!'], bad.io)).toBe(2);
      expect(bad.r.err).toContain("--provided-secret 'Orders/Token!' is not a Secret name or namespace/name");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DAPR-WORK-016 actor hosts reach their own replicas on 50002', () => {
  const actorStore = () => redisStateStore('statestore', ['order-api']);
  const selfPeer = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'order-api' } } };
  const policy = (spec: Obj): Obj => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'order-api', namespace: NS }, spec: { podSelector: selfPeer.podSelector, ...spec } });

  it('passes when no NetworkPolicy isolates the pods', () => {
    expect(findingsOf(WORKLOAD_ACTOR_PEERS, docs(app(), actorStore()), DEV)).toEqual([]);
  });

  it('fails for ingress and egress when its own policy allows neither, naming the policies and the fix', () => {
    const np = policy({ policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [{ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'inventory' } } }], ports: [{ protocol: 'TCP', port: 50002 }] }] });
    const msgs = messagesOf(WORKLOAD_ACTOR_PEERS, docs(app(), actorStore(), np, defaultDeny()), DEV);
    expect(msgs).toEqual([
      "Deployment orders/order-api loads actor state store 'statestore', so its replicas call each other's daprd on 50002 (an actor call goes to the replica that hosts the actor), " +
        'but NetworkPolicy orders/default-deny-ingress, NetworkPolicy orders/order-api isolate its pods for ingress and none allows its own pods on TCP 50002: actor and workflow calls placed on another replica time out; ' +
        'add an ingress rule from podSelector.matchLabels {app.kubernetes.io/name: order-api, app.kubernetes.io/part-of: orders} on TCP 50002.',
      expect.stringContaining('but NetworkPolicy orders/order-api isolates its pods for egress and none allows its own pods on TCP 50002'),
    ]);
  });

  it('passes with its own pods on 50002 both ways, by number, by port name, by range, or with no port list', () => {
    for (const ports of [[{ protocol: 'TCP', port: 50002 }], [{ port: 'dapr-internal' }], [{ protocol: 'TCP', port: 50000, endPort: 50010 }], undefined]) {
      const np = policy({ policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [selfPeer], ports }], egress: [{ to: [selfPeer], ports }] });
      expect(findingsOf(WORKLOAD_ACTOR_PEERS, docs(app(), actorStore(), np), DEV)).toEqual([]);
    }
  });

  it('does not count UDP, another port, another namespace, or an ipBlock', () => {
    for (const [peer, ports] of [
      [selfPeer, [{ protocol: 'UDP', port: 50002 }]],
      [selfPeer, [{ protocol: 'TCP', port: 50001 }]],
      [{ ...selfPeer, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } }, [{ protocol: 'TCP', port: 50002 }]],
      [{ ipBlock: { cidr: '10.0.0.0/8' } }, [{ protocol: 'TCP', port: 50002 }]],
    ] as [Obj, Obj[]][]) {
      const np = policy({ policyTypes: ['Ingress'], ingress: [{ from: [peer], ports }] });
      expect(findingsOf(WORKLOAD_ACTOR_PEERS, docs(app(), actorStore(), np), DEV)).toHaveLength(1);
    }
  });

  it('honours dapr.io/internal-grpc-port and ignores apps that load no actor state store', () => {
    const moved = app();
    moved.spec.template.metadata.annotations['dapr.io/internal-grpc-port'] = '50012';
    expect(messagesOf(WORKLOAD_ACTOR_PEERS, docs(moved, actorStore(), allowDaprSidecars()), DEV)).toEqual([expect.stringContaining('none allows its own pods on TCP 50012')]);
    expect(findingsOf(WORKLOAD_ACTOR_PEERS, docs(app(), redisStateStore('statestore', ['order-worker']), defaultDeny()), DEV)).toEqual([]);
  });
});

describe('DAPR-WORK-017 daprd authenticates its calls into the app', () => {
  const withTokens = (d: Obj) => docs(d, ...apiToken('order-api'), ...apiToken('order-api', 'app'));
  const annotations = (d: Obj): Record<string, string> => d.spec.template.metadata.annotations;

  it('passes with the per-app app token Secret given to daprd and the app', () => {
    expect(findingsOf(WORKLOAD_APP_TOKEN, withTokens(app()), PROD)).toEqual([]);
  });

  it('fails an app port without dapr.io/app-token-secret in prod, not in dev', () => {
    const d = app();
    delete annotations(d)['dapr.io/app-token-secret'];
    expect(messagesOf(WORKLOAD_APP_TOKEN, withTokens(d), PROD)).toEqual([
      "Deployment orders/order-api has app port 8080 but no dapr.io/app-token-secret, so the app cannot tell daprd's calls from anything else that reaches the port: " +
        "set dapr.io/app-token-secret to a token Secret of its own (a DaprWorkload renders '<app-id>-dapr-app-token') and give the app APP_API_TOKEN from it.",
    ]);
    expect(findingsOf(WORKLOAD_APP_TOKEN, withTokens(d), DEV)).toEqual([]);
  });

  it('ignores a workload without an app port', () => {
    const d = app();
    delete annotations(d)['dapr.io/app-port'];
    delete annotations(d)['dapr.io/app-token-secret'];
    expect(findingsOf(WORKLOAD_APP_TOKEN, withTokens(d), PROD)).toEqual([]);
  });

  it('fails when the app gets no APP_API_TOKEN, or one from elsewhere', () => {
    const d = app();
    env(d).splice(1, 1, { name: 'APP_API_TOKEN', value: 'hunter2' });
    expect(messagesOf(WORKLOAD_APP_TOKEN, withTokens(d), PROD)).toEqual([
      "Deployment orders/order-api container 'app' sets APP_API_TOKEN from a plain value (a secret written into the manifest), not from the Secret daprd sends ('order-api-dapr-app-token', key 'token'): use valueFrom.secretKeyRef {name: order-api-dapr-app-token, key: token}.",
      "Deployment orders/order-api has dapr.io/app-token-secret 'order-api-dapr-app-token', so daprd sends that token with every call into the app, but no container gets APP_API_TOKEN from it, so the app cannot check it: " +
        'add env APP_API_TOKEN with valueFrom.secretKeyRef {name: order-api-dapr-app-token, key: token} to the app container.',
    ]);
  });

  it('fails a missing Secret, a token of the pod\'s own ServiceAccount, and the API token reused', () => {
    expect(messagesOf(WORKLOAD_APP_TOKEN, docs(app(), ...apiToken('order-api')), PROD)).toEqual([
      expect.stringContaining("has dapr.io/app-token-secret 'order-api-dapr-app-token', but no Secret 'order-api-dapr-app-token' in namespace 'orders' is among the documents"),
    ]);
    const [, secret] = apiToken('order-api', 'app');
    secret.metadata.annotations['kubernetes.io/service-account.name'] = 'order-api';
    expect(messagesOf(WORKLOAD_APP_TOKEN, docs(app(), serviceAccount('order-api'), secret), PROD)).toEqual([expect.stringContaining("reads its app token from Secret orders/order-api-dapr-app-token, a token of the pod's own ServiceAccount 'order-api'")]);
    const d = app();
    annotations(d)['dapr.io/app-token-secret'] = 'order-api-dapr-api-token';
    env(d)[1].valueFrom.secretKeyRef.name = 'order-api-dapr-api-token';
    expect(messagesOf(WORKLOAD_APP_TOKEN, withTokens(d), PROD)).toEqual([
      "Deployment orders/order-api uses Secret 'order-api-dapr-api-token' as both its API token and its app token, so whoever holds one can call daprd and the app alike: give the app token a Secret of its own.",
    ]);
  });
});
