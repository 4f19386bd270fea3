// The returns service, declared by its own team with the Go bindings of @dapr-platform/constructs
// against the platform's contract for prod (../app-team/contract/prod.contract.json), synthesized to dist/.
//
//	go build -o returns-deploy . && ./returns-deploy   # validates (every error listed), writes dist/returns.k8s.yaml
//
// A mirror of ../app-team/src/main.ts, statement for statement: scripts/test-go-example.sh
// (npm run test:go-example) builds both and fails when their YAML differs by a byte. What this
// renders and what it does not: see that file.
package main

import (
	"fmt"
	"os"
	"strings"

	dp "git.example.com/logistics/dapr-platform-go/daprplatform"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

func main() {
	outdir := "dist"
	if len(os.Args) > 1 {
		outdir = os.Args[1]
	}
	app := cdk8s.NewApp(&cdk8s.AppProps{Outdir: jsii.String(outdir)})
	// Namespace, profile, Dapr version, trust domain, control-plane namespace and external hosts: the contract's.
	contract := dp.PlatformContract_FromFile(jsii.String(ContractFile()))
	chart := dp.NewDaprChart(app, jsii.String("returns"), &dp.DaprChartProps{Contract: contract})

	// The platform's components, by reference: never rendered here. They read their credentials
	// through the platform's Vault store, so returns' sidecar gets the Vault Agent wiring for its own role.
	events := contract.Component(chart, jsii.String("Events"), jsii.String("events"))
	orderState := contract.Component(chart, jsii.String("OrderState"), jsii.String("order-state"))

	tracing := Tracing()
	tracing.Protocol = dp.OtelProtocol_GRPC
	returns := dp.NewDaprWorkload(chart, jsii.String("Returns"), &dp.DaprWorkloadProps{
		AppId:                 jsii.String("returns"),
		Image:                 jsii.String("registry.logistics.example.com/order-management/returns:1.0.0"),
		AppPort:               jsii.Number(8080),
		Replicas:              jsii.Number(3),
		MaxReplicas:           jsii.Number(10),
		MonitoringNamespaces:  jsii.Strings(MonitoringNamespaces...),
		ConfigurationDefaults: &dp.WorkloadConfigurationDefaults{Tracing: tracing},
	})

	// Its edges: it calls inventory (the contract says inventory allows returns on POST /release),
	// keeps state in order-state, and reacts to shipments.
	returns.InvokesApp(contract.App(jsii.String("inventory")), &[]*dp.InvocationOperation{{Path: jsii.String("/release"), Verbs: &[]dp.HttpVerb{dp.HttpVerb_POST}}}, nil)
	returns.Uses(orderState)
	returns.Subscribe(events, jsii.String(Topics.ShipmentCreated), &dp.SubscribeOptions{
		Route:           jsii.String("/events/" + Topics.ShipmentCreated),
		DeadLetterTopic: jsii.String(Topics.ShipmentCreatedDeadLetters),
	})

	// Validates every construct first; on errors prints all of them (construct path, bad value, fix),
	// like the platform's synth, without a stack trace, and exits 1 without writing anything.
	exitCode := int(*dp.DaprSynth_SynthOrReport(app))
	if exitCode == 0 {
		// What the platform's Terraform must grant returns' Vault role (its secret paths, nothing else).
		fmt.Printf("returns reads: %s\n", strings.Join(jsiiStrings(returns.SecretAccess().SecretPaths), ", "))
		fmt.Printf("returns: manifests written to %s/\n", outdir)
	}
	jsii.Close()
	os.Exit(exitCode)
}

func jsiiStrings(values *[]*string) []string {
	out := []string{}
	for _, v := range *values {
		out = append(out, *v)
	}
	return out
}
