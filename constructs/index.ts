/**
 * `@dapr-platform/constructs`: Dapr on Kubernetes as typed constructs.
 *
 * The public API is exactly what this file exports (kept within what jsii compiles, so cdk8s and
 * cdktf users in Go and .NET can reach it). Everything else under `constructs/` is internal and
 * may change in any release. The policy engine is a separate, TypeScript-only entry point:
 * `@dapr-platform/constructs/policy`. The CDK for Terraform constructs (control plane, Vault, namespaces,
 * Argo CD) are the sibling package `@dapr-platform/terraform`: an app team installs only this one, which
 * peers on constructs, cdk8s and cdk8s-plus-28 alone.
 *
 * @packageDocumentation
 */

// ---- model: plain data, no construct scope ------------------------------------------------------
export { AppSecretAccess } from './model/app-secret-access';
export { DaprApp, IDaprApp } from './model/dapr-app';
export { ExternalAppDeclaration, ExternalAppProps } from './model/external-app';
export { AlertingRule, AlertSeverity, RuleGroup } from './model/alerting-rule';
export { DaprMetricCatalogue, MetricExporter, MetricSpec, MetricType } from './model/dapr-metrics';
export { ComponentMetadataSpec, DaprVersion, MetadataFieldSpec } from './model/dapr-version';
export { MtlsPolicy, MtlsPolicyProps } from './model/mtls-policy';
export { CleanupPolicy, KafkaTopicDeclaration, KafkaTopicOverrides, KafkaTopicSettings } from './model/kafka-topic';
export { EnvironmentProfile } from './model/profile';
export { ISecretStore, SecretRef } from './model/secret-ref';
export { TopicDirection, TopicGrant } from './model/topic-grant';
export { DaprSynth, formatSynthErrors, ISynthesizableApp, ISynthReportOutput, synthOrReport, validationErrors } from './model/validation';

// ---- k8s: cdk8s constructs ------------------------------------------------------------------------
export { DaprChart, DaprChartProps, DaprSettings, ExternalHost } from './k8s/dapr-chart';

// ---- contract: what a platform grants app teams (dist/<env>.contract.json) ---------------------------
export { PlatformContract } from './contract/platform-contract';
export {
  ComponentEndpoint,
  DaprComponent,
  DaprComponentProps,
  IDaprComponent,
  IPubSub,
  IStateStore,
  MetadataEntry,
} from './k8s/dapr-component';
export { DaprApiToken, DaprApiTokenProps } from './k8s/dapr-api-token';
export { DaprAppToken, DaprAppTokenProps } from './k8s/dapr-app-token';
export { DaprWorkload, DaprWorkloadProps } from './k8s/dapr-workload';
export { EnvValue } from './k8s/env-value';
export { GenericComponent, GenericComponentProps } from './k8s/generic-component';
export { HttpEndpoint, HttpEndpointClientTls, HttpEndpointProps, HttpHeader, TlsRenegotiation } from './k8s/http-endpoint';
export {
  AppProtocol,
  ExternalInvocationEdge,
  InvocationEdge,
  InvocationOptions,
  LogLevel,
  SubscribeOptions,
  TopicEdge,
  WorkloadConfigurationDefaults,
  WorkloadRole,
} from './k8s/workload-types';
export { DaprMonitoring, DaprMonitoringProps } from './k8s/dapr-monitoring';
export { DefaultDenyNetworkPolicy, DefaultDenyNetworkPolicyProps } from './k8s/default-deny-network-policy';
export { ImportedComponent, ImportedComponentProps } from './k8s/imported-component';
export { ImportedVaultSecretStore, ImportedVaultSecretStoreProps } from './k8s/imported-vault-secret-store';
export { InitialOffset, KafkaAuthType, KafkaPubSub, KafkaPubSubProps, SaslMechanism } from './k8s/kafka-pub-sub';
export { DeclareTopicOptions, KafkaTopicCatalog, KafkaTopicCatalogProps } from './k8s/kafka-topic-catalog';
export {
  AccessAction,
  FeatureFlag,
  HttpVerb,
  InvocationOperation,
  MtlsConfiguration,
  MtlsConfigurationProps,
  OtelProtocol,
  TracingOptions,
} from './k8s/mtls-configuration';
export { PodMetricsEndpoint, PodMonitor, PodMonitorProps, SelectorOperator, SelectorRequirement } from './k8s/pod-monitor';
export { IRuleGroupSource, PrometheusRule, PrometheusRuleProps } from './k8s/prometheus-rule';
export {
  PostgresComponentVersion,
  PostgresQueryExecMode,
  PostgresStateStore,
  PostgresStateStoreProps,
} from './k8s/postgres-state-store';
export { KeyPrefix, RedisStateStore, RedisStateStoreProps, RedisType } from './k8s/redis-state-store';
export {
  CircuitBreakerOptions,
  ComponentTargetPolicies,
  Resiliency,
  ResiliencyPolicy,
  ResiliencyProps,
  RetryBackoff,
  RetryOptions,
  TargetPolicies,
} from './k8s/resiliency';
export { ResourceSize, ResourceSizeProps } from './k8s/resource-size';
export {
  BulkSubscribeOptions,
  DaprSubscription,
  DaprSubscriptionOptions,
  DaprSubscriptionProps,
  SubscriptionRule,
} from './k8s/subscription';
export { IVaultAgentSecretStore, VaultAuth, VaultSecretStore, VaultSecretStoreProps, VaultValueType } from './k8s/vault-secret-store';
