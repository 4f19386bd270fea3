import { EnvironmentProfile } from '../../constructs/model/profile';
import {
  WORKLOAD_ANNOTATIONS_ON_TEMPLATE,
  WORKLOAD_API_TOKEN,
  WORKLOAD_APP_ID_UNIQUE,
  WORKLOAD_APP_ID_VALID,
  WORKLOAD_CONFIG_EXISTS,
  WORKLOAD_GOMEMLIMIT,
  WORKLOAD_IMAGE_PINNED,
  WORKLOAD_KNOWN_ANNOTATIONS,
  WORKLOAD_PDB,
  WORKLOAD_PROBES,
  WORKLOAD_RESOURCE_LIMITS,
  WORKLOAD_SECURITY_CONTEXT,
  WORKLOAD_SIDECAR_RESOURCES,
  WORKLOAD_TOPOLOGY_SPREAD,
} from '../../constructs/policy/rules/workloads';
import { configuration, findingsOf, goodProdSet, hardenedDeployment, k8s, messagesOf, pdb } from './fixtures';

const { DEV, STAGING, PROD } = EnvironmentProfile;

type Obj = Record<string, any>;

function app(name = 'order-api', replicas = 1): Obj {
  return hardenedDeployment(name, replicas);
}
function ann(d: Obj): Record<string, string> {
  return d.spec.template.metadata.annotations;
}
function container(d: Obj): Obj {
  return d.spec.template.spec.containers[0];
}

describe('DAPR-WORK-001 annotations on the pod template', () => {
  it('fails on dapr.io annotations on the Deployment metadata (even without any on the template)', () => {
    const d = app();
    d.metadata.annotations = { 'dapr.io/enabled': 'true', 'dapr.io/app-id': 'order-api', 'deployment.kubernetes.io/revision': '3' };
    d.spec.template.metadata.annotations = {};
    const [msg] = messagesOf(WORKLOAD_ANNOTATIONS_ON_TEMPLATE, [k8s(d)], DEV);
    expect(msg).toContain("has 'dapr.io/app-id' and 'dapr.io/enabled' on its own metadata.annotations");
    expect(msg).toContain('move them to spec.template.metadata.annotations');
  });

  it('checks StatefulSets too and passes on template annotations', () => {
    const s = app();
    s.kind = 'StatefulSet';
    s.metadata.annotations = { 'dapr.io/config': 'x' };
    expect(findingsOf(WORKLOAD_ANNOTATIONS_ON_TEMPLATE, [k8s(s)])).toHaveLength(1);
    expect(findingsOf(WORKLOAD_ANNOTATIONS_ON_TEMPLATE, goodProdSet())).toEqual([]);
  });
});

describe('DAPR-WORK-002 known annotations', () => {
  it('fails on an annotation the injector does not read, suggesting the right one', () => {
    const d = app();
    ann(d)['dapr.io/port'] = '8080';
    const [msg] = messagesOf(WORKLOAD_KNOWN_ANNOTATIONS, [k8s(d)], DEV);
    expect(msg).toContain("pod annotation 'dapr.io/port'");
    expect(msg).toContain("(did you mean 'dapr.io/app-port'?)");
  });

  it('checks against the pinned version: enable-native-sidecar exists in 1.18.3, not in 1.16.19', () => {
    const d = app();
    ann(d)['dapr.io/enable-native-sidecar'] = 'true';
    expect(findingsOf(WORKLOAD_KNOWN_ANNOTATIONS, [k8s(d)], PROD, '1.18.3')).toEqual([]);
    expect(findingsOf(WORKLOAD_KNOWN_ANNOTATIONS, [k8s(d)], PROD, '1.16.19')).toHaveLength(1);
  });

  it('passes on the good set and ignores non-dapr annotations', () => {
    const d = app();
    ann(d)['prometheus.io/scrape'] = 'true';
    expect(findingsOf(WORKLOAD_KNOWN_ANNOTATIONS, [k8s(d)])).toEqual([]);
  });
});

describe('DAPR-WORK-003 dapr.io/config exists', () => {
  it('fails when the Configuration does not exist in the namespace', () => {
    const d = app();
    ann(d)['dapr.io/config'] = 'orders-cfg';
    const [msg] = messagesOf(WORKLOAD_CONFIG_EXISTS, [k8s(d), k8s(configuration())], DEV);
    expect(msg).toContain("dapr.io/config 'orders-cfg', but there is no Configuration 'orders-cfg' in namespace 'orders' (did you mean 'orders-config'?)");
  });

  it('fails in prod without dapr.io/config, but not in staging', () => {
    const d = app();
    delete ann(d)['dapr.io/config'];
    expect(messagesOf(WORKLOAD_CONFIG_EXISTS, [k8s(d)], PROD)[0]).toContain('has no dapr.io/config annotation');
    expect(findingsOf(WORKLOAD_CONFIG_EXISTS, [k8s(d)], STAGING)).toEqual([]);
  });

  it('passes when the Configuration exists', () => {
    expect(findingsOf(WORKLOAD_CONFIG_EXISTS, [k8s(app()), k8s(configuration())])).toEqual([]);
  });
});

describe('DAPR-WORK-004 app-id is a DNS label of at most 58 characters', () => {
  it.each([['Order_API'], ['a'.repeat(59)], ['-api']])('fails on app-id %p', (appId) => {
    const d = app();
    ann(d)['dapr.io/app-id'] = appId;
    expect(messagesOf(WORKLOAD_APP_ID_VALID, [k8s(d)], DEV)[0]).toContain(`app-id '${appId}' is not a DNS-1123 label`);
  });

  it('fails without an app-id', () => {
    const d = app();
    delete ann(d)['dapr.io/app-id'];
    expect(messagesOf(WORKLOAD_APP_ID_VALID, [k8s(d)])[0]).toContain('set dapr.io/app-id: order-api');
  });

  it('passes on a 58-character label and ignores workloads without Dapr', () => {
    const d = app();
    ann(d)['dapr.io/app-id'] = 'a'.repeat(58);
    const plain = app('web');
    ann(plain)['dapr.io/enabled'] = 'false';
    delete ann(plain)['dapr.io/app-id'];
    expect(findingsOf(WORKLOAD_APP_ID_VALID, [k8s(d), k8s(plain)])).toEqual([]);
  });
});

describe('DAPR-WORK-005 app-id unique per namespace', () => {
  it('fails on the second workload with the same app-id', () => {
    const other = app('order-api-v2');
    ann(other)['dapr.io/app-id'] = 'order-api';
    const findings = findingsOf(WORKLOAD_APP_ID_UNIQUE, [k8s(app()), k8s(other)], DEV);
    expect(findings).toHaveLength(1);
    expect(findings[0].object).toBe('Deployment orders/order-api-v2');
    expect(findings[0].message).toContain('Deployment orders/order-api already uses');
  });

  it('passes for the same app-id in different namespaces', () => {
    const other = app();
    other.metadata.namespace = 'billing';
    expect(findingsOf(WORKLOAD_APP_ID_UNIQUE, [k8s(app()), k8s(other)])).toEqual([]);
  });
});

describe('DAPR-WORK-006 sidecar resources', () => {
  it('fails in staging and prod when an annotation is missing, naming it with a starting value', () => {
    const d = app();
    delete ann(d)['dapr.io/sidecar-memory-limit'];
    for (const profile of [STAGING, PROD]) {
      expect(messagesOf(WORKLOAD_SIDECAR_RESOURCES, [k8s(d)], profile)[0]).toContain(`'dapr.io/sidecar-memory-limit'`);
    }
    expect(findingsOf(WORKLOAD_SIDECAR_RESOURCES, [k8s(d)], DEV)).toEqual([]);
  });

  it('fails on a value that is not a quantity', () => {
    const d = app();
    ann(d)['dapr.io/sidecar-memory-limit'] = '512MB';
    expect(messagesOf(WORKLOAD_SIDECAR_RESOURCES, [k8s(d)])[0]).toContain("dapr.io/sidecar-memory-limit '512MB', which is not a Kubernetes quantity");
  });

  it('fails when a request is above its limit', () => {
    const d = app();
    ann(d)['dapr.io/sidecar-cpu-request'] = '1';
    expect(messagesOf(WORKLOAD_SIDECAR_RESOURCES, [k8s(d)])[0]).toContain("dapr.io/sidecar-cpu-request '1' above dapr.io/sidecar-cpu-limit '300m'");
  });

  it('passes when all four are valid', () => {
    expect(findingsOf(WORKLOAD_SIDECAR_RESOURCES, goodProdSet())).toEqual([]);
  });
});

describe('DAPR-WORK-007 GOMEMLIMIT matches the sidecar memory limit', () => {
  it.each([
    ['1GiB', 'above the sidecar memory limit 512Mi'],
    ['510MiB', '100% of the sidecar memory limit'],
    ['200MiB', 'only 39% of the sidecar memory limit'],
    ['460Mi', 'is not a Go byte count'],
    ['off', 'turns the soft memory limit off'],
  ])('fails on GOMEMLIMIT=%s', (value, problem) => {
    const d = app();
    ann(d)['dapr.io/env'] = `LOG_LEVEL=info,GOMEMLIMIT=${value}`;
    const [msg] = messagesOf(WORKLOAD_GOMEMLIMIT, [k8s(d)], DEV);
    expect(msg).toContain(problem);
    expect(msg).toContain('include GOMEMLIMIT=460MiB (90% of 512Mi)');
  });

  it('requires GOMEMLIMIT with a memory limit in staging and prod only', () => {
    const d = app();
    delete ann(d)['dapr.io/env'];
    expect(messagesOf(WORKLOAD_GOMEMLIMIT, [k8s(d)], STAGING)[0]).toContain('sets no GOMEMLIMIT');
    expect(findingsOf(WORKLOAD_GOMEMLIMIT, [k8s(d)], DEV)).toEqual([]);
  });

  it('passes at about 90% in any unit, and leaves a missing limit to DAPR-WORK-006', () => {
    const gi = app();
    ann(gi)['dapr.io/sidecar-memory-limit'] = '1Gi';
    ann(gi)['dapr.io/env'] = 'GOMEMLIMIT=921MiB';
    const decimal = app('order-worker');
    ann(decimal)['dapr.io/sidecar-memory-limit'] = '1G';
    ann(decimal)['dapr.io/env'] = 'GOMEMLIMIT=900000000';
    const noLimit = app('order-audit');
    delete ann(noLimit)['dapr.io/sidecar-memory-limit'];
    expect(findingsOf(WORKLOAD_GOMEMLIMIT, [k8s(gi), k8s(decimal), k8s(noLimit)])).toEqual([]);
  });
});

describe('DAPR-WORK-008 API token in prod', () => {
  it('fails in prod without dapr.io/api-token-secret', () => {
    const d = app();
    delete ann(d)['dapr.io/api-token-secret'];
    expect(messagesOf(WORKLOAD_API_TOKEN, [k8s(d)], PROD)[0]).toContain('set dapr.io/api-token-secret');
    expect(findingsOf(WORKLOAD_API_TOKEN, [k8s(d)], STAGING)).toEqual([]);
  });

  it('passes with the annotation', () => {
    expect(findingsOf(WORKLOAD_API_TOKEN, [k8s(app())])).toEqual([]);
  });
});

describe('DAPR-WORK-009 container security context', () => {
  it.each([
    ['runAsNonRoot', false, 'runAsNonRoot is not true'],
    ['runAsUser', 0, 'runAsUser is 0'],
    ['readOnlyRootFilesystem', false, 'readOnlyRootFilesystem is not true'],
    ['allowPrivilegeEscalation', true, 'allowPrivilegeEscalation is not false'],
    ['privileged', true, 'privileged is true'],
  ])('fails when %s is %p', (field, value, problem) => {
    const d = app();
    container(d).securityContext[field] = value;
    const [msg] = messagesOf(WORKLOAD_SECURITY_CONTEXT, [k8s(d)], DEV);
    expect(msg).toContain(`container 'app': ${problem}`);
  });

  it('fails when runAsUser is set nowhere, and checks init containers', () => {
    const d = app();
    delete container(d).securityContext.runAsUser;
    delete d.spec.template.spec.securityContext.runAsUser;
    d.spec.template.spec.initContainers = [{ name: 'migrate', image: 'registry.example.com/m:1' }];
    const msgs = messagesOf(WORKLOAD_SECURITY_CONTEXT, [k8s(d)]);
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toContain("container 'app': runAsUser is not set");
    expect(msgs[1]).toContain("init container 'migrate'");
  });

  it('takes runAsNonRoot and runAsUser from the pod security context', () => {
    const d = app();
    delete container(d).securityContext.runAsNonRoot;
    delete container(d).securityContext.runAsUser;
    expect(findingsOf(WORKLOAD_SECURITY_CONTEXT, [k8s(d)])).toEqual([]);
  });
});

describe('DAPR-WORK-010 probes', () => {
  it('fails without a readiness probe in staging and prod', () => {
    const d = app();
    delete container(d).readinessProbe;
    expect(messagesOf(WORKLOAD_PROBES, [k8s(d)], STAGING)[0]).toContain("container 'app' has no readinessProbe");
    expect(findingsOf(WORKLOAD_PROBES, [k8s(d)], DEV)).toEqual([]);
  });

  it('fails without a liveness probe and passes with both', () => {
    const d = app();
    delete container(d).livenessProbe;
    expect(messagesOf(WORKLOAD_PROBES, [k8s(d)])[0]).toContain('no livenessProbe');
    expect(findingsOf(WORKLOAD_PROBES, [k8s(app())])).toEqual([]);
  });
});

describe('DAPR-WORK-011 resource limits', () => {
  it('fails without a memory limit', () => {
    const d = app();
    delete container(d).resources.limits.memory;
    expect(messagesOf(WORKLOAD_RESOURCE_LIMITS, [k8s(d)])[0]).toContain('has no memory limit');
  });

  it('fails without resources at all, only in strict profiles', () => {
    const d = app();
    delete container(d).resources;
    expect(messagesOf(WORKLOAD_RESOURCE_LIMITS, [k8s(d)], STAGING)[0]).toContain('has no cpu/memory limit');
    expect(findingsOf(WORKLOAD_RESOURCE_LIMITS, [k8s(d)], DEV)).toEqual([]);
  });

  it('passes with cpu and memory limits', () => {
    expect(findingsOf(WORKLOAD_RESOURCE_LIMITS, goodProdSet())).toEqual([]);
  });
});

describe('DAPR-WORK-012 pinned images', () => {
  it.each([
    ['registry.example.com/orders/app:latest', "with tag 'latest'"],
    ['registry.example.com/orders/app', 'without a tag'],
    ['localhost:5000/app', 'without a tag'],
  ])('fails on %s', (image, problem) => {
    const d = app();
    container(d).image = image;
    expect(messagesOf(WORKLOAD_IMAGE_PINNED, [k8s(d)], STAGING)[0]).toContain(problem);
  });

  it.each([['localhost:5000/app:1.0'], ['registry.example.com/app@sha256:0123abcd'], ['app:latest@sha256:0123abcd']])('passes on %s', (image) => {
    const d = app();
    container(d).image = image;
    expect(findingsOf(WORKLOAD_IMAGE_PINNED, [k8s(d)])).toEqual([]);
  });

  it('does not apply in dev', () => {
    const d = app();
    container(d).image = 'app:latest';
    expect(findingsOf(WORKLOAD_IMAGE_PINNED, [k8s(d)], DEV)).toEqual([]);
  });
});

describe('DAPR-WORK-013 PodDisruptionBudget for replicated workloads', () => {
  it('fails without a PDB selecting the pods', () => {
    const other = pdb('order-worker');
    const [msg] = messagesOf(WORKLOAD_PDB, [k8s(app('order-api', 3)), k8s(other)]);
    expect(msg).toContain('runs 3 replicas but no PodDisruptionBudget');
  });

  it('fails when the only PDB allows no eviction', () => {
    const p = pdb('order-api');
    delete p.spec.maxUnavailable;
    p.spec.minAvailable = 3;
    expect(messagesOf(WORKLOAD_PDB, [k8s(app('order-api', 3)), k8s(p)])[0]).toContain('allows no eviction at all');
  });

  it('finds PDBs by matchExpressions and ignores single-replica workloads and dev', () => {
    const p = pdb('order-api');
    p.spec.selector = { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['order-api', 'x'] }] };
    expect(findingsOf(WORKLOAD_PDB, [k8s(app('order-api', 3)), k8s(p)])).toEqual([]);
    expect(findingsOf(WORKLOAD_PDB, [k8s(app('order-api', 1))])).toEqual([]);
    expect(findingsOf(WORKLOAD_PDB, [k8s(app('order-api', 3))], DEV)).toEqual([]);
  });

  it('does not count a PDB of another namespace', () => {
    const p = pdb('order-api');
    p.metadata.namespace = 'billing';
    expect(findingsOf(WORKLOAD_PDB, [k8s(app('order-api', 3)), k8s(p)])).toHaveLength(1);
  });
});

describe('DAPR-WORK-014 topology spread for replicated workloads', () => {
  it('warns without topologySpreadConstraints', () => {
    const d = app('order-api', 2);
    delete d.spec.template.spec.topologySpreadConstraints;
    const findings = findingsOf(WORKLOAD_TOPOLOGY_SPREAD, [k8s(d)], STAGING);
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('warning');
    expect(findings[0].message).toContain('topologyKey topology.kubernetes.io/zone');
  });

  it('warns when no constraint selects the pods', () => {
    const d = app('order-api', 2);
    d.spec.template.spec.topologySpreadConstraints[0].labelSelector = { matchLabels: { app: 'other' } };
    expect(messagesOf(WORKLOAD_TOPOLOGY_SPREAD, [k8s(d)])[0]).toContain('none has a labelSelector that selects its own pods');
  });

  it('passes with a matching constraint or a single replica', () => {
    expect(findingsOf(WORKLOAD_TOPOLOGY_SPREAD, goodProdSet())).toEqual([]);
    const single = app('order-api', 1);
    delete single.spec.template.spec.topologySpreadConstraints;
    expect(findingsOf(WORKLOAD_TOPOLOGY_SPREAD, [k8s(single)])).toEqual([]);
  });
});
