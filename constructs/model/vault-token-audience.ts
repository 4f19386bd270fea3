/**
 * The audience of the ServiceAccount tokens the Vault Agent logs in with. Both planes read this one
 * constant: the Terraform plane writes it into every Vault Kubernetes auth role (`audience`), the
 * workload plane requests the agent's projected ServiceAccount token with it
 * (`serviceAccountToken.audience`). A token for any other audience (e.g. the API server's default)
 * is refused by Vault, so a token stolen from another integration cannot log in to Vault.
 */
export const VAULT_TOKEN_AUDIENCE = 'vault';
