import { Testing } from 'cdk8s';
import { DaprChart } from '../constructs/k8s/dapr-chart';
import { DaprVersion } from '../constructs/model/dapr-version';
import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { DaprSynth, formatSynthErrors, synthOrReport, validationErrors } from '../constructs/model/validation';

/** An app-team app with one workload; a `latest` image is invalid. */
const app = (image: string) => {
  const a = Testing.app();
  const chart = new DaprChart(a, 'returns', { namespace: 'apps', daprVersion: DaprVersion.LATEST });
  new DaprWorkload(chart, 'Returns', { appId: 'returns', image, appPort: 8080, apiToken: true });
  return a;
};

describe('synthOrReport: app-team synth errors printed like the platform synth (issue 16)', () => {
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

describe('DaprSynth: synthOrReport for Go and the other jsii languages (no free functions there)', () => {
  test('synthOrReportTo reports like synthOrReport; validationErrors lists the same errors', () => {
    const printed: string[] = [];
    const a = app('registry.example.com/returns:latest');
    expect(DaprSynth.synthOrReportTo(a, { error: (t) => printed.push(t) })).toBe(1);
    expect(printed).toEqual([formatSynthErrors(DaprSynth.validationErrors(a))]);
    expect(DaprSynth.validationErrors(a)).toEqual(validationErrors(a));
    expect(printed[0]).toContain("[returns/Returns] workload 'returns': image 'registry.example.com/returns:latest' uses 'latest'");
  });

  test('synthOrReport prints the report to stderr and returns 1; 0 and nothing printed when valid', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(DaprSynth.synthOrReport(app('registry.example.com/returns:latest'))).toBe(1);
      expect(write).toHaveBeenCalledTimes(1);
      expect(String(write.mock.calls[0][0])).toMatch(/^Synth failed with \d+ error\(s\):\n {2}\[returns\/Returns\]/);
      write.mockClear();
      expect(DaprSynth.synthOrReport(app('registry.example.com/returns:1.0.0'))).toBe(0);
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });
});
