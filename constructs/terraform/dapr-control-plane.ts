import { Release } from '@cdktf/provider-helm/lib/release';
import { Duration } from 'cdk8s';
import { ITerraformDependable, Op } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { DaprVersion, EnvironmentProfile, MtlsPolicy } from '@dapr-platform/constructs';
import { checkNamespace, checkObjectName, daprVersionChangeErrors, isStrict } from '@dapr-platform/constructs/internal';
import { checkQuantity, checkShellSafe, checkStorageSize, parseQuantity } from './checks';
import { DaprChartValues } from './dapr-chart-values';
import { terraformBool } from './lifecycle-expressions';
import type { ISentryCa } from './sentry-trust-bundle';
import { TerraformData } from './terraform-data';

/**
 * Whether the control plane runs highly available, as decided when the environment was created.
 * HA decides the placement StatefulSet's replicas and volume claims (immutable) and the PDBs, so it
 * is not a knob to flip: see {@link DaprControlPlaneProps.haChangeDecision}.
 */
export enum HaDecision {
  /** HA: operator, sentry and injector run `haReplicaCount` replicas, placement 3 (with raft PVCs), PDBs for all. */
  ENABLED = 'enabled',
  /** No HA: one replica each (the scheduler still runs 3). Dev only. */
  DISABLED = 'disabled',
  /**
   * No HA in a strict (staging/prod) profile, as a deliberate, recorded waiver, e.g. a small
   * pre-production cluster. Only valid in strict profiles; dev uses `DISABLED`.
   */
  DISABLED_WAIVED_FOR_STRICT_PROFILE = 'disabled-waived-for-strict-profile',
}

/**
 * How the replicas of an HA control plane keep apart, through the chart's own keys
 * (`global.ha.topologyKey`, and from 1.18 `global.ha.podAntiAffinityPolicy`). The 1.18 chart makes
 * the anti-affinity required only for the placement and scheduler StatefulSets (the raft and etcd
 * quorum members); operator, sentry and injector keep a preferred term on the same topology key.
 * It has one topology key for all of them and no topologySpreadConstraints key, so a spread over
 * nodes and one over zones cannot both be required through the chart.
 */
export enum ControlPlaneSpread {
  /**
   * What the chart does by itself: a preferred anti-affinity over `topology.kubernetes.io/zone`
   * (hard-coded in the 1.16 templates, the `global.ha.topologyKey` default from 1.17). On a
   * one-zone cluster all replicas of a service may land on one node. The only choice on 1.16 and 1.17.
   */
  CHART_DEFAULT = 'chart-default',
  /**
   * Replicas on distinct nodes (`topologyKey: kubernetes.io/hostname`, required): placement and
   * scheduler replicas never share a node (pods stay Pending rather than share one: the cluster needs
   * at least 3 schedulable nodes), the other services prefer not to. Dapr 1.18+.
   */
  NODES_REQUIRED = 'nodes-required',
  /**
   * Replicas in distinct zones (`topologyKey: topology.kubernetes.io/zone`, required): for clusters
   * with at least 3 zones; placement and scheduler replicas never share a zone, the others prefer not to. Dapr 1.18+.
   */
  ZONES_REQUIRED = 'zones-required',
}

/** Log level of a control-plane service. */
export enum DaprLogLevel {
  /** Debug. */
  DEBUG = 'debug',
  /** Info (the chart's default). */
  INFO = 'info',
  /** Warnings and worse. */
  WARN = 'warn',
  /** Errors and worse. */
  ERROR = 'error',
  /** Fatal only. */
  FATAL = 'fatal',
}

/** What the API server does when the sidecar injector webhook cannot be reached. */
export enum WebhookFailurePolicy {
  /** Reject the pod: no Dapr app ever runs without its sidecar. Required in strict profiles. */
  FAIL = 'Fail',
  /** Create the pod without a sidecar (the chart's default). Dev only. */
  IGNORE = 'Ignore',
}

/**
 * The PodDisruptionBudget of every control-plane workload (`global.ha.disruption.*`; the chart has
 * no per-component PDB keys). Exactly one of minimum available / maximum unavailable is rendered:
 * the other is written as `""`, because the chart renders every non-empty one and a PDB with both
 * is rejected by the API server.
 */
export class DisruptionBudget {
  /** At least `count` pods stay available (e.g. 2 of 3: etcd and raft keep quorum). */
  public static minimumAvailable(count: number): DisruptionBudget {
    return new DisruptionBudget(true, count, false);
  }
  /** At least `percent`% of the pods stay available. */
  public static minimumAvailablePercent(percent: number): DisruptionBudget {
    return new DisruptionBudget(true, percent, true);
  }
  /** At most `count` pods may be disrupted at once. */
  public static maximumUnavailable(count: number): DisruptionBudget {
    return new DisruptionBudget(false, count, false);
  }
  /** At most `percent`% of the pods may be disrupted at once (the chart's default is 25%). */
  public static maximumUnavailablePercent(percent: number): DisruptionBudget {
    return new DisruptionBudget(false, percent, true);
  }

  private constructor(
    /** True for a minimum-available budget, false for maximum-unavailable. */
    public readonly isMinimumAvailable: boolean,
    /** The count or percentage. */
    public readonly amount: number,
    /** True if `amount` is a percentage. */
    public readonly isPercent: boolean,
  ) {}

  /** @internal the two Helm values */
  public _helmValues(): { minimumAvailable: number | string; maximumUnavailable: number | string } {
    const v: number | string = this.isPercent ? `${this.amount}%` : this.amount;
    return this.isMinimumAvailable ? { minimumAvailable: v, maximumUnavailable: '' } : { minimumAvailable: '', maximumUnavailable: v };
  }

  /** Human-readable, e.g. `minimumAvailable 2`. */
  public toString(): string {
    return `${this.isMinimumAvailable ? 'minimumAvailable' : 'maximumUnavailable'} ${this.amount}${this.isPercent ? '%' : ''}`;
  }
}

/** Requests and limits of one control-plane service's container. */
export interface ControlPlaneResources {
  /** CPU request, e.g. `100m`. */
  readonly cpuRequest: string;
  /** Memory request, e.g. `100Mi`. */
  readonly memoryRequest: string;
  /**
   * CPU limit, e.g. `1`.
   * @default - no CPU limit
   */
  readonly cpuLimit?: string;
  /**
   * Memory limit. Dapr's production guidance is to set none on the control plane (OOM kills).
   * @default - no memory limit
   */
  readonly memoryLimit?: string;
}

/** Props of {@link DaprControlPlane}. */
export interface DaprControlPlaneProps {
  /** How strict the environment is. */
  readonly profile: EnvironmentProfile;
  /** The pinned Dapr version: chart version, CRD files and the set of valid values keys. */
  readonly daprVersion: DaprVersion;
  /**
   * The Dapr version the cluster runs today (e.g. from the environment's committed version lock).
   * Synth refuses a `daprVersion` more than one minor above it, or a rollback below what it allows
   * (1.18 cannot go below 1.17.7).
   * @default - none: a new installation, any supported version
   */
  readonly runningVersion?: DaprVersion;
  /** The environment's mTLS policy (the same object the app Configurations read). */
  readonly mtls: MtlsPolicy;
  /** HA as decided when the environment was created (see {@link HaDecision}). */
  readonly ha: HaDecision;
  /**
   * The id of the change (ticket, ADR) under which HA of an existing environment is changed. HA
   * is recorded in the Terraform state at creation; a plan that changes it fails unless this is set
   * to an id not used before. Keep it in code afterwards as the record of the decision.
   * @default - none: HA must stay as the environment was created
   */
  readonly haChangeDecision?: string;
  /**
   * Replicas of operator, sentry and sidecar injector when HA is on (`global.ha.replicaCount`).
   * @default 3
   */
  readonly haReplicaCount?: number;
  /**
   * How the HA control plane's replicas keep apart (see {@link ControlPlaneSpread}).
   * @default ControlPlaneSpread.NODES_REQUIRED with HA on Dapr 1.18+; ControlPlaneSpread.CHART_DEFAULT otherwise
   */
  readonly spread?: ControlPlaneSpread;
  /**
   * PodDisruptionBudget of the control-plane workloads (`global.ha.disruption.*`).
   * @default DisruptionBudget.minimumAvailable(2)
   */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * Namespace of the control plane (created by {@link Namespaces}, not by Helm).
   * @default 'dapr-system'
   */
  readonly namespace?: string;
  /**
   * Bring-your-own CA for Sentry, e.g. a {@link SentryTrustBundle}. Required in strict profiles.
   * @default - none: Sentry generates a self-signed CA (dev only)
   */
  readonly sentryCa?: ISentryCa;
  /**
   * How long Helm waits for the release to become ready before rolling back (atomic).
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;
  /**
   * Release revisions Helm keeps (what `helm rollback` can go back to), 1..2. Every revision is a
   * Secret holding the whole values, Sentry's issuer key included: two (the current and the one
   * before) keep a rollback possible without old keys lingering in the cluster.
   * @default 2
   */
  readonly maxHistory?: number;
  /**
   * JSON logs for every control-plane service (`global.logAsJson`).
   * @default true
   */
  readonly logAsJson?: boolean;
  /**
   * Log level of every control-plane service unless overridden below.
   * @default DaprLogLevel.INFO
   */
  readonly logLevel?: DaprLogLevel;
  /**
   * Log level of the operator.
   * @default - `logLevel`
   */
  readonly operatorLogLevel?: DaprLogLevel;
  /**
   * Log level of placement.
   * @default - `logLevel`
   */
  readonly placementLogLevel?: DaprLogLevel;
  /**
   * Log level of the scheduler.
   * @default - `logLevel`
   */
  readonly schedulerLogLevel?: DaprLogLevel;
  /**
   * Log level of sentry.
   * @default - `logLevel`
   */
  readonly sentryLogLevel?: DaprLogLevel;
  /**
   * Log level of the sidecar injector.
   * @default - `logLevel`
   */
  readonly injectorLogLevel?: DaprLogLevel;
  /**
   * Prometheus metrics on every control-plane pod (`global.prometheus.enabled`).
   * @default true
   */
  readonly prometheusEnabled?: boolean;
  /**
   * Metrics port (`global.prometheus.port`).
   * @default 9090
   */
  readonly prometheusPort?: number;
  /**
   * Node selector for every control-plane pod (`global.nodeSelector`; there is no per-component one).
   * @default - none
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * PriorityClass of every control-plane pod (`global.priorityClassName`).
   * @default - none
   */
  readonly priorityClassName?: string;
  /**
   * Resources of the operator. Required in strict profiles.
   * @default - none (best effort)
   */
  readonly operatorResources?: ControlPlaneResources;
  /**
   * Resources of placement. Required in strict profiles.
   * @default - none (best effort)
   */
  readonly placementResources?: ControlPlaneResources;
  /**
   * Resources of the scheduler. Required in strict profiles.
   * @default - none (best effort)
   */
  readonly schedulerResources?: ControlPlaneResources;
  /**
   * Resources of sentry. Required in strict profiles.
   * @default - none (best effort)
   */
  readonly sentryResources?: ControlPlaneResources;
  /**
   * Resources of the sidecar injector (not of the injected sidecars). Required in strict profiles.
   * @default - none (best effort)
   */
  readonly injectorResources?: ControlPlaneResources;
  /**
   * Failure policy of the sidecar injector webhook. `FAIL` is required in strict profiles.
   * @default WebhookFailurePolicy.FAIL
   */
  readonly webhookFailurePolicy?: WebhookFailurePolicy;
  /**
   * Namespaces the injector webhook never intercepts (`dapr_sidecar_injector.namespaceSelector`).
   * With `FAIL`, an injector outage would otherwise block every pod in the cluster, including the
   * injector's own replacement pods.
   * @default - the control-plane namespace, kube-system, kube-public and kube-node-lease
   */
  readonly injectorExcludedNamespaces?: string[];
  /**
   * Drop all capabilities of injected sidecars (`dapr_sidecar_injector.sidecarDropALLCapabilities`),
   * as Pod Security `restricted` in the apps namespace requires.
   * @default true
   */
  readonly sidecarDropAllCapabilities?: boolean;
  /**
   * Size of each scheduler (etcd) volume, `dapr_scheduler.cluster.storageSize`. Always explicit:
   * the default changed from 1Gi (1.16) to 16Gi (1.17+) and volume claims are immutable, so write
   * the live size of an existing cluster here.
   */
  readonly schedulerStorageSize: string;
  /**
   * StorageClass of the scheduler volumes (`dapr_scheduler.cluster.storageClassName`).
   * @default - the cluster's default StorageClass
   */
  readonly schedulerStorageClassName?: string;
  /**
   * Keep scheduler data in memory (`dapr_scheduler.cluster.inMemoryStorage`): all jobs and
   * reminders are lost on restart. Dev only, and only charts >= 1.17 render it.
   * @default false
   */
  readonly schedulerInMemoryStorage?: boolean;
  /**
   * Size of each placement raft-log volume (`dapr_placement.volumeclaims.storageSize`, HA only).
   * @default '1Gi'
   */
  readonly placementStorageSize?: string;
  /**
   * StorageClass of the placement volumes (`dapr_placement.volumeclaims.storageClassName`).
   * @default - the cluster's default StorageClass
   */
  readonly placementStorageClassName?: string;
  /**
   * Further chart values for keys no typed prop covers (e.g. `global.ha.topologyKey` on 1.18),
   * merged into the typed ones. Every key path is checked against the pinned chart; keys a typed prop
   * sets, and the Sentry TLS keys, are refused.
   * @default - none
   */
  readonly extraValues?: { [key: string]: any };
  /**
   * Kubeconfig file `kubectl` uses to apply the CRDs (the same cluster as the providers).
   * @default '~/.kube/config'
   */
  readonly kubeConfigPath?: string;
  /** Kubeconfig context `kubectl` uses to apply the CRDs. */
  readonly kubeContext: string;
  /**
   * Resources the release waits for (e.g. the control-plane namespace).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** The chart keys of each spread (1.18: placement and scheduler get the required term, the others a preferred one). */
const SPREAD_VALUES: Record<ControlPlaneSpread, { [key: string]: string }> = {
  [ControlPlaneSpread.CHART_DEFAULT]: {},
  [ControlPlaneSpread.NODES_REQUIRED]: { topologyKey: 'kubernetes.io/hostname', podAntiAffinityPolicy: 'requiredDuringSchedulingIgnoredDuringExecution' },
  [ControlPlaneSpread.ZONES_REQUIRED]: { topologyKey: 'topology.kubernetes.io/zone', podAntiAffinityPolicy: 'requiredDuringSchedulingIgnoredDuringExecution' },
};

function spreadName(s: ControlPlaneSpread): string {
  return s === ControlPlaneSpread.NODES_REQUIRED ? 'NODES_REQUIRED' : s === ControlPlaneSpread.ZONES_REQUIRED ? 'ZONES_REQUIRED' : 'CHART_DEFAULT';
}

const SENSITIVE_KEYS = {
  root: 'dapr_sentry.tls.root.certPEM',
  issuerCert: 'dapr_sentry.tls.issuer.certPEM',
  issuerKey: 'dapr_sentry.tls.issuer.keyPEM',
};

/**
 * The Dapr control plane of one environment: the `dapr/dapr` Helm chart of the pinned version,
 * installed with `helm_release` (atomic, waits, bounded history) from typed values serialized to one
 * YAML document, plus the CRD step Helm never does on upgrades (`kubectl apply --server-side` of the
 * pinned release's CRD files, re-run when the version changes, before the chart).
 *
 * Every key path written to the chart is checked at synth against the pinned version's values
 * files. The Sentry CA PEMs go through `set_sensitive`, never into the values document.
 */
export class DaprControlPlane extends Construct {
  /** The Helm release. */
  public readonly release: Release;
  /** The CRD step (a `terraform_data` running `kubectl apply`), which the release depends on. */
  public readonly crds: TerraformData;
  /** The values document as serialized into the release (without the sensitive PEMs). */
  public readonly values: { [key: string]: any };
  /** The namespace of the control plane. */
  public readonly namespace: string;

  public constructor(scope: Construct, id: string, props: DaprControlPlaneProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'dapr-system';
    this.namespace = namespace;
    const version = props.daprVersion;
    const haEnabled = props.ha === HaDecision.ENABLED;
    const haReplicaCount = props.haReplicaCount ?? 3;
    const spread = props.spread ?? (haEnabled && version.isAtLeast(DaprVersion.V1_18_3) ? ControlPlaneSpread.NODES_REQUIRED : ControlPlaneSpread.CHART_DEFAULT);
    const budget = props.disruptionBudget ?? DisruptionBudget.minimumAvailable(2);
    const failurePolicy = props.webhookFailurePolicy ?? WebhookFailurePolicy.FAIL;
    const excluded = props.injectorExcludedNamespaces ?? [namespace, 'kube-system', 'kube-public', 'kube-node-lease'];
    const inMemory = props.schedulerInMemoryStorage ?? false;
    const placementStorageSize = props.placementStorageSize ?? '1Gi';
    const kubeConfigPath = props.kubeConfigPath ?? '~/.kube/config';
    const timeout = props.timeout ?? Duration.minutes(10);
    const maxHistory = props.maxHistory ?? 2;
    const logLevel = props.logLevel ?? DaprLogLevel.INFO;
    const prometheusPort = props.prometheusPort ?? 9090;
    const resources: [string, ControlPlaneResources | undefined][] = [
      ['operatorResources', props.operatorResources],
      ['placementResources', props.placementResources],
      ['schedulerResources', props.schedulerResources],
      ['sentryResources', props.sentryResources],
      ['injectorResources', props.injectorResources],
    ];

    const typedValues = this.buildValues(props, {
      namespace,
      haEnabled,
      haReplicaCount,
      // A spread the chart cannot take is reported once (below), not again as unknown keys.
      spread: version.isAtLeast(DaprVersion.V1_18_3) ? spread : ControlPlaneSpread.CHART_DEFAULT,
      budget,
      failurePolicy,
      excluded,
      inMemory,
      placementStorageSize,
      logLevel,
      prometheusPort,
    });
    const merged = mergeValues(typedValues, props.extraValues ?? {});
    this.values = merged.values;
    const sensitive = props.sentryCa
      ? [
          { name: SENSITIVE_KEYS.root, type: 'string', value: props.sentryCa.rootCertPem },
          { name: SENSITIVE_KEYS.issuerCert, type: 'string', value: props.sentryCa.issuerCertPem },
          { name: SENSITIVE_KEYS.issuerKey, type: 'string', value: props.sentryCa.issuerKeyPem.unwrap() },
        ]
      : undefined;

    this.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        const strict = isStrict(props.profile);
        if (namespace === 'default') {
          errors.push(`namespace 'default' is refused for the control plane: use its own namespace, e.g. 'dapr-system'.`);
        } else {
          const e = checkNamespace(namespace);
          if (e) errors.push(e);
        }
        if (props.mtls.controlPlaneNamespace !== namespace) {
          errors.push(
            `mtls.controlPlaneNamespace '${props.mtls.controlPlaneNamespace}' differs from the release namespace '${namespace}': sidecars would look for Sentry in the wrong namespace. Make them equal.`,
          );
        }
        errors.push(...props.mtls.validate(props.profile));
        if (props.runningVersion) errors.push(...daprVersionChangeErrors(props.runningVersion, version).map((e) => `daprVersion: ${e}`));

        // HA
        if (strict && props.ha === HaDecision.DISABLED) {
          errors.push(
            `ha is HaDecision.DISABLED in a ${props.profile} environment: use HaDecision.ENABLED, or HaDecision.DISABLED_WAIVED_FOR_STRICT_PROFILE to record a deliberate waiver.`,
          );
        }
        if (!strict && props.ha === HaDecision.DISABLED_WAIVED_FOR_STRICT_PROFILE) {
          errors.push(`ha is HaDecision.DISABLED_WAIVED_FOR_STRICT_PROFILE in a ${props.profile} environment: the waiver is for strict profiles; use HaDecision.DISABLED.`);
        }
        if (spread !== ControlPlaneSpread.CHART_DEFAULT && !version.isAtLeast(DaprVersion.V1_18_3)) {
          errors.push(
            `spread is ControlPlaneSpread.${spreadName(spread)} but the Dapr ${version} chart has no global.ha.podAntiAffinityPolicy (it comes with 1.18): ` +
              `use ControlPlaneSpread.CHART_DEFAULT (a preferred anti-affinity over topology.kubernetes.io/zone) until the environment runs 1.18.`,
          );
        }
        if (spread !== ControlPlaneSpread.CHART_DEFAULT && !haEnabled) {
          errors.push(`spread is ControlPlaneSpread.${spreadName(spread)} but HA is off: the chart renders anti-affinity only with HA (one replica has nothing to keep apart); drop spread.`);
        }
        if (props.haChangeDecision !== undefined && (!/^[A-Za-z0-9][A-Za-z0-9._/-]{1,63}$/.test(props.haChangeDecision) || props.haChangeDecision === 'none')) {
          errors.push(`haChangeDecision '${props.haChangeDecision}' is not a change id: use the ticket or ADR id (letters, digits, '._/-'), e.g. 'CHG-1234'.`);
        }
        if (!Number.isInteger(haReplicaCount) || haReplicaCount < 2 || haReplicaCount > 9) {
          errors.push(`haReplicaCount ${haReplicaCount} is outside 2..9: use 3.`);
        } else {
          // The scheduler (and placement under HA) always run 3 pods.
          errors.push(...this.checkBudget(budget, haEnabled ? Math.min(haReplicaCount, 3) : 3));
        }

        // Sentry CA
        if (!props.sentryCa && strict) {
          errors.push(
            `no sentryCa in a ${props.profile} environment: Sentry would self-sign its CA. Pass a SentryTrustBundle (Vault PKI) as sentryCa.`,
          );
        }
        if (props.sentryCa && !props.sentryCa.issuerKeyPem.isReference) {
          errors.push(
            `sentryCa.issuerKeyPem is a literal string: pass a Terraform reference to the key (e.g. SentryTrustBundle.issuerKeyPem), never the key itself.`,
          );
        }

        // Injector
        if (strict && failurePolicy !== WebhookFailurePolicy.FAIL) {
          errors.push(
            `webhookFailurePolicy '${failurePolicy}' in a ${props.profile} environment would start Dapr apps without their sidecar when the injector is down: use WebhookFailurePolicy.FAIL.`,
          );
        }
        if (failurePolicy === WebhookFailurePolicy.FAIL && !excluded.includes(namespace)) {
          errors.push(
            `injectorExcludedNamespaces [${excluded.join(', ')}] does not contain the control-plane namespace '${namespace}': with failurePolicy Fail the injector could never be recreated after an outage. Add '${namespace}'.`,
          );
        }
        for (const ns of excluded) {
          const e = checkNamespace(ns);
          if (e) errors.push(`injectorExcludedNamespaces: ${e}`);
        }

        // Storage
        for (const [what, size] of [
          ['schedulerStorageSize', props.schedulerStorageSize],
          ['placementStorageSize', placementStorageSize],
        ] as const) {
          const e = checkStorageSize(what, size);
          if (e) errors.push(e);
        }
        for (const [what, sc] of [
          ['schedulerStorageClassName', props.schedulerStorageClassName],
          ['placementStorageClassName', props.placementStorageClassName],
        ] as const) {
          const e = sc === undefined ? undefined : checkObjectName(what, sc);
          if (e) errors.push(e);
        }
        if (inMemory && props.profile !== EnvironmentProfile.DEV) {
          errors.push(
            `schedulerInMemoryStorage is true in a ${props.profile} environment: every job, reminder and workflow timer would be lost on a scheduler restart. Set it to false and size schedulerStorageSize.`,
          );
        }
        // The 1.16 chart `fail`s on inMemoryStorage with more than one replica; the 1.17 chart dropped that check.
        if (inMemory && !version.isAtLeast(DaprVersion.V1_17_13)) {
          errors.push(
            `schedulerInMemoryStorage is true but the Dapr ${version} chart fails to render it (it allows in-memory storage only with 1 replica, and the scheduler always runs 3): set it to false.`,
          );
        }

        // Resources
        for (const [what, r] of resources) {
          if (!r) {
            if (strict) {
              errors.push(
                `${what} is not set in a ${props.profile} environment: give requests, e.g. { cpuRequest: '100m', memoryRequest: '128Mi', cpuLimit: '1' } (Dapr's production guidance: no memory limit).`,
              );
            }
            continue;
          }
          errors.push(...checkResources(what, r));
        }

        // Misc
        if (!Number.isInteger(prometheusPort) || prometheusPort < 1024 || prometheusPort > 65535) {
          errors.push(`prometheusPort ${prometheusPort} is outside 1024..65535: use 9090.`);
        }
        if (props.priorityClassName !== undefined) {
          const e = checkObjectName('priorityClassName', props.priorityClassName);
          if (e) errors.push(e);
        }
        if (!Number.isInteger(maxHistory) || maxHistory < 1 || maxHistory > 2) {
          errors.push(
            `maxHistory ${maxHistory} is outside 1..2: every kept revision is a Secret with the issuer key in its values; use 2 (the current revision and one to roll back to).`,
          );
        }
        if (timeout.toSeconds() < 60) {
          errors.push(`timeout ${timeout.toSeconds()}s is under a minute: the scheduler and placement StatefulSets roll one pod at a time; use Duration.minutes(10).`);
        }
        for (const [what, v] of [
          ['kubeConfigPath', kubeConfigPath],
          ['kubeContext', props.kubeContext],
        ] as const) {
          const e = checkShellSafe(what, v);
          if (e) errors.push(e);
        }

        for (const p of merged.conflicts) {
          errors.push(`extraValues key '${p}' is already set by a typed prop of DaprControlPlane: use the prop instead.`);
        }
        for (const p of DaprChartValues.leafPaths(props.extraValues ?? {})) {
          if (p.startsWith('dapr_sentry.tls.')) {
            errors.push(`extraValues key '${p}' would put Sentry CA material into the values document: pass the CA as sentryCa (it goes through set_sensitive).`);
          }
        }

        // Every key path written to the chart must exist in the pinned version.
        const written = [...DaprChartValues.leafPaths(this.values), ...(sensitive ?? []).map((s) => s.name)];
        for (const p of DaprChartValues.unknownPaths(version, written)) {
          errors.push(
            `Helm values key '${p}' does not exist in the dapr chart ${version}: check the key against its values files (../shared/dapr-reference/${version}/chart-values) and DAPR-NOTES §1.3.`,
          );
        }
        return errors;
      },
    });

    const crdUrls = version.crdFiles.map((f) => `https://raw.githubusercontent.com/dapr/dapr/v${version.version}/charts/dapr/crds/${f}`);
    this.crds = new TerraformData(this, 'crds', {
      triggersReplace: { dapr_version: version.version, crd_files: version.crdFiles.join(','), kube_context: props.kubeContext },
      provisioners: [
        {
          type: 'local-exec',
          command: [
            'kubectl',
            // Separate words, so the shell expands a leading '~' of the kubeconfig path.
            `--kubeconfig ${kubeConfigPath}`,
            `--context ${props.kubeContext}`,
            'apply',
            '--server-side',
            '--force-conflicts',
            '--field-manager=dapr-platform-crds',
            ...crdUrls.map((u) => `-f ${u}`),
          ].join(' '),
        },
      ],
    });

    // HA is recorded in the state at creation; `ignore_changes` keeps the first value until a new
    // change decision replaces the record. The release's precondition compares against it.
    const decision = props.haChangeDecision ?? 'none';
    const haRecord = new TerraformData(this, 'ha-record', {
      input: { ha_enabled: haEnabled, decision },
      triggersReplace: { decision },
      lifecycle: { ignoreChanges: ['input'] },
    });

    this.release = new Release(this, 'release', {
      name: 'dapr',
      chart: 'dapr',
      repository: 'https://dapr.github.io/helm-charts/',
      version: version.version,
      namespace,
      createNamespace: false,
      atomic: true,
      cleanupOnFail: true,
      wait: true,
      waitForJobs: true,
      timeout: timeout.toSeconds(),
      maxHistory,
      // The CRD step owns the CRDs (Helm would only ever install them once).
      skipCrds: true,
      values: [stringify(this.values, { lineWidth: 0 })],
      setSensitive: sensitive,
      dependsOn: [this.crds, haRecord, ...(props.dependsOn ?? [])],
      lifecycle: {
        precondition: [
          {
            condition: Op.eq(haRecord.output.lookup('ha_enabled'), terraformBool(haEnabled)),
            errorMessage:
              `Dapr HA of this environment is fixed at creation and the plan changes it (HA ${haEnabled ? 'on' : 'off'} requested). ` +
              `Changing it recreates the placement StatefulSet volumes and the PodDisruptionBudgets: follow docs/control-plane.md "Changing HA" and set haChangeDecision to a new change id.`,
          },
        ],
      },
    });
  }

  private buildValues(
    props: DaprControlPlaneProps,
    v: {
      namespace: string;
      haEnabled: boolean;
      haReplicaCount: number;
      spread: ControlPlaneSpread;
      budget: DisruptionBudget;
      failurePolicy: WebhookFailurePolicy;
      excluded: string[];
      inMemory: boolean;
      placementStorageSize: string;
      logLevel: DaprLogLevel;
      prometheusPort: number;
    },
  ): { [key: string]: any } {
    const service = (level: DaprLogLevel | undefined, r: ControlPlaneResources | undefined) => ({
      logLevel: level ?? v.logLevel,
      ...(r ? { resources: helmResources(r) } : {}),
    });
    const global: { [key: string]: any } = {
      logAsJson: props.logAsJson ?? true,
      ha: {
        enabled: v.haEnabled,
        replicaCount: v.haReplicaCount,
        disruption: v.budget._helmValues(),
        ...SPREAD_VALUES[v.spread],
      },
      mtls: {
        enabled: props.mtls.enabled,
        workloadCertTTL: props.mtls.workloadCertTtlString,
        allowedClockSkew: props.mtls.allowedClockSkewString,
        controlPlaneTrustDomain: props.mtls.controlPlaneTrustDomain,
      },
      prometheus: { enabled: props.prometheusEnabled ?? true, port: v.prometheusPort },
      seccompProfile: 'RuntimeDefault',
    };
    if (props.nodeSelector && Object.keys(props.nodeSelector).length > 0) global.nodeSelector = { ...props.nodeSelector };
    if (props.priorityClassName !== undefined) global.priorityClassName = props.priorityClassName;

    const placement: { [key: string]: any } = {
      ...service(props.placementLogLevel, props.placementResources),
      volumeclaims: {
        storageSize: v.placementStorageSize,
        ...(props.placementStorageClassName !== undefined ? { storageClassName: props.placementStorageClassName } : {}),
      },
    };
    const injector: { [key: string]: any } = {
      ...service(props.injectorLogLevel, props.injectorResources),
      webhookFailurePolicy: v.failurePolicy,
      sidecarDropALLCapabilities: props.sidecarDropAllCapabilities ?? true,
    };
    if (v.excluded.length > 0) {
      injector.namespaceSelector = {
        matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...v.excluded] }],
      };
    }
    return {
      global,
      dapr_operator: service(props.operatorLogLevel, props.operatorResources),
      dapr_placement: placement,
      dapr_scheduler: {
        ...service(props.schedulerLogLevel, props.schedulerResources),
        cluster: {
          storageClassName: props.schedulerStorageClassName ?? '',
          storageSize: props.schedulerStorageSize,
          inMemoryStorage: v.inMemory,
        },
      },
      dapr_sentry: service(props.sentryLogLevel, props.sentryResources),
      dapr_sidecar_injector: injector,
    };
  }

  private checkBudget(budget: DisruptionBudget, smallestReplicas: number): string[] {
    const errors: string[] = [];
    if (budget.isPercent) {
      if (!Number.isInteger(budget.amount) || budget.amount < 1 || budget.amount > 99) {
        errors.push(`disruptionBudget ${budget} is outside 1..99%: use e.g. DisruptionBudget.minimumAvailable(2).`);
      }
      return errors;
    }
    if (!Number.isInteger(budget.amount) || budget.amount < 1) {
      errors.push(`disruptionBudget ${budget} is not a whole number >= 1: use e.g. DisruptionBudget.minimumAvailable(2).`);
    } else if (budget.isMinimumAvailable && budget.amount >= smallestReplicas) {
      errors.push(
        `disruptionBudget ${budget} leaves no pod of a ${smallestReplicas}-replica workload evictable, so node drains would hang: use DisruptionBudget.minimumAvailable(${smallestReplicas - 1}).`,
      );
    }
    return errors;
  }
}

/** Deep-merges `extra` into `typed`; a leaf of `extra` that `typed` already has is a conflict. */
function mergeValues(typed: { [key: string]: any }, extra: { [key: string]: any }): { values: { [key: string]: any }; conflicts: string[] } {
  const conflicts: string[] = [];
  const isMap = (x: any) => x !== null && typeof x === 'object' && !Array.isArray(x);
  const merge = (a: { [key: string]: any }, b: { [key: string]: any }, prefix: string): { [key: string]: any } => {
    const out: { [key: string]: any } = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (!(k in a)) out[k] = v;
      else if (isMap(a[k]) && isMap(v)) out[k] = merge(a[k], v, path);
      else conflicts.push(path);
    }
    return out;
  };
  return { values: merge(typed, extra, ''), conflicts };
}

function helmResources(r: ControlPlaneResources): { [key: string]: any } {
  const limits: { [key: string]: string } = {};
  if (r.cpuLimit !== undefined) limits.cpu = r.cpuLimit;
  if (r.memoryLimit !== undefined) limits.memory = r.memoryLimit;
  return {
    requests: { cpu: r.cpuRequest, memory: r.memoryRequest },
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
  };
}

function checkResources(what: string, r: ControlPlaneResources): string[] {
  const errors: string[] = [];
  const pairs: [string, string | undefined][] = [
    ['cpuRequest', r.cpuRequest],
    ['memoryRequest', r.memoryRequest],
    ['cpuLimit', r.cpuLimit],
    ['memoryLimit', r.memoryLimit],
  ];
  for (const [field, q] of pairs) {
    if (q === undefined) continue;
    const e = checkQuantity(`${what}.${field}`, q);
    if (e) errors.push(e);
  }
  for (const [req, lim, field] of [
    [r.cpuRequest, r.cpuLimit, 'cpu'],
    [r.memoryRequest, r.memoryLimit, 'memory'],
  ] as const) {
    const a = parseQuantity(req);
    const b = lim === undefined ? undefined : parseQuantity(lim);
    if (a !== undefined && b !== undefined && a > b) {
      errors.push(`${what}: ${field} request ${req} exceeds its limit ${lim}: raise the limit or lower the request.`);
    }
  }
  return errors;
}
