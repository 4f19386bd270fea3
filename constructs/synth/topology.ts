import { IConstruct } from 'constructs';
import { DaprComponent } from '../k8s/dapr-component';
import { DaprWorkload } from '../k8s/dapr-workload';
import { compareStrings } from '../model/compare-strings';

/** The service graph of an environment, as data for tools. */
export interface Topology {
  readonly environment: string;
  readonly namespace: string;
  readonly workloads: { readonly appId: string; readonly namespace: string; readonly role: string; readonly components: string[] }[];
  readonly invocations: { readonly caller: string; readonly callee: string; readonly operations: { readonly path: string; readonly verbs: string[] }[] }[];
  readonly topics: {
    readonly pubsub: string;
    readonly topic: string;
    readonly publishers: string[];
    readonly subscribers: string[];
    /** Topics whose failed events land here. */
    readonly deadLetterTopicOf: string[];
    /** Subscribers whose sidecars write failed events here. */
    readonly deadLetterPublishers: string[];
  }[];
  readonly components: { readonly name: string; readonly type: string; readonly scopes: string[] }[];
}

/** Reads the finished graph below a scope. */
export function topologyOf(scope: IConstruct, environment: string, namespace: string): Topology {
  const workloads = DaprWorkload.all(scope);
  const topics = new Map<
    string,
    { pubsub: string; topic: string; publishers: Set<string>; subscribers: Set<string>; deadLetterTopicOf: Set<string>; deadLetterPublishers: Set<string> }
  >();
  const topic = (pubsub: string, name: string) => {
    const key = `${pubsub}/${name}`;
    if (!topics.has(key)) topics.set(key, { pubsub, topic: name, publishers: new Set(), subscribers: new Set(), deadLetterTopicOf: new Set(), deadLetterPublishers: new Set() });
    return topics.get(key)!;
  };
  for (const w of workloads) {
    for (const p of w.publications) topic(p.pubsub.componentName, p.topic).publishers.add(w.appId);
    for (const s of w.subscriptions) {
      topic(s.pubsub.componentName, s.topic).subscribers.add(w.appId);
      if (s.deadLetterTopic) {
        const dlq = topic(s.pubsub.componentName, s.deadLetterTopic);
        dlq.deadLetterTopicOf.add(s.topic);
        dlq.deadLetterPublishers.add(w.appId);
      }
    }
  }
  const components = scope.node
    .findAll()
    .filter((c): c is DaprComponent => c instanceof DaprComponent)
    .map((c) => ({ name: c.componentName, type: c.componentType, scopes: c.scopes }))
    .sort((a, b) => compareStrings(a.name, b.name));
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    environment,
    namespace,
    workloads: workloads
      .map((w) => ({ appId: w.appId, namespace: w.namespace, role: w.role, components: w.components.map((c) => c.componentName) }))
      .sort((a, b) => compareStrings(a.appId, b.appId)),
    invocations: workloads
      .flatMap((w) =>
        w.invocations.map((e) => ({
          caller: e.caller.appId,
          callee: e.callee.appId,
          operations: e.operations.map((o) => ({ path: o.path, verbs: [...o.verbs].sort() })),
        })),
      )
      .sort((a, b) => compareStrings(`${a.caller}>${a.callee}`, `${b.caller}>${b.callee}`)),
    topics: [...topics.keys()].sort().map((k) => {
      const t = topics.get(k)!;
      return {
        pubsub: t.pubsub,
        topic: t.topic,
        publishers: sorted(t.publishers),
        subscribers: sorted(t.subscribers),
        deadLetterTopicOf: sorted(t.deadLetterTopicOf),
        deadLetterPublishers: sorted(t.deadLetterPublishers),
      };
    }),
    components,
  };
}

/** The graph as a Mermaid flowchart inside Markdown (GitHub renders it). */
export function topologyMarkdown(t: Topology): string {
  const id = (kind: string, name: string) => `${kind}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
  const lines: string[] = ['flowchart LR'];
  lines.push(`  subgraph ${id('ns', t.namespace)}["namespace ${t.namespace}"]`);
  for (const w of t.workloads) lines.push(`    ${id('app', w.appId)}["${w.appId}${w.role === 'service' ? '' : `<br/><i>${w.role}</i>`}"]`);
  lines.push('  end');
  for (const c of t.components) lines.push(`  ${id('comp', c.name)}[("${c.name}<br/><i>${c.type}</i>")]`);
  for (const topic of t.topics) lines.push(`  ${id('topic', `${topic.pubsub}_${topic.topic}`)}{{"topic ${topic.topic}${topic.deadLetterTopicOf.length ? '<br/><i>dead letters</i>' : ''}"}}`);
  for (const e of t.invocations) {
    const label = e.operations.map((o) => `${o.verbs.join(',')} ${o.path}`).join('<br/>');
    lines.push(`  ${id('app', e.caller)} -->|"${label}"| ${id('app', e.callee)}`);
  }
  for (const topic of t.topics) {
    const tid = id('topic', `${topic.pubsub}_${topic.topic}`);
    for (const p of topic.publishers) lines.push(`  ${id('app', p)} -->|publishes| ${tid}`);
    for (const s of topic.subscribers) lines.push(`  ${tid} -->|delivers| ${id('app', s)}`);
    for (const p of topic.deadLetterPublishers) lines.push(`  ${id('app', p)} -.->|dead letters| ${tid}`);
  }
  for (const c of t.components) for (const s of c.scopes) lines.push(`  ${id('app', s)} -.- ${id('comp', c.name)}`);

  // The components each app is scoped to, in component order: one pass over every scope list
  // instead of every component's list per workload.
  const scopedTo = new Map<string, string[]>();
  const lastComponent = new Map<string, number>();
  t.components.forEach((c, i) => {
    for (const appId of c.scopes) {
      if (lastComponent.get(appId) === i) continue; // an app listed twice in one component
      lastComponent.set(appId, i);
      const names = scopedTo.get(appId);
      if (names) names.push(c.name);
      else scopedTo.set(appId, [c.name]);
    }
  });
  const table = [
    '| workload | role | scoped to components |',
    '|---|---|---|',
    ...t.workloads.map((w) => `| ${w.appId} | ${w.role} | ${scopedTo.get(w.appId)?.join(', ') || '-'} |`),
  ];
  return [
    `# Topology: ${t.environment}`,
    '',
    'Generated by `npm run synth` from the typed service graph; do not edit. Solid arrows are service invocations (labelled with the allowed operations) and topic flows; dotted arrows are dead letters; dotted lines are component scopes.',
    '',
    '```mermaid',
    ...lines,
    '```',
    '',
    ...table,
    '',
  ].join('\n');
}
