import { Testing } from 'cdk8s';
import { DaprChart } from '../constructs/k8s/dapr-chart';
import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { synthOrReport } from '../constructs/model/validation';

describe('synthOrReport: app-team synth errors printed like the platform synth (issue 16)', () => {
  const app = (image: string) => {
    const a = Testing.app();
    const chart = new DaprChart(a, 'returns', { namespace: 'apps' });
    new DaprWorkload(chart, 'Returns', { appId: 'returns', image, appPort: 8080, apiToken: true });
    return a;
  };

  test('invalid: every error with its construct path under one heading, no stack trace, exit code 1, nothing synthesized', () => {
    const printed: string[] = [];
    const a = app('registry.example.com/returns:latest');
    let synthesized = false;
    const original = a.synth.bind(a);
    a.synth = () => { synthesized = true; original(); };
    expect(synthOrReport(a, { error: (t) => printed.push(t) })).toBe(1);
    expect(printed).toHaveLength(1);
    const lines = printed[0].split('\n');
    expect(lines[0]).toMatch(/^Synth failed with \d+ error\(s\):$/);
    expect(lines.slice(1).every((l) => /^ {2}\[returns\/Returns\] workload 'returns'/.test(l))).toBe(true);
    expect(printed[0]).toContain("[returns/Returns] workload 'returns': image 'registry.example.com/returns:latest' uses 'latest'");
    expect(printed[0]).not.toMatch(/\n\s+at /);
    expect(synthesized).toBe(false);
  });

  test('valid: synthesizes and returns 0, printing nothing', () => {
    const printed: string[] = [];
    const a = app('registry.example.com/returns:1.0.0');
    expect(synthOrReport(a, { error: (t) => printed.push(t) })).toBe(0);
    expect(printed).toEqual([]);
  });
});
