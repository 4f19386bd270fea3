// What the returns team chooses itself, or what the platform publishes outside its contract: the
// topic names it subscribes to, where Prometheus runs, the collector and prod's sampling rate.
// Everything the platform grants (Dapr version, namespace, trust domain, components and their
// scopes, topic grants, secrets, the apps returns may call, external hosts) comes from the
// platform's contract, ../app-team/contract/prod.contract.json (a copy of the platform's dist/prod.contract.json).
//
// A mirror of ../app-team/src/platform-references.ts, declaration for declaration and in the same
// order (scripts/test-go-example.sh fails when the two examples' YAML differ).
package main

import (
	"os"

	dp "git.example.com/logistics/dapr-platform-go/daprplatform"
	"github.com/aws/jsii-runtime-go"
)

// ContractFile is the platform's contract for prod: `PLATFORM_CONTRACT` overrides it.
func ContractFile() string {
	if f := os.Getenv("PLATFORM_CONTRACT"); f != "" {
		return f
	}
	return "../app-team/contract/prod.contract.json"
}

// Topics of the `events` pub/sub.
var Topics = struct{ ShipmentCreated, ShipmentCreatedDeadLetters string }{"shipment-created", "shipment-created-dlq"}

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
