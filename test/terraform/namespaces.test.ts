import { Namespaces, NamespacesProps, PodSecurityLevel } from '../../constructs/terraform/namespaces';
import { errorsOf, findResource, providerStack, resources, synthJson } from './helpers';

function namespaces(o: Partial<NamespacesProps> = {}) {
  const stack = providerStack();
  new Namespaces(stack, 'ns', { appsNamespace: 'shop', platformNamespaces: ['vault-injector'], ...o });
  return stack;
}

const byName = (json: any, name: string) => findResource(json, 'kubernetes_namespace_v1', (n) => n.metadata.name === name);

describe('Namespaces', () => {
  const json = synthJson(namespaces({ preventDestroy: true, labels: { team: 'platform' } }));

  test('the apps namespace enforces Pod Security restricted', () => {
    expect(byName(json, 'shop').metadata.labels).toEqual({
      team: 'platform',
      'app.kubernetes.io/managed-by': 'dapr-platform',
      'app.kubernetes.io/part-of': 'dapr-platform',
      'app.kubernetes.io/component': 'apps',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
  });

  test('the control plane and platform namespaces enforce baseline and warn/audit restricted', () => {
    for (const name of ['dapr-system', 'vault-injector']) {
      const labels = byName(json, name).metadata.labels;
      expect([name, labels['pod-security.kubernetes.io/enforce'], labels['pod-security.kubernetes.io/warn'], labels['pod-security.kubernetes.io/audit']]).toEqual([
        name,
        'baseline',
        'restricted',
        'restricted',
      ]);
    }
    expect(Object.keys(resources(json, 'kubernetes_namespace_v1'))).toHaveLength(3);
  });

  test('prevent_destroy when asked (prod)', () => {
    for (const n of Object.values(resources(json, 'kubernetes_namespace_v1'))) expect((n as any).lifecycle).toEqual({ prevent_destroy: true });
    const dev = synthJson(namespaces());
    for (const n of Object.values(resources(dev, 'kubernetes_namespace_v1'))) expect((n as any).lifecycle).toBeUndefined();
  });

  test('the control plane can be made restricted explicitly', () => {
    const j = synthJson(namespaces({ controlPlaneEnforce: PodSecurityLevel.RESTRICTED }));
    expect(byName(j, 'dapr-system').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe('Namespaces validation', () => {
  test("'default' and kube-* are refused, names must be unique and valid, privileged is refused", () => {
    expect(errorsOf(namespaces({ appsNamespace: 'default', platformNamespaces: ['kube-tools', 'Vault', 'dapr-system'], controlPlaneEnforce: PodSecurityLevel.PRIVILEGED }))).toEqual([
      `namespace 'default' is refused: Dapr and the apps get their own namespaces, e.g. 'dapr-system' and 'orders'.`,
      `namespace 'kube-tools' is refused: Dapr and the apps get their own namespaces, e.g. 'dapr-system' and 'orders'.`,
      `namespace 'Vault' is not a DNS-1123 label (lowercase letters, digits and '-', at most 63). Use e.g. 'vault'.`,
      `namespace 'dapr-system' is listed twice: give the control plane, the apps and each platform component their own namespace.`,
      `controlPlaneEnforce 'privileged' disables Pod Security for the control plane: use PodSecurityLevel.BASELINE.`,
    ]);
  });
});
