import { EnvironmentProfile } from '../../constructs/model/profile';
import { runRules } from '../../constructs/policy/engine';
import {
  HTTP_ENDPOINT_HTTPS,
  HTTP_ENDPOINT_NO_PLAIN_SECRETS,
  HTTP_ENDPOINT_SCOPES_EXIST,
  HTTP_ENDPOINT_SCOPES_PRESENT,
  HTTP_ENDPOINT_SECRET_STORE,
} from '../../constructs/policy/rules/http-endpoints';
import { findingsOf, findObject, goodProdSet, k8s, messagesOf, NS } from './fixtures';

const { DEV, STAGING, PROD } = EnvironmentProfile;

/** A good HTTPEndpoint of the good prod set's namespace, called by order-api. */
function endpoint(): Record<string, any> {
  return {
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'HTTPEndpoint',
    metadata: { name: 'payments-api', namespace: NS },
    auth: { secretStore: 'vault' },
    scopes: ['order-api'],
    spec: {
      baseUrl: 'https://api.payments.example.com/v2',
      headers: [
        { name: 'Accept', value: 'application/json' },
        { name: 'Authorization', secretKeyRef: { name: 'payments', key: 'bearer' } },
      ],
      clientTLS: { rootCA: { value: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' }, privateKey: { secretKeyRef: { name: 'payments', key: 'key.pem' } } },
    },
  };
}

function docsWith(edit: (e: Record<string, any>) => void = () => undefined) {
  const e = endpoint();
  edit(e);
  return [...goodProdSet(), k8s(e, 'dist/prod/orders.k8s.yaml', 99)];
}

test('a good HTTPEndpoint passes every rule in every profile', () => {
  for (const profile of [DEV, STAGING, PROD]) expect(runRules(docsWith(), { profile })).toEqual([]);
});

describe('DAPR-HTTP-001 scopes present', () => {
  it('fails on an unscoped endpoint and names the apps to scope to', () => {
    const findings = findingsOf(HTTP_ENDPOINT_SCOPES_PRESENT, docsWith((e) => delete e.scopes), DEV);
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'DAPR-HTTP-001',
        object: 'HTTPEndpoint orders/payments-api',
        message:
          "HTTPEndpoint orders/payments-api has no 'scopes', so every Dapr app in namespace 'orders' can call it with its headers and credentials: add top-level 'scopes: [order-api, order-worker]' listing only its callers.",
      }),
    ]);
  });
  it('fails on an empty scopes list', () => {
    expect(findingsOf(HTTP_ENDPOINT_SCOPES_PRESENT, docsWith((e) => (e.scopes = [])))).toHaveLength(1);
  });
});

describe('DAPR-HTTP-002 scoped app-ids exist', () => {
  it('fails on an app-id no workload has, with the closest one', () => {
    const [msg, ...rest] = messagesOf(HTTP_ENDPOINT_SCOPES_EXIST, docsWith((e) => (e.scopes = ['order-apj'])));
    expect(rest).toEqual([]);
    expect(msg).toBe(
      "HTTPEndpoint orders/payments-api is scoped to 'order-apj', but no Dapr Deployment/StatefulSet in namespace 'orders' has that dapr.io/app-id (did you mean 'order-api'?): fix the scope or the app-id, or declare an app that lives elsewhere (DaprChart.addExternalApp) (app-ids in namespace 'orders': 'order-api' and 'order-worker').",
    );
  });
});

describe('DAPR-HTTP-003 auth.secretStore exists and is scoped', () => {
  it("fails on a typo ('valut') and suggests the store", () => {
    const [msg] = messagesOf(HTTP_ENDPOINT_SECRET_STORE, docsWith((e) => (e.auth.secretStore = 'valut')));
    expect(msg).toContain("reads its secrets through auth.secretStore 'valut', but there is no secret store Component 'valut' in namespace 'orders'");
    expect(msg).toContain("did you mean 'vault'?");
  });
  it('fails on a store that is not a secret store', () => {
    expect(messagesOf(HTTP_ENDPOINT_SECRET_STORE, docsWith((e) => (e.auth.secretStore = 'statestore')))[0]).toContain("has type 'state.redis', not a secretstores.* type");
  });
  it('fails when the store is not scoped to an app of the endpoint', () => {
    const docs = docsWith((e) => (e.scopes = ['order-api', 'order-worker']));
    findObject(docs, 'Component', 'vault').scopes = ['order-api'];
    expect(messagesOf(HTTP_ENDPOINT_SECRET_STORE, docs)).toEqual([
      "HTTPEndpoint orders/payments-api reads its secrets through 'vault', but Component orders/vault is not scoped to 'order-worker', so that app cannot resolve the secretKeyRefs and the endpoint fails to load: add 'order-worker' to the scopes of 'vault'.",
    ]);
  });
  it('passes on the built-in kubernetes store and on no auth', () => {
    expect(findingsOf(HTTP_ENDPOINT_SECRET_STORE, docsWith((e) => (e.auth.secretStore = 'kubernetes')))).toEqual([]);
    expect(findingsOf(HTTP_ENDPOINT_SECRET_STORE, docsWith((e) => delete e.auth))).toEqual([]);
  });
});

describe('DAPR-HTTP-004 no plain credentials', () => {
  it('fails on a plain Authorization header', () => {
    const docs = docsWith((e) => (e.spec.headers[1] = { name: 'Authorization', value: 'Bearer sk_live_123' }));
    expect(messagesOf(HTTP_ENDPOINT_NO_PLAIN_SECRETS, docs)).toEqual([
      "HTTPEndpoint orders/payments-api has header 'Authorization', which carries a credential, as a plain value (it is in the manifest, in Git and readable by anyone who can read HTTPEndpoints): replace 'value' with 'secretKeyRef: {name: <secret>, key: <key>}' resolved by secret store 'vault'.",
    ]);
  });
  it('fails on an x-api-key header and a plain client key, in dev too', () => {
    const docs = docsWith((e) => {
      e.spec.headers.push({ name: 'x-api-key', value: 'abc' });
      e.spec.clientTLS.privateKey = { value: '-----BEGIN PRIVATE KEY-----' };
    });
    expect(findingsOf(HTTP_ENDPOINT_NO_PLAIN_SECRETS, docs, DEV).map((f) => f.message.slice(0, 80))).toEqual([
      'HTTPEndpoint orders/payments-api has clientTLS.privateKey as a plain value (the ',
      "HTTPEndpoint orders/payments-api has header 'x-api-key', which carries a credent",
    ]);
  });
});

describe('DAPR-HTTP-005 https outside the cluster', () => {
  it('fails on plain http to an external host in staging and prod', () => {
    const docs = docsWith((e) => (e.spec.baseUrl = 'http://api.payments.example.com/v2'));
    expect(messagesOf(HTTP_ENDPOINT_HTTPS, docs, STAGING)).toEqual([
      "HTTPEndpoint orders/payments-api has baseUrl 'http://api.payments.example.com/v2', plain http to host 'api.payments.example.com' outside the cluster, so its headers and payloads cross the network unencrypted: use https.",
    ]);
  });
  it('passes on an in-cluster service over http', () => {
    expect(findingsOf(HTTP_ENDPOINT_HTTPS, docsWith((e) => (e.spec.baseUrl = 'http://legacy.erp.svc.cluster.local:8080')))).toEqual([]);
  });
});
