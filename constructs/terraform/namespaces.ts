import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Construct } from 'constructs';
import { checkNamespace } from '@dapr-platform/constructs/internal';

/** Pod Security Standards level (`pod-security.kubernetes.io/*` label values). */
export enum PodSecurityLevel {
  /** No restrictions. */
  PRIVILEGED = 'privileged',
  /** Prevents known privilege escalations. */
  BASELINE = 'baseline',
  /** Current pod hardening best practice. */
  RESTRICTED = 'restricted',
}

/** Props of {@link Namespaces}. */
export interface NamespacesProps {
  /**
   * The Dapr control-plane namespace.
   * @default 'dapr-system'
   */
  readonly controlPlaneNamespace?: string;
  /** The environment's apps namespace (the Argo CD application's destination). */
  readonly appsNamespace: string;
  /**
   * Further platform namespaces (e.g. the Vault Agent injector's, dev brokers'), labelled like the
   * control plane: enforce `baseline`, warn and audit `restricted`.
   * @default - none
   */
  readonly platformNamespaces?: string[];
  /**
   * Pod Security level enforced on the control-plane namespace. The Dapr chart does not set every
   * field `restricted` demands on its pods (e.g. capabilities), so `baseline` is enforced and
   * `restricted` is warned and audited.
   * @default PodSecurityLevel.BASELINE
   */
  readonly controlPlaneEnforce?: PodSecurityLevel;
  /**
   * Common labels for every namespace (e.g. `team`).
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Set Terraform's `prevent_destroy` (deleting a namespace deletes its volumes; use it in prod).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

const PSS = 'pod-security.kubernetes.io';

/**
 * The namespaces of an environment with their Pod Security labels: the apps namespace enforces
 * `restricted`; the control plane (and other platform namespaces) enforce `baseline` and warn/audit
 * `restricted`. Created here, not by Helm (`create_namespace` is off), so the labels are managed.
 */
export class Namespaces extends Construct {
  /** The control-plane namespace resource. */
  public readonly controlPlane: NamespaceV1;
  /** The apps namespace resource. */
  public readonly apps: NamespaceV1;
  /** The platform namespace resources, by name. */
  public readonly platform: { [name: string]: NamespaceV1 } = {};

  public constructor(scope: Construct, id: string, props: NamespacesProps) {
    super(scope, id);
    const controlPlaneName = props.controlPlaneNamespace ?? 'dapr-system';
    const platformNames = props.platformNamespaces ?? [];
    const enforce = props.controlPlaneEnforce ?? PodSecurityLevel.BASELINE;

    this.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        const all = [controlPlaneName, props.appsNamespace, ...platformNames];
        for (const ns of all) {
          if (ns === 'default' || ns.startsWith('kube-')) {
            errors.push(`namespace '${ns}' is refused: Dapr and the apps get their own namespaces, e.g. 'dapr-system' and 'orders'.`);
            continue;
          }
          const e = checkNamespace(ns);
          if (e) errors.push(e);
        }
        const seen = new Set<string>();
        for (const ns of all) {
          if (seen.has(ns)) errors.push(`namespace '${ns}' is listed twice: give the control plane, the apps and each platform component their own namespace.`);
          seen.add(ns);
        }
        if (enforce === PodSecurityLevel.PRIVILEGED) {
          errors.push(`controlPlaneEnforce 'privileged' disables Pod Security for the control plane: use PodSecurityLevel.BASELINE.`);
        }
        return errors;
      },
    });

    const make = (cid: string, name: string, level: PodSecurityLevel, component: string) =>
      new NamespaceV1(this, cid, {
        metadata: {
          name,
          labels: {
            ...(props.labels ?? {}),
            'app.kubernetes.io/managed-by': 'dapr-platform',
            'app.kubernetes.io/part-of': 'dapr-platform',
            'app.kubernetes.io/component': component,
            [`${PSS}/enforce`]: level,
            [`${PSS}/warn`]: PodSecurityLevel.RESTRICTED,
            [`${PSS}/audit`]: PodSecurityLevel.RESTRICTED,
          },
        },
        lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
      });

    this.controlPlane = make('control-plane', controlPlaneName, enforce, 'dapr-control-plane');
    this.apps = make('apps', props.appsNamespace, PodSecurityLevel.RESTRICTED, 'apps');
    for (const name of platformNames) {
      this.platform[name] = make(`platform-${name}`, name, PodSecurityLevel.BASELINE, 'platform');
    }
  }
}
