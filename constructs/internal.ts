/**
 * `@dapr-platform/constructs/internal`: the helpers the sibling package `@dapr-platform/terraform`
 * shares with this one (name checks, duration and quantity parsing, version-step rules, Kafka topic
 * settings). TypeScript only, outside the jsii surface, and not covered by semver: app and platform
 * code uses the main entry point, never this one.
 *
 * @packageDocumentation
 */
export { daprVersionChangeErrors } from './model/dapr-upgrade';
export { goDuration } from './model/go-duration';
export { kafkaTopicConfig } from './model/kafka-topic';
export { checkAppId, checkNamespace, checkObjectName } from './model/names';
export { isStrict } from './model/profile';
export { parseQuantity } from './model/quantity';
export { VAULT_TOKEN_AUDIENCE } from './model/vault-token-audience';
// The synth pipeline's pieces that need no cdktf (used by `PlatformSynth` in @dapr-platform/terraform).
export type { IssuerRecord } from './model/issuer-expiry';
export { issuerExpiryWarnings } from './model/issuer-expiry';
export { readIssuerRecords } from './synth/issuer-records';
export type { ManifestFile } from './synth/manifest-files';
export { groupManifests, toYaml, writeFiles } from './synth/manifest-files';
export type { ChartRendering } from './k8s/render-chart';
export { renderChart } from './k8s/render-chart';
export type { Topology } from './synth/topology';
export { topologyMarkdown, topologyOf } from './synth/topology';
export type { VersionLock } from './synth/version-lock';
export { readVersionLock, runningVersion, versionLockText } from './synth/version-lock';
// The policy engine's entry points the pipeline runs (also `@dapr-platform/constructs/policy`).
export { checkDocuments, documentsFromObjects, Severity } from './policy/engine';
// The platform contract the pipeline writes (dist/<env>.contract.json) and passes to the policy check.
export { buildContractDocument, contractText } from './policy/contract-builder';
export { contractFactsOf } from './contract/contract-facts';
