import { Construct } from 'constructs';
import { parseUrl, urlEndpoints } from '../model/host-ports';
import { isStrict } from '../model/profile';
import { ISecretStore, SecretRef } from '../model/secret-ref';
import { ComponentEndpoint, DaprComponent, DaprComponentProps, MetadataEntry } from './dapr-component';
import { agentTokenPathProblem, VAULT_AGENT_TOKEN_PATH } from './vault-agent-wiring';

/**
 * How the Dapr Vault component authenticates. The component has no Kubernetes auth of its own:
 * it reads a token, either from a file (written by the Vault Agent after Kubernetes auth) or
 * from a Kubernetes Secret. Exactly one, by construction.
 */
export class VaultAuth {
  /**
   * A token file written by the Vault Agent injector after Kubernetes auth (`vaultTokenMountPath`),
   * at `/vault/secrets/token`. Each workload that uses the store gets the agent for its own Vault
   * role, which writes the token into a volume mounted only into daprd (see DaprWorkload).
   */
  public static tokenFile(): VaultAuth {
    return new VaultAuth(VAULT_AGENT_TOKEN_PATH, undefined);
  }

  /**
   * Like {@link VaultAuth.tokenFile}, with the token file elsewhere inside daprd.
   * @param mountPath where the token file is inside daprd: an absolute path ending in `/token`
   * (the agent writes `<secret volume path>/token`)
   */
  public static tokenFileAt(mountPath: string): VaultAuth {
    return new VaultAuth(mountPath, undefined);
  }

  /**
   * A static token from a Kubernetes Secret (`vaultToken` by `secretKeyRef`). Prefer `tokenFile`:
   * a static token does not expire with the pod.
   */
  public static tokenFromSecret(token: SecretRef): VaultAuth {
    return new VaultAuth(undefined, token);
  }

  private constructor(
    /** The token file path, for `vaultTokenMountPath`. */
    public readonly tokenMountPath: string | undefined,
    /** The token secret, for `vaultToken`. */
    public readonly token: SecretRef | undefined,
  ) {}
}

/**
 * A Vault secret store as a workload sees it: where its secrets live (for the app's Vault
 * policy), and whether daprd reads its token from the Vault Agent's file (then the workload gets
 * the agent's annotations for its own Vault role). `VaultSecretStore` and
 * `ImportedVaultSecretStore` implement it.
 */
export interface IVaultAgentSecretStore extends ISecretStore {
  /** True if daprd reads the Vault token from the file the workload's Vault Agent writes. */
  readonly readsAgentToken: boolean;
  /** Mount path of the Kubernetes auth method the Vault Agent logs in with, e.g. `auth/kubernetes`. */
  readonly kubernetesAuthPath: string;
  /** Where daprd reads the token the Vault Agent writes (the store's `vaultTokenMountPath`), e.g. `/vault/secrets/token`. */
  readonly agentTokenPath: string;
  /** Where Vault is (for egress rules). */
  readonly endpoints: ComponentEndpoint[];
}

/** True if a value is an {@link IVaultAgentSecretStore} whose token comes from the Vault Agent. */
export function isVaultAgentStore(x: unknown): x is IVaultAgentSecretStore {
  const s = x as Partial<IVaultAgentSecretStore> | undefined;
  return !!s && s.readsAgentToken === true && typeof s.kubernetesAuthPath === 'string' && typeof s.agentTokenPath === 'string';
}

/** The KV v2 data path of a secret: `<enginePath>/data/[<prefix>/]<name>`. */
export function vaultDataPath(enginePath: string, kvPrefix: string, usePrefix: boolean, secretName: string): string {
  const prefix = usePrefix ? `${trimSlashes(kvPrefix)}/` : '';
  return `${trimSlashes(enginePath)}/data/${prefix}${secretName}`;
}

/** The host and port of Vault's address, for egress rules. */
export function vaultEndpoints(vaultAddr: string): ComponentEndpoint[] {
  return urlEndpoints(vaultAddr);
}

/** What the Vault component returns for a secret. */
export enum VaultValueType {
  /** A secret is a map of keys (KV data). */
  MAP = 'map',
  /** A secret is one text value. */
  TEXT = 'text',
}

/** Props of {@link VaultSecretStore}. */
export interface VaultSecretStoreProps extends DaprComponentProps {
  /** Vault's address, e.g. `https://vault.example.com:8200`. */
  readonly vaultAddr: string;
  /** How the component authenticates (token file from the Vault Agent, or a token Secret). */
  readonly auth: VaultAuth;
  /** The KV path prefix under which this store's secrets live (`vaultKVPrefix`); always explicit. */
  readonly vaultKvPrefix: string;
  /**
   * The KV v2 secrets engine mount path.
   * @default 'secret'
   */
  readonly enginePath?: string;
  /**
   * Whether the prefix is used (`vaultKVUsePrefix`); false enables bulk get over the whole engine.
   * @default true
   */
  readonly vaultKvUsePrefix?: boolean;
  /**
   * CA certificate (PEM text, public) that signed Vault's server certificate (`caPem`).
   * @default - the system trust store
   */
  readonly caPem?: string;
  /**
   * Path of a CA certificate file inside daprd (`caCert`).
   * @default - none
   */
  readonly caCertPath?: string;
  /**
   * Server name expected in Vault's certificate (`tlsServerName`).
   * @default - the host of vaultAddr
   */
  readonly tlsServerName?: string;
  /**
   * Skip TLS verification (`skipVerify`). Refused in staging and prod.
   * @default false
   */
  readonly skipVerify?: boolean;
  /**
   * How values are returned (`vaultValueType`).
   * @default VaultValueType.MAP
   */
  readonly valueType?: VaultValueType;
  /**
   * Mount path of Vault's Kubernetes auth method, which the workloads' Vault Agents log in with
   * (not component metadata: the component has no Kubernetes auth).
   * @default 'auth/kubernetes'
   */
  readonly kubernetesAuthPath?: string;
}

/**
 * A `secretstores.hashicorp.vault` component. Only keys the real component has are emitted;
 * there is no `vaultKubernetesMountPath` (guides show it; the component never had it).
 */
export class VaultSecretStore extends DaprComponent implements IVaultAgentSecretStore {
  public readonly componentType = 'secretstores.hashicorp.vault';
  /** How the component authenticates to Vault. */
  public readonly auth: VaultAuth;
  /** The KV v2 secrets engine mount path. */
  public readonly enginePath: string;
  /** The KV path prefix of this store's secrets. */
  public readonly vaultKvPrefix: string;
  /** Whether the prefix is used. */
  public readonly vaultKvUsePrefix: boolean;
  /** Vault's address. */
  public readonly vaultAddr: string;
  /** Mount path of Vault's Kubernetes auth method, without leading or trailing slashes (e.g. `auth/kubernetes`). */
  public readonly kubernetesAuthPath: string;
  private readonly props: VaultSecretStoreProps;

  public constructor(scope: Construct, id: string, props: VaultSecretStoreProps) {
    super(scope, id, props);
    this.props = props;
    this.auth = props.auth;
    this.vaultAddr = props.vaultAddr;
    this.enginePath = props.enginePath ?? 'secret';
    this.vaultKvPrefix = props.vaultKvPrefix;
    this.vaultKvUsePrefix = props.vaultKvUsePrefix ?? true;
    this.kubernetesAuthPath = trimSlashes(props.kubernetesAuthPath ?? 'auth/kubernetes');
    this.applyInitialScopes();
  }

  /** A reference to a key of a secret in this store. */
  public secret(secretName: string, key: string): SecretRef {
    return SecretRef.fromStore(this, secretName, key);
  }

  /** The KV v2 data path a Vault policy must grant to read a secret of this store. */
  public secretPolicyPath(secretName: string): string {
    return vaultDataPath(this.enginePath, this.vaultKvPrefix, this.vaultKvUsePrefix, secretName);
  }

  public get readsAgentToken(): boolean {
    return this.auth.tokenMountPath !== undefined;
  }

  public get agentTokenPath(): string {
    return this.auth.tokenMountPath ?? VAULT_AGENT_TOKEN_PATH;
  }

  public get endpoints(): ComponentEndpoint[] {
    return vaultEndpoints(this.vaultAddr);
  }

  protected renderMetadata(): MetadataEntry[] {
    const p = this.props;
    const m: MetadataEntry[] = [
      { name: 'vaultAddr', value: p.vaultAddr },
      { name: 'enginePath', value: this.enginePath },
      { name: 'vaultKVPrefix', value: p.vaultKvPrefix },
      { name: 'vaultKVUsePrefix', value: String(this.vaultKvUsePrefix) },
      { name: 'vaultValueType', value: p.valueType ?? VaultValueType.MAP },
    ];
    if (this.auth.tokenMountPath !== undefined) m.push({ name: 'vaultTokenMountPath', value: this.auth.tokenMountPath });
    if (this.auth.token) m.push({ name: 'vaultToken', secretRef: this.auth.token });
    if (p.caPem !== undefined) m.push({ name: 'caPem', value: p.caPem });
    if (p.caCertPath !== undefined) m.push({ name: 'caCert', value: p.caCertPath });
    if (p.tlsServerName !== undefined) m.push({ name: 'tlsServerName', value: p.tlsServerName });
    if (p.skipVerify) m.push({ name: 'skipVerify', value: 'true' });
    return m;
  }

  // The spec marks both token fields required; the code wants exactly one, which VaultAuth guarantees.
  protected get selfCheckedRequired(): string[] {
    return ['vaultToken', 'vaultTokenMountPath'];
  }

  protected validateSpecific(): string[] {
    const p = this.props;
    const errors: string[] = [];
    const what = `Vault secret store '${this.componentName}'`;
    const strict = isStrict(this.settings.profile);
    const url = parseUrl(p.vaultAddr);
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      errors.push(`${what}: vaultAddr '${p.vaultAddr}' is not an http(s) URL: use e.g. 'https://vault.example.com:8200'.`);
    } else if (url.protocol === 'http:' && strict) {
      errors.push(`${what}: vaultAddr '${p.vaultAddr}' is plain HTTP in a ${this.settings.profile} environment: tokens would cross the network in clear; use https.`);
    }
    if (p.skipVerify && strict) {
      errors.push(`${what}: skipVerify is true in a ${this.settings.profile} environment: remove it and give Vault's CA with 'caPem' instead.`);
    }
    if (!p.vaultKvPrefix.trim()) errors.push(`${what}: vaultKvPrefix is empty: name the prefix explicitly, e.g. 'dapr'.`);
    const pathProblem = this.auth.tokenMountPath === undefined ? undefined : agentTokenPathProblem(this.auth.tokenMountPath);
    if (pathProblem) errors.push(`${what}: ${pathProblem}`);
    if (this.auth.token && this.auth.token.store !== undefined) {
      errors.push(
        `${what}: its own token '${this.auth.token}' is read from secret store '${this.auth.token.storeName}'; ` +
          `a secret store's bootstrap token must come from a Kubernetes Secret (SecretRef.fromKubernetesSecret) or a token file.`,
      );
    }
    return errors;
  }
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}
