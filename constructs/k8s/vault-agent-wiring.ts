/*
 * How a workload's daprd gets the Vault token its Vault secret store reads (`vaultTokenMountPath`).
 * The Dapr Vault component has no Kubernetes auth; the Vault Agent injector (vault-k8s) logs in for
 * the pod and writes the token. Design (README, "How the Vault token reaches daprd"):
 *
 * - The pod declares a projected service-account token volume that no container of ours mounts,
 *   and names it in `agent-service-account-token-volume-name`; vault-k8s mounts it only into its
 *   own agent containers (at /var/run/secrets/vault.hashicorp.com/serviceaccount). Pods and
 *   ServiceAccounts keep `automountServiceAccountToken: false`.
 * - `agent-inject-token` makes the agent write its auto-auth token to `<secret-volume-path>/token`;
 *   `agent-inject-containers: daprd` makes vault-k8s mount its `vault-secrets` volume (at the
 *   secret volume path) only into daprd and its agents, never into the app container. That works
 *   because the API server calls the mutating webhooks in order of their configuration names, so
 *   daprd (`dapr-sidecar-injector`) is in the pod when vault-k8s (`vault-agent-injector-cfg`) runs.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { VAULT_TOKEN_AUDIENCE } from '../model/vault-token-audience';

/** The folder vault-k8s mounts its `vault-secrets` volume at (its default `secret-volume-path`, set explicitly). */
export const VAULT_AGENT_SECRETS_DIR = '/vault/secrets';
/** The file vault-k8s writes the agent's token to inside the secret volume (`agent-inject-token`). */
export const VAULT_AGENT_TOKEN_FILE = 'token';
/** Where daprd finds the Vault token: the default `vaultTokenMountPath` of the Vault secret stores. */
export const VAULT_AGENT_TOKEN_PATH = `${VAULT_AGENT_SECRETS_DIR}/${VAULT_AGENT_TOKEN_FILE}`;
/** The projected service-account token volume the Vault Agent logs in with (mounted in no app container). */
export const VAULT_TOKEN_SOURCE_VOLUME = 'vault-token-source';
/** Lifetime the kubelet requests for the agent's service-account token (it rotates it at 80%). */
export const VAULT_TOKEN_SOURCE_EXPIRATION_SECONDS = 3600;
/** The name of the sidecar container Dapr's injector adds. */
export const DAPRD_CONTAINER = 'daprd';

/** The folder a token file path lives in, or undefined if the file is not named `token` or the path is not absolute. */
export function agentSecretsDir(tokenPath: string): string | undefined {
  const slash = tokenPath.lastIndexOf('/');
  if (!tokenPath.startsWith('/') || slash <= 0 || tokenPath.slice(slash + 1) !== VAULT_AGENT_TOKEN_FILE) return undefined;
  return tokenPath.slice(0, slash);
}

/** Why a token file path cannot be one the Vault Agent writes, or undefined. */
export function agentTokenPathProblem(tokenPath: string): string | undefined {
  if (agentSecretsDir(tokenPath) !== undefined) return undefined;
  return (
    `token file path '${tokenPath}' is not one the Vault Agent writes: it writes its token to '<secret volume path>/${VAULT_AGENT_TOKEN_FILE}'; ` +
    `use an absolute path ending in '/${VAULT_AGENT_TOKEN_FILE}', e.g. '${VAULT_AGENT_TOKEN_PATH}' (the default).`
  );
}

/**
 * The Vault Agent injector annotations: log in with `role` at `authPath` using the projected token
 * volume, write the token to `tokenPath` (inside the secret volume), mount that volume only into daprd.
 */
export function vaultAgentAnnotations(role: string, authPath: string, tokenPath: string = VAULT_AGENT_TOKEN_PATH): { [key: string]: string } {
  return {
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/role': role,
    'vault.hashicorp.com/auth-path': authPath,
    'vault.hashicorp.com/agent-init-first': 'true',
    'vault.hashicorp.com/agent-pre-populate': 'true',
    'vault.hashicorp.com/agent-inject-token': 'true',
    'vault.hashicorp.com/agent-inject-containers': DAPRD_CONTAINER,
    'vault.hashicorp.com/secret-volume-path': agentSecretsDir(tokenPath) ?? VAULT_AGENT_SECRETS_DIR,
    'vault.hashicorp.com/agent-service-account-token-volume-name': VAULT_TOKEN_SOURCE_VOLUME,
  };
}

/**
 * The projected service-account token the Vault Agent logs in with, for the audience every Vault
 * Kubernetes auth role requires (`VAULT_TOKEN_AUDIENCE`, read by the Terraform plane too). Vault
 * reviews it with its own token-reviewer identity, so the token needs no API-server audience, and a
 * token meant for anything else cannot log in to Vault.
 */
export function vaultTokenSourceVolume(): k8s.Volume {
  return {
    name: VAULT_TOKEN_SOURCE_VOLUME,
    projected: { sources: [{ serviceAccountToken: { audience: VAULT_TOKEN_AUDIENCE, path: 'token', expirationSeconds: VAULT_TOKEN_SOURCE_EXPIRATION_SECONDS } }] },
  };
}
