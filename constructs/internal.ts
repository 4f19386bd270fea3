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
