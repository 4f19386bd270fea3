#!/usr/bin/env bash
# `npm run lint:workflows`: actionlint (built from its Go module by e2e/bin/build.sh, cached outside
# the repository) on every workflow under .github/workflows; it also checks the inputs of the local
# actions they use. Exit 1 on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
actionlint=$(bash e2e/bin/build.sh --print-path actionlint)
echo "actionlint $("$actionlint" -version | head -n 1)"
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
[ ${#workflows[@]} -gt 0 ] || { echo "ERROR: no workflows under .github/workflows" >&2; exit 1; }
"$actionlint" -no-color "${workflows[@]}"
echo "actionlint: ${#workflows[@]} workflow(s) clean"
