import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { IDaprApp } from '../model/dapr-app';
import { goDuration } from '../model/go-duration';
import { isStrict } from '../model/profile';
import { SecretRef } from '../model/secret-ref';
import { renderTopicScopes, TopicDirection, TopicGrant, TopicGrantSet } from '../model/topic-grant';
import { ComponentEndpoint, DaprComponent, DaprComponentProps, IPubSub, MetadataEntry } from './dapr-component';
import { parseHostPorts } from './redis-state-store';
import { DaprSubscription, DaprSubscriptionOptions } from './subscription';

/** How the Kafka component authenticates (`authType`, required by the component's code). */
export enum KafkaAuthType {
  /** No authentication: dev only. */
  NONE = 'none',
  /** SASL user and password (`saslUsername`, `saslPassword`, `saslMechanism`). */
  PASSWORD = 'password',
  /** Client certificate (`caCert`, `clientCert`, `clientKey`). */
  MTLS = 'mtls',
  /** TLS with a server CA only, no client authentication (`caCert`). */
  CERTIFICATE = 'certificate',
}

/** SASL mechanism (`saslMechanism`). */
export enum SaslMechanism {
  /** SCRAM-SHA-512. */
  SHA_512 = 'SHA-512',
  /** SCRAM-SHA-256. */
  SHA_256 = 'SHA-256',
  /** SASL/PLAIN: only over TLS. */
  PLAINTEXT = 'PLAINTEXT',
}

/** Where a new consumer group starts (`initialOffset`). */
export enum InitialOffset {
  /** Only messages published after the group first joins. */
  NEWEST = 'newest',
  /** Everything still retained in the topic. */
  OLDEST = 'oldest',
}

/** Props of {@link KafkaPubSub}. */
export interface KafkaPubSubProps extends DaprComponentProps {
  /** Bootstrap brokers, each `host:port`; written as the comma string the component reads. */
  readonly brokers: string[];
  /** How the component authenticates; `NONE` is refused in staging and prod. */
  readonly authType: KafkaAuthType;
  /**
   * SASL user (`saslUsername`), for KafkaAuthType.PASSWORD.
   * @default - none; required for PASSWORD
   */
  readonly saslUsername?: SecretRef;
  /**
   * SASL password (`saslPassword`), for KafkaAuthType.PASSWORD.
   * @default - none; required for PASSWORD
   */
  readonly saslPassword?: SecretRef;
  /**
   * SASL mechanism (`saslMechanism`), for KafkaAuthType.PASSWORD.
   * @default SaslMechanism.SHA_512
   */
  readonly saslMechanism?: SaslMechanism;
  /**
   * CA certificate PEM of the brokers (`caCert`); required for MTLS and CERTIFICATE.
   * @default - the system trust store
   */
  readonly caCert?: SecretRef;
  /**
   * Client certificate PEM (`clientCert`), for KafkaAuthType.MTLS.
   * @default - none; required for MTLS
   */
  readonly clientCert?: SecretRef;
  /**
   * Client private key PEM (`clientKey`), for KafkaAuthType.MTLS.
   * @default - none; required for MTLS
   */
  readonly clientKey?: SecretRef;
  /**
   * Consumer group (`consumerGroup`). Dapr expands `{appID}`, so each app is its own group and
   * every subscribing app gets every event.
   * @default '{appID}'
   */
  readonly consumerGroup?: string;
  /**
   * Where a new consumer group starts (`initialOffset`).
   * @default InitialOffset.NEWEST
   */
  readonly initialOffset?: InitialOffset;
  /**
   * Largest message the producer sends (`maxMessageBytes`).
   * @default - the client's default (1,048,576 bytes)
   */
  readonly maxMessageBytes?: number;
  /**
   * Turn TLS off (`disableTls`). Refused in staging and prod.
   * @default false
   */
  readonly disableTls?: boolean;
  /**
   * Skip broker certificate verification (`skipVerify`). Refused in staging and prod.
   * @default false
   */
  readonly skipVerify?: boolean;
  /**
   * Kafka protocol version the client speaks (`version`).
   * @default - the component's default ('2.0.0.0')
   */
  readonly kafkaVersion?: string;
  /**
   * Client id sent to the brokers (`clientID`).
   * @default - the component's default
   */
  readonly clientId?: string;
  /**
   * Wait between redeliveries of a failed message (`consumeRetryInterval`).
   * @default - the component's default (100ms)
   */
  readonly consumeRetryInterval?: Duration;
}

/**
 * A `pubsub.kafka` component: events reach every interested service without a Kafka client in
 * each. Subscriptions come from it (`addSubscription`).
 */
export class KafkaPubSub extends DaprComponent implements IPubSub {
  public readonly componentType = 'pubsub.kafka';
  /** How the component authenticates. */
  public readonly authType: KafkaAuthType;
  private readonly props: KafkaPubSubProps;
  private readonly grants = new TopicGrantSet();

  public constructor(scope: Construct, id: string, props: KafkaPubSubProps) {
    super(scope, id, props);
    this.props = props;
    this.authType = props.authType;
    this.applyInitialScopes();
  }

  /**
   * Declares a Subscription to a topic of this pub/sub. The subscribers join the pub/sub's scopes.
   */
  public addSubscription(id: string, options: DaprSubscriptionOptions): DaprSubscription {
    return new DaprSubscription(this, id, { ...options, pubsub: this });
  }

  public grantPublish(app: IDaprApp, topic: string): void {
    this.addScope(app);
    this.grants.add({ appId: app.appId, topic, direction: TopicDirection.PUBLISH });
  }

  public grantSubscribe(app: IDaprApp, topic: string): void {
    this.addScope(app);
    this.grants.add({ appId: app.appId, topic, direction: TopicDirection.SUBSCRIBE });
  }

  public get topicGrants(): TopicGrant[] {
    return this.grants.list();
  }

  /** Topics each app publishes to, by app-id. */
  public get publishedTopics(): { [appId: string]: string[] } {
    return this.grants.topicsByApp(TopicDirection.PUBLISH);
  }

  /** Topics each app subscribes to, by app-id. */
  public get subscribedTopics(): { [appId: string]: string[] } {
    return this.grants.topicsByApp(TopicDirection.SUBSCRIBE);
  }

  public get endpoints(): ComponentEndpoint[] {
    return this.props.brokers.flatMap((b) => parseHostPorts(b));
  }

  /**
   * Topic scopes from the graph: every app in scope is listed, with exactly the topics it was
   * granted (none for an app that only uses another direction), so no app reaches other topics.
   */
  protected dynamicMetadata(): MetadataEntry[] {
    if (this.grants.size === 0) return [];
    const grants = this.topicGrants;
    return [
      { name: 'publishingScopes', value: renderTopicScopes(this.scopes, grants, TopicDirection.PUBLISH) },
      { name: 'subscriptionScopes', value: renderTopicScopes(this.scopes, grants, TopicDirection.SUBSCRIBE) },
    ];
  }

  protected renderMetadata(): MetadataEntry[] {
    const p = this.props;
    const m: MetadataEntry[] = [
      { name: 'brokers', value: p.brokers.join(',') },
      { name: 'authType', value: p.authType },
      { name: 'consumerGroup', value: p.consumerGroup ?? '{appID}' },
      { name: 'initialOffset', value: p.initialOffset ?? InitialOffset.NEWEST },
    ];
    if (p.saslUsername) m.push({ name: 'saslUsername', secretRef: p.saslUsername });
    if (p.saslPassword) m.push({ name: 'saslPassword', secretRef: p.saslPassword });
    if (p.authType === KafkaAuthType.PASSWORD) m.push({ name: 'saslMechanism', value: p.saslMechanism ?? SaslMechanism.SHA_512 });
    if (p.caCert) m.push({ name: 'caCert', secretRef: p.caCert });
    if (p.clientCert) m.push({ name: 'clientCert', secretRef: p.clientCert });
    if (p.clientKey) m.push({ name: 'clientKey', secretRef: p.clientKey });
    if (p.maxMessageBytes !== undefined) m.push({ name: 'maxMessageBytes', value: String(p.maxMessageBytes) });
    if (p.disableTls) m.push({ name: 'disableTls', value: 'true' });
    if (p.skipVerify) m.push({ name: 'skipVerify', value: 'true' });
    if (p.kafkaVersion) m.push({ name: 'version', value: p.kafkaVersion });
    if (p.clientId) m.push({ name: 'clientID', value: p.clientId });
    if (p.consumeRetryInterval) m.push({ name: 'consumeRetryInterval', value: goDuration(p.consumeRetryInterval) });
    return m;
  }

  protected validateSpecific(): string[] {
    const p = this.props;
    const errors: string[] = [];
    const what = `Kafka pub/sub '${this.componentName}'`;
    const profile = this.settings.profile;
    if (!Object.values(KafkaAuthType).includes(p.authType)) {
      errors.push(`${what}: authType '${p.authType}' is missing or unknown; the component refuses to start without one: use KafkaAuthType.PASSWORD, MTLS, CERTIFICATE or (dev only) NONE.`);
    }
    if (p.brokers.length === 0) errors.push(`${what}: no brokers: list at least one 'host:port'.`);
    for (const b of p.brokers) {
      if (parseHostPorts(b).length !== 1) errors.push(`${what}: broker '${b}' is not 'host:port': use e.g. 'kafka-0.kafka:9093'.`);
    }
    const needs = (field: keyof KafkaPubSubProps, forType: KafkaAuthType) => {
      if (p.authType === forType && !p[field]) errors.push(`${what}: authType ${forType} needs '${field}' (a SecretRef).`);
      if (p.authType !== forType && p[field] && !(field === 'caCert' && p.authType !== KafkaAuthType.NONE)) {
        errors.push(`${what}: '${field}' is set but authType is ${p.authType}, which does not read it: remove it or change authType.`);
      }
    };
    needs('saslUsername', KafkaAuthType.PASSWORD);
    needs('saslPassword', KafkaAuthType.PASSWORD);
    needs('clientCert', KafkaAuthType.MTLS);
    needs('clientKey', KafkaAuthType.MTLS);
    if ((p.authType === KafkaAuthType.MTLS || p.authType === KafkaAuthType.CERTIFICATE) && !p.caCert) {
      errors.push(`${what}: authType ${p.authType} needs 'caCert' (the brokers' CA, a SecretRef).`);
    }
    if (p.saslMechanism && p.authType !== KafkaAuthType.PASSWORD) {
      errors.push(`${what}: saslMechanism is set but authType is ${p.authType}: remove it or use KafkaAuthType.PASSWORD.`);
    }
    if (isStrict(profile)) {
      if (p.authType === KafkaAuthType.NONE) errors.push(`${what}: authType none in a ${profile} environment: use SASL (PASSWORD) over TLS or MTLS.`);
      if (p.disableTls) errors.push(`${what}: disableTls in a ${profile} environment: keep TLS on.`);
      if (p.skipVerify) errors.push(`${what}: skipVerify in a ${profile} environment: give the brokers' CA with 'caCert' instead.`);
      if (p.saslMechanism === SaslMechanism.PLAINTEXT && p.disableTls) {
        errors.push(`${what}: SASL PLAIN without TLS sends the password in clear.`);
      }
    }
    if (p.maxMessageBytes !== undefined && (!Number.isInteger(p.maxMessageBytes) || p.maxMessageBytes <= 0)) {
      errors.push(`${what}: maxMessageBytes ${p.maxMessageBytes} is not a positive integer (0 or less is ignored by the component).`);
    }
    if (p.consumerGroup !== undefined && !p.consumerGroup.trim()) errors.push(`${what}: consumerGroup is empty: omit it to get '{appID}'.`);
    return errors;
  }

}
