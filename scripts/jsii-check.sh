#!/usr/bin/env bash
# Compiles the public API of the app-team package @dapr-platform/constructs (constructs/index.ts)
# with jsii, to prove that it stays within what jsii can expose to Go, .NET, Java and Python
# (cdk8s reaches those languages through jsii).
#
# jsii writes its own tsconfig.json and a .jsii assembly into the package root, and requires every
# non-jsii runtime dependency to be bundled, so it runs in a scratch copy: constructs/ (without the
# policy engine and ./internal, TypeScript-only entry points outside the jsii surface, and without
# constructs/terraform/, the other package) and imports/, with a
# package.json derived from ours (scripts/jsii-package.js) and our node_modules linked in.
#
#   bash scripts/jsii-check.sh            # compile; exit 1 on any jsii error
#   KEEP=1 bash scripts/jsii-check.sh     # keep the scratch directory (prints its path)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/jsii-check.XXXXXX")"
if [ "${KEEP:-}" = "1" ]; then echo "scratch: $work"; else trap 'rm -rf "$work"' EXIT; fi

mkdir -p "$work/constructs"
(cd "$root/constructs" && tar --exclude=./policy --exclude=./terraform --exclude=./internal.ts -cf - .) | (cd "$work/constructs" && tar -xf -)
cp -R "$root/imports" "$work/imports"
cp "$root/README.md" "$work/README.md"
ln -s "$root/node_modules" "$work/node_modules"
node "$root/scripts/jsii-package.js" >"$work/package.json"

cd "$work"
# reserved-word: member names such as `namespace` or `default` are keywords in some target
# languages; jsii-pacmak renames them there (a warning, not an error).
# The banner about Node 20 support is silenced: the project runs on Node 20 (engines, CI).
JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 \
  "$root/node_modules/.bin/jsii" --silence-warnings=reserved-word
node -e "const a = JSON.parse(require('fs').readFileSync('.jsii', 'utf8')); console.log('jsii: ' + a.name + '@' + a.version + ': ' + Object.keys(a.types).length + ' types compiled')"
