// Command pubsub-scopes asks daprd 1.18.3's own code which app may publish to and subscribe to
// which topic of a pub/sub Component.
//
// Input (stdin, JSON): {"cases": [{"component": <a dapr.io/v1alpha1 Component as JSON>,
// "apps": ["app-id", ...], "topics": ["topic", ...]}, ...]}.
// Output (stdout, JSON lines): one line per case, app and topic:
// {"case": 0, "appId": "...", "topic": "...", "loaded": bool, "publish": bool, "subscribe": bool,
// "publishError": "..."}.
//
// For every case and app it builds the pub/sub item the way daprd's pub/sub processor Init does
// (pkg/runtime/processor/pubsub/pubsub.go: the component's metadata through daprd's
// pkg/runtime/meta, which substitutes {appID} and {namespace}, then pkg/scopes' GetScopedTopics,
// GetAllowedTopics and GetProtectedTopics). That Init itself does not build from the Go module
// proxy (its pkg/runtime/compstore imports github.com/dapr/durabletask-go v0.12.4, which the proxy
// refuses), so these five calls are made here, in the same order with the same arguments. The
// broker is components-contrib's pubsub.in-memory (registered as daprd does), so no Kafka is
// needed: daprd reads the topic scoping from the metadata whatever the type. Then, per topic:
//   - publish: daprd's publisher (pkg/runtime/pubsub/publisher), the code behind the publish API
//     and dead-letter publishing; allowed unless it returns NotAllowedError.
//   - subscribe: rtpubsub.IsOperationAllowed(topic, item, item.ScopedSubscriptions), the check the
//     subscriber (pkg/runtime/processor/subscriber) and subscription.New make before subscribing.
//   - loaded: the component's scopes (Scoped.IsAppScoped, as daprd's authorizer asks).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	contribpubsub "github.com/dapr/components-contrib/pubsub"
	inmemory "github.com/dapr/components-contrib/pubsub/in-memory"
	compapi "github.com/dapr/dapr/pkg/apis/components/v1alpha1"
	comppubsub "github.com/dapr/dapr/pkg/components/pubsub"
	"github.com/dapr/dapr/pkg/modes"
	"github.com/dapr/dapr/pkg/resiliency"
	"github.com/dapr/dapr/pkg/runtime/meta"
	rtpubsub "github.com/dapr/dapr/pkg/runtime/pubsub"
	"github.com/dapr/dapr/pkg/runtime/pubsub/publisher"
	"github.com/dapr/dapr/pkg/scopes"
	"github.com/dapr/kit/logger"
)

type input struct {
	Cases []struct {
		Component json.RawMessage `json:"component"`
		Apps      []string        `json:"apps"`
		Topics    []string        `json:"topics"`
	} `json:"cases"`
}

type answer struct {
	Case         int    `json:"case"`
	AppID        string `json:"appId"`
	Topic        string `json:"topic"`
	Loaded       bool   `json:"loaded"`
	Publish      bool   `json:"publish"`
	Subscribe    bool   `json:"subscribe"`
	PublishError string `json:"publishError,omitempty"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "pubsub-scopes:", err)
		os.Exit(1)
	}
}

func run() error {
	logger.NewLogger("dapr.runtime.pubsub.publisher").SetOutputLevel(logger.FatalLevel)
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		return fmt.Errorf("reading the cases: %w", err)
	}
	registry := comppubsub.NewRegistry()
	registry.RegisterComponent(inmemory.New, "in-memory")
	out := json.NewEncoder(os.Stdout)
	ctx := context.Background()
	for i, c := range in.Cases {
		var comp compapi.Component
		if err := json.Unmarshal(c.Component, &comp); err != nil {
			return fmt.Errorf("case %d: not a Component: %w", i, err)
		}
		loadedAs := comp.DeepCopy()
		loadedAs.Spec.Type = "pubsub.in-memory"
		loadedAs.Spec.Version = "v1"
		for _, app := range c.Apps {
			item, err := load(ctx, registry, *loadedAs, app)
			if err != nil {
				return fmt.Errorf("case %d, app %s: %w", i, app, err)
			}
			getPubSub := func(name string) (*rtpubsub.PubsubItem, bool) { return item, name == comp.Name }
			pub := publisher.New(publisher.Options{AppID: app, Namespace: comp.Namespace, Resiliency: resiliency.New(logger.NewLogger("pubsub-scopes")), GetPubSubFn: getPubSub})
			for _, topic := range c.Topics {
				a := answer{Case: i, AppID: app, Topic: topic, Loaded: comp.IsAppScoped(app)}
				err := pub.Publish(ctx, &contribpubsub.PublishRequest{PubsubName: comp.Name, Topic: topic, Data: []byte("{}")}, rtpubsub.TransportModeHTTP)
				var notAllowed rtpubsub.NotAllowedError
				switch {
				case err == nil:
					a.Publish = true
				case errors.As(err, &notAllowed):
					a.PublishError = err.Error()
				default:
					return fmt.Errorf("case %d, app %s, topic %q: publish failed otherwise than not allowed: %w", i, app, topic, err)
				}
				a.Subscribe = rtpubsub.IsOperationAllowed(topic, item, item.ScopedSubscriptions)
				if err := out.Encode(a); err != nil {
					return err
				}
			}
			_ = item.Component.Close()
		}
	}
	return nil
}

// load is what daprd's pub/sub processor Init (pkg/runtime/processor/pubsub, v1.18.3) does with a
// component for an app: create it from the registry, convert its metadata, initialise it, and read
// the topic scoping for the app from the converted metadata.
func load(ctx context.Context, registry *comppubsub.Registry, comp compapi.Component, appID string) (*rtpubsub.PubsubItem, error) {
	component, err := registry.Create(comp.Spec.Type, comp.Spec.Version, comp.LogName())
	if err != nil {
		return nil, err
	}
	base, err := meta.New(meta.Options{ID: appID, Namespace: comp.Namespace, PodName: appID + "-0", Mode: modes.KubernetesMode}).ToBaseMetadata(comp)
	if err != nil {
		return nil, err
	}
	properties := base.Properties
	if err := component.Init(ctx, contribpubsub.Metadata{Base: base}); err != nil {
		return nil, err
	}
	return &rtpubsub.PubsubItem{
		Component:           component,
		ScopedSubscriptions: scopes.GetScopedTopics(scopes.SubscriptionScopes, appID, properties),
		ScopedPublishings:   scopes.GetScopedTopics(scopes.PublishingScopes, appID, properties),
		AllowedTopics:       scopes.GetAllowedTopics(properties),
		ProtectedTopics:     scopes.GetProtectedTopics(properties),
	}, nil
}
