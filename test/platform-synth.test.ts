/**
 * The synth pipeline as any platform uses it (`PlatformSynth`, `PlatformSynthCli` of
 * @dapr-platform/terraform): a platform with PostgreSQL state and no pub/sub at all, what the
 * pipeline writes, and every way a platform can hand it bad input.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App as K8sApp, Testing } from 'cdk8s';
import { App as TfApp } from 'cdktf';
import {
  DaprChart,
  DaprVersion,
  DaprWorkload,
  DefaultDenyNetworkPolicy,
  EnvironmentProfile,
  HttpVerb,
  MtlsPolicy,
  PostgresStateStore,
  VaultAuth,
  validationErrors,
  VaultSecretStore,
} from '@dapr-platform/constructs';
import {
  DaprPlatformStack,
  EnvironmentContext,
  HaDecision,
  IPlatformEnvironment,
  KubernetesApiCa,
  PlatformSynth,
  PlatformSynthCli,
  PlatformSynthOptions,
} from '@dapr-platform/terraform';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-platform-synth-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A records platform: two services, one PostgreSQL state store, Vault; no pub/sub, no Redis. */
function recordsEnvironment(
  name: string,
  profile: EnvironmentProfile,
  overrides: { stackId?: string; chartScope?: K8sApp; chartDaprVersion?: DaprVersion } = {},
): IPlatformEnvironment {
  const strict = profile !== EnvironmentProfile.DEV;
  return {
    name,
    declare: (ctx: EnvironmentContext) => {
      const mtls = new MtlsPolicy({ controlPlaneTrustDomain: `records-${name}.local`, controlPlaneNamespace: 'dapr-system' });
      const chart = new DaprChart(overrides.chartScope ?? ctx.k8sApp, name, {
        namespace: 'records',
        profile,
        daprVersion: overrides.chartDaprVersion ?? DaprVersion.LATEST,
        mtls,
        externalHosts: [
          { host: `vault.${name}.records.example.com`, cidrs: ['10.60.0.16/28'] },
          { host: `records-db.${name}.records.example.com`, cidrs: ['10.60.4.0/28'] },
        ],
      });
      new DefaultDenyNetworkPolicy(chart, 'DefaultDeny');
      const vault = new VaultSecretStore(chart, 'Vault', { name: 'vault', vaultAddr: `https://vault.${name}.records.example.com:8200`, vaultKvPrefix: 'records', auth: VaultAuth.tokenFile() });
      const state = new PostgresStateStore(chart, 'State', { name: 'records-state', connectionString: vault.secret('records-db', 'dsn'), endpoint: `records-db.${name}.records.example.com:5432` });
      const tracing = { endpointAddress: 'otel.observability.svc.cluster.local:4317', samplingRate: 0.1, isSecure: false, plaintextReason: 'the collector runs in the cluster without a certificate' };
      const api = new DaprWorkload(chart, 'api', { appId: 'api', image: 'registry.example.com/records/api:1.0.0', appPort: 8080, replicas: strict ? 2 : 1, configurationDefaults: { tracing } });
      const store = new DaprWorkload(chart, 'store', { appId: 'store', image: 'registry.example.com/records/store:1.0.0', appPort: 8080, replicas: strict ? 2 : 1, configurationDefaults: { tracing } });
      api.invokes(store, [{ path: '/records', verbs: [HttpVerb.GET, HttpVerb.POST] }]);
      store.uses(state);
      const stack = new DaprPlatformStack(ctx.tfApp, overrides.stackId ?? name, {
        profile,
        daprVersion: DaprVersion.LATEST,
        runningDaprVersion: ctx.runningDaprVersion,
        mtls,
        ha: strict ? HaDecision.ENABLED : HaDecision.DISABLED,
        kubeContext: `records-${name}`,
        schedulerStorageSize: '1Gi',
        vaultAddress: `https://vault.${name}.records.example.com:8200`,
        vaultKubernetesHost: `https://api.${name}.records.example.com:6443`,
        vaultKubernetesCa: KubernetesApiCa.fromClusterRootCaConfigMap(),
        appsNamespace: 'records',
        appSecretAccess: DaprWorkload.all(chart).map((w) => w.secretAccess).filter((a) => a.secretPaths.length > 0),
        argoRepoUrl: 'https://git.example.com/records/platform.git',
        argoTargetRevision: 'main',
        argoPath: `dist/${name}`,
        ...(strict ? Object.fromEntries(['operator', 'placement', 'scheduler', 'sentry', 'injector'].map((c) => [`${c}Resources`, { cpuRequest: '100m', memoryRequest: '128Mi', cpuLimit: '1' }])) : {}),
        stateBucket: strict ? 'records-tfstate' : undefined,
        stateRegion: strict ? 'eu-north-1' : undefined,
      });
      return { chart, stack };
    },
  };
}

const RECORDS = [recordsEnvironment('dev', EnvironmentProfile.DEV), recordsEnvironment('prod', EnvironmentProfile.PROD)];

/** The environments of a synth that must succeed. */
function synthesized(options: PlatformSynthOptions) {
  const result = PlatformSynth.synthesize(options);
  expect(result.errors).toEqual([]);
  return result.environments;
}

describe('PlatformSynth: a platform with PostgreSQL state and no pub/sub', () => {
  const results = synthesized({ environments: RECORDS, write: false, issuerRecord: path.join(scratch, 'none.json'), now: new Date('2026-01-01T00:00:00Z') });
  const byName = (n: string) => results.find((r) => r.name === n)!;

  test('synthesizes both environments: its own components only, no Kafka or Redis anywhere, no kafka-topics.json', () => {
    expect(results.map((r) => r.name)).toEqual(['dev', 'prod']);
    for (const r of results) {
      expect(r.manifests.filter((m) => m.kind === 'Component').map((m) => [m.metadata.name, m.spec.type, m.scopes])).toEqual([
        ['vault', 'secretstores.hashicorp.vault', ['store']],
        ['records-state', 'state.postgresql', ['store']],
      ]);
      expect(r.files.map((f) => f.file)).toEqual([
        'apps/api.yaml',
        'apps/store.yaml',
        'components.yaml',
        'configurations.yaml',
        'namespace.yaml',
        'TOPOLOGY.md',
        'topology.json',
      ]);
      expect(JSON.stringify([r.manifests, r.terraform])).not.toMatch(/redis|kafka|strimzi/i);
      expect(r.declaration.stack.devBrokers).toBeUndefined();
    }
  });

  test('dev installs no broker: the control plane and the Vault injector only, no brokers namespace', () => {
    const tf = byName('dev').terraform;
    expect(Object.values<any>(tf.resource.helm_release).map((r) => `${r.name}:${r.namespace}`).sort()).toEqual(['dapr:dapr-system', 'vault:vault-injector']);
    expect(Object.values<any>(tf.resource.kubernetes_namespace_v1).map((n) => n.metadata.name).sort()).toEqual(['dapr-system', 'records', 'vault-injector']);
    expect(tf.resource.vault_kv_secret_v2).toBeUndefined();
  });

  test('summary and warnings come from the declared chart and stack', () => {
    const prod = byName('prod');
    expect(prod.summary).toMatchObject({ environment: 'prod', profile: 'prod', daprVersion: DaprVersion.LATEST.version, workloads: 2, pods: 4, manifestFiles: 7 });
    expect(prod.warnings.map((w) => [w.ruleId, w.object, w.message])).toEqual([
      [
        'DAPR-CA-001',
        'SentryTrustBundle prod/sentry-trust-bundle',
        `no issuer record for 'prod' in ${path.join(scratch, 'none.json')}: after 'cdktf deploy', run 'node scripts/record-issuer.js --env prod' and commit the file, so synth can watch the issuer's expiry.`,
      ],
    ]);
    expect(byName('dev').warnings).toEqual([]);
  });
});

describe('PlatformSynth: writing', () => {
  test('writes dist/<env>/, cdktf.out/stacks/<env>/ and the version lock of the selected environment only', () => {
    const out = fs.mkdtempSync(path.join(scratch, 'write-'));
    const lock = path.join(out, 'lock.json');
    fs.writeFileSync(lock, JSON.stringify({ environments: { dev: DaprVersion.LATEST.version } }));
    const results = synthesized({
      environments: RECORDS,
      only: ['prod'],
      distDir: path.join(out, 'dist'),
      cdktfOutDir: path.join(out, 'cdktf.out'),
      versionLock: lock,
      updateVersionLock: true,
      issuerRecord: path.join(out, 'none.json'),
    });
    expect(fs.readdirSync(path.join(out, 'dist')).sort()).toEqual(['prod', 'prod.contract.json']);
    expect(fs.readFileSync(path.join(out, 'dist', 'prod.contract.json'), 'utf8')).toBe(results[0].contractText);
    expect(fs.readdirSync(path.join(out, 'dist', 'prod')).sort()).toEqual(['TOPOLOGY.md', 'apps', 'components.yaml', 'configurations.yaml', 'namespace.yaml', 'topology.json']);
    for (const f of results[0].files) expect(fs.readFileSync(path.join(out, 'dist', 'prod', f.file), 'utf8')).toBe(f.content);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'cdktf.out', 'stacks', 'prod', 'cdk.tf.json'), 'utf8'))).toEqual(results[0].terraform);
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).environments).toEqual({ dev: DaprVersion.LATEST.version, prod: DaprVersion.LATEST.version });
  });

  test('write: false writes no file (cdktf\'s App creates its empty folders when constructed)', () => {
    const out = path.join(scratch, 'nothing');
    synthesized({ environments: RECORDS, distDir: path.join(out, 'dist'), cdktfOutDir: path.join(out, 'cdktf.out'), write: false, issuerRecord: path.join(out, 'none.json') });
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    expect(fs.existsSync(path.join(out, 'dist'))).toBe(false);
    expect(files(out)).toEqual([]);
  });
});

describe('PlatformSynth: bad input fails with every error and its fix', () => {
  const run = (environments: IPlatformEnvironment[], extra: { only?: string[]; updateVersionLock?: boolean } = {}) => {
    const result = PlatformSynth.synthesize({ environments, write: false, issuerRecord: path.join(scratch, 'none.json'), ...extra });
    expect(result.errors.length === 0 || result.environments.length === 0).toBe(true);
    return result.errors;
  };

  test('unknown and duplicate environments, a lock update without a lock: all at once', () => {
    expect(run([...RECORDS, recordsEnvironment('dev', EnvironmentProfile.DEV)], { only: ['qa'], updateVersionLock: true })).toEqual([
      'environment(s) dev declared more than once: give each environment its own name.',
      'unknown environment(s) qa: use one of dev, prod, dev',
      'updateVersionLock is set without a versionLock: name the lock file (versionLock) or drop updateVersionLock.',
    ]);
  });

  test('a malformed issuer record or a missing version lock is an error naming the file and the fix', () => {
    const bad = path.join(scratch, 'bad-issuers.json');
    fs.writeFileSync(bad, JSON.stringify({ environments: { prod: { rotation: 'one' } } }));
    const missing = path.join(scratch, 'no-lock.json');
    expect(PlatformSynth.synthesize({ environments: RECORDS, write: false, issuerRecord: bad }).errors).toEqual([
      `${bad}: environment 'prod' needs {"rotation": <number>, "notAfter": "<RFC 3339>"}: run 'node scripts/record-issuer.js --env prod'.`,
    ]);
    expect(PlatformSynth.synthesize({ environments: RECORDS, write: false, versionLock: missing }).errors).toEqual([
      `version lock ${missing} is missing: restore it (git checkout -- ${missing}); it records the Dapr version each environment runs.`,
    ]);
  });

  test('a stack with another id and a chart outside the given app are named, with the validation errors of both planes', () => {
    const foreign = new K8sApp();
    const errors = run([recordsEnvironment('dev', EnvironmentProfile.DEV, { stackId: 'development', chartScope: foreign })]);
    expect(errors).toEqual([
      "dev: [dev] the environment's DaprChart is not in the k8sApp declare() was given: declare it with context.k8sApp as its scope.",
      "dev: [development] the environment's DaprPlatformStack has id 'development': give it the environment's name ('dev'), the folder cdktf.out/stacks/dev/.",
    ]);
  });

  test('a chart checked against another Dapr release than the stack installs is refused (and a strict chart must say which)', () => {
    const older = DaprVersion.supported()[0];
    expect(run([recordsEnvironment('prod', EnvironmentProfile.PROD, { chartDaprVersion: older })])).toEqual([
      `prod: [prod] the DaprChart checks the manifests against Dapr ${older.version}, but the DaprPlatformStack installs ${DaprVersion.LATEST.version}: ` +
        'give both the same daprVersion (the release the environment runs), so the manifests are checked against the control plane that runs them.',
    ]);
    const app = Testing.app();
    expect(validationErrors(new DaprChart(app, 'returns', { namespace: 'apps', profile: EnvironmentProfile.STAGING }))).toEqual([
      "[returns] DaprChart (profile staging) does not say which Dapr release the cluster runs, so every check would read the newest release's reference data " +
        `(${DaprVersion.LATEST.version}): set daprVersion to the release the environment runs (e.g. DaprVersion.of('1.16.19')) or build against the platform contract (contract: PlatformContract.fromFile(...)).`,
    ]);
    expect(validationErrors(new DaprChart(app, 'dev-returns', { namespace: 'apps', profile: EnvironmentProfile.DEV }))).toEqual([]);
  });

  test('a stack in another cdktf App is named', () => {
    const other = new TfApp({ outdir: path.join(scratch, 'other'), skipValidation: true });
    const env: IPlatformEnvironment = {
      name: 'dev',
      declare: (ctx) => {
        const d = RECORDS[0].declare(ctx);
        const stray = new DaprPlatformStack(other, 'dev', { ...strayProps(d.stack) });
        return { chart: d.chart, stack: stray };
      },
    };
    expect(run([env])).toEqual([
      "dev: [dev] the environment's DaprPlatformStack is not in the tfApp declare() was given: declare it with context.tfApp as its scope.",
    ]);
  });
});

/** Minimal valid dev props for a stray stack. */
function strayProps(_: DaprPlatformStack) {
  return {
    profile: EnvironmentProfile.DEV,
    daprVersion: DaprVersion.LATEST,
    mtls: new MtlsPolicy(),
    ha: HaDecision.DISABLED,
    kubeContext: 'stray',
    schedulerStorageSize: '1Gi',
    vaultAddress: 'https://vault.example.com:8200',
    vaultKubernetesHost: 'https://api.example.com:6443',
    appsNamespace: 'records',
    appSecretAccess: [],
    argoRepoUrl: 'https://git.example.com/records/platform.git',
    argoTargetRevision: 'main',
    argoPath: 'dist/dev',
  };
}

describe('PlatformSynthCli', () => {
  const capture = () => {
    const out = { log: [] as string[], error: [] as string[] };
    return { out, io: { log: (t: string) => out.log.push(t), error: (t: string) => out.error.push(t) } };
  };
  const options = { environments: RECORDS, issuerRecord: path.join(scratch, 'none.json') };

  test('writes, prints a summary per environment with its warnings, and says what to commit', () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'cli-'));
    const { out, io } = capture();
    expect(PlatformSynthCli.runTo(options, ['--env', 'prod', '--dist', path.join(dir, 'dist'), '--cdktf-out', path.join(dir, 'cdktf.out')], io)).toBe(0);
    expect(out.error).toEqual([]);
    expect(out.log[0]).toMatch(/^prod \(profile prod, Dapr \d+\.\d+\.\d+\)\n {2}Terraform resources +\d+ \(/);
    expect(out.log[1]).toMatch(/^ {2}warning \[DAPR-CA-001\] SentryTrustBundle prod\/sentry-trust-bundle: no issuer record for 'prod'/);
    expect(out.log.slice(2)).toEqual(['', `Synthesized prod. Commit ${path.join(dir, 'dist')}/; CI applies ${path.join(dir, 'cdktf.out')}/stacks/<env> with 'cdktf deploy'.`]);
    expect(fs.existsSync(path.join(dir, 'dist', 'prod', 'components.yaml'))).toBe(true);
  });

  test('an unknown flag, a flag without value and an unknown environment exit 1 with the fix, writing nothing', () => {
    const dir = path.join(scratch, 'cli-bad');
    for (const [argv, message] of [
      [['--out', dir], `Synth failed with 1 error(s):\n  unknown argument '--out': use --env <name>, --dist <dir>, --cdktf-out <dir>, --version-lock <file>`],
      [['--dist'], 'Synth failed with 1 error(s):\n  --dist needs a value'],
      [['--env', 'qa', '--dist', dir], 'Synth failed with 1 error(s):\n  unknown environment(s) qa: use one of dev, prod'],
    ] as const) {
      const { out, io } = capture();
      expect(PlatformSynthCli.runTo(options, [...argv], io)).toBe(1);
      expect(out).toEqual({ log: [], error: [message] });
    }
    expect(fs.existsSync(dir)).toBe(false);
  });
});
