import { EnvironmentProfile } from '../../constructs/model/profile';
import {
  CONFIG_DENY_BY_DEFAULT,
  CONFIG_POLICY_APPS_EXIST,
  CONFIG_SAMPLING_RATE,
  CONFIG_TRUST_DOMAIN,
} from '../../constructs/policy/rules/configurations';
import { DocumentIndex } from '../../constructs/policy/document-index';
import { LoadedDocument } from '../../constructs/policy/engine';
import { configuration, daprRelease, findingsOf, findObject, goodProdSet, hardenedDeployment, HELM_VALUES, k8s, messagesOf, terraformJson, TF_FILE } from './fixtures';

const { DEV, STAGING, PROD } = EnvironmentProfile;

function tf(content = terraformJson()): LoadedDocument {
  return { file: TF_FILE, index: 0, format: 'terraform', content };
}

describe('DAPR-CONF-001 deny by default in prod', () => {
  it("fails on defaultAction 'allow'", () => {
    const c = configuration();
    c.spec.accessControl.defaultAction = 'allow';
    const findings = findingsOf(CONFIG_DENY_BY_DEFAULT, [k8s(c)], PROD);
    expect(findings).toHaveLength(1);
    expect(findings[0].object).toBe('Configuration orders/orders-config');
    expect(findings[0].message).toContain("defaultAction 'allow'");
    expect(findings[0].message).toContain('set spec.accessControl.defaultAction: deny');
  });

  it('fails without accessControl', () => {
    const c = configuration();
    delete c.spec.accessControl;
    expect(messagesOf(CONFIG_DENY_BY_DEFAULT, [k8s(c)])[0]).toContain('has no accessControl');
  });

  it('passes on deny, on policies without a defaultAction (Dapr then denies), and outside prod', () => {
    expect(findingsOf(CONFIG_DENY_BY_DEFAULT, [k8s(configuration())])).toEqual([]);
    const implicit = configuration();
    delete implicit.spec.accessControl.defaultAction;
    expect(findingsOf(CONFIG_DENY_BY_DEFAULT, [k8s(implicit)])).toEqual([]);
    const allow = configuration();
    allow.spec.accessControl.defaultAction = 'allow';
    expect(findingsOf(CONFIG_DENY_BY_DEFAULT, [k8s(allow)], STAGING)).toEqual([]);
  });

  it('ignores control-plane Configurations (with spec.mtls)', () => {
    const daprsystem = {
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Configuration',
      metadata: { name: 'daprsystem', namespace: 'dapr-system' },
      spec: { mtls: { enabled: true, controlPlaneTrustDomain: 'cluster.local', sentryAddress: 'dapr-sentry.dapr-system.svc.cluster.local:443' } },
    };
    expect(findingsOf(CONFIG_DENY_BY_DEFAULT, [k8s(daprsystem)])).toEqual([]);
  });
});

describe('DAPR-CONF-002 policy app-ids exist', () => {
  it('fails on a policy for an unknown app of a namespace in the documents', () => {
    const c = configuration();
    c.spec.accessControl.policies[0].appId = 'order-ap';
    const [msg] = messagesOf(CONFIG_POLICY_APPS_EXIST, [k8s(c), k8s(hardenedDeployment('order-api', 1))], DEV);
    expect(msg).toContain("policy for appId 'order-ap' in namespace 'orders'");
    expect(msg).toContain("(did you mean 'order-api'?)");
  });

  it('passes for existing apps and for namespaces whose workloads are not in the documents', () => {
    expect(findingsOf(CONFIG_POLICY_APPS_EXIST, [k8s(configuration()), k8s(hardenedDeployment('order-api', 1))])).toEqual([]);
    const c = configuration();
    c.spec.accessControl.policies[0].namespace = 'frontend';
    c.spec.accessControl.policies[0].appId = 'web';
    expect(findingsOf(CONFIG_POLICY_APPS_EXIST, [k8s(c), k8s(hardenedDeployment('order-api', 1))])).toEqual([]);
  });
});

describe('DAPR-CONF-002 work', () => {
  it("lists a namespace's app-ids only for a policy it reports (listing them per policy made the rule quadratic in the apps)", () => {
    const appIdsIn = jest.spyOn(DocumentIndex.prototype, 'appIdsIn');
    try {
      expect(findingsOf(CONFIG_POLICY_APPS_EXIST, [k8s(configuration()), k8s(hardenedDeployment('order-api', 1))])).toEqual([]);
      expect(appIdsIn).not.toHaveBeenCalled();
      const c = configuration();
      c.spec.accessControl.policies[0].appId = 'order-ap';
      expect(messagesOf(CONFIG_POLICY_APPS_EXIST, [k8s(c), k8s(hardenedDeployment('order-api', 1))], DEV)).toHaveLength(1);
      expect(appIdsIn).toHaveBeenCalledTimes(1);
    } finally {
      appIdsIn.mockRestore();
    }
  });
});

describe('DAPR-CONF-003 trust domain', () => {
  it("fails when accessControl's trust domain differs from the control plane's", () => {
    const c = configuration();
    c.spec.accessControl.trustDomain = 'example.org';
    const [msg] = messagesOf(CONFIG_TRUST_DOMAIN, [k8s(c), tf()], DEV);
    expect(msg).toContain("accessControl.trustDomain 'example.org', but the control plane's trust domain is 'cluster.local'");
    expect(msg).toContain('set spec.accessControl.trustDomain: cluster.local');
  });

  it("fails when the trust domain is unset (Dapr uses 'public') and the control plane uses another", () => {
    const c = configuration();
    delete c.spec.accessControl.trustDomain;
    delete c.spec.accessControl.policies[0].trustDomain;
    const msgs = messagesOf(CONFIG_TRUST_DOMAIN, [k8s(c), tf()]);
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toContain("unset (so Dapr uses 'public')");
  });

  it("reads the control plane's trust domain from values and set", () => {
    const docs = [k8s(configuration()), tf()];
    daprRelease(docs).values = [HELM_VALUES.replace('controlPlaneTrustDomain: cluster.local', 'controlPlaneTrustDomain: prod.example.com')];
    expect(findingsOf(CONFIG_TRUST_DOMAIN, docs)).toHaveLength(2);
    daprRelease(docs).set = [{ name: 'global.mtls.controlPlaneTrustDomain', value: 'cluster.local' }];
    expect(findingsOf(CONFIG_TRUST_DOMAIN, docs)).toEqual([]);
  });

  it('without a helm_release, fails on policies whose trust domain differs from their Configuration', () => {
    const c = configuration();
    c.spec.accessControl.policies[0].trustDomain = 'public';
    expect(messagesOf(CONFIG_TRUST_DOMAIN, [k8s(c)])[0]).toContain("callers' identities are in 'cluster.local'");
  });

  it('passes when everything agrees', () => {
    expect(findingsOf(CONFIG_TRUST_DOMAIN, [k8s(configuration()), tf()])).toEqual([]);
    expect(findingsOf(CONFIG_TRUST_DOMAIN, [k8s(configuration())])).toEqual([]);
    expect(findingsOf(CONFIG_TRUST_DOMAIN, goodProdSet())).toEqual([]);
  });
});

describe('DAPR-CONF-004 tracing samplingRate', () => {
  it.each([['0'], ['abc'], ['1.5'], ['-0.1'], [undefined]])('fails on samplingRate %p', (rate) => {
    const c = configuration();
    if (rate === undefined) delete c.spec.tracing.samplingRate;
    else c.spec.tracing.samplingRate = rate;
    const [msg] = messagesOf(CONFIG_SAMPLING_RATE, [k8s(c)], DEV);
    expect(msg).toContain('set spec.tracing.samplingRate to a string between "0.0001" and "1"');
  });

  it.each([['1'], ['0.01'], ['1e-3'], [0.5]])('passes on samplingRate %p', (rate) => {
    const c = configuration();
    c.spec.tracing.samplingRate = rate;
    expect(findingsOf(CONFIG_SAMPLING_RATE, [k8s(c)])).toEqual([]);
  });

  it('passes without tracing', () => {
    const docs = goodProdSet();
    delete findObject(docs, 'Configuration', 'orders-config').spec.tracing;
    expect(findingsOf(CONFIG_SAMPLING_RATE, docs)).toEqual([]);
  });
});
