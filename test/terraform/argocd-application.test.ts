import { ArgoCdApplication, ArgoCdApplicationProps } from '../../constructs/terraform/argocd-application';
import { errorsOf, findResource, providerStack, synthJson } from './helpers';

function app(o: Partial<ArgoCdApplicationProps> = {}) {
  const stack = providerStack();
  new ArgoCdApplication(stack, 'argo', {
    name: 'dapr-platform-prod',
    repoUrl: 'https://github.com/acme/platform.git',
    targetRevision: 'main',
    path: 'dist/prod',
    destinationNamespace: 'shop',
    ...o,
  });
  return stack;
}

describe('ArgoCdApplication', () => {
  const json = synthJson(app());
  const manifest = findResource(json, 'kubernetes_manifest', (m) => m.manifest.kind === 'Application');
  const application = manifest.manifest;

  test('an Application in argocd syncing the committed manifests of the environment', () => {
    expect(application.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(application.kind).toBe('Application');
    expect(application.metadata).toEqual({ name: 'dapr-platform-prod', namespace: 'argocd', labels: { 'app.kubernetes.io/managed-by': 'dapr-platform' } });
    expect(application.spec.project).toBe('dapr-platform-prod');
    // recurse: dist/<env>/apps/ holds the Deployments (Argo CD reads only the top folder without it);
    // include: only YAML, since Argo CD would load topology.json and kafka-topics.json as manifests.
    expect(application.spec.source).toEqual({
      repoURL: 'https://github.com/acme/platform.git', targetRevision: 'main', path: 'dist/prod',
      directory: { recurse: true, include: '*.yaml' },
    });
    expect(application.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'shop' });
    expect(manifest.field_manager).toEqual({ name: 'dapr-platform', force_conflicts: false });
  });

  test('its own AppProject: our repository, the apps namespace, no cluster-scoped kinds; created before the Application', () => {
    const [projectId, project] = Object.entries<any>(json.resource.kubernetes_manifest).find(([, m]) => m.manifest.kind === 'AppProject')!;
    expect(project).toEqual({
      manifest: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AppProject',
        metadata: { name: 'dapr-platform-prod', namespace: 'argocd', labels: { 'app.kubernetes.io/managed-by': 'dapr-platform' } },
        spec: {
          description: 'dapr-platform: dist/prod of https://github.com/acme/platform.git into namespace shop; managed by dapr-platform',
          sourceRepos: ['https://github.com/acme/platform.git'],
          destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'shop' }],
          clusterResourceWhitelist: [],
        },
      },
      field_manager: { name: 'dapr-platform', force_conflicts: false },
    });
    expect(manifest.depends_on).toEqual([`kubernetes_manifest.${projectId}`]);
  });

  test('automated prune + self-heal with options that never delete data', () => {
    expect(application.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
    expect(application.spec.syncPolicy.syncOptions).toEqual([
      'ServerSideApply=true',
      'RespectIgnoreDifferences=true',
      'PruneLast=true',
      'PrunePropagationPolicy=foreground',
      'FailOnSharedResource=true',
      'CreateNamespace=false',
    ]);
    expect(application.spec.syncPolicy.syncOptions.some((o: string) => o.startsWith('Replace='))).toBe(false);
    expect(application.metadata.finalizers).toBeUndefined();
    expect(`${ArgoCdApplication.KEEP_DATA_ANNOTATION}: ${ArgoCdApplication.KEEP_DATA_ANNOTATION_VALUE}`).toBe('argocd.argoproj.io/sync-options: Prune=false,Delete=false');
  });

  test('ignores what Dapr patches itself', () => {
    expect(application.spec.ignoreDifferences).toEqual([
      { group: '', kind: 'Secret', name: 'dapr-trust-bundle', namespace: 'dapr-system', jsonPointers: ['/data'] },
      { group: '', kind: 'ConfigMap', name: 'dapr-trust-bundle', namespace: 'dapr-system', jsonPointers: ['/data'] },
      {
        group: 'admissionregistration.k8s.io',
        kind: 'MutatingWebhookConfiguration',
        name: 'dapr-sidecar-injector',
        jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
      },
      { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', name: 'subscriptions.dapr.io', jsonPointers: ['/spec/conversion/webhook/clientConfig'] },
    ]);
  });
});

describe('ArgoCdApplication validation', () => {
  test('the default input is valid', () => {
    expect(errorsOf(app())).toEqual([]);
  });

  test('repo URL, revision, path and destination are checked', () => {
    expect(errorsOf(app({ repoUrl: 'github.com/acme/platform', targetRevision: 'HEAD', path: '../dist', destinationNamespace: 'default' }))).toEqual([
      `destinationNamespace 'default' is refused: sync the apps into the environment's apps namespace.`,
      `repoUrl 'github.com/acme/platform' is not an https or ssh Git URL: use e.g. 'https://github.com/acme/platform.git'.`,
      `targetRevision 'HEAD' is not a branch, tag or commit: name one explicitly (e.g. 'main' or 'v1.4.0'), not HEAD.`,
      `path '../dist' is not a relative directory inside the repository: use e.g. 'dist/prod'.`,
    ]);
    const names = errorsOf(app({ name: 'Dapr Platform', argoNamespace: 'Argo' }));
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^name 'Dapr Platform' is not a valid Kubernetes name/);
    expect(names[1]).toMatch(/^namespace 'Argo' is not a DNS-1123 label/);
    expect(errorsOf(app({ repoUrl: 'git@github.com:acme/platform.git', destinationServer: 'http://x' }))).toEqual([
      `destinationServer 'http://x' is not an https URL: use 'https://kubernetes.default.svc' for the cluster Argo CD runs in.`,
    ]);
  });
});
