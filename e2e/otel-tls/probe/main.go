// Exports one span the way daprd 1.18.3 does (pkg/runtime/runtime.go: otlptracegrpc.NewClient with
// WithEndpoint and no WithInsecure when isSecure is true) and reports whether the export succeeded.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	client := otlptracegrpc.NewClient(otlptracegrpc.WithEndpoint(os.Args[1]))
	exp, err := otlptrace.New(ctx, client)
	if err != nil {
		fmt.Println("new:", err)
		os.Exit(2)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	_, span := tp.Tracer("probe").Start(ctx, "probe")
	span.End()
	err = tp.ForceFlush(ctx)
	fmt.Println("export error:", err)
}
