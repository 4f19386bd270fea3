#!/usr/bin/env bash
# Compiles the public API of the library (constructs/index.ts) with jsii, to prove that it stays
# within what jsii can expose to Go, .NET, Java and Python (cdk8s and cdktf reach those languages
# through jsii), then checks the assembly against what users of those languages trip over
# (scripts/jsii-api-rules.js: optional positional primitives, undocumented protected members) and
# checks the C# jsii-pacmak generates from it for shadowed namespaces (scripts/dotnet-namespace-check.js).
#
# jsii writes its own tsconfig.json and a .jsii assembly into the package root, and requires every
# non-jsii runtime dependency to be bundled, so it runs in a scratch copy: constructs/ (without the
# policy engine, a TypeScript-only entry point outside the jsii surface) and imports/, with a
# package.json derived from ours (scripts/jsii-package.js) and our node_modules linked in.
#
#   bash scripts/jsii-check.sh            # compile; exit 1 on any jsii error
#   KEEP=1 bash scripts/jsii-check.sh     # keep the scratch directory (prints its path)
#   JSII_SURFACE=app-team                 # the app-team package only: without constructs/terraform and
#                                         # the cdktf peers (what scripts/go-bindings.sh generates from)
#   JSII_WORK=<dir>                       # compile in <dir> (created, kept) instead of a temporary one
#   JSII_DOTNET_CHECK=0                   # skip the C# check (scripts/go-bindings.sh, which needs only the assembly)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
surface="${JSII_SURFACE:-all}"
case "$surface" in all | app-team) ;; *) echo "ERROR: JSII_SURFACE must be 'all' or 'app-team', not '$surface'" >&2; exit 2 ;; esac
if [ -n "${JSII_WORK:-}" ]; then
  work="$JSII_WORK"
  rm -rf "$work" && mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/jsii-check.XXXXXX")"
  if [ "${KEEP:-}" = "1" ]; then echo "scratch: $work"; else trap 'rm -rf "$work"' EXIT; fi
fi

excludes=(--exclude=./policy)
[ "$surface" = "app-team" ] && excludes+=(--exclude=./terraform)
mkdir -p "$work/constructs"
(cd "$root/constructs" && tar "${excludes[@]}" -cf - .) | (cd "$work/constructs" && tar -xf -)
if [ "$surface" = "app-team" ]; then
  # Until constructs/index.ts no longer exports constructs/terraform (the library split), drop those exports.
  node -e "
const fs = require('fs');
const f = process.argv[1];
fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/export\s*\{[^}]*\}\s*from\s*'\.\/terraform\/[^']*';\n?/g, ''));
" "$work/constructs/index.ts"
fi
cp -R "$root/imports" "$work/imports"
cp "$root/README.md" "$work/README.md"
ln -s "$root/node_modules" "$work/node_modules"
node "$root/scripts/jsii-package.js" "--surface=$surface" >"$work/package.json"

cd "$work"
# reserved-word: member names such as `namespace` or `default` are keywords in some target
# languages; jsii-pacmak renames them there (a warning, not an error).
# The banner about Node 20 support is silenced: the project runs on Node 20 (engines, CI).
JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 \
  "$root/node_modules/.bin/jsii" --silence-warnings=reserved-word
node -e "const a = JSON.parse(require('fs').readFileSync('.jsii', 'utf8')); console.log('jsii: ' + a.name + '@' + a.version + ' (' + process.argv[1] + '): ' + Object.keys(a.types).length + ' types compiled')" "$surface"
node "$root/scripts/jsii-api-rules.js" .jsii
# The C# jsii-pacmak generates (code only: no .NET SDK here) must not shadow the names it means
# globally (CS0234 with a namespace like Logistics.DaprPlatform.Constructs, jsii issue #3081).
[ "${JSII_DOTNET_CHECK:-1}" = "0" ] && exit 0
(JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 \
  "$root/node_modules/.bin/jsii-pacmak" --targets dotnet --code-only --no-npmignore --no-fingerprint --outdir "$work/pacmak-dotnet" . >"$work/pacmak-dotnet.log" 2>&1) || {
  grep -v '^!!' "$work/pacmak-dotnet.log" >&2
  echo "ERROR: jsii-pacmak could not generate the C# code" >&2
  exit 1
}
node "$root/scripts/dotnet-namespace-check.js" "$work/pacmak-dotnet/dotnet"
