import type { IConstruct } from 'constructs';
import type { AppSecretAccess } from '../model/app-secret-access';
import type { ExternalAppDeclaration } from '../model/external-app';
import type { ComponentEndpoint } from './dapr-component';
import type { SecretRef } from '../model/secret-ref';

/** DaprComponent's registry of the components of a construct tree (per root), read without importing DaprComponent. */
const COMPONENT_REGISTRY = Symbol.for('dapr-platform.DaprComponent.registry');

/** What this module and the platform contract read of a registered DaprComponent. */
export interface RegisteredComponent extends IConstruct {
  readonly componentName: string;
  readonly namespace: string;
  readonly scopes: string[];
  readonly secretRefs: SecretRef[];
  readonly endpoints: ComponentEndpoint[];
}

/** The DaprComponents under `scope` (all of its tree when it is the root), in construction order. */
export function componentsUnder(scope: IConstruct): RegisteredComponent[] {
  const prefix = `${scope.node.path}/`;
  return ((scope.node.root as unknown as { [k: symbol]: RegisteredComponent[] | undefined })[COMPONENT_REGISTRY] ?? []).filter(
    (c) => scope.node.path === '' || c.node.path.startsWith(prefix),
  );
}

/**
 * What the platform's Vault must grant each app declared as living elsewhere: the secret paths of
 * the components under `scope` whose scopes list it (the same paths a DaprWorkload's `secretAccess`
 * gives for the components it uses). Its Vault role and ServiceAccount are its app-id (what a
 * `DaprWorkload` of that app-id uses by default). Apps that read no secret are left out.
 */
export function externalAppSecretAccess(scope: IConstruct, apps: readonly ExternalAppDeclaration[]): AppSecretAccess[] {
  const components = componentsUnder(scope);
  return apps
    .map((app) => {
      const paths = new Set<string>();
      for (const c of components) {
        if (c.namespace !== app.namespace || !c.scopes.includes(app.appId)) continue;
        for (const ref of c.secretRefs) if (ref.store) paths.add(ref.store.secretPolicyPath(ref.secretName));
      }
      return { appId: app.appId, namespace: app.namespace, serviceAccountName: app.appId, vaultRole: app.appId, secretPaths: [...paths].sort() };
    })
    .filter((a) => a.secretPaths.length > 0);
}
