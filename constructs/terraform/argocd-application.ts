import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { checkNamespace, checkObjectName } from '@dapr-platform/constructs/internal';

/** Props of {@link ArgoCdApplication}. */
export interface ArgoCdApplicationProps {
  /** Name of the Application, e.g. `dapr-platform-prod`. */
  readonly name: string;
  /** Git repository of the committed manifests (https or ssh URL). */
  readonly repoUrl: string;
  /** Branch, tag or commit Argo CD follows. */
  readonly targetRevision: string;
  /** Directory of the environment's manifests inside the repository, e.g. `dist/prod`. */
  readonly path: string;
  /** Namespace the manifests go to by default (the apps namespace). */
  readonly destinationNamespace: string;
  /**
   * The Dapr control-plane namespace (for the differences Dapr patches itself).
   * @default 'dapr-system'
   */
  readonly controlPlaneNamespace?: string;
  /**
   * Namespace Argo CD runs in (where Applications live).
   * @default 'argocd'
   */
  readonly argoNamespace?: string;
  /**
   * API server of the destination cluster, as Argo CD knows it.
   * @default 'https://kubernetes.default.svc'
   */
  readonly destinationServer?: string;
  /**
   * Resources the Application waits for (e.g. the control plane, so the Dapr CRDs exist).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The Argo CD `Application` of one environment (a `kubernetes_manifest`) in its own `AppProject`
 * (our repository, the apps namespace, no cluster-scoped kinds): syncs the committed cdk8s output
 * automatically (prune + self-heal) with options that never delete data:
 * - no `resources-finalizer.argocd.argoproj.io`: deleting the Application leaves its resources;
 * - `allowEmpty: false`: an empty render (broken commit) never prunes everything;
 * - `PruneLast`, foreground propagation, server-side apply, no `Replace=true`;
 * - `ignoreDifferences` (and `RespectIgnoreDifferences`) for what Dapr patches at run time: the
 *   `dapr-trust-bundle` Secret/ConfigMap data, the injector webhook's `caBundle`, the conversion
 *   webhook client config of `subscriptions.dapr.io`.
 * Objects holding data (PVCs, stateful CRs) should carry {@link ArgoCdApplication.KEEP_DATA_ANNOTATION}.
 *
 * `kubernetes_manifest` needs the Application CRD (Argo CD installed) at plan time.
 */
export class ArgoCdApplication extends Construct {
  /** The files of the synced folder Argo CD applies: the YAML manifests synth writes, in any subfolder. */
  public static readonly MANIFEST_GLOB = '*.yaml';

  /** Resource-level annotation key that stops Argo CD from pruning or deleting an object. */
  public static readonly KEEP_DATA_ANNOTATION = 'argocd.argoproj.io/sync-options';
  /** Its value: never prune, never delete with the Application. */
  public static readonly KEEP_DATA_ANNOTATION_VALUE = 'Prune=false,Delete=false';
  /** Application-level sync options. */
  public static readonly SYNC_OPTIONS = [
    'ServerSideApply=true',
    'RespectIgnoreDifferences=true',
    'PruneLast=true',
    'PrunePropagationPolicy=foreground',
    'FailOnSharedResource=true',
    'CreateNamespace=false',
  ];

  /** The manifest resource of the Application. */
  public readonly manifest: Manifest;
  /** The manifest resource of the Application's own AppProject. */
  public readonly projectManifest: Manifest;
  /** The AppProject object as applied. */
  public readonly appProject: { [key: string]: any };
  /** The Application object as applied. */
  public readonly application: { [key: string]: any };

  public constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    const controlPlane = props.controlPlaneNamespace ?? 'dapr-system';
    const argoNamespace = props.argoNamespace ?? 'argocd';
    const project = props.name;
    const server = props.destinationServer ?? 'https://kubernetes.default.svc';

    this.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        for (const e of [
          checkObjectName('name', props.name),
          checkNamespace(props.destinationNamespace),
          checkNamespace(controlPlane),
          checkNamespace(argoNamespace),
        ]) {
          if (e) errors.push(e);
        }
        if (props.destinationNamespace === 'default') {
          errors.push(`destinationNamespace 'default' is refused: sync the apps into the environment's apps namespace.`);
        }
        if (!/^(https:\/\/\S+|ssh:\/\/\S+|git@[^\s:]+:\S+)$/.test(props.repoUrl)) {
          errors.push(`repoUrl '${props.repoUrl}' is not an https or ssh Git URL: use e.g. 'https://github.com/acme/platform.git'.`);
        }
        if (!/^[A-Za-z0-9._/-]+$/.test(props.targetRevision) || props.targetRevision === 'HEAD') {
          errors.push(
            `targetRevision '${props.targetRevision}' is not a branch, tag or commit: name one explicitly (e.g. 'main' or 'v1.4.0'), not HEAD.`,
          );
        }
        if (props.path === '' || props.path.startsWith('/') || props.path.split('/').includes('..') || /\s/.test(props.path)) {
          errors.push(`path '${props.path}' is not a relative directory inside the repository: use e.g. 'dist/prod'.`);
        }
        if (!/^https:\/\/\S+$/.test(server)) {
          errors.push(`destinationServer '${server}' is not an https URL: use 'https://kubernetes.default.svc' for the cluster Argo CD runs in.`);
        }
        return errors;
      },
    });

    // Its own AppProject (named like the Application), not `default`: only our repository, only the
    // apps namespace of this cluster, no cluster-scoped kind. A commit that adds a ClusterRole or an
    // object in another namespace fails to sync instead of being applied with Argo CD's rights.
    this.appProject = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: {
        name: project,
        namespace: argoNamespace,
        labels: { 'app.kubernetes.io/managed-by': 'dapr-platform' },
      },
      spec: {
        description: `dapr-platform: ${props.path} of ${props.repoUrl} into namespace ${props.destinationNamespace}; managed by dapr-platform`,
        sourceRepos: [props.repoUrl],
        destinations: [{ server, namespace: props.destinationNamespace }],
        clusterResourceWhitelist: [],
      },
    };
    this.projectManifest = new Manifest(this, 'project', {
      manifest: this.appProject,
      fieldManager: { name: 'dapr-platform', forceConflicts: false },
      dependsOn: props.dependsOn,
    });

    this.application = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: props.name,
        namespace: argoNamespace,
        labels: { 'app.kubernetes.io/managed-by': 'dapr-platform' },
      },
      spec: {
        project,
        // Argo CD reads only the top folder of a directory source unless `recurse` is set (apps/ holds
        // every Deployment), and loads *.json as manifests too (topology.json, kafka-topics.json are
        // not Kubernetes objects): reposerver/repository/repository.go of Argo CD 3.5.1 matches
        // `include` against the path relative to `path` with a glob whose `*` crosses folders.
        source: {
          repoURL: props.repoUrl,
          targetRevision: props.targetRevision,
          path: props.path,
          directory: { recurse: true, include: ArgoCdApplication.MANIFEST_GLOB },
        },
        destination: { server, namespace: props.destinationNamespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true, allowEmpty: false },
          syncOptions: [...ArgoCdApplication.SYNC_OPTIONS],
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
        },
        ignoreDifferences: [
          { group: '', kind: 'Secret', name: 'dapr-trust-bundle', namespace: controlPlane, jsonPointers: ['/data'] },
          { group: '', kind: 'ConfigMap', name: 'dapr-trust-bundle', namespace: controlPlane, jsonPointers: ['/data'] },
          {
            group: 'admissionregistration.k8s.io',
            kind: 'MutatingWebhookConfiguration',
            name: 'dapr-sidecar-injector',
            jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
          },
          {
            group: 'apiextensions.k8s.io',
            kind: 'CustomResourceDefinition',
            name: 'subscriptions.dapr.io',
            jsonPointers: ['/spec/conversion/webhook/clientConfig'],
          },
        ],
      },
    };

    this.manifest = new Manifest(this, 'application', {
      manifest: this.application,
      fieldManager: { name: 'dapr-platform', forceConflicts: false },
      dependsOn: [...(props.dependsOn ?? []), this.projectManifest],
    });
  }
}
