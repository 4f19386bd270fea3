import { ApiObject, Chart, Lazy, Testing } from 'cdk8s';
import { renderChart } from '../constructs/k8s/render-chart';
import { validationErrors } from '../constructs/model/validation';

// renderChart: the chart's manifests with each validation run once, or every validation error.

function chartWithConfigMap() {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  const cm = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
  return { app, chart, cm };
}

describe('renderChart', () => {
  test('a valid chart: its manifests, every validation run once', () => {
    const { chart, cm } = chartWithConfigMap();
    const runs = { chart: 0, cm: 0 };
    chart.node.addValidation({ validate: () => (runs.chart++, []) });
    cm.node.addValidation({ validate: () => (runs.cm++, []) });
    expect(renderChart(chart)).toEqual({ manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } }], errors: [] });
    expect(runs).toEqual({ chart: 1, cm: 1 });
  });

  test('an invalid chart: every error of its app as validationErrors lists them, no manifests', () => {
    const { app, chart, cm } = chartWithConfigMap();
    chart.node.addValidation({ validate: () => ['the chart is wrong'] });
    cm.node.addValidation({ validate: () => ['the ConfigMap is wrong', 'and so is its name'] });
    const r = renderChart(chart);
    expect(r).toEqual({ manifests: [], errors: ['[c] the chart is wrong', '[c/cm] the ConfigMap is wrong', '[c/cm] and so is its name'] });
    expect(r.errors).toEqual(validationErrors(app));
  });

  test('a valid chart that fails to render throws what failed', () => {
    const { chart } = chartWithConfigMap();
    new ApiObject(chart, 'bad', { apiVersion: 'v1', kind: 'ConfigMap', data: Lazy.any({ produce: () => { throw new Error('no data yet'); } }) });
    expect(() => renderChart(chart)).toThrow('no data yet');
  });
});
