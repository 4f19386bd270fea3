#!/usr/bin/env bash
# `npm run test:example`: builds and packs both packages once (scripts/lib/examples.sh), then runs
# the app-team example (scripts/test-app-team-example.sh) and the payments platform with its app
# team (scripts/test-platform-example.sh) on those tarballs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
packed="$(mktemp -d "${TMPDIR:-/tmp}/packed.XXXXXX")"
trap 'rm -rf "$packed"' EXIT
# shellcheck source=lib/examples.sh
. "$root/scripts/lib/examples.sh"
echo "== build and npm pack both packages"
packed_tarballs "$packed" >/dev/null
ls "$packed"
DAPR_PACKED="$packed" bash "$root/scripts/test-app-team-example.sh"
DAPR_PACKED="$packed" bash "$root/scripts/test-platform-example.sh"
