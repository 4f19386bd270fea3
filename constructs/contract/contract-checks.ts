/**
 * What an app team's chart uses, checked against the platform contract it builds against: every
 * error names the contract file, the bad value and the entry the platform must add.
 */
import { IConstruct } from 'constructs';
import type { DaprChart } from '../k8s/dapr-chart';
import { ImportedVaultSecretStore } from '../k8s/imported-vault-secret-store';
import { DaprWorkload } from '../k8s/dapr-workload';
import { InvocationOperation } from '../k8s/mtls-configuration';
import { MtlsPolicy } from '../model/mtls-policy';
import { DaprVersion } from '../model/dapr-version';
import { EnvironmentProfile } from '../model/profile';
import { didYouMean } from '../model/suggest';
import { invocationAllowed } from './access-control';
import { ContractComponent } from './contract-document';
import type { PlatformContract } from './platform-contract';
import { TopicDirection } from '../model/topic-grant';
import { topicAllowed, topicGrantFix, topicGrants } from './topic-scopes';

/** The chart props that the contract sets (undefined: the team left them to the contract). */
export interface ChartContractRequest {
  readonly namespace?: string;
  readonly profile?: EnvironmentProfile;
  readonly daprVersion?: DaprVersion;
  readonly mtls?: MtlsPolicy;
}

const list = (xs: readonly string[]) => (xs.length ? xs.map((x) => `'${x}'`).join(', ') : 'none');

/** Every way the chart departs from the contract. */
export function contractChartErrors(chart: DaprChart, contract: PlatformContract, request: ChartContractRequest): string[] {
  const file = contract.file;
  const errors: string[] = [];
  const differs = (what: string, mine: string | undefined, theirs: string) => {
    if (mine !== undefined && mine !== theirs) {
      errors.push(`DaprChart ${what} is '${mine}', but the contract ${file} says '${theirs}' for ${contract.environment}: remove ${what} from the chart's props (the contract sets it).`);
    }
  };
  differs('daprVersion', request.daprVersion?.version, contract.daprVersion.version);
  differs('namespace', request.namespace, contract.namespace);
  differs('profile', request.profile, contract.profile);
  differs('mtls.trustDomain', request.mtls?.trustDomain, contract.trustDomain);
  differs('mtls.controlPlaneTrustDomain', request.mtls?.controlPlaneTrustDomain, contract.controlPlaneTrustDomain);
  differs('mtls.controlPlaneNamespace', request.mtls?.controlPlaneNamespace, contract.controlPlaneNamespace);

  const doc = contract._document;
  const inChart = (c: IConstruct) => c.node.path === chart.node.path || c.node.path.startsWith(`${chart.node.path}/`);
  const vaultStores = doc.secretStores.filter((s) => s.vault).map((s) => s.name);
  for (const [c, name] of contract._createdComponents()) {
    if (!inChart(c)) continue;
    if (c instanceof ImportedVaultSecretStore && !vaultStores.includes(name)) {
      errors.push(`secret store '${name}' (${c.node.path}) is not a Vault secret store of the contract ${file}${didYouMean(name, vaultStores)}: its Vault secret stores are ${list(vaultStores)}.`);
    } else if (!doc.components.some((e) => e.name === name)) {
      errors.push(`component '${name}' (${c.node.path}) is not in the contract ${file}${didYouMean(name, contract.componentNames)}: its components are ${list(contract.componentNames)}; use one of them, or ask the platform to declare '${name}'.`);
    }
  }
  const ownApps = new Set(DaprWorkload.all(chart).map((w) => `${w.namespace}/${w.appId}`));
  for (const w of DaprWorkload.all(chart)) errors.push(...workloadErrors(w, contract, ownApps));
  return errors;
}

function workloadErrors(w: DaprWorkload, contract: PlatformContract, ownApps: ReadonlySet<string>): string[] {
  const file = contract.file;
  const doc = contract._document;
  const errors: string[] = [];
  const what = `DaprWorkload '${w.appId}'`;
  const entryOf = (c: unknown): ContractComponent | undefined => {
    const name = contract._componentNameOf(c);
    return name === undefined ? undefined : doc.components.find((e) => e.name === name);
  };

  // Topic uses per contract pub/sub: [operation, topic].
  const topicUses = new Map<ContractComponent, Array<[TopicDirection, string]>>();
  const addUse = (pubsub: unknown, op: TopicDirection, topic: string) => {
    const entry = entryOf(pubsub);
    if (entry) topicUses.set(entry, [...(topicUses.get(entry) ?? []), [op, topic]]);
  };
  for (const p of w.publications) addUse(p.pubsub, TopicDirection.PUBLISH, p.topic);
  for (const s of w.subscriptions) {
    addUse(s.pubsub, TopicDirection.SUBSCRIBE, s.topic);
    if (s.deadLetterTopic) addUse(s.pubsub, TopicDirection.PUBLISH, s.deadLetterTopic);
  }

  // Scopes: one error per component, naming the grants the platform's code must make.
  const unscoped = new Set<ContractComponent>();
  for (const c of w.components) {
    const entry = entryOf(c);
    if (!entry || entry.scopes === null || entry.scopes.includes(w.appId)) continue;
    unscoped.add(entry);
    const uses = topicUses.get(entry) ?? [];
    const code = uses.length
      ? uses.map(([op, t]) => `${entry.name}.${op === TopicDirection.PUBLISH ? 'grantPublish' : 'grantSubscribe'}(${w.appId}, '${t}')`).join(', ')
      : `${entry.name}.addScope(${w.appId})`;
    errors.push(
      `${what} uses component '${entry.name}' (${entry.type}), whose scopes in the contract ${file} do not list '${w.appId}' (scopes: ${list(entry.scopes)}): ` +
        `the platform must add '${w.appId}' to the scopes of '${entry.name}' (in its code: ${code}) and publish the contract again.`,
    );
  }

  // Topics, on the pub/subs the app is in scope of.
  for (const [entry, uses] of topicUses) {
    if (unscoped.has(entry) || !entry.topics) continue;
    const [grant] = topicGrants(entry.topics, entry.namespace, [w.appId]);
    for (const [op, topic] of uses) {
      if (topicAllowed(entry.topics, entry.namespace, op, w.appId, topic)) continue;
      const granted = (op === TopicDirection.PUBLISH ? grant?.publish : grant?.subscribe) ?? [];
      const verb = op === TopicDirection.PUBLISH ? 'publishes to' : 'subscribes to';
      const typo = didYouMean(topic, granted.filter((t) => t !== '*'));
      errors.push(
        `${what} ${verb} topic '${topic}' of pub/sub '${entry.name}', which the contract ${file} does not grant it (it may ${op} ${granted.includes('*') ? 'any topic not protected' : `to ${list(granted)}`})${typo}: ` +
          `${typo ? 'fix the topic here, or ' : ''}the platform must add to '${entry.name}' ${topicGrantFix(entry.topics, entry.namespace, op, w.appId, topic)} ` +
          `(in its code: ${entry.name}.${op === TopicDirection.PUBLISH ? 'grantPublish' : 'grantSubscribe'}(${w.appId}, '${topic}')).`,
      );
    }
  }

  // Secrets the app reads itself or through components of its own, from the contract's stores.
  const componentRefs = new Set(w.components.filter((c) => entryOf(c)).flatMap((c) => c.secretRefs));
  const storesSeen = new Set<string>();
  for (const ref of w.sidecarSecrets) {
    const storeName = contract._componentNameOf(ref.store);
    if (storeName === undefined) continue;
    const store = doc.secretStores.find((s) => s.name === storeName);
    const storeEntry = doc.components.find((c) => c.name === storeName);
    if (!store || !storeEntry) continue;
    if (storeEntry.scopes !== null && !storeEntry.scopes.includes(w.appId)) {
      // Once per store, and not again when the app uses the store itself (reported with the components).
      if (storesSeen.has(storeName) || unscoped.has(storeEntry)) continue;
      storesSeen.add(storeName);
      errors.push(`${what} reads secrets through secret store '${storeName}', whose scopes in the contract ${file} do not list '${w.appId}' (scopes: ${list(storeEntry.scopes)}): the platform must add '${w.appId}' to the scopes of '${storeName}' (in its code: ${storeName}.addScope(${w.appId})).`);
      continue;
    }
    if (componentRefs.has(ref)) continue;
    const reader = store.readers.find((r) => r.appId === w.appId);
    if (reader?.secrets.some((s) => s.name === ref.secretName && s.key === ref.key)) continue;
    errors.push(
      `${what} reads secret '${ref.secretName}' key '${ref.key}' from '${storeName}', which the contract ${file} does not grant '${w.appId}' ` +
        `(it may read: ${list((reader?.secrets ?? []).map((s) => `${s.name}/${s.key}`))}): the platform must grant it (contract entry secretStores '${storeName}', readers '${w.appId}': {"name": "${ref.secretName}", "key": "${ref.key}"}) or the app must not read it.`,
    );
  }

  // Callees: the callee's access control in the contract must allow every operation.
  for (const e of w.externalCallees) {
    const callee = e.app;
    if (ownApps.has(`${callee.namespace}/${callee.appId}`)) continue;
    const platformApp = doc.apps.find((a) => a.appId === callee.appId && a.namespace === callee.namespace);
    if (!platformApp) {
      if (doc.externalApps.some((a) => a.appId === callee.appId && a.namespace === callee.namespace)) continue;
      errors.push(`${what} invokes app '${callee.appId}' (namespace '${callee.namespace}'), which the contract ${file} does not know${didYouMean(callee.appId, contract.appIds)}: its apps are ${list(contract.appIds)}.`);
      continue;
    }
    const identity = { appId: w.appId, namespace: w.namespace, trustDomain: contract.trustDomain };
    const denied = deniedOperations(e.operations, (path, verb) => invocationAllowed(platformApp.accessControl, identity, path, verb));
    if (denied.length === 0) continue;
    const allowedNow = platformApp.accessControl?.callers.find((p) => p.appId === w.appId && p.namespace === w.namespace);
    errors.push(
      `${what} invokes '${callee.appId}' on ${denied.map((d) => `${d.verbs.join(',')} ${d.path}`).join('; ')}, which ${callee.appId}'s access control in the contract ${file} does not allow from '${w.appId}' ` +
        `(${allowedNow ? `it allows ${list(allowedNow.operations.filter((o) => o.action === 'allow').map((o) => `${o.httpVerb.join(',')} ${o.name}`))}` : `no policy for '${w.appId}'; default ${platformApp.accessControl?.defaultAction}`}): ` +
        `the platform must add to the Configuration '${platformApp.configuration}' the policy {appId: ${w.appId}, namespace: ${w.namespace}, operations: ${denied.map((d) => `{name: ${d.path}, httpVerb: [${d.verbs.join(', ')}], action: allow}`).join(', ')}} ` +
        `(in its code: ${callee.appId}.allowsInvocationFrom(${w.appId}, [${denied.map((d) => `{ path: '${d.path}', verbs: [${d.verbs.map((v) => `HttpVerb.${v}`).join(', ')}] }`).join(', ')}])).`,
    );
  }

  // Callers the app allows: apps the contract knows (or this chart's own).
  for (const e of w.externalCallers) {
    const caller = e.app;
    if (ownApps.has(`${caller.namespace}/${caller.appId}`) || contract.appIds.includes(caller.appId)) continue;
    errors.push(`${what} allows invocation from app '${caller.appId}', which the contract ${file} does not know${didYouMean(caller.appId, contract.appIds)}: its apps are ${list(contract.appIds)}; the policy would never match.`);
  }
  return errors;
}

function deniedOperations(ops: readonly InvocationOperation[], allowed: (path: string, verb: string) => boolean): InvocationOperation[] {
  return ops
    .map((o) => ({ path: o.path, verbs: o.verbs.filter((v) => !allowed(o.path, v)) }))
    .filter((o) => o.verbs.length > 0);
}
