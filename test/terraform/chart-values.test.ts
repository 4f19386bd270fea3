import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { DaprVersion } from '../../constructs/model/dapr-version';
import { HaDecision } from '../../constructs/terraform/dapr-control-plane';
import { DaprChartValues } from '../../constructs/terraform/dapr-chart-values';
import { describeWithShared, requireShared } from '../shared-reference';
import { devProps, findResource, helmValues, platformStack, prodProps, synthJson } from './helpers';

/**
 * The key paths of the real chart values files, read directly from
 * ../shared/dapr-reference/<version>/chart-values (not from the generated imports/ data):
 * leaves, and the empty maps whose children are free-form. Read when a test runs (never while jest
 * collects the tests, so that the block can be skipped without ../shared), once per version.
 */
const chartKeysRead = new Map<string, { leaves: Set<string>; freeMaps: Set<string> }>();
function chartKeys(version: string): { leaves: Set<string>; freeMaps: Set<string> } {
  if (!chartKeysRead.has(version)) chartKeysRead.set(version, readChartKeys(version));
  return chartKeysRead.get(version)!;
}

function readChartKeys(version: string): { leaves: Set<string>; freeMaps: Set<string> } {
  const dir = requireShared('dapr-reference', version, 'chart-values');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.values.yaml'));
  expect(files.sort()).toEqual([
    'dapr.values.yaml',
    'dapr_config.values.yaml',
    'dapr_operator.values.yaml',
    'dapr_placement.values.yaml',
    'dapr_rbac.values.yaml',
    'dapr_scheduler.values.yaml',
    'dapr_sentry.values.yaml',
    'dapr_sidecar_injector.values.yaml',
  ]);
  const leaves = new Set<string>();
  const freeMaps = new Set<string>();
  const walk = (node: any, prefix: string) => {
    if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
      if (Object.keys(node).length === 0) {
        freeMaps.add(prefix);
        return;
      }
      for (const [k, v] of Object.entries(node)) walk(v, prefix ? `${prefix}.${k}` : k);
    } else {
      leaves.add(prefix);
    }
  };
  for (const f of files) {
    const doc = parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    const sub = f.replace('.values.yaml', '');
    walk(doc, sub === 'dapr' ? '' : sub);
  }
  return { leaves, freeMaps };
}

/** DAPR-NOTES §1.3/§8.2: read by templates, absent from values.yaml. */
const TEMPLATE_ONLY: Record<string, string[]> = {
  '1.16.19': ['global.mtls.sentryAddress', 'global.daprControlPlaneArch', 'dapr_sidecar_injector.sidecarRunAsUser', 'dapr_sidecar_injector.sidecarRunAsGroup'],
  // overrideBroadcastHostPort is read by no template of the 1.17.13 chart (../shared/charts/dapr/1.17.13).
  '1.17.13': ['global.mtls.sentryAddress', 'global.daprControlPlaneArch', 'dapr_sidecar_injector.sidecarRunAsUser', 'dapr_sidecar_injector.sidecarRunAsGroup'],
  '1.18.3': [
    'global.mtls.sentryAddress',
    'global.daprControlPlaneArch',
    'dapr_sidecar_injector.sidecarRunAsUser',
    'dapr_sidecar_injector.sidecarRunAsGroup',
    'dapr_scheduler.overrideBroadcastHostPort',
  ],
};

function knownInFiles(keys: { leaves: Set<string>; freeMaps: Set<string> }, version: string, p: string): boolean {
  if (keys.leaves.has(p) || TEMPLATE_ONLY[version].includes(p)) return true;
  const segments = p.split('.');
  for (let i = segments.length - 1; i > 0; i--) if (keys.freeMaps.has(segments.slice(0, i).join('.'))) return true;
  return false;
}

/** Every key path the dapr helm_release of a synthesized stack writes (values document + set_sensitive). */
function writtenPaths(json: any): string[] {
  const release = findResource(json, 'helm_release', (r) => r.name === 'dapr');
  return [...DaprChartValues.leafPaths(helmValues(json, 'dapr')), ...(release.set_sensitive ?? []).map((s: any) => s.name)];
}

/** Environments that together write every typed key. */
const ENVIRONMENTS = [
  { env: 'prod (HA, BYO CA, every typed prop)', make: (daprVersion: DaprVersion) => prodProps({ daprVersion, nodeSelector: { pool: 'system' }, priorityClassName: 'system-cluster-critical' }) },
  { env: 'dev (no HA, self-signed)', make: (daprVersion: DaprVersion) => devProps({ daprVersion }) },
  { env: 'prod with an HA waiver', make: (daprVersion: DaprVersion) => prodProps({ daprVersion, ha: HaDecision.DISABLED_WAIVED_FOR_STRICT_PROFILE }) },
];

describe.each(DaprVersion.supported().map((v) => v.version))('Helm values of Dapr %s against the generated chart data in imports/', (version) => {
  const daprVersion = DaprVersion.of(version);

  test.each(ENVIRONMENTS)('every key path written for $env is a key of the chart', ({ make }) => {
    const written = writtenPaths(synthJson(platformStack('env', make(daprVersion))));
    expect(written.length).toBeGreaterThan(20);
    expect(DaprChartValues.unknownPaths(daprVersion, written)).toEqual([]);
  });

  test('keys the chart lacks are refused', () => {
    const fake = ['dapr_scheduler.replicaCount', 'dapr_placement.volumeClaims.storageSize', 'global.ha.disruption.minAvailable'];
    expect(DaprChartValues.unknownPaths(daprVersion, fake)).toEqual(fake);
  });
});

test('1.17.13 has the "(1.17)" chart keys of DAPR-NOTES §8.2 and not the "(1.18)" ones (generated data)', () => {
  const candidates = ['global.ha.topologyKey', 'dapr_scheduler.etcdMaxTxnOps', 'dapr_scheduler.workers', 'global.reminders.skipMigration', 'global.ha.podAntiAffinityPolicy', 'dapr_sidecar_injector.nativeSidecar', 'dapr_scheduler.overrideBroadcastHostPort'];
  expect(DaprChartValues.unknownPaths(DaprVersion.V1_17_13, candidates)).toEqual([
    'global.reminders.skipMigration',
    'global.ha.podAntiAffinityPolicy',
    'dapr_sidecar_injector.nativeSidecar',
    'dapr_scheduler.overrideBroadcastHostPort',
  ]);
});

describeWithShared('Helm values against the real chart values files in ../shared', () => {
  describe.each(['1.16.19', '1.17.13', '1.18.3'])('Dapr %s', (version) => {
    const keys = {
      get leaves() {
        return chartKeys(version).leaves;
      },
      get freeMaps() {
        return chartKeys(version).freeMaps;
      },
    };
    const daprVersion = DaprVersion.of(version);

    test('the files are what we think they are (spot checks of real and tutorial-only keys)', () => {
      for (const real of ['global.ha.disruption.minimumAvailable', 'dapr_scheduler.cluster.storageSize', 'dapr_placement.volumeclaims.storageSize', 'dapr_sentry.tls.issuer.keyPEM']) {
        expect(keys.leaves.has(real)).toBe(true);
      }
      for (const fake of ['dapr_scheduler.volumeClaimTemplates', 'dapr_placement.volumeClaims.storageSize', 'dapr_scheduler.replicaCount', 'dapr_placement.replicaCount', 'global.ha.disruption.minAvailable']) {
        expect(knownInFiles(keys, version, fake)).toBe(false);
      }
      expect(keys.freeMaps.has('dapr_operator.resources')).toBe(true);
    });

    test.each(ENVIRONMENTS)('every key path written for $env exists in the chart', ({ make }) => {
      const json = synthJson(platformStack('env', make(daprVersion)));
      const written = writtenPaths(json);
      expect(written.length).toBeGreaterThan(20);
      expect(written.filter((p) => !knownInFiles(keys, version, p))).toEqual([]);
    });

    test('the construct knows exactly the keys the files declare (no drift between imports/ and ../shared)', () => {
      const fromData = daprVersion.chartValuePaths;
      for (const leaf of keys.leaves) expect([leaf, fromData[leaf] !== undefined && fromData[leaf] !== 'object']).toEqual([leaf, true]);
      for (const m of keys.freeMaps) expect([m, fromData[m]]).toEqual([m, 'map']);
      expect(DaprChartValues.templateOnlyPaths(daprVersion)).toEqual([...TEMPLATE_ONLY[version]].sort());
    });

    test('unknown paths are exactly the ones the files lack', () => {
      const candidates = [
        'global.ha.podAntiAffinityPolicy',
        'global.reminders.skipMigration',
        'dapr_sidecar_injector.nativeSidecar',
        'dapr_operator.resources.requests.cpu',
        'global.nodeSelector.pool',
        'dapr_scheduler.overrideBroadcastHostPort',
        'dapr_scheduler.volumeClaimTemplates',
        'dapr_operator.podDisruptionBudget.minAvailable',
      ];
      expect(DaprChartValues.unknownPaths(daprVersion, candidates)).toEqual(candidates.filter((p) => !knownInFiles(keys, version, p)));
    });
  });

  test('the versions differ where DAPR-NOTES §8.2 says ("(1.17)" changes are in 1.17.13, "(1.18)" ones are not)', () => {
    const has = (key: string) => ['1.16.19', '1.17.13', '1.18.3'].map((v) => chartKeys(v).leaves.has(key));
    expect(has('global.reminders.skipMigration')).toEqual([true, false, false]);
    expect(has('global.ha.topologyKey')).toEqual([false, true, true]);
    expect(has('dapr_scheduler.etcdMaxTxnOps')).toEqual([false, true, true]);
    expect(has('dapr_scheduler.workers')).toEqual([false, true, true]);
    expect(has('global.ha.podAntiAffinityPolicy')).toEqual([false, false, true]);
    expect(has('dapr_sidecar_injector.nativeSidecar')).toEqual([false, false, true]);
    expect(has('dapr_placement.disseminateCoalesceWindow')).toEqual([false, false, true]);
  });
});
