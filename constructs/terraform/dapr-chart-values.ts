import { DaprVersion } from '@dapr-platform/constructs';

/**
 * Key paths of the `dapr/dapr` Helm chart: which ones a values document may set, checked
 * against the pinned version's values files (via `DaprVersion.chartValuePaths`).
 */
export class DaprChartValues {
  /**
   * Keys the chart's templates read although they are absent from its values files (DAPR-NOTES
   * §1.3, §8.2). Setting them is valid for the versions listed.
   */
  public static templateOnlyPaths(version: DaprVersion): string[] {
    const paths = [
      'global.mtls.sentryAddress',
      'global.daprControlPlaneArch',
      'dapr_sidecar_injector.sidecarRunAsUser',
      'dapr_sidecar_injector.sidecarRunAsGroup',
    ];
    if (version.isAtLeast(DaprVersion.V1_18_3)) paths.push('dapr_scheduler.overrideBroadcastHostPort');
    return paths.sort();
  }

  /**
   * Every leaf key path of a values object, dotted (`global.ha.enabled`). Arrays and empty maps
   * are leaves; keys containing dots are kept whole inside their segment.
   */
  public static leafPaths(values: { [key: string]: any }): string[] {
    const out: string[] = [];
    const walk = (node: any, prefix: string) => {
      if (node !== null && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length > 0) {
        for (const [k, v] of Object.entries(node)) walk(v, prefix ? `${prefix}.${k}` : k);
      } else {
        out.push(prefix);
      }
    };
    walk(values, '');
    return out.filter((p) => p !== '');
  }

  /**
   * The paths that the chart of `version` does not know. A path is known if the values files
   * declare it as a leaf, if one of its ancestors is declared a free-form map (e.g.
   * `dapr_operator.resources`, `global.nodeSelector`), or if a template reads it (see
   * `templateOnlyPaths`).
   */
  public static unknownPaths(version: DaprVersion, paths: string[]): string[] {
    const known = version.chartValuePaths;
    const templateOnly = new Set(DaprChartValues.templateOnlyPaths(version));
    return paths.filter((p) => {
      if (templateOnly.has(p)) return false;
      const kind = known[p];
      if (kind !== undefined && kind !== 'object') return false;
      const segments = p.split('.');
      for (let i = segments.length - 1; i > 0; i--) {
        if (known[segments.slice(0, i).join('.')] === 'map') return false;
      }
      return true;
    });
  }

  private constructor() {}
}
