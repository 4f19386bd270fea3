import { Construct } from 'constructs';
import { SecretRef } from '../model/secret-ref';
import { ImportedComponent } from './imported-component';
import { agentTokenPathProblem, VAULT_AGENT_TOKEN_PATH } from './vault-agent-wiring';
import { IVaultAgentSecretStore, vaultDataPath, vaultEndpoints } from './vault-secret-store';

/** Props of {@link ImportedVaultSecretStore}. */
export interface ImportedVaultSecretStoreProps {
  /** The store's `metadata.name`. */
  readonly name: string;
  /** The store's namespace. */
  readonly namespace: string;
  /** The app-ids the store is already scoped to where it is declared. */
  readonly scopes: string[];
  /** Vault's address, as the store's `vaultAddr`. */
  readonly vaultAddr: string;
  /** The store's `vaultKVPrefix`. */
  readonly vaultKvPrefix: string;
  /**
   * The store's `enginePath`.
   * @default 'secret'
   */
  readonly enginePath?: string;
  /**
   * The store's `vaultKVUsePrefix`.
   * @default true
   */
  readonly vaultKvUsePrefix?: boolean;
  /**
   * Whether the store reads its token from the Vault Agent's file (`vaultTokenMountPath`), as the
   * platform declares it; then every workload that uses it, or a component that reads through it,
   * gets the Vault Agent wiring for its own Vault role.
   * @default true
   */
  readonly readsAgentToken?: boolean;
  /**
   * Mount path of the Kubernetes auth method the Vault Agents log in with.
   * @default 'auth/kubernetes'
   */
  readonly kubernetesAuthPath?: string;
  /**
   * The store's `vaultTokenMountPath` as the platform declares it: where the workloads' Vault Agents
   * write the token into daprd (an absolute path ending in `/token`).
   * @default '/vault/secrets/token' (what `VaultAuth.tokenFile()` declares)
   */
  readonly tokenMountPath?: string;
  /**
   * Whether synth fails when an app that needs it is not in `scopes` (see `ImportedComponentProps.validateGrants`).
   * @default true
   */
  readonly validateGrants?: boolean;
}

/**
 * A Vault secret store declared elsewhere (by the platform), which components this code uses read
 * their secrets through. Nothing is rendered for it; an app that needs it must already be in its
 * scopes, or synth fails saying where to add it.
 */
export class ImportedVaultSecretStore extends ImportedComponent implements IVaultAgentSecretStore {
  public readonly readsAgentToken: boolean;
  public readonly kubernetesAuthPath: string;
  public readonly agentTokenPath: string;
  private readonly props: ImportedVaultSecretStoreProps;

  public constructor(scope: Construct, id: string, props: ImportedVaultSecretStoreProps) {
    super(scope, id, {
      name: props.name,
      namespace: props.namespace,
      componentType: 'secretstores.hashicorp.vault',
      scopes: props.scopes,
      endpoints: vaultEndpoints(props.vaultAddr),
      validateGrants: props.validateGrants,
    });
    this.props = props;
    this.readsAgentToken = props.readsAgentToken ?? true;
    this.kubernetesAuthPath = (props.kubernetesAuthPath ?? 'auth/kubernetes').replace(/^\/+|\/+$/g, '');
    this.agentTokenPath = props.tokenMountPath ?? VAULT_AGENT_TOKEN_PATH;
    this.node.addValidation({
      validate: () => {
        const problem = agentTokenPathProblem(this.agentTokenPath);
        return problem ? [`imported Vault secret store '${props.name}': ${problem}`] : [];
      },
    });
  }

  /** A reference to a key of a secret in this store. */
  public secret(secretName: string, key: string): SecretRef {
    return SecretRef.fromStore(this, secretName, key);
  }

  public secretPolicyPath(secretName: string): string {
    return vaultDataPath(this.props.enginePath ?? 'secret', this.props.vaultKvPrefix, this.props.vaultKvUsePrefix ?? true, secretName);
  }
}
