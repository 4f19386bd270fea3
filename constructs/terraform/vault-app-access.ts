import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { KubernetesAuthBackendConfig } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-config';
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AppSecretAccess } from '../model/app-secret-access';
import { goDuration } from '../model/go-duration';
import { checkAppId, checkNamespace, checkObjectName } from '../model/names';
import { checkMountPath } from './checks';

/** Props of {@link VaultAppAccess}. */
export interface VaultAppAccessProps {
  /** Per app, what it may read (from the workload graph). */
  readonly apps: AppSecretAccess[];
  /** The Kubernetes API server URL as Vault reaches it (`kubernetes_host`), e.g. `https://10.0.0.1:443`. */
  readonly kubernetesHost: string;
  /**
   * PEM of the cluster CA Vault verifies the API server with (public data).
   * @default - Vault's system trust store
   */
  readonly kubernetesCaCertPem?: string;
  /**
   * Path of the Kubernetes auth mount, without the `auth/` prefix (one per cluster when a Vault
   * serves several); pods name it `auth/<path>` in `vault.hashicorp.com/auth-path`.
   * @default 'kubernetes'
   */
  readonly authMountPath?: string;
  /**
   * Path of the KV v2 mount holding app secrets (the Dapr Vault store's `enginePath`).
   * @default 'secret'
   */
  readonly kvMountPath?: string;
  /**
   * Prefix of the per-app policy names (`<prefix>-<namespace>-<appId>`); Vault policies are global,
   * so make it unique per environment when a Vault serves several.
   * @default 'dapr-app'
   */
  readonly policyPrefix?: string;
  /**
   * Period of the app tokens: the Vault Agent renews them; a token not renewed for this long
   * (pod gone) dies. Periodic, because the Dapr Vault store reads its token file only once.
   * @default Duration.hours(1)
   */
  readonly tokenTtl?: Duration;
  /**
   * Audience the ServiceAccount tokens must carry (`audience` of the roles).
   * @default - not checked by Vault
   */
  readonly tokenAudience?: string;
  /**
   * Set Terraform's `prevent_destroy` on the KV mount (it holds every app secret; use it in prod).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * Vault access of the Dapr apps. The Dapr Vault secret store has no Kubernetes auth (token or token
 * file only), so each app's Vault Agent logs in with the app's ServiceAccount and writes a token file
 * daprd reads (`vaultTokenMountPath`). This construct creates:
 * - a Kubernetes auth mount and its config, without a token reviewer JWT: Vault reviews each login
 *   with the client's own JWT, which is why the app ServiceAccounts are bound to
 *   `system:auth-delegator` (no long-lived token anywhere);
 * - the KV v2 mount for app secrets;
 * - per app a policy granting `read` on exactly the app's secret paths, and a role bound to exactly
 *   that app's ServiceAccount and namespace, with a short periodic token.
 */
export class VaultAppAccess extends Construct {
  /**
   * The HCL policy of one app: `read` on each of its secret paths, nothing else.
   */
  public static policyDocument(access: AppSecretAccess): string {
    const paths = [...new Set(access.secretPaths)].sort();
    const header = `# Dapr app '${access.appId}' (namespace '${access.namespace}'): read exactly the secrets of its components.\n`;
    return header + paths.map((p) => `path "${p}" {\n  capabilities = ["read"]\n}\n`).join('\n');
  }

  /** The KV v2 mount. */
  public readonly kvMount: Mount;
  /** The Kubernetes auth mount. */
  public readonly authBackend: AuthBackend;
  /** Per app-id (`<namespace>/<appId>`), its policy. */
  public readonly policies: { [app: string]: Policy } = {};
  /** Per app-id (`<namespace>/<appId>`), its role. */
  public readonly roles: { [app: string]: KubernetesAuthBackendRole } = {};
  /** Path of the KV v2 mount. */
  public readonly kvMountPath: string;
  /** Path of the Kubernetes auth mount. */
  public readonly authMountPath: string;

  public constructor(scope: Construct, id: string, props: VaultAppAccessProps) {
    super(scope, id);
    const authPath = props.authMountPath ?? 'kubernetes';
    const kvPath = props.kvMountPath ?? 'secret';
    const prefix = props.policyPrefix ?? 'dapr-app';
    const ttl = props.tokenTtl ?? Duration.hours(1);
    this.kvMountPath = kvPath;
    this.authMountPath = authPath;

    this.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        for (const [what, p] of [
          ['authMountPath', authPath],
          ['kvMountPath', kvPath],
        ] as const) {
          const e = checkMountPath(what, p);
          if (e) errors.push(e);
        }
        if (authPath.startsWith('auth/')) {
          errors.push(`authMountPath '${authPath}' starts with 'auth/': give the mount path without it, e.g. '${authPath.slice(5)}' (Vault mounts it under auth/).`);
        }
        if (!/^https:\/\/[^\s/]+(:\d+)?\/?$/.test(props.kubernetesHost)) {
          errors.push(`kubernetesHost '${props.kubernetesHost}' is not an https URL of the API server: use e.g. 'https://10.0.0.1:443'.`);
        }
        if (!/^[a-z0-9][a-z0-9-]*$/.test(prefix)) {
          errors.push(`policyPrefix '${prefix}' is not a valid policy name prefix: use lowercase letters, digits and '-', e.g. 'dapr-prod'.`);
        }
        const s = ttl.toSeconds();
        if (s < 300 || s > 4 * 3600) {
          errors.push(`tokenTtl ${goDuration(ttl)} is outside 5m..4h: app tokens must be short-lived (the agent renews them); use Duration.hours(1).`);
        }
        if (props.tokenAudience !== undefined && props.tokenAudience.trim() === '') {
          errors.push(`tokenAudience is empty: drop it or give the audience of the ServiceAccount tokens, e.g. 'vault'.`);
        }
        const roles = new Map<string, string>();
        const apps = new Set<string>();
        for (const a of props.apps) {
          const who = `app '${a.appId}' (namespace '${a.namespace}')`;
          for (const e of [checkAppId(a.appId), checkNamespace(a.namespace), checkObjectName(`${who} serviceAccountName`, a.serviceAccountName)]) {
            if (e) errors.push(e);
          }
          const key = `${a.namespace}/${a.appId}`;
          if (apps.has(key)) errors.push(`${who} is listed twice: merge its secret paths into one entry.`);
          apps.add(key);
          if (!/^[A-Za-z0-9_-]+$/.test(a.vaultRole)) {
            errors.push(`${who} vaultRole '${a.vaultRole}' is not a Vault role name: use letters, digits, '-' and '_', e.g. '${a.namespace}-${a.appId}'.`);
          }
          const other = roles.get(a.vaultRole);
          if (other !== undefined) {
            errors.push(`${who} uses vaultRole '${a.vaultRole}', already used by ${other}: each app needs its own role, e.g. '${a.namespace}-${a.appId}'.`);
          }
          roles.set(a.vaultRole, who);
          if (a.secretPaths.length === 0) {
            errors.push(`${who} has no secret paths: drop it from the list (an app that reads no secret needs no Vault role).`);
          }
          for (const p of a.secretPaths) {
            if (!p.startsWith(`${kvPath}/data/`) || p.length === `${kvPath}/data/`.length) {
              errors.push(`${who} secret path '${p}' is not under the KV v2 mount: write it as '${kvPath}/data/<prefix>/<name>'.`);
            } else if (/[*+"\s]|\/\/|\/$|\.\./.test(p)) {
              errors.push(`${who} secret path '${p}' is not an exact path (no globs, whitespace, quotes, '..' or trailing '/'): grant exactly the secrets the app reads.`);
            }
          }
        }
        return errors;
      },
    });

    this.kvMount = new Mount(this, 'kv', {
      path: kvPath,
      type: 'kv',
      options: { version: '2' },
      description: 'Dapr app secrets (KV v2); managed by dapr-platform',
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });

    this.authBackend = new AuthBackend(this, 'kubernetes-auth', {
      type: 'kubernetes',
      path: authPath,
      description: 'Kubernetes auth for Dapr apps (Vault Agent); managed by dapr-platform',
    });
    // One reference token for every user of the mount path: cdktf makes a new token (capturing a
    // full stack trace) on each attribute read, which per app adds up at a thousand apps.
    const authBackendPath = this.authBackend.path;
    new KubernetesAuthBackendConfig(this, 'kubernetes-auth-config', {
      backend: authBackendPath,
      kubernetesHost: props.kubernetesHost,
      kubernetesCaCert: props.kubernetesCaCertPem,
      // No token_reviewer_jwt: Vault reviews each login with the client's own JWT.
      disableLocalCaJwt: true,
    });

    const subjects = new Map<string, { kind: string; name: string; namespace: string }>();
    for (const a of props.apps) {
      const key = `${a.namespace}/${a.appId}`;
      if (this.policies[key]) continue; // listed twice: reported by the validation
      const policyName = `${prefix}-${a.namespace}-${a.appId}`;
      const cid = `${a.namespace}-${a.appId}`;
      const policy = new Policy(this, `policy-${cid}`, {
        name: policyName,
        policy: VaultAppAccess.policyDocument(a),
      });
      this.policies[key] = policy;
      this.roles[key] = new KubernetesAuthBackendRole(this, `role-${cid}`, {
        backend: authBackendPath,
        roleName: a.vaultRole,
        boundServiceAccountNames: [a.serviceAccountName],
        boundServiceAccountNamespaces: [a.namespace],
        tokenPolicies: [policy.name],
        tokenTtl: ttl.toSeconds(),
        tokenPeriod: ttl.toSeconds(),
        tokenType: 'service',
        // Vault's `default` policy stays attached: the agent renders the token file from
        // `auth/token/lookup-self` and renews the token itself.
        audience: props.tokenAudience,
      });
      subjects.set(`${a.namespace}/${a.serviceAccountName}`, { kind: 'ServiceAccount', name: a.serviceAccountName, namespace: a.namespace });
    }

    if (subjects.size > 0) {
      new ClusterRoleBindingV1(this, 'auth-delegator', {
        metadata: {
          name: `vault-auth-delegator-${authPath.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`,
          labels: { 'app.kubernetes.io/managed-by': 'dapr-platform' },
        },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
        subject: [...subjects.keys()].sort().map((k) => subjects.get(k)!),
      });
    }
  }
}
