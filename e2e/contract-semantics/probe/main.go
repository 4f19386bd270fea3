// The probe of e2e/contract-semantics: decides service-invocation access with the real code of
// Dapr 1.18.3 (github.com/dapr/dapr@v1.18.3, from the Go module proxy), so the TypeScript port in
// constructs/contract/access-control.ts can be compared with it case by case.
//
// stdin:  {"invocations": [{"accessControl": <Configuration spec.accessControl>, "caller": {"appId", "namespace", "trustDomain"}, "operation", "verb"}]}
// stdout: {"invocations": [bool]} (the last line: daprd's logger writes to stdout too)
//
// pkg/acl ParseAccessControlSpec and
// ApplyAccessControlPolicies, called in a gRPC server on loopback whose callers present X.509 SVIDs
// (spiffe://<trust domain>/ns/<namespace>/<app-id>) over mTLS with go-spiffe's credentials, as
// daprd's internal gRPC server gets them.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffegrpc/grpccredentials"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/spiffetls/tlsconfig"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/dapr/dapr/pkg/acl"
	"github.com/dapr/dapr/pkg/config"
	commonv1pb "github.com/dapr/dapr/pkg/proto/common/v1"
)

type identity struct {
	AppID       string `json:"appId"`
	Namespace   string `json:"namespace"`
	TrustDomain string `json:"trustDomain"`
}

type invocationCase struct {
	AccessControl config.AccessControlSpec `json:"accessControl"`
	Caller        identity                 `json:"caller"`
	Operation     string                   `json:"operation"`
	Verb          string                   `json:"verb"`
}

type input struct {
	Invocations []invocationCase `json:"invocations"`
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fail("reading the cases: %v", err)
	}
	out := map[string][]bool{}
	out["invocations"] = invocations(in.Invocations)
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail("writing the verdicts: %v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "contract-semantics probe: "+format+"\n", args...)
	os.Exit(1)
}

// invocations runs every case through a loopback gRPC server whose interceptor applies the case's
// access control to the caller's SVID, as daprd does for an internal invocation.
func invocations(cases []invocationCase) []bool {
	if len(cases) == 0 {
		return []bool{}
	}
	cas := map[string]*authority{}
	bundles := x509bundle.NewSet()
	authorityOf := func(td string) *authority {
		if a, ok := cas[td]; ok {
			return a
		}
		a := newAuthority(td)
		cas[td] = a
		bundles.Add(x509bundle.FromX509Authorities(a.td, []*x509.Certificate{a.cert}))
		return a
	}
	serverTD := "server.local"
	server := authorityOf(serverTD).svid(fmt.Sprintf("spiffe://%s/ns/dapr-system/probe", serverTD))
	clients := map[identity]*x509svid.SVID{}
	for _, c := range cases {
		if _, ok := clients[c.Caller]; !ok {
			clients[c.Caller] = authorityOf(c.Caller.TrustDomain).svid(fmt.Sprintf("spiffe://%s/ns/%s/%s", c.Caller.TrustDomain, c.Caller.Namespace, c.Caller.AppID))
		}
	}

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("listen: %v", err)
	}
	interceptor := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, _ grpc.UnaryHandler) (any, error) {
		i, err := strconv.Atoi(req.(*healthpb.HealthCheckRequest).GetService())
		if err != nil {
			return nil, err
		}
		c := cases[i]
		list, err := acl.ParseAccessControlSpec(&c.AccessControl, true)
		if err != nil {
			return nil, fmt.Errorf("case %d: %w", i, err)
		}
		allowed, _ := acl.ApplyAccessControlPolicies(ctx, c.Operation, commonv1pb.HTTPExtension_Verb(commonv1pb.HTTPExtension_Verb_value[c.Verb]), true, list)
		status := healthpb.HealthCheckResponse_NOT_SERVING
		if allowed {
			status = healthpb.HealthCheckResponse_SERVING
		}
		return &healthpb.HealthCheckResponse{Status: status}, nil
	}
	srv := grpc.NewServer(grpc.Creds(grpccredentials.MTLSServerCredentials(server, bundles, tlsconfig.AuthorizeAny())), grpc.UnaryInterceptor(interceptor))
	healthpb.RegisterHealthServer(srv, healthServer{})
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()

	conns := map[identity]healthpb.HealthClient{}
	for id, svid := range clients {
		conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(grpccredentials.MTLSClientCredentials(svid, bundles, tlsconfig.AuthorizeAny())))
		if err != nil {
			fail("client %v: %v", id, err)
		}
		defer conn.Close()
		conns[id] = healthpb.NewHealthClient(conn)
	}
	out := make([]bool, len(cases))
	for i, c := range cases {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		resp, err := conns[c.Caller].Check(ctx, &healthpb.HealthCheckRequest{Service: strconv.Itoa(i)})
		cancel()
		if err != nil {
			fail("case %d: %v", i, err)
		}
		out[i] = resp.GetStatus() == healthpb.HealthCheckResponse_SERVING
	}
	return out
}

type healthServer struct {
	healthpb.UnimplementedHealthServer
}

type authority struct {
	td   spiffeid.TrustDomain
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

var serial int64

func newAuthority(td string) *authority {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		fail("key: %v", err)
	}
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: td}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
		URIs: []*url.URL{{Scheme: "spiffe", Host: td}},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		fail("CA %s: %v", td, err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &authority{td: spiffeid.RequireTrustDomainFromString(td), cert: cert, key: key}
}

func (a *authority) svid(id string) *x509svid.SVID {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		fail("key: %v", err)
	}
	u, _ := url.Parse(id)
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, URIs: []*url.URL{u},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		fail("SVID %s: %v", id, err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &x509svid.SVID{ID: spiffeid.RequireFromString(id), Certificates: []*x509.Certificate{cert}, PrivateKey: key}
}
