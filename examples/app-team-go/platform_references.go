// What the platform team publishes about prod for app teams: the names, scopes and addresses of
// the shared components, the mTLS policy, the Dapr version and the apps other teams may call.
// Everything here is declared (and rendered) in the platform's repository; this repository only
// refers to it. When the platform adds an app to a component's scopes, it is added here too.
//
// A mirror of ../app-team/src/platform-references.ts, declaration for declaration and in the same
// order (scripts/test-go-example.sh fails when the two examples' YAML differ).
package main

import (
	"fmt"

	dp "git.example.com/logistics/dapr-platform-go/daprplatform"
	"github.com/aws/jsii-runtime-go"
)

// Namespace is the namespace of the order-management apps.
const Namespace = "order-management"

// Profile: prod is a strict environment, every production rule applies.
const Profile = dp.EnvironmentProfile_PROD

// DaprVersion is the Dapr release prod runs.
func DaprVersion() dp.DaprVersion { return dp.DaprVersion_V1_18_3() }

// ProdMtls is prod's mTLS policy: the trust domain every access-control policy must name.
func ProdMtls() dp.MtlsPolicy {
	return dp.NewMtlsPolicy(&dp.MtlsPolicyProps{ControlPlaneTrustDomain: jsii.String("logistics-prod.local"), ControlPlaneNamespace: jsii.String("dapr-system")})
}

func kafkaBrokers() *[]*dp.ComponentEndpoint {
	brokers := []*dp.ComponentEndpoint{}
	for i := 0; i < 3; i++ {
		brokers = append(brokers, &dp.ComponentEndpoint{Host: jsii.String(fmt.Sprintf("kafka-%d.prod.logistics.example.com", i)), Port: jsii.Number(9093)})
	}
	return &brokers
}

// VaultStore is the secret store `vault`: the shared components read their credentials through it,
// with the token the Vault Agent writes for each app's own Vault role (the platform grants `returns`
// its role and exactly the paths of the components it uses).
func VaultStore() *dp.ImportedVaultSecretStoreProps {
	return &dp.ImportedVaultSecretStoreProps{
		Name:               jsii.String("vault"),
		Namespace:          jsii.String(Namespace),
		Scopes:             jsii.Strings("billing", "dead-letters", "notifications", "orders", "returns", "shipping"),
		VaultAddr:          jsii.String("https://vault.prod.logistics.example.com:8200"),
		EnginePath:         jsii.String("secret"),
		VaultKvPrefix:      jsii.String("dapr"),
		KubernetesAuthPath: jsii.String("auth/kubernetes-prod"),
	}
}

// ComponentSecrets are the secrets the shared components read from `vault` (secret name and key).
var ComponentSecrets = struct{ Events, OrderState [][2]string }{
	Events: [][2]string{
		{"kafka", "username"},
		{"kafka", "password"},
	},
	OrderState: [][2]string{{"redis", "password"}},
}

// Topics of the `events` pub/sub.
var Topics = struct{ ShipmentCreated, ShipmentCreatedDeadLetters string }{ShipmentCreated: "shipment-created", ShipmentCreatedDeadLetters: "shipment-created-dlq"}

func publish(appID, topic string) *dp.TopicGrant {
	return &dp.TopicGrant{AppId: jsii.String(appID), Topic: jsii.String(topic), Direction: dp.TopicDirection_PUBLISH}
}

func subscribe(appID, topic string) *dp.TopicGrant {
	return &dp.TopicGrant{AppId: jsii.String(appID), Topic: jsii.String(topic), Direction: dp.TopicDirection_SUBSCRIBE}
}

// EventsPubsub is the pub/sub `events` (Kafka): its scopes and topic grants (its `publishingScopes`
// and `subscriptionScopes`) as the platform declares them, `returns` included.
func EventsPubsub() *dp.ImportedComponentProps {
	return &dp.ImportedComponentProps{
		Name:          jsii.String("events"),
		Namespace:     jsii.String(Namespace),
		ComponentType: jsii.String("pubsub.kafka"),
		Scopes:        jsii.Strings("billing", "dead-letters", "notifications", "returns", "shipping"),
		Endpoints:     kafkaBrokers(),
		GrantedTopics: &[]*dp.TopicGrant{
			publish("billing", Topics.ShipmentCreatedDeadLetters),
			publish("notifications", Topics.ShipmentCreatedDeadLetters),
			publish("returns", Topics.ShipmentCreatedDeadLetters),
			publish("shipping", Topics.ShipmentCreated),
			subscribe("billing", Topics.ShipmentCreated),
			subscribe("dead-letters", Topics.ShipmentCreatedDeadLetters),
			subscribe("notifications", Topics.ShipmentCreated),
			subscribe("returns", Topics.ShipmentCreated),
		},
	}
}

// OrderState is the state store `order-state` (Redis, the actor state store): its scopes, `returns` included.
func OrderState() *dp.ImportedComponentProps {
	return &dp.ImportedComponentProps{
		Name:              jsii.String("order-state"),
		Namespace:         jsii.String(Namespace),
		ComponentType:     jsii.String("state.redis"),
		Scopes:            jsii.Strings("orders", "returns"),
		IsActorStateStore: jsii.Bool(true),
		Endpoints:         &[]*dp.ComponentEndpoint{{Host: jsii.String("orders-redis.prod.logistics.example.com"), Port: jsii.Number(6380)}},
	}
}

// Inventory is the inventory service (declared by the platform).
func Inventory() dp.IDaprApp {
	return dp.DaprApp_FromAppId(jsii.String("inventory"), jsii.String(Namespace))
}

// MonitoringNamespaces are the namespaces whose Prometheus scrapes the sidecars.
var MonitoringNamespaces = []string{"monitoring"}

// Tracing is the OpenTelemetry collector and prod's sampling rate.
func Tracing() *dp.TracingOptions {
	return &dp.TracingOptions{
		EndpointAddress: jsii.String("otel-collector.observability.svc.cluster.local:4317"),
		SamplingRate:    jsii.Number(0.1),
		IsSecure:        jsii.Bool(true),
		CollectorCa:     dp.SecretRef_FromKubernetesSecret(jsii.String("otel-collector-ca"), jsii.String("ca.crt")),
	}
}

// ExternalHosts are the address ranges of prod's managed services (Vault, Redis, the Kafka brokers): the apps' egress names them.
func ExternalHosts() *[]*dp.ExternalHost {
	hosts := []*dp.ExternalHost{
		{Host: jsii.String("vault.prod.logistics.example.com"), Cidrs: jsii.Strings("10.30.0.16/28")},
		{Host: jsii.String("orders-redis.prod.logistics.example.com"), Cidrs: jsii.Strings("10.30.8.0/28")},
	}
	for i := 0; i < 3; i++ {
		hosts = append(hosts, &dp.ExternalHost{Host: jsii.String(fmt.Sprintf("kafka-%d.prod.logistics.example.com", i)), Cidrs: jsii.Strings(fmt.Sprintf("10.30.12.%d/26", i*64))})
	}
	return &hosts
}
