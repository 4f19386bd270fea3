import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { App } from 'cdktf';
import { CleanupPolicy } from '../../constructs/model/kafka-topic';
import { EnvironmentProfile } from '../../constructs/model/profile';
import { RootCaSource } from '../../constructs/terraform/sentry-trust-bundle';
import { DaprPlatformStack, DaprPlatformStackProps } from '../../constructs/terraform/dapr-platform-stack';
import { devProps, errorsOf, findResource, platformStack, prodProps, resources, synthJson } from './helpers';

describe('DaprPlatformStack (prod)', () => {
  const stack = platformStack('prod', prodProps());
  const json = synthJson(stack);

  test('kubernetes, helm and vault providers on the environment context; required_providers with full registry sources', () => {
    expect(json.provider.kubernetes).toEqual([{ config_path: '~/.kube/config', config_context: 'prod-eu' }]);
    expect(json.provider.helm).toEqual([{ kubernetes: { config_path: '~/.kube/config', config_context: 'prod-eu' } }]);
    expect(json.provider.vault).toEqual([{ address: 'https://vault.example.com:8200' }]);
    expect(json.terraform.required_providers).toEqual({
      kubernetes: { source: 'registry.terraform.io/hashicorp/kubernetes', version: '2.38.0' },
      helm: { source: 'registry.terraform.io/hashicorp/helm', version: '3.1.1' },
      vault: { source: 'registry.terraform.io/hashicorp/vault', version: '5.6.0' },
    });
  });

  test('an encrypted S3 backend per environment', () => {
    expect(json.terraform.backend).toEqual({
      s3: {
        bucket: 'acme-tfstate',
        key: 'dapr-platform/prod/terraform.tfstate',
        region: 'eu-central-1',
        encrypt: true,
        kms_key_id: 'alias/tfstate',
        use_lockfile: true,
      },
    });
    const locked = synthJson(platformStack('prod', prodProps({ stateLockTable: 'tf-locks' })));
    expect(locked.terraform.backend.s3.dynamodb_table).toBe('tf-locks');
    expect(locked.terraform.backend.s3.use_lockfile).toBeUndefined();
  });

  test('prevent_destroy on the PKI mounts, the KV mount and the namespaces', () => {
    const mounts = Object.values(resources(json, 'vault_mount')) as any[];
    expect(mounts.map((m) => [m.path, m.lifecycle?.prevent_destroy]).sort()).toEqual([
      ['pki-dapr-prod-issuer', true],
      ['pki-dapr-prod-root', true],
      ['secret', true],
    ]);
    for (const ns of Object.values(resources(json, 'kubernetes_namespace_v1')) as any[]) expect(ns.lifecycle).toEqual({ prevent_destroy: true });
  });

  test('an existing KV mount (issue 16): createKvMount false creates none; policies and the dev brokers use the path', () => {
    const existing = synthJson(platformStack('prod', prodProps({ createKvMount: false })));
    expect((Object.values(resources(existing, 'vault_mount')) as any[]).map((m) => m.path).sort()).toEqual(['pki-dapr-prod-issuer', 'pki-dapr-prod-root']);
    expect(Object.values(resources(existing, 'vault_policy')).map((p: any) => p.policy).join('\n')).toContain('path "secret/data/');
    const dev = synthJson(platformStack('dev', devProps({ createKvMount: false })));
    expect(Object.values(resources(dev, 'vault_mount'))).toEqual([]);
    const secrets = Object.values(resources(dev, 'vault_kv_secret_v2')) as any[];
    expect(secrets.length).toBeGreaterThan(0);
    for (const r of secrets) {
      expect(r.mount).toBe('secret');
      expect((r.depends_on ?? []).filter((d: string) => d.startsWith('vault_mount.'))).toEqual([]);
    }
    // The default keeps creating 'secret'.
    expect(findResource(json, 'vault_mount', (m) => m.path === 'secret').type).toBe('kv');
  });

  test('composes the pieces with per-environment names and no dev brokers', () => {
    expect(findResource(json, 'vault_auth_backend').path).toBe('kubernetes-prod');
    expect(Object.values(resources(json, 'vault_policy')).map((p: any) => p.name).sort()).toEqual(['dapr-prod-shop-orders', 'dapr-prod-shop-payments']);
    expect(findResource(json, 'kubernetes_manifest', (m) => m.manifest.kind === 'Application').manifest.metadata.name).toBe('dapr-platform-prod');
    expect(Object.values(resources(json, 'helm_release')).map((r: any) => r.name).sort()).toEqual(['dapr', 'vault']);
    expect(Object.values(resources(json, 'kubernetes_namespace_v1')).map((n: any) => n.metadata.name).sort()).toEqual(['dapr-system', 'shop', 'vault-injector']);
    expect(stack.devBrokers).toBeUndefined();
    const argo = findResource(json, 'kubernetes_manifest', (m) => m.manifest.kind === 'Application');
    expect(argo.depends_on.some((d: string) => d.startsWith('helm_release.dapr-control-plane_release'))).toBe(true);
  });

  test('Sentry gets a dedicated root; a shared (corporate) root mount is refused in strict profiles', () => {
    expect(findResource(json, 'vault_pki_secret_backend_root_cert')).toMatchObject({ type: 'internal', common_name: 'Dapr root CA (cluster.local)', max_path_length: 1 });
    for (const profile of [EnvironmentProfile.STAGING, EnvironmentProfile.PROD]) {
      const s = platformStack('prod', prodProps({ profile, pkiRootSource: RootCaSource.EXISTING_MOUNT, pkiRootMountPath: 'pki-corp', rootCaTtl: Duration.days(1825) }));
      expect(errorsOf(s)).toEqual([
        `pkiRootSource is RootCaSource.EXISTING_MOUNT ('pki-corp') in a ${profile} environment: Dapr trusts every certificate chaining to its trust anchor, so any other PKI role under a shared (e.g. corporate) root that allows URI SANs could mint another app's SPIFFE ID. Give Sentry a dedicated root per environment: drop pkiRootSource (RootCaSource.CREATE).`,
      ]);
    }
  });

  test('dev may sign Sentry under an existing root mount', () => {
    const j = synthJson(platformStack('dev', devProps({ sentrySelfSigned: false, pkiRootSource: RootCaSource.EXISTING_MOUNT, pkiRootMountPath: 'pki-corp', rootCaTtl: Duration.days(1825) })));
    expect(resources(j, 'vault_pki_secret_backend_root_cert')).toEqual({});
    expect(findResource(j, 'vault_pki_secret_backend_root_sign_intermediate').backend).toBe('pki-corp');
  });

  test('no PKI role anywhere: nothing but Sentry can issue from the Sentry mounts', () => {
    expect(resources(json, 'vault_pki_secret_backend_role')).toEqual({});
  });
});

describe('DaprPlatformStack (dev)', () => {
  const stack = platformStack('dev', devProps());
  const json = synthJson(stack);

  test('a local backend at a stable relative path', () => {
    expect(json.terraform.backend).toEqual({ local: { path: '../../../terraform.dev.tfstate' } });
  });

  test('dev brokers on, Sentry self-signed (no PKI), nothing protected from destroy', () => {
    expect(stack.devBrokers).toBeDefined();
    expect(stack.sentryTrustBundle).toBeUndefined();
    expect(resources(json, 'vault_pki_secret_backend_root_cert')).toEqual({});
    expect(Object.values(resources(json, 'helm_release')).map((r: any) => r.name).sort()).toEqual(['dapr', 'redis', 'strimzi', 'vault']);
    expect(JSON.stringify(json)).not.toContain('prevent_destroy');
    const kv = Object.values(resources(json, 'vault_kv_secret_v2')).map((k: any) => `${k.mount}/data/${k.name}`);
    expect(kv.sort()).toEqual(['secret/data/dapr/kafka', 'secret/data/dapr/redis']);
    const aligned = platformStack('dev', devProps({ devBrokersNamespace: 'data', devKafkaClusterName: 'events' }));
    expect(aligned.devBrokers!.kafkaBrokers).toBe('events-kafka-bootstrap.data.svc.cluster.local:9092');
  });

  test('declareKafkaTopics: Strimzi KafkaTopics after the in-cluster Kafka; nothing without one (managed Kafka)', () => {
    const topics = [{ name: 'orders', deadLetter: false, settings: { partitions: 3, replicationFactor: 1, retention: Duration.days(1), cleanupPolicy: CleanupPolicy.DELETE, minInSyncReplicas: 1 } }];
    const dev = platformStack('dev', devProps({ devRedis: false }));
    expect(dev.declareKafkaTopics(topics)).toBeDefined();
    const kafkaTopics = Object.values(resources(synthJson(dev), 'kubernetes_manifest')).filter((m: any) => m.manifest.kind === 'KafkaTopic') as any[];
    expect(kafkaTopics.map((t) => [t.manifest.metadata.namespace, t.manifest.spec.topicName, t.depends_on])).toEqual([
      ['dev-brokers', 'orders', ['kubernetes_manifest.dev-brokers_kafka_2F19F2DF']],
    ]);
    for (const stack of [platformStack('dev', devProps({ devKafka: false })), platformStack('prod', prodProps())]) {
      expect(stack.declareKafkaTopics(topics)).toBeUndefined();
      expect(Object.values(resources(synthJson(stack), 'kubernetes_manifest')).filter((m: any) => m.manifest.kind === 'KafkaTopic')).toEqual([]);
    }
  });

  test('exactly the declared brokers: none by default, Kafka only, Redis only', () => {
    const brokersOf = (o: Partial<DaprPlatformStackProps>) => {
      const s = platformStack('dev', devProps(o));
      const j = synthJson(s);
      return {
        releases: Object.values(resources(j, 'helm_release')).map((r: any) => r.name).sort(),
        kv: Object.values(resources(j, 'vault_kv_secret_v2')).map((k: any) => k.name).sort(),
        namespaces: Object.values(resources(j, 'kubernetes_namespace_v1')).map((n: any) => n.metadata.name).sort(),
        kafkaObjects: Object.values(resources(j, 'kubernetes_manifest')).map((m: any) => m.manifest.kind).filter((k: string) => k.startsWith('Kafka')).sort(),
        redisHost: s.devBrokers?.redisHost,
        kafkaBrokers: s.devBrokers?.kafkaBrokers,
        errors: errorsOf(s),
      };
    };
    expect(brokersOf({ devRedis: undefined, devKafka: undefined })).toEqual({
      releases: ['dapr', 'vault'], kv: [], namespaces: ['dapr-system', 'shop', 'vault-injector'], kafkaObjects: [], redisHost: undefined, kafkaBrokers: undefined, errors: [],
    });
    expect(brokersOf({ devRedis: false })).toEqual({
      releases: ['dapr', 'strimzi', 'vault'],
      kv: ['dapr/kafka'],
      namespaces: ['dapr-system', 'dev-brokers', 'shop', 'vault-injector'],
      kafkaObjects: ['Kafka', 'KafkaNodePool', 'KafkaUser'],
      redisHost: undefined,
      kafkaBrokers: 'dev-kafka-kafka-bootstrap.dev-brokers.svc.cluster.local:9092',
      errors: [],
    });
    expect(brokersOf({ devKafka: false })).toEqual({
      releases: ['dapr', 'redis', 'vault'],
      kv: ['dapr/redis'],
      namespaces: ['dapr-system', 'dev-brokers', 'shop', 'vault-injector'],
      kafkaObjects: [],
      redisHost: 'redis-master.dev-brokers.svc.cluster.local:6379',
      kafkaBrokers: undefined,
      errors: [],
    });
  });
});

describe('DaprPlatformStack validation', () => {
  test('strict environments need the remote state backend and their own CA', () => {
    const stack = platformStack('staging', prodProps({ profile: EnvironmentProfile.STAGING, stateBucket: undefined, sentrySelfSigned: true }));
    const errs = errorsOf(stack);
    expect(errs).toContain(`no stateBucket in a staging environment: its state holds the Sentry issuer key; set stateBucket and stateRegion (S3, encrypted).`);
    expect(errs).toContain(`sentrySelfSigned is true in a staging environment: strict profiles bring their own CA from Vault PKI; drop sentrySelfSigned.`);
    expect(errs).toContain(`no sentryCa in a staging environment: Sentry would self-sign its CA. Pass a SentryTrustBundle (Vault PKI) as sentryCa.`);
  });

  test('a state bucket needs its region', () => {
    expect(errorsOf(platformStack('prod', prodProps({ stateRegion: undefined })))).toEqual([
      `stateBucket 'acme-tfstate' has no stateRegion: set the bucket's region, e.g. 'eu-central-1'.`,
    ]);
  });

  test('the environment name must be a DNS label', () => {
    expect(errorsOf(platformStack('Prod_EU', prodProps()))).toContain(
      `environment name (stack id) 'Prod_EU' is not a short DNS label: use e.g. 'prod' or 'staging-eu'.`,
    );
  });

  test('dev brokers are refused in prod', () => {
    expect(errorsOf(platformStack('prod', prodProps({ devRedis: true })))).toEqual([
      'DevBrokers in a prod environment: in-cluster brokers are for dev only; use the managed Redis and Kafka there.',
    ]);
  });
});

describe('synth with plain node', () => {
  test('new App({ outdir }) + app.synth() writes cdktf.out/stacks/<env>/cdk.tf.json, identically twice, without a Terraform binary', () => {
    const synthOnce = () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-out-'));
      const app = new App({ outdir });
      new DaprPlatformStack(app, 'prod', prodProps());
      new DaprPlatformStack(app, 'dev', devProps());
      app.synth();
      return outdir;
    };
    const savedPath = process.env.PATH;
    process.env.PATH = ''; // cdktf's own DataResource would shell out to `terraform version` here
    let a: string;
    let b: string;
    try {
      a = synthOnce();
      b = synthOnce();
    } finally {
      process.env.PATH = savedPath;
    }
    for (const env of ['prod', 'dev']) {
      const file = path.join(a, 'stacks', env, 'cdk.tf.json');
      expect(fs.existsSync(file)).toBe(true);
      expect(fs.readFileSync(file, 'utf8')).toBe(fs.readFileSync(path.join(b, 'stacks', env, 'cdk.tf.json'), 'utf8'));
    }
    const prod = JSON.parse(fs.readFileSync(path.join(a, 'stacks', 'prod', 'cdk.tf.json'), 'utf8'));
    expect(prod.terraform.backend.s3.key).toBe('dapr-platform/prod/terraform.tfstate');
  });

  test('synth refuses an invalid environment (validations run in app.synth())', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-out-')) });
    new DaprPlatformStack(app, 'prod', prodProps({ webhookFailurePolicy: undefined, schedulerStorageSize: 'lots' }));
    expect(() => app.synth()).toThrow(/\[prod\/dapr-control-plane\] schedulerStorageSize 'lots' is not a storage size/);
  });
});
