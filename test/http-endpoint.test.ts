import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { HttpEndpoint, HttpHeader, TlsRenegotiation } from '../constructs/k8s/http-endpoint';
import { VaultAuth, VaultSecretStore } from '../constructs/k8s/vault-secret-store';
import { DaprApp } from '../constructs/model/dapr-app';
import { EnvironmentProfile } from '../constructs/model/profile';
import { SecretRef } from '../constructs/model/secret-ref';
import { isSensitiveHeaderName } from '../constructs/model/sensitive-header';
import { daprChart, errorsOf, find, synth } from './helpers';

function vault(chart: ReturnType<typeof daprChart>) {
  return new VaultSecretStore(chart, 'vault', { name: 'vault', vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'dapr', auth: VaultAuth.tokenFile() });
}

function payments(chart: ReturnType<typeof daprChart>, extra: Partial<ConstructorParameters<typeof HttpEndpoint>[2]> = {}) {
  const store = vault(chart);
  const endpoint = new HttpEndpoint(chart, 'payments-api', {
    name: 'payments-api',
    baseUrl: 'https://api.payments.example.com/v2',
    headers: [HttpHeader.fromValue('Accept', 'application/json'), HttpHeader.fromSecret('Authorization', store.secret('payments', 'bearer'))],
    clientTls: { rootCa: store.secret('payments', 'ca.pem'), certificate: store.secret('payments', 'client.pem'), privateKey: store.secret('payments', 'client-key.pem'), renegotiation: TlsRenegotiation.ONCE_AS_CLIENT },
    cidrs: ['203.0.113.0/24', '198.51.100.16/28'],
    ...extra,
  });
  return { store, endpoint };
}

function checkoutWorkload(chart: ReturnType<typeof daprChart>) {
  return new DaprWorkload(chart, 'checkout', { appId: 'checkout', image: 'registry.example.com/checkout:2.3.1', appPort: 8080 });
}

describe('HttpEndpoint', () => {
  test('renders the exact HTTPEndpoint: headers by value and by reference, client TLS by reference, auth.secretStore, scopes', () => {
    const chart = daprChart();
    const { endpoint } = payments(chart);
    checkoutWorkload(chart).invokesEndpoint(endpoint);
    expect(find(synth(chart), 'HTTPEndpoint', 'payments-api')).toEqual({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'HTTPEndpoint',
      metadata: { name: 'payments-api', namespace: 'apps' },
      auth: { secretStore: 'vault' },
      scopes: ['checkout'],
      spec: {
        baseUrl: 'https://api.payments.example.com/v2',
        headers: [
          { name: 'Accept', value: 'application/json' },
          { name: 'Authorization', secretKeyRef: { name: 'payments', key: 'bearer' } },
        ],
        clientTLS: {
          rootCA: { secretKeyRef: { name: 'payments', key: 'ca.pem' } },
          certificate: { secretKeyRef: { name: 'payments', key: 'client.pem' } },
          privateKey: { secretKeyRef: { name: 'payments', key: 'client-key.pem' } },
          renegotiation: 'OnceAsClient',
        },
      },
    });
  });

  test('secrets from Kubernetes Secrets: no auth block; without headers or TLS: only the base URL', () => {
    const chart = daprChart({ profile: EnvironmentProfile.DEV });
    const app = DaprApp.fromAppId('checkout', 'apps');
    new HttpEndpoint(chart, 'a', { name: 'a', baseUrl: 'https://a.example.com', headers: [HttpHeader.fromSecret('X-Api-Key', SecretRef.fromKubernetesSecret('a', 'key'))], scopes: [app] });
    new HttpEndpoint(chart, 'b', { name: 'b', baseUrl: 'http://b.example.com:8080', scopes: [app] });
    const out = synth(chart);
    expect(find(out, 'HTTPEndpoint', 'a')).toEqual({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'HTTPEndpoint',
      metadata: { name: 'a', namespace: 'apps' },
      scopes: ['checkout'],
      spec: { baseUrl: 'https://a.example.com', headers: [{ name: 'X-Api-Key', secretKeyRef: { name: 'a', key: 'key' } }] },
    });
    expect(find(out, 'HTTPEndpoint', 'b').spec).toEqual({ baseUrl: 'http://b.example.com:8080' });
  });

  test.each([
    ['Authorization', true],
    ['proxy-authorization', true],
    ['Cookie', true],
    ['X-Api-Key', true],
    ['X-Auth-Token', true],
    ['X-Client-Secret', true],
    ['Accept', false],
    ['Content-Type', false],
    ['Keep-Alive', false],
    ['X-Request-Id', false],
  ])('header %s is sensitive: %s', (name, sensitive) => {
    expect(isSensitiveHeaderName(name)).toBe(sensitive);
  });

  test('refuses a credential header given as a plain value, naming the header and the fix', () => {
    const chart = daprChart();
    const { endpoint } = payments(chart, { headers: [HttpHeader.fromValue('Authorization', 'Bearer sk_live_123')] });
    checkoutWorkload(chart).invokesEndpoint(endpoint);
    expect(errorsOf(chart)).toEqual([
      "[test/payments-api] HTTPEndpoint 'payments-api': header 'Authorization' carries a credential and was given as a plain value (it would sit in the manifest and in Git): use HttpHeader.fromSecret('Authorization', store.secret(<name>, <key>)).",
    ]);
  });

  test('collects every other error, one per root cause', () => {
    const chart = daprChart();
    const other = new VaultSecretStore(chart, 'other', { name: 'other', namespace: 'data', vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'dapr', auth: VaultAuth.tokenFile(), scopes: [DaprApp.fromAppId('x', 'data')] });
    const store = vault(chart);
    store.addScope(DaprApp.fromAppId('checkout', 'apps'));
    new HttpEndpoint(chart, 'bad', {
      name: 'Bad_Name',
      baseUrl: 'https://user:pw@api.example.com',
      headers: [HttpHeader.fromValue('X-Trace', 'a'), HttpHeader.fromValue('x-trace', 'b'), HttpHeader.fromValue('Bad Header', 'c'), HttpHeader.fromSecret('X-Token', other.secret('t', 'k'))],
      clientTls: { certificate: store.secret('c', 'cert') },
      scopes: [DaprApp.fromAppId('billing', 'finance')],
      cidrs: ['203.0.113.0/33'],
    });
    new HttpEndpoint(chart, 'plain', { name: 'plain', baseUrl: 'http://api.example.com', scopes: [DaprApp.fromAppId('checkout', 'apps')], cidrs: ['203.0.113.0/24'] });
    new HttpEndpoint(chart, 'nocidr', { name: 'nocidr', baseUrl: 'https://api.example.com:8443' });
    new HttpEndpoint(chart, 'nourl', { name: 'nourl', baseUrl: 'ftp://files.example.com', scopes: [DaprApp.fromAppId('checkout', 'apps')] });
    expect(errorsOf(chart).filter((e) => !e.startsWith('[test/other]') && !e.startsWith('[test/vault]'))).toEqual([
      expect.stringMatching(/^\[test\/bad\] HTTPEndpoint 'Bad_Name': HTTPEndpoint name 'Bad_Name'/),
      "[test/bad] HTTPEndpoint 'Bad_Name': baseUrl carries a user name or password (it would sit in the manifest and in Git): remove it and send the credential in a header, HttpHeader.fromSecret('Authorization', ...).",
      "[test/bad] HTTPEndpoint 'Bad_Name' in namespace 'apps' is scoped to app 'billing' of namespace 'finance': daprd loads HTTPEndpoints only from its own namespace; declare an HttpEndpoint in 'finance' for it.",
      "[test/bad] HTTPEndpoint 'Bad_Name': header 'x-trace' is set twice; set it once.",
      "[test/bad] HTTPEndpoint 'Bad_Name': 'Bad Header' is not a valid HTTP header name: use letters, digits and '-'.",
      "[test/bad] HTTPEndpoint 'Bad_Name': clientTls has a certificate without its privateKey: give both for mutual TLS, or neither.",
      "[test/bad] HTTPEndpoint 'Bad_Name' reads secrets from several stores (other, vault); an HTTPEndpoint has one 'auth.secretStore': take all of its secret references from one store.",
      "[test/bad] HTTPEndpoint 'Bad_Name' reads 'other:t#k' from secret store 'other' in namespace 'data': daprd resolves an HTTPEndpoint's secrets only through a store in its own namespace 'apps'.",
      "[test/bad] HTTPEndpoint 'Bad_Name': cidrs: '203.0.113.0/33' is not a CIDR: write an address and a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32'.",
      "[test/plain] HTTPEndpoint 'plain': baseUrl 'http://api.example.com' is plain http to a host outside the cluster in a prod environment: use https.",
      "[test/nocidr] HTTPEndpoint 'nocidr' has no scopes, so every app in namespace 'apps' could call it with its headers: scope it to its callers (workload.invokesEndpoint(endpoint), or the 'scopes' prop).",
      "[test/nocidr] HTTPEndpoint 'nocidr': host 'api.example.com' is outside the cluster and no 'cidrs' are declared, so its callers' egress would open port 8443 to every destination in a prod environment: pass the address ranges the host resolves to as 'cidrs' (e.g. the provider's published ranges).",
      "[test/nourl] HTTPEndpoint 'nourl': baseUrl 'ftp://files.example.com' is not an http(s) URL with a host: write e.g. 'https://api.example.com/v1'.",
    ]);
  });

  test('a secret reference without a name, and a caller of another namespace through invokesEndpoint', () => {
    const chart = daprChart({ profile: EnvironmentProfile.DEV });
    const endpoint = new HttpEndpoint(chart, 'x', { name: 'x', baseUrl: 'https://x.example.com', headers: [HttpHeader.fromSecret('X-Api-Key', SecretRef.fromKubernetesSecret('', 'key'))] });
    new DaprWorkload(chart, 'billing', { appId: 'billing', namespace: 'finance', image: 'registry.example.com/billing:1.0.0', appPort: 8080 }).invokesEndpoint(endpoint);
    expect(errorsOf(chart).filter((e) => e.startsWith('[test/x]'))).toEqual([
      "[test/x] HTTPEndpoint 'x' in namespace 'apps' is scoped to app 'billing' of namespace 'finance': daprd loads HTTPEndpoints only from its own namespace; declare an HttpEndpoint in 'finance' for it.",
      "[test/x] HTTPEndpoint 'x': secret reference 'kubernetes:#key' needs both a secret name and a key.",
    ]);
  });

  test('dev accepts http and an external host without cidrs', () => {
    const chart = daprChart({ profile: EnvironmentProfile.DEV });
    new HttpEndpoint(chart, 'plain', { name: 'plain', baseUrl: 'http://api.example.com', scopes: [DaprApp.fromAppId('checkout', 'apps')] });
    expect(errorsOf(chart)).toEqual([]);
  });
});

describe('DaprWorkload.invokesEndpoint', () => {
  test('scopes the caller and the secret store, grants the endpoint secrets, and opens exactly the endpoint egress to its CIDRs', () => {
    const chart = daprChart();
    const { endpoint, store } = payments(chart);
    const checkout = checkoutWorkload(chart);
    checkout.invokesEndpoint(endpoint);
    expect(endpoint.scopes).toEqual(['checkout']);
    expect(store.scopes).toEqual(['checkout']);
    expect(checkout.httpEndpoints).toEqual([endpoint]);
    expect(checkout.secretAccess.secretPaths).toEqual(['secret/data/dapr/payments']);
    expect(checkout.vaultStores).toEqual([store]);
    const egress = find(synth(chart), 'NetworkPolicy', 'checkout').spec.egress;
    // The endpoint's rule comes last; no other rule opens its port to any destination or names its ranges.
    expect(egress[egress.length - 1]).toEqual({
      to: [{ ipBlock: { cidr: '198.51.100.16/28' } }, { ipBlock: { cidr: '203.0.113.0/24' } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
    const endpointCidrs = ['198.51.100.16/28', '203.0.113.0/24'];
    expect(egress.slice(0, -1).filter((r: any) => r.ports.some((p: any) => p.port === 443) || r.to?.some((p: any) => endpointCidrs.includes(p.ipBlock?.cidr)))).toEqual([]);
  });

  test('an in-cluster endpoint is reached through its namespace; two endpoints on one destination share a rule', () => {
    const chart = daprChart();
    const app = checkoutWorkload(chart);
    app.invokesEndpoint(new HttpEndpoint(chart, 'legacy', { name: 'legacy', baseUrl: 'http://legacy.erp.svc.cluster.local:8080/api' }));
    app.invokesEndpoint(new HttpEndpoint(chart, 'legacy2', { name: 'legacy2', baseUrl: 'https://legacy2.erp.svc.cluster.local' }));
    const egress = find(synth(chart), 'NetworkPolicy', 'checkout').spec.egress;
    expect(egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'erp' } } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 8080 }] });
  });

  test('dev: an external endpoint without CIDRs gets its port without a destination', () => {
    const chart = daprChart({ profile: EnvironmentProfile.DEV });
    const app = checkoutWorkload(chart);
    app.invokesEndpoint(new HttpEndpoint(chart, 'x', { name: 'x', baseUrl: 'http://api.example.com:8081' }));
    const egress = find(synth(chart), 'NetworkPolicy', 'checkout').spec.egress;
    expect(egress[egress.length - 1]).toEqual({ ports: [{ protocol: 'TCP', port: 8081 }] });
  });
});
