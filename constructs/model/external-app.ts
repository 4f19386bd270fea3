import { checkAppId } from './names';

/** An app the platform declares as living elsewhere (another repository), see `DaprChart.addExternalApp`. */
export interface ExternalAppProps {
  /** Its Dapr app-id. */
  readonly appId: string;
  /** Who declares and deploys it (a team, a repository), recorded in the contract for the humans reading it. */
  readonly owner: string;
  /**
   * The namespace it runs in.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
}

/** A declared external app with its namespace resolved. */
export interface ExternalAppDeclaration {
  readonly appId: string;
  readonly namespace: string;
  readonly owner: string;
}

/**
 * Problems of the external apps of a chart: a bad app-id, an app declared twice, an app that is
 * also a workload of the chart (then it lives here, not elsewhere), no owner.
 */
export function externalAppErrors(apps: readonly ExternalAppDeclaration[], workloadAppIds: ReadonlySet<string>): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const a of apps) {
    const what = `external app '${a.appId}' (namespace '${a.namespace}')`;
    const idError = checkAppId(a.appId);
    if (idError) errors.push(`${what}: ${idError}`);
    const key = `${a.namespace}/${a.appId}`;
    if (seen.has(key)) errors.push(`${what} is declared twice: declare it once (addExternalApp returns the reference to reuse).`);
    seen.add(key);
    if (workloadAppIds.has(key)) errors.push(`${what} is also a DaprWorkload of this chart: an app lives either here or elsewhere; remove the addExternalApp call.`);
    if (!a.owner.trim()) errors.push(`${what} has no owner: name the team or repository that deploys it.`);
  }
  return errors;
}
