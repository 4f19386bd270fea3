import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { KubernetesAuthBackendConfig } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-config';
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { Duration } from 'cdk8s';
import { Fn, ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AppSecretAccess, EnvironmentProfile } from '@dapr-platform/constructs';
import { VAULT_TOKEN_AUDIENCE, checkAppId, checkNamespace, checkObjectName, goDuration, isStrict } from '@dapr-platform/constructs/internal';
import { checkMountPath } from './checks';
import { KubernetesApiCa } from './kubernetes-api-ca';

/** Props of {@link VaultAppAccess}. */
export interface VaultAppAccessProps {
  /** How strict the environment is (strict profiles need the API server's CA). */
  readonly profile: EnvironmentProfile;
  /** Per app, what it may read (from the workload graph). */
  readonly apps: AppSecretAccess[];
  /** The Kubernetes API server URL as Vault reaches it (`kubernetes_host`), e.g. `https://10.0.0.1:443`. */
  readonly kubernetesHost: string;
  /**
   * The CA Vault verifies the API server's TLS certificate with (`kubernetes_ca_cert`). Vault runs
   * outside the cluster (`disable_local_ca_jwt: true`), so without it Vault trusts only its system
   * pool and every login fails unless the API server has a publicly trusted certificate. Required
   * in strict profiles.
   * @default - none: Vault's system trust store (dev only)
   */
  readonly kubernetesCa?: KubernetesApiCa;
  /**
   * Namespace of the dedicated token-reviewer ServiceAccount (created elsewhere, e.g. by
   * {@link Namespaces}): the only identity bound to `system:auth-delegator`; Vault reviews every
   * login with its token.
   */
  readonly tokenReviewerNamespace: string;
  /**
   * Name of the token-reviewer ServiceAccount (and, with `-token`, of its token Secret).
   * @default 'vault-token-reviewer'
   */
  readonly tokenReviewerName?: string;
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
   * Whether this construct creates the KV v2 mount at `kvMountPath`. `false` uses a mount that
   * already exists in Vault (created by another stack, or the `secret/` a Vault comes with), which
   * creating again would fail with "path is already in use"; it must be KV version 2.
   * @default true
   */
  readonly createKvMount?: boolean;
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
   * Hard limit of an app token's life (`token_max_ttl`): the agent cannot renew past it and logs in
   * again, writing a new token file. daprd reads its token file once at start, so a daprd older
   * than this loses Vault access until its pod restarts: keep it above the longest pod life you
   * accept (a rollout restarts every pod).
   * @default Duration.days(30)
   */
  readonly tokenMaxTtl?: Duration;
  /**
   * Audience the ServiceAccount tokens must carry (`audience` of the roles). The workloads request
   * the Vault Agent's projected token with the same constant.
   * @default VAULT_TOKEN_AUDIENCE ('vault')
   */
  readonly tokenAudience?: string;
  /**
   * Resources to create first (e.g. the token reviewer's namespace).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
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
 * - a Kubernetes auth mount and its config, with the API server's CA and a dedicated token-reviewer
 *   identity: one ServiceAccount bound to `system:auth-delegator`, whose long-lived token Vault uses
 *   for TokenReviews (the app ServiceAccounts get no cluster-wide permission);
 * - the KV v2 mount for app secrets;
 * - per app a policy granting `read` on exactly the app's secret paths, and a role bound to exactly
 *   that app's ServiceAccount and namespace and to the `vault` audience ({@link VaultAppAccess.DEFAULT_TOKEN_AUDIENCE}), with a
 *   short periodic token and a hard maximum life.
 *
 * The token reviewer's token is in the Terraform state (as is the Sentry issuer key): the state
 * backend must be encrypted and access-controlled.
 */
export class VaultAppAccess extends Construct {
  /** The audience Vault requires of the login tokens unless `tokenAudience` says otherwise; the workloads' projected Vault Agent tokens carry it. */
  public static readonly DEFAULT_TOKEN_AUDIENCE: string = VAULT_TOKEN_AUDIENCE;

  /**
   * The HCL policy of one app: `read` on each of its secret paths, nothing else.
   */
  public static policyDocument(access: AppSecretAccess): string {
    const paths = [...new Set(access.secretPaths)].sort();
    const header = `# Dapr app '${access.appId}' (namespace '${access.namespace}'): read exactly the secrets of its components.\n`;
    return header + paths.map((p) => `path "${p}" {\n  capabilities = ["read"]\n}\n`).join('\n');
  }

  /** The KV v2 mount, when this construct creates it (undefined with `createKvMount: false`). */
  public readonly kvMount?: Mount;
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
  /** The dedicated token-reviewer ServiceAccount (the only one bound to `system:auth-delegator`). */
  public readonly tokenReviewer: ServiceAccountV1;

  public constructor(scope: Construct, id: string, props: VaultAppAccessProps) {
    super(scope, id);
    const authPath = props.authMountPath ?? 'kubernetes';
    const kvPath = props.kvMountPath ?? 'secret';
    const prefix = props.policyPrefix ?? 'dapr-app';
    const ttl = props.tokenTtl ?? Duration.hours(1);
    const maxTtl = props.tokenMaxTtl ?? Duration.days(30);
    const audience = props.tokenAudience ?? VAULT_TOKEN_AUDIENCE;
    const reviewerName = props.tokenReviewerName ?? 'vault-token-reviewer';
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
        const m = maxTtl.toSeconds();
        if (m < s || m > 32 * 24 * 3600) {
          errors.push(
            `tokenMaxTtl ${goDuration(maxTtl)} is outside ${goDuration(ttl)} (tokenTtl)..768h: a token must live at least one period and at most Vault's default 32-day maximum; use Duration.days(30).`,
          );
        }
        if (audience.trim() === '' || /\s/.test(audience)) {
          errors.push(`tokenAudience '${audience}' is not an audience: drop it (default '${VAULT_TOKEN_AUDIENCE}', which the workloads' projected tokens carry).`);
        }
        if (!props.kubernetesCa && isStrict(props.profile)) {
          errors.push(
            `kubernetesCa is not set in a ${props.profile} environment, and disable_local_ca_jwt is true (Vault runs outside the cluster): Vault would verify the API server with its system trust store only and every login would fail. Set kubernetesCa: KubernetesApiCa.fromClusterRootCaConfigMap() (or KubernetesApiCa.fromPem(<the API server's CA>)).`,
          );
        }
        if (props.kubernetesCa) errors.push(...props.kubernetesCa._validate());
        for (const e of [checkNamespace(props.tokenReviewerNamespace), checkObjectName('tokenReviewerName', reviewerName)]) {
          if (e) errors.push(e);
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

    if (props.createKvMount ?? true) {
      this.kvMount = new Mount(this, 'kv', {
        path: kvPath,
        type: 'kv',
        options: { version: '2' },
        description: 'Dapr app secrets (KV v2); managed by dapr-platform',
        lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
      });
    }

    this.authBackend = new AuthBackend(this, 'kubernetes-auth', {
      type: 'kubernetes',
      path: authPath,
      description: 'Kubernetes auth for Dapr apps (Vault Agent); managed by dapr-platform',
    });
    // One reference token for every user of the mount path: cdktf makes a new token (capturing a
    // full stack trace) on each attribute read, which per app adds up at a thousand apps.
    const authBackendPath = this.authBackend.path;
    const labels = { 'app.kubernetes.io/managed-by': 'dapr-platform' };
    this.tokenReviewer = new ServiceAccountV1(this, 'token-reviewer', {
      metadata: { name: reviewerName, namespace: props.tokenReviewerNamespace, labels },
      automountServiceAccountToken: false,
      dependsOn: props.dependsOn,
    });
    const reviewerToken = new SecretV1(this, 'token-reviewer-token', {
      metadata: {
        name: `${reviewerName}-token`,
        namespace: props.tokenReviewerNamespace,
        labels,
        annotations: { 'kubernetes.io/service-account.name': reviewerName },
      },
      type: 'kubernetes.io/service-account-token',
      waitForServiceAccountToken: true,
      dependsOn: [this.tokenReviewer],
    });
    new ClusterRoleBindingV1(this, 'token-reviewer-auth-delegator', {
      metadata: { name: `vault-token-reviewer-${authPath.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subject: [{ kind: 'ServiceAccount', name: reviewerName, namespace: props.tokenReviewerNamespace }],
    });
    new KubernetesAuthBackendConfig(this, 'kubernetes-auth-config', {
      backend: authBackendPath,
      kubernetesHost: props.kubernetesHost,
      kubernetesCaCert: props.kubernetesCa?._bind(this, 'kubernetes-ca'),
      // Vault reviews every login with the dedicated reviewer's token (sensitive in the state).
      tokenReviewerJwt: Token.asString(Fn.lookup(reviewerToken.getStringMapAttribute('data'), 'token')),
      // Vault runs outside the cluster: it must not look for a local CA file or pod token.
      disableLocalCaJwt: true,
    });

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
        tokenMaxTtl: maxTtl.toSeconds(),
        tokenType: 'service',
        // Vault's `default` policy stays attached: the agent renders the token file from
        // `auth/token/lookup-self` and renews the token itself.
        audience,
      });
    }
  }
}
