/**
 * `@dapr-platform/terraform`: the cluster-level half of the platform as CDK for Terraform constructs
 * (namespaces, Vault PKI and auth, the Dapr Helm release, Argo CD). Platform teams use it beside
 * `@dapr-platform/constructs` (a peer: one copy of the model is shared by both); app teams never
 * need it. Peers: cdktf and the prebuilt kubernetes, helm and vault providers.
 *
 * @packageDocumentation
 */
export { ArgoCdApplication, ArgoCdApplicationProps } from './argocd-application';
export {
  ControlPlaneResources,
  ControlPlaneSpread,
  DaprControlPlane,
  DaprControlPlaneProps,
  DaprLogLevel,
  DisruptionBudget,
  HaDecision,
  WebhookFailurePolicy,
} from './dapr-control-plane';
export { DaprPlatformStack, DaprPlatformStackProps } from './dapr-platform-stack';
export { DevBrokers, DevBrokersProps } from './dev-brokers';
export { StrimziKafkaTopics, StrimziKafkaTopicsProps } from './strimzi-kafka-topics';
export { ClusterRootCaConfigMapOptions, KubernetesApiCa } from './kubernetes-api-ca';
export { Namespaces, NamespacesProps, PodSecurityLevel } from './namespaces';
export {
  CaKeyAlgorithm,
  ISentryCa,
  RootCaSource,
  SentryTrustBundle,
  SentryTrustBundleProps,
} from './sentry-trust-bundle';
export { TerraformData, TerraformDataProps } from './terraform-data';
export { TerraformSecret } from './terraform-secret';
export { VaultAgentInjector, VaultAgentInjectorProps } from './vault-agent-injector';
export { VaultAppAccess, VaultAppAccessProps } from './vault-app-access';
export {
  EnvironmentContext,
  EnvironmentDeclaration,
  EnvironmentSynthResult,
  IPlatformEnvironment,
  OutputFile,
  PlatformSynth,
  PlatformSynthOptions,
  PlatformSynthResult,
  SynthWarning,
} from './platform-synth';
export { ISynthCliOutput, PlatformSynthCli } from './platform-synth-cli';
export { EnvironmentSummary, ResourceTotals } from './synth-summary';
