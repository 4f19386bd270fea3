#!/usr/bin/env bash
# The library as a platform team gets it: builds both packages (scripts/build-packages.js), packs
# @dapr-platform/constructs and @dapr-platform/terraform, installs both tarballs into a temporary
# copy of examples/payments-platform (a second platform declared with the public API only), runs
# its synth with plain tsc + node against the installed packages, runs the policy check of the
# installed package on every environment it wrote, and requires its output to be byte-identical to
# the same example synthesized from the sources in this repository.
#
# Network: the npm registry only (the example's dependencies; --prefer-offline uses the cache).
#   bash scripts/test-platform-example.sh        # (part of npm run test:example)
#   KEEP=1 bash scripts/test-platform-example.sh # keep the temporary copy (prints its path)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/platform-example.XXXXXX")"
if [ "${KEEP:-}" = "1" ]; then echo "scratch: $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
started=$(date +%s)
source_dir="$root/examples/payments-platform"

echo "== build and npm pack both packages"
(cd "$root" && node scripts/build-packages.js)
mkdir -p "$tmp/pack"
for p in constructs terraform; do
  (cd "$root/packages/$p" && npm pack --silent --pack-destination "$tmp/pack" >/dev/null)
done
ls "$tmp/pack"

echo "== install into a copy of examples/payments-platform"
example="$tmp/payments-platform"
mkdir -p "$example/vendor"
(cd "$source_dir" && tar --exclude=./node_modules --exclude=./build --exclude=./dist --exclude=./cdktf.out --exclude=./vendor -cf - .) | (cd "$example" && tar -xf -)
cp "$tmp"/pack/dapr-platform-constructs-*.tgz "$example/vendor/dapr-platform-constructs.tgz"
cp "$tmp"/pack/dapr-platform-terraform-*.tgz "$example/vendor/dapr-platform-terraform.tgz"
(cd "$example" && npm install --no-audit --no-fund --prefer-offline --loglevel=error)
for m in constructs @dapr-platform/constructs; do
  copies=$(cd "$example" && find . -path "*/node_modules/$m/package.json" | wc -l)
  if [ "$copies" -ne 1 ]; then
    echo "ERROR: $copies copies of '$m' in the example's node_modules; the packages must share the app's (peer dependencies)." >&2
    exit 1
  fi
done
echo "installed: node_modules $(du -sm "$example/node_modules" | cut -f1) MiB (a platform: cdktf and the three providers included)"

echo "== synth (tsc + node, against the installed packages)"
(cd "$example" && npm run --silent synth)

echo "== policy check of the installed package on every environment written"
envs=$(cd "$example/dist" && find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
[ -n "$envs" ] || { echo "ERROR: the example's synth wrote no environment under dist/" >&2; exit 1; }
for e in $envs; do
  (cd "$example" && node -e "
const { loadDocuments, checkDocuments, formatText } = require('@dapr-platform/constructs/policy');
const result = checkDocuments(loadDocuments(['dist/$e', 'cdktf.out/stacks/$e']), { profile: '$e' === 'dev' ? 'dev' : 'prod' });
console.log('$e: ' + formatText(result).trim().split('\\n').slice(-1)[0]);
if (result.errors) { console.error(formatText(result)); process.exit(1); }
")
done

echo "== the installed packages write what the sources write"
(cd "$source_dir" && node -r "$root/scripts/ts-register.js" src/main.ts --dist "$tmp/in-repo/dist" --cdktf-out "$tmp/in-repo/cdktf.out" >/dev/null)
diff -r "$tmp/in-repo/dist" "$example/dist"
diff -r "$tmp/in-repo/cdktf.out/stacks" "$example/cdktf.out/stacks"
echo "ok: dist/ and cdktf.out/stacks/ byte-identical ($(find "$example/dist" -type f | wc -l) files)"

echo "platform example: passed in $(($(date +%s) - started))s"
