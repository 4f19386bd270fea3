/**
 * Whether a callee's access control (as the contract records its Configuration) lets a caller
 * invoke an operation, as daprd 1.18.3 decides it (pkg/acl/acl.go, pkg/config/acl_trie.go): no
 * accessControl allows everything; a caller without a policy (or with another trust domain or
 * namespace) gets the global `defaultAction`; with a policy, its `defaultAction` (when set)
 * replaces it, and the first operation whose name matches decides for its verbs (or `*`).
 * Checked case by case against daprd's own code by e2e/contract-semantics (run.sh).
 */
import { ContractAccessControl, ContractOperation } from './contract-document';

/** The caller's identity as daprd sees it (its SPIFFE ID). */
export interface CallerIdentity {
  readonly appId: string;
  readonly namespace: string;
  readonly trustDomain: string;
}

function glob(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(text);
}

/**
 * Whether an operation name of an access-control policy matches a method path, as daprd's trie
 * search does: a segment `*` matches only the path's last segment (`/a/*` also matches `/a`), `**`
 * the rest, other `*` any text within a segment, and a name also covers the paths below it.
 */
export function operationMatches(name: string, path: string): boolean {
  const p = (name.startsWith('/') ? name : `/${name}`).toLowerCase().split('/').slice(1);
  const s = (path.startsWith('/') ? path : `/${path}`).toLowerCase().split('/').slice(1);
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '**') return true;
    if (i >= s.length) return i === s.length && i === p.length - 1 && p[i] === '*';
    if (p[i] === '*') {
      if (i !== s.length - 1) return false;
      continue;
    }
    if (!glob(p[i], s[i])) return false;
  }
  return p.length === s.length || p[p.length - 1] !== '*';
}

function allows(action: string): boolean {
  return action.toLowerCase() === 'allow';
}

/** Whether `caller` may invoke `path` with `verb` on an app with this access control (null: none). */
export function invocationAllowed(acl: ContractAccessControl | null, caller: CallerIdentity, path: string, verb: string): boolean {
  if (!acl) return true;
  let action = acl.defaultAction;
  // daprd keys policies by app-id and namespace: a later policy for the same key replaces an earlier one.
  const policy = [...acl.callers].reverse().find((p) => p.appId === caller.appId && p.namespace === caller.namespace);
  if (!policy || policy.trustDomain !== caller.trustDomain) return allows(action);
  if (policy.defaultAction) action = policy.defaultAction;
  const op: ContractOperation | undefined = policy.operations.find((o) => operationMatches(o.name, path));
  if (op) {
    if (op.httpVerb.includes(verb.toUpperCase()) || op.httpVerb.includes('*')) action = op.action;
  }
  return allows(action);
}

/** Whether the access control lets the caller invoke anything at all (for checks that see no operations). */
export function anyInvocationAllowed(acl: ContractAccessControl | null, caller: CallerIdentity): boolean {
  if (!acl) return true;
  const policy = acl.callers.find((p) => p.appId === caller.appId && p.namespace === caller.namespace && p.trustDomain === caller.trustDomain);
  if (!policy) return allows(acl.defaultAction);
  return allows(policy.defaultAction || acl.defaultAction) || policy.operations.some((o) => allows(o.action));
}
