import { EnvironmentProfile } from '../../constructs/model/profile';
import { LoadedDocument } from '../../constructs/policy/engine';
import {
  CONTROL_PLANE_BYO_CA,
  CONTROL_PLANE_CHART_PINNED,
  CONTROL_PLANE_HA,
  CONTROL_PLANE_KNOWN_VALUES,
  CONTROL_PLANE_PLACEMENT_QUORUM,
  CONTROL_PLANE_SCHEDULER_STORAGE,
  CONTROL_PLANE_SIDECAR_HARDENING,
  CONTROL_PLANE_WEBHOOK_FAIL,
} from '../../constructs/policy/rules/control-plane';
import { findingsOf, HELM_VALUES, messagesOf, terraformJson, TF_FILE } from './fixtures';

const { DEV, STAGING, PROD } = EnvironmentProfile;

type Obj = Record<string, any>;

/** A Terraform document with the good dapr release, changed by `edit`. */
function tf(edit: (release: Obj) => void = () => undefined): LoadedDocument[] {
  const content = terraformJson();
  edit(content.resource.helm_release.dapr);
  return [{ file: TF_FILE, index: 0, format: 'terraform', content }];
}

function values(...lines: string[]): (r: Obj) => void {
  return (r) => (r.values = [lines.join('\n')]);
}

describe('DAPR-CP-001 HA in prod', () => {
  it('fails in prod without global.ha.enabled', () => {
    const docs = tf(values('global:', '  ha:', '    enabled: false'));
    const findings = findingsOf(CONTROL_PLANE_HA, docs, PROD);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ object: 'helm_release.dapr', file: TF_FILE });
    expect(findings[0].message).toContain('set global.ha.enabled: true');
    expect(findingsOf(CONTROL_PLANE_HA, docs, STAGING)).toEqual([]);
  });

  it('passes with HA, also when set through `set`', () => {
    expect(findingsOf(CONTROL_PLANE_HA, tf())).toEqual([]);
    expect(findingsOf(CONTROL_PLANE_HA, tf((r) => ((r.values = []), (r.set = [{ name: 'global.ha.enabled', value: 'true' }]))))).toEqual([]);
  });

  it('ignores helm releases of other charts', () => {
    const docs = tf((r) => ((r.chart = 'redis'), (r.values = [])));
    expect(findingsOf(CONTROL_PLANE_HA, docs)).toEqual([]);
  });
});

describe('DAPR-CP-002 odd placement replicas', () => {
  it('fails on scaleZero while actors are enabled, in every profile', () => {
    const docs = tf(values('dapr_placement:', '  scaleZero: true'));
    expect(messagesOf(CONTROL_PLANE_PLACEMENT_QUORUM, docs, DEV)[0]).toContain('placement runs 0 replicas');
  });

  it('fails on a single placement replica in staging and prod, not in dev', () => {
    const docs = tf(values('global:', '  ha:', '    enabled: false'));
    expect(messagesOf(CONTROL_PLANE_PLACEMENT_QUORUM, docs, STAGING)[0]).toContain('set dapr_placement.ha: true');
    expect(findingsOf(CONTROL_PLANE_PLACEMENT_QUORUM, docs, DEV)).toEqual([]);
  });

  it('passes with global HA, with dapr_placement.ha, and with actors disabled', () => {
    expect(findingsOf(CONTROL_PLANE_PLACEMENT_QUORUM, tf())).toEqual([]);
    expect(findingsOf(CONTROL_PLANE_PLACEMENT_QUORUM, tf(values('dapr_placement:', '  ha: true')))).toEqual([]);
    expect(findingsOf(CONTROL_PLANE_PLACEMENT_QUORUM, tf(values('global:', '  actors:', '    enabled: false', 'dapr_placement:', '  scaleZero: true')))).toEqual([]);
  });
});

describe('DAPR-CP-003 webhook fails closed in prod', () => {
  it("fails on 'Ignore' and on the chart default", () => {
    expect(messagesOf(CONTROL_PLANE_WEBHOOK_FAIL, tf(values('dapr_sidecar_injector:', '  webhookFailurePolicy: Ignore')))[0]).toContain(
      "webhookFailurePolicy 'Ignore'",
    );
    expect(messagesOf(CONTROL_PLANE_WEBHOOK_FAIL, tf(values('global: {}')))[0]).toContain("unset (chart default 'Ignore')");
  });

  it("passes on 'Fail' and outside prod", () => {
    expect(findingsOf(CONTROL_PLANE_WEBHOOK_FAIL, tf())).toEqual([]);
    expect(findingsOf(CONTROL_PLANE_WEBHOOK_FAIL, tf(values('global: {}')), STAGING)).toEqual([]);
  });

  it('lets a later values entry override an earlier one', () => {
    const docs = tf((r) => (r.values = [HELM_VALUES, 'dapr_sidecar_injector:\n  webhookFailurePolicy: Ignore\n']));
    expect(findingsOf(CONTROL_PLANE_WEBHOOK_FAIL, docs)).toHaveLength(1);
  });
});

describe('DAPR-CP-004 bring-your-own CA', () => {
  it('fails in staging and prod when a PEM is missing', () => {
    const docs = tf((r) => (r.set_sensitive = r.set_sensitive.slice(0, 2)));
    expect(messagesOf(CONTROL_PLANE_BYO_CA, docs, STAGING)[0]).toContain("does not set 'dapr_sentry.tls.issuer.keyPEM'");
    expect(findingsOf(CONTROL_PLANE_BYO_CA, docs, DEV)).toEqual([]);
  });

  it('fails when the issuer key is a literal in values', () => {
    const docs = tf((r) => {
      r.set_sensitive = r.set_sensitive.slice(0, 2);
      r.values.push('dapr_sentry:\n  tls:\n    issuer:\n      keyPEM: |\n        -----BEGIN EC PRIVATE KEY-----\n        abc\n');
    });
    expect(messagesOf(CONTROL_PLANE_BYO_CA, docs)[0]).toContain('as a literal');
  });

  it('passes with set_sensitive, or with certificates in values and the key from a variable', () => {
    expect(findingsOf(CONTROL_PLANE_BYO_CA, tf())).toEqual([]);
    const docs = tf((r) => {
      r.set_sensitive = [r.set_sensitive[2]];
      r.values.push('dapr_sentry:\n  tls:\n    root:\n      certPEM: "-----BEGIN CERTIFICATE-----"\n    issuer:\n      certPEM: "-----BEGIN CERTIFICATE-----"\n');
    });
    expect(findingsOf(CONTROL_PLANE_BYO_CA, docs)).toEqual([]);
  });
});

describe('DAPR-CP-005 scheduler storage pinned', () => {
  it('fails without dapr_scheduler.cluster.storageSize in staging and prod', () => {
    const docs = tf(values('global:', '  ha:', '    enabled: true'));
    expect(messagesOf(CONTROL_PLANE_SCHEDULER_STORAGE, docs, STAGING)[0]).toContain('set dapr_scheduler.cluster.storageSize explicitly');
    expect(findingsOf(CONTROL_PLANE_SCHEDULER_STORAGE, docs, DEV)).toEqual([]);
  });

  it('fails on in-memory scheduler storage', () => {
    const docs = tf(values('dapr_scheduler:', '  cluster:', '    inMemoryStorage: true'));
    expect(messagesOf(CONTROL_PLANE_SCHEDULER_STORAGE, docs)[0]).toContain('inMemoryStorage');
  });

  it('passes with a pinned size', () => {
    expect(findingsOf(CONTROL_PLANE_SCHEDULER_STORAGE, tf())).toEqual([]);
  });
});

describe('DAPR-CP-006 chart version pinned', () => {
  it.each([['~1.16'], ['>=1.16.0'], ['1.18'], [undefined]])('fails on version %p', (version) => {
    const docs = tf((r) => {
      if (version === undefined) delete r.version;
      else r.version = version;
    });
    expect(messagesOf(CONTROL_PLANE_CHART_PINNED, docs, DEV)[0]).toContain('pin an exact version, e.g. version = "1.18.3"');
  });

  it.each([['1.16.19'], ['1.16.20-rc.1']])('passes on %s', (version) => {
    expect(findingsOf(CONTROL_PLANE_CHART_PINNED, tf((r) => (r.version = version)))).toEqual([]);
  });
});

describe('DAPR-CP-007 known chart values', () => {
  it('fails on unknown keys in values, set and set_sensitive, with a hint', () => {
    const docs = tf((r) => {
      r.values.push(['global:', '  ha:', '    disruption:', '      minAvailable: 1', 'dapr_operator:', '  nodeSelector: {pool: system}'].join('\n'));
      r.set = [{ name: 'dapr_placement.volumeClaims.storageSize', value: '2Gi' }];
      r.set_sensitive.push({ name: 'dapr_sentry.tls.issuer.caPEM', value: '${var.x}' });
    });
    const msgs = messagesOf(CONTROL_PLANE_KNOWN_VALUES, docs, DEV);
    expect(msgs).toHaveLength(4);
    expect(msgs[0]).toContain("'dapr_operator.nodeSelector'");
    expect(msgs[0]).toContain("use 'global.nodeSelector'");
    expect(msgs[1]).toContain("'dapr_placement.volumeClaims.storageSize'");
    expect(msgs[2]).toContain("'dapr_sentry.tls.issuer.caPEM'");
    expect(msgs[3]).toContain("rename it to 'global.ha.disruption.minimumAvailable'");
  });

  it('allows free-form maps, template-only keys, dotted label keys and list indexes', () => {
    const docs = tf((r) => {
      r.values.push(
        [
          'global:',
          '  mtls:',
          '    sentryAddress: dapr-sentry.dapr-system.svc:443',
          '  daprControlPlaneArch: amd64',
          '  nodeSelector: {pool: system}',
          'dapr_scheduler:',
          '  overrideBroadcastHostPort: scheduler.example.com:443',
          '  resources: {limits: {memory: 1Gi}}',
          'dapr_sidecar_injector:',
          '  sidecarRunAsGroup: 65532',
        ].join('\n'),
      );
      r.set = [
        { name: 'global.k8sLabels.app\\.kubernetes\\.io/version', value: '1.18.3' },
        { name: 'global.tolerations[0].key', value: 'dedicated' },
        { name: 'dapr_operator.extraEnvVars.GODEBUG', value: 'x' },
      ];
    });
    expect(findingsOf(CONTROL_PLANE_KNOWN_VALUES, docs)).toEqual([]);
  });

  it('checks against the version: global.reminders.skipMigration exists in 1.16.19 only', () => {
    const docs = tf((r) => r.values.push('global:\n  reminders:\n    skipMigration: true\n'));
    expect(findingsOf(CONTROL_PLANE_KNOWN_VALUES, docs, PROD, '1.16.19')).toEqual([]);
    expect(findingsOf(CONTROL_PLANE_KNOWN_VALUES, docs, PROD, '1.18.3')).toHaveLength(1);
  });

  it('passes on the good release', () => {
    expect(findingsOf(CONTROL_PLANE_KNOWN_VALUES, tf())).toEqual([]);
  });
});

describe('DAPR-CP-008 sidecar hardening', () => {
  it('fails in staging and prod when capabilities are not dropped (chart default)', () => {
    const docs = tf(values('global:', '  ha:', '    enabled: true'));
    const [msg] = messagesOf(CONTROL_PLANE_SIDECAR_HARDENING, docs, STAGING);
    expect(msg).toContain('dapr_sidecar_injector.sidecarDropALLCapabilities is unset (chart default false)');
    expect(msg).toContain('set dapr_sidecar_injector.sidecarDropALLCapabilities: true');
    expect(findingsOf(CONTROL_PLANE_SIDECAR_HARDENING, docs, DEV)).toEqual([]);
  });

  it('fails when runAsNonRoot or the read-only root filesystem is turned off', () => {
    const docs = tf((r) => r.values.push('dapr_sidecar_injector:\n  sidecarRunAsNonRoot: false\n  sidecarReadOnlyRootFilesystem: "false"\n'));
    const [msg] = messagesOf(CONTROL_PLANE_SIDECAR_HARDENING, docs);
    expect(msg).toContain('sidecarRunAsNonRoot is false, which lets daprd run as root');
    expect(msg).toContain('sidecarReadOnlyRootFilesystem is false');
  });

  it('passes on the good release', () => {
    expect(findingsOf(CONTROL_PLANE_SIDECAR_HARDENING, tf())).toEqual([]);
  });
});
