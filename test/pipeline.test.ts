import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

// The pipeline's scripts are plain Node.js (they run before anything is compiled).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { argoState, applicationOf } = require('../scripts/argocd-wait.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const changeRecordScript = require('../scripts/change-record.js');

const ROOT = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** Every workflow and local action, parsed. */
function pipelineFiles(): { file: string; doc: any }[] {
  const files = [
    ...fs.readdirSync(path.join(ROOT, '.github', 'workflows')).map((f) => path.join('.github', 'workflows', f)),
    ...fs.readdirSync(path.join(ROOT, '.github', 'actions')).map((d) => path.join('.github', 'actions', d, 'action.yml')),
  ];
  return files.map((file) => ({ file, doc: YAML.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) }));
}

/** Steps of a workflow (every job) or of a composite action. */
function stepsOf(doc: any): any[] {
  if (doc.runs?.steps) return doc.runs.steps;
  return Object.values<any>(doc.jobs ?? {}).flatMap((j) => j.steps ?? []);
}

/** Why a command line of a run step does not call a command of this repository, or undefined. */
function notARepoCommand(line: string, baseDir: string): string | undefined {
  const words = line.trim().split(/\s+/);
  const repoFile = (p: string) => {
    const resolved = path.resolve(baseDir, p.replace(/^"?\$GITHUB_ACTION_PATH/, '').replace(/"$/, '').replace(/^\//, ''));
    return fs.existsSync(resolved) && resolved.startsWith(ROOT) ? undefined : `${p} is not a file of the repository`;
  };
  if (words[0] === 'npm') {
    if (words[1] === 'ci' || words[1] === 'test') return undefined;
    const script = words.slice(2).find((w) => !w.startsWith('--'));
    if (words[1] === 'run' && script && pkg.scripts[script]) return undefined;
    return `'${line}' is not an npm script of package.json`;
  }
  if (words[0] === 'bash' || words[0] === 'node') return repoFile(words[1]);
  if (words[0] === '.ci/run') return repoFile(words[0]);
  return `'${words[0]}' is not a command of the repository`;
}

describe('the pipeline (.github)', () => {
  test('every run step calls a command of the repository; every local action and workflow exists', () => {
    const problems: string[] = [];
    for (const { file, doc } of pipelineFiles()) {
      const actionDir = path.join(ROOT, path.dirname(file));
      for (const step of stepsOf(doc)) {
        if (step.run) {
          const base = doc.runs ? actionDir : path.join(ROOT, (step['working-directory'] ?? '.').replace(/^dapr-platform\/?/, ''));
          for (const line of String(step.run).split('\n').filter((l: string) => l.trim() && !l.trim().startsWith('#'))) {
            const why = notARepoCommand(line, base);
            if (why) problems.push(`${file}: ${why}`);
          }
        }
        if (step.uses?.startsWith('./')) {
          const local = step.uses.replace(/^\.\/(dapr-platform\/)?/, '');
          if (!fs.existsSync(path.join(ROOT, local, 'action.yml'))) problems.push(`${file}: local action ${step.uses} does not exist`);
        } else if (step.uses && !/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[\w.-]+$/.test(step.uses)) {
          problems.push(`${file}: '${step.uses}' is not owner/repo@ref`);
        }
      }
      for (const job of Object.values<any>(doc.jobs ?? {})) {
        if (typeof job.uses === 'string' && !fs.existsSync(path.join(ROOT, job.uses))) problems.push(`${file}: reusable workflow ${job.uses} does not exist`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('the command check refuses what the repository does not have', () => {
    expect(notARepoCommand('npm run verify-all -- --env prod', ROOT)).toBe("'npm run verify-all -- --env prod' is not an npm script of package.json");
    expect(notARepoCommand('cdktf deploy prod', ROOT)).toBe("'cdktf' is not a command of the repository");
    expect(notARepoCommand('bash scripts/nothing.sh', ROOT)).toBe('scripts/nothing.sh is not a file of the repository');
  });

  test('pull requests run the gates of .ci/run (rule tests and actionlint included); prod deploys after staging, behind its environment', () => {
    const wf = YAML.parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'platform.yml'), 'utf8'));
    expect(Object.keys(wf.on)).toEqual(['pull_request', 'push', 'schedule', 'workflow_dispatch']);
    expect(wf.jobs.gates.steps.filter((s: any) => s.run).map((s: any) => s.run)).toEqual(['.ci/run']);
    expect([wf.jobs.staging.needs, wf.jobs.prod.needs]).toEqual(['gates', 'staging']);
    expect([wf.jobs.staging.with, wf.jobs.prod.with]).toEqual([
      { environment: 'staging', mode: 'deploy' },
      { environment: 'prod', mode: 'deploy' },
    ]);
    const deploy = YAML.parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'deploy-environment.yml'), 'utf8'));
    expect(deploy.jobs.deploy.environment).toBe('${{ inputs.environment }}');
  });
});

describe('scripts/argocd-wait.js', () => {
  const app = (sync: any, health: any, op?: any, resources?: any[]) => ({ status: { sync, health, operationState: op, resources } });
  test.each([
    ['an older revision', app({ status: 'OutOfSync', revision: 'old' }, { status: 'Healthy' }), 'waiting'],
    ['a running sync', app({ status: 'OutOfSync', revision: 'abc' }, { status: 'Progressing' }, { phase: 'Running', syncResult: { revision: 'abc' } }), 'waiting'],
    ['synced but progressing', app({ status: 'Synced', revision: 'abc' }, { status: 'Progressing' }, { phase: 'Succeeded' }), 'waiting'],
    ['synced and healthy', app({ status: 'Synced', revision: 'abc' }, { status: 'Healthy' }, { phase: 'Succeeded' }), 'done'],
    ['a failed sync of the revision', app({ status: 'OutOfSync', revision: 'old' }, { status: 'Healthy' }, { phase: 'Failed', message: 'one or more objects failed', syncResult: { revision: 'abc' } }), 'failed'],
    ['degraded at the revision', app({ status: 'Synced', revision: 'abc' }, { status: 'Degraded', message: 'Deployment orders' }, { phase: 'Succeeded' }), 'failed'],
  ])('%s', (_what, a, state) => {
    expect(argoState(a, 'abc').state).toBe(state);
  });

  test('OutOfSync at the revision is drift, naming the resources', () => {
    const a = app({ status: 'OutOfSync', revision: 'abc' }, { status: 'Healthy' }, { phase: 'Succeeded' }, [
      { kind: 'Component', namespace: 'order-management', name: 'events', status: 'OutOfSync' },
      { kind: 'Configuration', namespace: 'order-management', name: 'orders', status: 'Synced' },
    ]);
    expect(argoState(a, 'abc')).toEqual({ state: 'drift', detail: 'at abc but OutOfSync: Component/order-management/events' });
  });

  test('the Application comes from the environment stack', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-wait-'));
    const file = path.join(dir, 'cdk.tf.json');
    fs.writeFileSync(file, JSON.stringify({ resource: { kubernetes_manifest: { a: { manifest: { kind: 'Application', metadata: { name: 'dapr-platform-prod', namespace: 'argocd' } } } } } }));
    expect(applicationOf(file)).toEqual({ name: 'dapr-platform-prod', namespace: 'argocd' });
    fs.writeFileSync(file, JSON.stringify({ resource: {} }));
    expect(() => applicationOf(file)).toThrow('declares 0 Argo CD Applications; expected one.');
  });
});

describe('scripts/change-record.js (the change-management hook)', () => {
  const args = ['--environment', 'prod', '--event', 'drift', '--summary', 'prod differs', '--revision', 'abc123', '--run-url', 'https://ci.example.com/runs/1'];

  test('the record', () => {
    expect(changeRecordScript.changeRecord({ environment: 'prod', event: 'drift', summary: 'prod differs', revision: 'abc123' }, new Date('2026-01-02T03:04:05Z'))).toEqual({
      source: 'dapr-platform pipeline',
      environment: 'prod',
      event: 'drift',
      type: 'incident',
      summary: 'prod differs',
      revision: 'abc123',
      runUrl: undefined,
      raisedAt: '2026-01-02T03:04:05.000Z',
    });
    expect(() => changeRecordScript.changeRecord({ environment: 'prod', event: 'oops', summary: 's' })).toThrow("--event 'oops' is not one of gate-failed, deploy-failed, drift, deployed");
  });

  /** A loopback intake answering `status`, recording what it received. */
  async function intake(status: number): Promise<{ url: string; received: any[]; close: () => void }> {
    const received: any[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ method: req.method, auth: req.headers.authorization, body: JSON.parse(body) });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ticket: 'CHG0001' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/changes`, received, close: () => server.close() };
  }

  test('POSTs the record to the intake with the token, and writes the job summary', async () => {
    const i = await intake(201);
    const summary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'change-')), 'summary.md');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await changeRecordScript.main(args, { CHANGE_WEBHOOK_URL: i.url, CHANGE_WEBHOOK_TOKEN: 't0k', GITHUB_STEP_SUMMARY: summary })).toBe(0);
    } finally {
      log.mockRestore();
      i.close();
    }
    expect(i.received).toEqual([
      {
        method: 'POST',
        auth: 'Bearer t0k',
        body: expect.objectContaining({ environment: 'prod', event: 'drift', type: 'incident', revision: 'abc123', runUrl: 'https://ci.example.com/runs/1' }),
      },
    ]);
    expect(fs.readFileSync(summary, 'utf8')).toContain('### Change record: drift in prod');
  });

  test('fails when the intake refuses the record', async () => {
    const i = await intake(500);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await changeRecordScript.main(args, { CHANGE_WEBHOOK_URL: i.url })).toBe(1);
      expect(err).toHaveBeenCalledWith(expect.stringContaining('the change-management endpoint answered 500'));
    } finally {
      log.mockRestore();
      err.mockRestore();
      i.close();
    }
  });
});
