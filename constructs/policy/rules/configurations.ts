import { DocumentIndex, K8sObject } from '../document-index';
import { Rule, RuleViolation, Severity } from '../types';
import { asArray, asObject, asString, didYouMean, getPath, quoteList } from '../util';
import { ALL_PROFILES, contractAppIds, inNamespace, PROD_ONLY } from './common';

const ACL_DOC = 'https://docs.dapr.io/operations/configuration/invoke-allowlist/';

/** Dapr's trust domain for apps and policies that do not set one. */
const DEFAULT_APP_TRUST_DOMAIN = 'public';
/** The chart's default `global.mtls.controlPlaneTrustDomain`. */
const DEFAULT_CONTROL_PLANE_TRUST_DOMAIN = 'cluster.local';

/**
 * App Configurations: every Dapr Configuration except control-plane ones (those carrying
 * `spec.mtls`, like the chart's `daprsystem`), which no sidecar uses for access control or tracing.
 */
function appConfigurations(index: DocumentIndex): K8sObject[] {
  return index.configurations.filter((c) => getPath(c.body, 'spec', 'mtls') === undefined);
}

/** The control plane's trust domain from the first `dapr` helm_release, if the documents have one. */
export function controlPlaneTrustDomain(index: DocumentIndex): { value: string; source: string } | undefined {
  const release = index.helmReleases[0];
  if (!release) return undefined;
  const v = asString(DocumentIndex.helmValue(release, 'global.mtls.controlPlaneTrustDomain'));
  return { value: v ?? DEFAULT_CONTROL_PLANE_TRUST_DOMAIN, source: release.ref };
}

export const CONFIG_DENY_BY_DEFAULT: Rule = {
  id: 'DAPR-CONF-001',
  severity: Severity.ERROR,
  profiles: PROD_ONLY,
  description: 'App Configurations deny service invocation by default (`accessControl.defaultAction: deny`) in prod.',
  why: ACL_DOC,
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const c of appConfigurations(index)) {
      const acl = asObject(getPath(c.body, 'spec', 'accessControl'));
      const policies = asArray(acl?.policies);
      const explicit = asString(acl?.defaultAction);
      // Without a defaultAction, Dapr assumes deny if policies exist and allow otherwise.
      const effective = explicit ?? (policies.length > 0 ? 'deny' : 'allow');
      if (effective === 'deny') continue;
      const why = !acl
        ? 'has no accessControl, so every app can invoke every method of the apps using it'
        : explicit !== undefined
          ? `has accessControl.defaultAction '${explicit}', so any app not matched by a policy can invoke every method`
          : 'has accessControl without defaultAction or policies, which Dapr treats as allow-all';
      out.push({
        target: c,
        message: `${c.ref} ${why}: set spec.accessControl.defaultAction: deny and add a policy (appId, namespace, operations) for each caller that needs access.`,
      });
    }
    return out;
  },
};

export const CONFIG_POLICY_APPS_EXIST: Rule = {
  id: 'DAPR-CONF-002',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    "Every access-control policy `appId` is the app-id of a Dapr workload in the policy's namespace, or an app of the platform contract given with `--contract` (checked when the documents hold that namespace's workloads).",
  why: ACL_DOC,
  check: ({ index, contract }) => {
    const out: RuleViolation[] = [];
    for (const c of appConfigurations(index)) {
      for (const raw of asArray(getPath(c.body, 'spec', 'accessControl', 'policies'))) {
        const p = asObject(raw);
        if (!p) continue;
        const appId = asString(p.appId) ?? '';
        const ns = asString(p.namespace) ?? c.namespace;
        const elsewhere = contractAppIds(contract, ns);
        if (index.hasAppId(ns, appId) || elsewhere.has(appId)) continue;
        // Listed only for the message (sorting every app-id per policy made the rule quadratic).
        const known = [...new Set([...index.appIdsIn(ns), ...elsewhere])].sort();
        if (known.length === 0) continue;
        out.push({
          target: c,
          message:
            `${c.ref} has an access-control policy for appId '${appId}' ${inNamespace(ns)}, but no Dapr workload there has that app-id${didYouMean(appId, known)}, ` +
            `so the policy never matches: fix the appId/namespace (app-ids ${inNamespace(ns)}: ${quoteList(known)}).`,
        });
      }
    }
    return out;
  },
};

export const CONFIG_TRUST_DOMAIN: Rule = {
  id: 'DAPR-CONF-003',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    "The trust domain of `accessControl` and of every policy equals the control plane's `global.mtls.controlPlaneTrustDomain` (from the dapr helm_release, when present, else from the platform contract given with `--contract`); otherwise policies agree with their Configuration.",
  why: ACL_DOC,
  check: ({ index, contract }) => {
    const out: RuleViolation[] = [];
    // Without the control plane's helm_release (an app team's output), the contract says it.
    const cp = controlPlaneTrustDomain(index) ?? (contract ? { value: contract.document.dapr.controlPlaneTrustDomain, source: `the contract ${contract.file}` } : undefined);
    for (const c of appConfigurations(index)) {
      const acl = asObject(getPath(c.body, 'spec', 'accessControl'));
      if (!acl) continue;
      const ownRaw = asString(acl.trustDomain);
      const own = ownRaw || DEFAULT_APP_TRUST_DOMAIN;
      const describe = (raw: string | undefined, effective: string): string =>
        raw ? `'${effective}'` : `unset (so Dapr uses '${DEFAULT_APP_TRUST_DOMAIN}')`;
      if (cp && own !== cp.value) {
        out.push({
          target: c,
          message: `${c.ref} has accessControl.trustDomain ${describe(ownRaw, own)}, but the control plane's trust domain is '${cp.value}' (global.mtls.controlPlaneTrustDomain${cp.source.startsWith('the contract') ? ' in' : ' of'} ${cp.source}): set spec.accessControl.trustDomain: ${cp.value}.`,
        });
      }
      const expected = cp?.value ?? own;
      const source = cp ? `the control plane's trust domain (${cp.source})` : `the Configuration's own accessControl.trustDomain`;
      for (const raw of asArray(acl.policies)) {
        const p = asObject(raw);
        if (!p) continue;
        const ptdRaw = asString(p.trustDomain);
        const ptd = ptdRaw || DEFAULT_APP_TRUST_DOMAIN;
        if (ptd === expected) continue;
        out.push({
          target: c,
          message:
            `${c.ref} policy for appId '${asString(p.appId) ?? ''}' has trustDomain ${describe(ptdRaw, ptd)}, but callers' identities are in '${expected}' (${source}), ` +
            `so the policy never matches a caller: set trustDomain: ${expected} on the policy.`,
        });
      }
    }
    return out;
  },
};

const DECIMAL = /^\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*$/;

export const CONFIG_SAMPLING_RATE: Rule = {
  id: 'DAPR-CONF-004',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description: 'Tracing `samplingRate` is a number in (0, 1] (written as a string, e.g. "0.1").',
  why: 'https://docs.dapr.io/operations/observability/tracing/tracing-overview/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const c of appConfigurations(index)) {
      const tracing = asObject(getPath(c.body, 'spec', 'tracing'));
      if (!tracing) continue;
      const raw = asString(tracing.samplingRate);
      const rate = raw !== undefined && DECIMAL.test(raw) ? Number(raw) : Number.NaN;
      if (rate > 0 && rate <= 1) continue;
      const bad = raw === undefined ? 'no samplingRate' : `samplingRate '${raw}'`;
      const meaning = raw === undefined || Number.isNaN(rate) ? 'which is not a number' : rate <= 0 ? 'which samples nothing' : 'which is above 1 (100%)';
      out.push({
        target: c,
        message: `${c.ref} has tracing with ${bad}, ${meaning}: set spec.tracing.samplingRate to a string between "0.0001" and "1" (e.g. "0.1" for 10%), or remove spec.tracing to turn tracing off.`,
      });
    }
    return out;
  },
};

export const CONFIGURATION_RULES: readonly Rule[] = [
  CONFIG_DENY_BY_DEFAULT,
  CONFIG_POLICY_APPS_EXIST,
  CONFIG_TRUST_DOMAIN,
  CONFIG_SAMPLING_RATE,
];
