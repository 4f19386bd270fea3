import { Chart, ChartProps } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { PlatformContract } from '../contract/platform-contract';
import { AppSecretAccess } from '../model/app-secret-access';
import { DaprApp, IDaprApp } from '../model/dapr-app';
import { DaprVersion } from '../model/dapr-version';
import { ExternalAppDeclaration, externalAppErrors, ExternalAppProps } from '../model/external-app';
import { MtlsPolicy } from '../model/mtls-policy';
import { EnvironmentProfile, isStrict } from '../model/profile';
import { externalAppSecretAccess } from './external-app-access';

const DAPR_SETTINGS = Symbol.for('dapr-platform.DaprChart.settings');
/** DaprWorkload's registry of the workloads of a construct tree (per root). */
const WORKLOAD_REGISTRY = Symbol.for('dapr-platform.DaprWorkload.registry');

/** Props of {@link DaprChart}. */
export interface DaprChartProps extends ChartProps {
  /**
   * How strict the environment is; production rules apply to staging and prod.
   * @default EnvironmentProfile.PROD
   */
  readonly profile?: EnvironmentProfile;
  /**
   * The Dapr release the cluster runs; every check reads this version's reference data.
   * Staging and prod require it (or `contract`, which carries it): checking against a release the
   * cluster does not run passes what the cluster may refuse.
   * @default - the contract's; without a contract, DaprVersion.LATEST in dev and an error in staging and prod
   */
  readonly daprVersion?: DaprVersion;
  /**
   * The environment's mTLS policy, read by app Configurations and access control.
   * @default - a default MtlsPolicy (enabled, 24h workload certificates, 15m skew, 'cluster.local')
   */
  readonly mtls?: MtlsPolicy;
  /**
   * The address ranges of the hosts outside the cluster the workloads reach (managed Redis, Kafka
   * brokers, Vault, a collector): their NetworkPolicy egress names these ranges as `ipBlock`s.
   * Staging and prod refuse an external host that is not declared here.
   * @default - none: in dev, egress to an undeclared external host is open to any address
   */
  readonly externalHosts?: ExternalHost[];
  /**
   * The platform contract this chart builds against (an app team's chart): the namespace, profile,
   * Dapr version, mTLS policy (trust domain, control-plane namespace) and external hosts come from
   * it, and synth fails when the chart's workloads use a component, topic, secret or callee the
   * contract does not grant them. Setting one of those props to another value than the contract's
   * is an error; `externalHosts` adds to the contract's.
   * @default - none: the chart's own props (or their defaults) apply
   */
  readonly contract?: PlatformContract;
}

/** A host outside the cluster and the address ranges it resolves to (for NetworkPolicy `ipBlock`s). */
export interface ExternalHost {
  /** The host name exactly as the components use it (without the port), e.g. `orders-redis.prod.example.com`. */
  readonly host: string;
  /** The CIDRs its addresses lie in, e.g. `['10.20.4.0/24']`; neither `0.0.0.0/0` nor `::/0`. */
  readonly cidrs: string[];
}

/**
 * A cdk8s Chart that carries the environment settings the Dapr constructs inside it read:
 * the profile, the pinned Dapr version and the mTLS policy.
 */
export class DaprChart extends Chart {
  /**
   * The settings that apply to a construct: those of the nearest enclosing DaprChart, or the
   * strict defaults (prod profile, newest Dapr version, default mTLS policy) when there is none.
   */
  public static settingsOf(scope: IConstruct): DaprSettings {
    for (const c of [...scope.node.scopes].reverse()) {
      // Chart overrides instanceof (any Chart would match), so look for the settings marker.
      const settings = (c as Partial<DaprChart>)[DAPR_SETTINGS];
      if (settings) return settings;
    }
    return DEFAULT_SETTINGS;
  }

  /** The environment settings of this chart (defaults filled in). */
  public readonly settings: DaprSettings;
  /** @internal */
  public readonly [DAPR_SETTINGS]: DaprSettings;

  private readonly declaredExternalApps: ExternalAppDeclaration[] = [];

  public constructor(scope: Construct, id: string, props: DaprChartProps = {}) {
    const contract = props.contract;
    super(scope, id, { ...props, namespace: props.namespace ?? contract?.namespace });
    this.settings = {
      profile: props.profile ?? contract?.profile ?? EnvironmentProfile.PROD,
      daprVersion: props.daprVersion ?? contract?.daprVersion ?? DaprVersion.LATEST,
      mtls: props.mtls ?? contract?.mtlsPolicy() ?? new MtlsPolicy(),
      externalHosts: [...(contract?.externalHosts ?? []), ...(props.externalHosts ?? [])],
    };
    this[DAPR_SETTINGS] = this.settings;
    const settings = this.settings;
    const versionUnpinned = props.daprVersion === undefined && contract === undefined && isStrict(settings.profile);
    this.node.addValidation({
      validate: () => [
        ...(versionUnpinned
          ? [
              `DaprChart (profile ${settings.profile}) does not say which Dapr release the cluster runs, ` +
                `so every check would read the newest release's reference data (${DaprVersion.LATEST.version}): set daprVersion ` +
                `to the release the environment runs (e.g. DaprVersion.of('1.16.19')) or build against the platform contract (contract: PlatformContract.fromFile(...)).`,
            ]
          : []),
        ...settings.mtls.validate(settings.profile),
        ...externalHostErrors(settings.externalHosts),
        ...externalAppErrors(this.declaredExternalApps, new Set(workloadAppIds(this))),
      ],
    });
    contract?._bindChart(this, { namespace: props.namespace, profile: props.profile, daprVersion: props.daprVersion, mtls: props.mtls });
  }

  /**
   * Declares an app that lives elsewhere (another team's repository) and that this chart's
   * components and workloads grant something (scopes, topics, access): the policy rules accept it
   * where they demand an app of these documents (DAPR-COMP-002, DAPR-CONF-002), and the platform
   * contract lists it. Returns the reference to pass to `addScope`, `grantSubscribe`, `allowsInvocationFrom`.
   */
  public addExternalApp(props: ExternalAppProps): IDaprApp {
    const declaration = { appId: props.appId, namespace: props.namespace ?? this.namespace ?? 'default', owner: props.owner };
    this.declaredExternalApps.push(declaration);
    return DaprApp.fromAppId(declaration.appId, declaration.namespace);
  }

  /** The apps declared as living elsewhere (`addExternalApp`), in declaration order. */
  public get externalApps(): ExternalAppDeclaration[] {
    return [...this.declaredExternalApps];
  }

  /**
   * What the platform's Vault must grant the apps declared as living elsewhere: the secrets of this
   * chart's components whose scopes list them, with their app-id as Vault role and ServiceAccount
   * (a DaprWorkload's defaults). The Terraform half adds them to its apps' Vault access.
   */
  public get externalAppSecretAccess(): AppSecretAccess[] {
    return externalAppSecretAccess(this, this.declaredExternalApps);
  }
}

/** `namespace/app-id` of every DaprWorkload under the chart (their registry, read without importing DaprWorkload). */
function workloadAppIds(chart: Chart): string[] {
  const registry = (chart.node.root as unknown as { [k: symbol]: Array<{ appId: string; namespace: string; node: Construct['node'] }> | undefined })[WORKLOAD_REGISTRY] ?? [];
  const prefix = `${chart.node.path}/`;
  return registry.filter((w) => chart.node.path === '' || w.node.path.startsWith(prefix)).map((w) => `${w.namespace}/${w.appId}`);
}

/** The environment settings Dapr constructs read. */
export interface DaprSettings {
  /** The environment profile. */
  readonly profile: EnvironmentProfile;
  /** The pinned Dapr version. */
  readonly daprVersion: DaprVersion;
  /** The environment's mTLS policy. */
  readonly mtls: MtlsPolicy;
  /** The declared external hosts and their address ranges. */
  readonly externalHosts: ExternalHost[];
}

const DEFAULT_SETTINGS: DaprSettings = {
  profile: EnvironmentProfile.PROD,
  daprVersion: DaprVersion.LATEST,
  mtls: new MtlsPolicy(),
  externalHosts: [],
};

/** The declared CIDRs of a host (case-insensitive), or undefined when the environment does not declare it. */
export function declaredCidrs(settings: DaprSettings, host: string): string[] | undefined {
  const found = settings.externalHosts.find((h) => h.host.toLowerCase() === host.toLowerCase());
  return found ? [...found.cidrs].sort() : undefined;
}

const IPV4_CIDR = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(3[0-2]|[12]?\d)$/;
const IPV6_CIDR = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

/** Problems of the declared external hosts: malformed or catch-all CIDRs, none at all, a host declared twice. */
function externalHostErrors(hosts: readonly ExternalHost[]): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const h of hosts) {
    const what = `externalHosts entry '${h.host}'`;
    if (seen.has(h.host.toLowerCase())) errors.push(`${what} is declared twice: merge the CIDRs into one entry.`);
    seen.add(h.host.toLowerCase());
    if (!h.host || h.host.includes(':') || h.host.includes('/')) errors.push(`${what}: give the bare host name, without scheme or port.`);
    if (h.cidrs.length === 0) errors.push(`${what} has no CIDRs: list the ranges its addresses lie in, e.g. '10.20.4.0/24'.`);
    for (const c of h.cidrs) {
      if (!IPV4_CIDR.test(c) && !IPV6_CIDR.test(c)) errors.push(`${what}: '${c}' is not a CIDR: write it as '10.20.4.0/24' or 'fd00:10::/64'.`);
      else if (/\/0$/.test(c)) errors.push(`${what}: '${c}' matches every address, which names no destination: give the host's own range.`);
    }
  }
  return errors;
}
