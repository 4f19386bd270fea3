import { App, Chart } from 'cdk8s';
import { validationErrors } from '../model/validation';

/** What {@link renderChart} returns: the chart's manifests, or every validation error of its app. */
export interface ChartRendering {
  /** The chart's manifests, in cdk8s's order; empty when the app is invalid. */
  readonly manifests: any[];
  /** Every validation error of the chart's app (`[path] message`, as `validationErrors` lists them); empty when it rendered. */
  readonly errors: string[];
}

/**
 * Renders a chart, running each validation of its app once. cdk8s's `Chart.toJson()` runs every
 * validation of the app before it renders anything (and throws when one fails), so validating the
 * app first and then rendering it ran all of them twice (~4% of `npm run synth`). Here the chart
 * renders first; only when that fails are the validations run again, to list the errors one by
 * one. Anything else that fails the rendering of a valid app is thrown as it is.
 */
export function renderChart(chart: Chart): ChartRendering {
  try {
    return { manifests: chart.toJson(), errors: [] };
  } catch (e) {
    const errors = validationErrors(App.of(chart));
    if (errors.length === 0) throw e;
    return { manifests: [], errors };
  }
}
