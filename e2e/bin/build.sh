#!/usr/bin/env bash
# Builds (once) the real programs the e2e harnesses run, from the Go module proxy, and caches them
# outside the repository, keyed by version:
#   ${DAPR_PLATFORM_CACHE:-~/.cache/dapr-platform}/bin/<name>-<version>/<name>
# A missing binary rebuilds itself; a present one is reused. Prints one line per binary with the
# seconds it took (0 when cached).
#
#   bash e2e/bin/build.sh kube-apiserver kube-controller-manager kubectl etcd dapr-injector
#   bash e2e/bin/build.sh --print-path kube-apiserver     # the cached path (builds if missing)
#   bash e2e/bin/build.sh promtool actionlint              # the CI gates for rules and workflows
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-1.34.4}        # the Kubernetes minor the harness runs (README: why)
ETCD_VERSION=${ETCD_VERSION:-3.6.16}
DAPR_VERSION=${DAPR_VERSION:-1.18.3}
HELM_VERSION=${HELM_VERSION:-3.19.0}
# Prometheus 3.16.0 is the Go module github.com/prometheus/prometheus v0.316.0 (3.x.y -> v0.3xx.y).
PROMETHEUS_VERSION=${PROMETHEUS_VERSION:-3.16.0}
ACTIONLINT_VERSION=${ACTIONLINT_VERSION:-1.7.12}

CACHE=${DAPR_PLATFORM_CACHE:-$HOME/.cache/dapr-platform}
export GOFLAGS=${GOFLAGS:--buildvcs=false}
export CGO_ENABLED=0

print_only=false
if [ "${1:-}" = "--print-path" ]; then print_only=true; shift; fi

work_dir() { local d; d=$(mktemp -d "${TMPDIR:-/tmp}/dapr-platform-build.XXXXXX"); echo "$d"; }

# k8s.io/kubernetes replaces every k8s.io/<staging> module with ./staging/..., so `go install` refuses
# it: a throwaway module requires it and points each staging module at its published v0.<minor>.<patch>.
build_kubernetes() { # <cmd> <out>
  local cmd=$1 out=$2 w staging
  w=$(work_dir)
  (cd "$w" && go mod init local/k8s-build >/dev/null 2>&1
   local dir
   dir=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
   staging=$(sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$dir/go.mod")
   go mod edit -require="k8s.io/kubernetes@v$K8S_VERSION"
   for m in $staging; do go mod edit -replace="$m=$m@v0.${K8S_VERSION#1.}"; done
   printf 'package main\nimport _ "k8s.io/kubernetes/cmd/%s"\n' "$cmd" > tools.go
   go mod tidy >/dev/null 2>&1 || true
   go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${K8S_VERSION#1.}" -o "$out" "k8s.io/kubernetes/cmd/$cmd")
  rm -rf "$w"
}

# etcd's server binary lives in go.etcd.io/etcd/v3 (the repository root module); build it from a module
# that requires the published server module at the same version.
build_etcd() { # <out>
  local out=$1 w
  w=$(work_dir)
  (cd "$w" && go mod init local/etcd-build >/dev/null 2>&1
   go mod edit -require="go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
   printf 'package main\nimport _ "go.etcd.io/etcd/server/v3/etcdmain"\n' > tools.go
   cat > main.go <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
   rm tools.go
   go mod tidy >/dev/null 2>&1
   go build -trimpath -ldflags "-s -w" -o "$out" .)
  rm -rf "$w"
}

# github.com/dapr/dapr has replace directives, so `go install` refuses it: build inside a writable copy
# of the module source (the replaces then apply). stablecomponents: the tag Dapr's own release uses for
# the components it calls stable (state.redis, pubsub.kafka, secretstores.hashicorp.vault among them).
build_dapr() { # <cmd> <out>
  local cmd=$1 out=$2 w dir
  w=$(work_dir)
  dir=$(go mod download -json "github.com/dapr/dapr@v$DAPR_VERSION" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  cp -r "$dir/." "$w/"
  chmod -R u+w "$w"
  (cd "$w" && go build -trimpath -tags stablecomponents \
     -ldflags "-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION" -o "$out" "./cmd/$cmd")
  rm -rf "$w"
}

build_helm() { # <out>
  local out=$1 w
  w=$(work_dir)
  (cd "$w" && go mod init local/helm-build >/dev/null 2>&1
   go mod edit -require="helm.sh/helm/v3@v$HELM_VERSION"
   printf 'package main\nimport _ "helm.sh/helm/v3/cmd/helm"\n' > tools.go
   go mod tidy >/dev/null 2>&1 || true
   go build -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION" -o "$out" helm.sh/helm/v3/cmd/helm)
  rm -rf "$w"
}

# promtool (`promtool check rules`, `promtool test rules`) from the Prometheus module; the version
# string goes where Prometheus' own release build (.promu.yml) puts it.
build_promtool() { # <out>
  local out=$1 w minor patch
  minor=${PROMETHEUS_VERSION#3.}; patch=${minor#*.}; minor=${minor%%.*}
  w=$(work_dir)
  (cd "$w" && go mod init local/promtool-build >/dev/null 2>&1
   go mod edit -require="github.com/prometheus/prometheus@v0.3$(printf '%02d' "$minor").$patch"
   printf 'package main\nimport _ "github.com/prometheus/prometheus/cmd/promtool"\n' > tools.go
   go mod tidy >/dev/null 2>&1 || true
   go build -trimpath -ldflags "-s -w -X github.com/prometheus/common/version.Version=$PROMETHEUS_VERSION" -o "$out" github.com/prometheus/prometheus/cmd/promtool)
  rm -rf "$w"
}

# actionlint (lints .github/workflows) from its module; no replace directives, so `go install` works.
build_actionlint() { # <out>
  local out=$1 w
  w=$(work_dir)
  (cd "$w" && GOBIN="$w" go install -trimpath -ldflags "-s -w -X github.com/rhysd/actionlint.version=$ACTIONLINT_VERSION" \
     "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION" && mv "$w/actionlint" "$out")
  rm -rf "$w"
}

path_of() {
  case $1 in
    kube-apiserver|kube-controller-manager|kubectl) echo "$CACHE/bin/$1-$K8S_VERSION/$1" ;;
    etcd) echo "$CACHE/bin/etcd-$ETCD_VERSION/etcd" ;;
    dapr-injector|daprd|dapr-sentry|dapr-placement|dapr-scheduler) echo "$CACHE/bin/$1-$DAPR_VERSION/$1" ;;
    helm) echo "$CACHE/bin/helm-$HELM_VERSION/helm" ;;
    promtool) echo "$CACHE/bin/promtool-$PROMETHEUS_VERSION/promtool" ;;
    actionlint) echo "$CACHE/bin/actionlint-$ACTIONLINT_VERSION/actionlint" ;;
    *) echo "unknown binary '$1' (known: kube-apiserver kube-controller-manager kubectl etcd dapr-injector daprd dapr-sentry dapr-placement dapr-scheduler helm promtool actionlint)" >&2; return 2 ;;
  esac
}

for name in "$@"; do
  out=$(path_of "$name")
  if [ ! -x "$out" ]; then
    mkdir -p "$(dirname "$out")"
    start=$(date +%s)
    tmp="$out.partial.$$"
    case $name in
      kube-apiserver|kube-controller-manager|kubectl) build_kubernetes "$name" "$tmp" ;;
      etcd) build_etcd "$tmp" ;;
      dapr-injector) build_dapr injector "$tmp" ;;
      daprd) build_dapr daprd "$tmp" ;;
      dapr-sentry) build_dapr sentry "$tmp" ;;
      dapr-placement) build_dapr placement "$tmp" ;;
      dapr-scheduler) build_dapr scheduler "$tmp" ;;
      helm) build_helm "$tmp" ;;
      promtool) build_promtool "$tmp" ;;
      actionlint) build_actionlint "$tmp" ;;
    esac
    mv "$tmp" "$out"
    $print_only || echo "built $name in $(( $(date +%s) - start )) s: $out" >&2
  else
    $print_only || echo "cached $name: $out" >&2
  fi
  $print_only && echo "$out"
done
exit 0
