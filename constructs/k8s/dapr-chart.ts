import { Chart, ChartProps } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { DaprVersion } from '../model/dapr-version';
import { MtlsPolicy } from '../model/mtls-policy';
import { EnvironmentProfile } from '../model/profile';

const DAPR_SETTINGS = Symbol.for('dapr-platform.DaprChart.settings');

/** Props of {@link DaprChart}. */
export interface DaprChartProps extends ChartProps {
  /**
   * How strict the environment is; production rules apply to staging and prod.
   * @default EnvironmentProfile.PROD
   */
  readonly profile?: EnvironmentProfile;
  /**
   * The Dapr release the cluster runs; every check reads this version's reference data.
   * @default DaprVersion.LATEST
   */
  readonly daprVersion?: DaprVersion;
  /**
   * The environment's mTLS policy, read by app Configurations and access control.
   * @default - a default MtlsPolicy (enabled, 24h workload certificates, 15m skew, 'cluster.local')
   */
  readonly mtls?: MtlsPolicy;
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

  public constructor(scope: Construct, id: string, props: DaprChartProps = {}) {
    super(scope, id, props);
    this.settings = {
      profile: props.profile ?? EnvironmentProfile.PROD,
      daprVersion: props.daprVersion ?? DaprVersion.LATEST,
      mtls: props.mtls ?? new MtlsPolicy(),
    };
    this[DAPR_SETTINGS] = this.settings;
    const settings = this.settings;
    this.node.addValidation({ validate: () => settings.mtls.validate(settings.profile) });
  }
}

/** The environment settings Dapr constructs read. */
export interface DaprSettings {
  /** The environment profile. */
  readonly profile: EnvironmentProfile;
  /** The pinned Dapr version. */
  readonly daprVersion: DaprVersion;
  /** The environment's mTLS policy. */
  readonly mtls: MtlsPolicy;
}

const DEFAULT_SETTINGS: DaprSettings = {
  profile: EnvironmentProfile.PROD,
  daprVersion: DaprVersion.LATEST,
  mtls: new MtlsPolicy(),
};
