#!/usr/bin/env bash
# Compiles the public API of both packages with jsii, to prove that it stays within what jsii can
# expose to Go, .NET, Java and Python (cdk8s and cdktf reach those languages through jsii):
# @dapr-platform/constructs (constructs/index.ts), then @dapr-platform/terraform
# (constructs/terraform/index.ts) against the first one's assembly, as its peer.
#
# jsii writes its own tsconfig.json and a .jsii assembly into the package root, and requires every
# non-jsii runtime dependency to be bundled, so each runs in a scratch copy with a package.json
# derived from the package's (scripts/jsii-package.js) and our node_modules linked in. The policy
# engine (a TypeScript-only entry point of free functions) is outside the jsii surface.
#
# Each assembly is then checked against what users of those languages trip over
# (scripts/jsii-api-rules.js: optional positional primitives, undocumented protected members), and the
# C# jsii-pacmak generates for @dapr-platform/constructs (the package with .NET and Go targets) for
# shadowed namespaces (scripts/dotnet-namespace-check.js).
#
#   bash scripts/jsii-check.sh            # compile; exit 1 on any jsii error
#   KEEP=1 bash scripts/jsii-check.sh     # keep the scratch directory (prints its path)
#   JSII_WORK=<dir>                       # work in <dir> (created, kept): the app-team package is <dir>/constructs-pkg
#   JSII_PACKAGES=constructs              # the app-team package only (scripts/go-bindings.sh)
#   JSII_DOTNET_CHECK=0                   # skip the C# check (scripts/go-bindings.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -n "${JSII_WORK:-}" ]; then
  work="$JSII_WORK"
  rm -rf "$work" && mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/jsii-check.XXXXXX")"
  if [ "${KEEP:-}" = "1" ]; then echo "scratch: $work"; else trap 'rm -rf "$work"' EXIT; fi
fi

# reserved-word: member names such as `namespace` or `default` are keywords in some target
# languages; jsii-pacmak renames them there (a warning, not an error).
# The banner about Node 20 support is silenced: the project runs on Node 20 (engines, CI).
jsii() {
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 \
    "$root/node_modules/.bin/jsii" --silence-warnings=reserved-word
  node -e "const a = JSON.parse(require('fs').readFileSync('.jsii', 'utf8')); console.log('jsii: ' + a.name + '@' + a.version + ': ' + Object.keys(a.types).length + ' types compiled')"
}

# 1. @dapr-platform/constructs: constructs/ without constructs/terraform/ (the other package).
pkg="$work/constructs-pkg"
mkdir -p "$pkg/constructs"
(cd "$root/constructs" && tar --exclude=./terraform -cf - .) | (cd "$pkg/constructs" && tar -xf -)
cp -R "$root/imports" "$pkg/imports"
cp "$root/packages/constructs/README.md" "$pkg/README.md"
ln -s "$root/node_modules" "$pkg/node_modules"
node "$root/scripts/jsii-package.js" constructs >"$pkg/package.json"
(cd "$pkg" && jsii 2>&1 | tee "$work/constructs.log")
if grep -q 'JSII5' "$work/constructs.log"; then echo 'ERROR: packages/constructs/package.json lacks a peer its public API exposes (JSII5 above)' >&2; exit 1; fi
node "$root/scripts/jsii-api-rules.js" "$pkg/.jsii"

# The C# jsii-pacmak generates (code only: no .NET SDK here) must not shadow the names it means
# globally (CS0234 with a namespace like Logistics.DaprPlatform.Constructs, jsii issue #3081).
if [ "${JSII_DOTNET_CHECK:-1}" != "0" ]; then
  (cd "$pkg" && JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1     "$root/node_modules/.bin/jsii-pacmak" --targets dotnet --code-only --no-npmignore --no-fingerprint --outdir "$work/pacmak-dotnet" . >"$work/pacmak-dotnet.log" 2>&1) || {
    grep -v '^!!' "$work/pacmak-dotnet.log" >&2
    echo "ERROR: jsii-pacmak could not generate the C# code" >&2
    exit 1
  }
  node "$root/scripts/dotnet-namespace-check.js" "$work/pacmak-dotnet/dotnet"
fi
[ "${JSII_PACKAGES:-}" = "constructs" ] && exit 0

# 2. @dapr-platform/terraform: constructs/terraform/ as a package root, compiled against the
# assembly of step 1 installed as its peer (our node_modules otherwise).
tf="$work/terraform-pkg"
mkdir -p "$tf/node_modules/@dapr-platform"
cp "$root"/constructs/terraform/*.ts "$tf/"
cp "$root/packages/terraform/README.md" "$tf/README.md"
for m in "$root"/node_modules/* "$root"/node_modules/.bin; do
  case "$(basename "$m")" in @dapr-platform) ;; *) ln -s "$m" "$tf/node_modules/$(basename "$m")" ;; esac
done
ln -s "$pkg" "$tf/node_modules/@dapr-platform/constructs"
node "$root/scripts/jsii-package.js" terraform >"$tf/package.json"
(cd "$tf" && jsii 2>&1 | tee "$work/terraform.log")
# jsii auto-corrects a missing peer in its scratch copy and only warns: ours must be right.
if grep -q 'JSII5' "$work/terraform.log"; then echo 'ERROR: packages/terraform/package.json lacks a peer its public API exposes (JSII5 above)' >&2; exit 1; fi
node "$root/scripts/jsii-api-rules.js" "$tf/.jsii"
