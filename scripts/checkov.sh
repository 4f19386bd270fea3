#!/usr/bin/env bash
# Static security scan of the synthesized output with Checkov (https://www.checkov.io).
#
#   bash scripts/checkov.sh [K8S_DIR] [TF_DIR]     # defaults: dist and cdktf.out
#
# Creates a Python virtualenv in .venv-checkov/ with a pinned checkov from PyPI (once), then scans
#   - K8S_DIR with --framework kubernetes       (the cdk8s manifests, e.g. dist/prod)
#   - TF_DIR  with --framework terraform_json   (cdktf's cdk.tf.json files)
# using the settings and skip list in .checkov.yaml. Prints Checkov's findings and exits non-zero
# if any check failed (1), or if nothing could be scanned or installed (2).
# Environment: CHECKOV_VERSION (default below), CHECKOV_VENV (default .venv-checkov), PYTHON (interpreter for the venv).
set -euo pipefail

CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CHECKOV_VENV:-$ROOT/.venv-checkov}"
CONFIG="$ROOT/.checkov.yaml"
K8S_DIR="${1:-dist}"
TF_DIR="${2:-cdktf.out}"
cd "$ROOT"

pick_python() {
  if [[ -n "${PYTHON:-}" ]]; then echo "$PYTHON"; return; fi
  for p in python3.12 python3.11 python3.10 python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' >/dev/null 2>&1; then
      echo "$p"; return
    fi
  done
  echo "checkov.sh: no Python >= 3.9 found (set PYTHON=/path/to/python3)" >&2
  exit 2
}

installed_version() {
  [[ -x "$VENV/bin/checkov" ]] && "$VENV/bin/checkov" --version 2>/dev/null | tail -n 1 || true
}

if [[ "$(installed_version)" != "$CHECKOV_VERSION" ]]; then
  PY="$(pick_python)"
  echo "checkov.sh: installing checkov $CHECKOV_VERSION into $VENV (with $("$PY" --version 2>&1))"
  [[ -x "$VENV/bin/python" ]] || "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION" \
    || { echo "checkov.sh: pip could not install checkov==$CHECKOV_VERSION" >&2; exit 2; }
  if [[ "$(installed_version)" != "$CHECKOV_VERSION" ]]; then
    echo "checkov.sh: checkov $CHECKOV_VERSION did not install correctly (got '$(installed_version)')" >&2
    exit 2
  fi
fi

scanned=0
failed=0
scan() { # scan DIR FRAMEWORK
  local dir="$1" framework="$2"
  if [[ ! -d "$dir" ]]; then
    echo "checkov.sh: $dir does not exist, skipping the $framework scan (run 'npm run synth' first)"
    return
  fi
  scanned=$((scanned + 1))
  echo "== checkov $CHECKOV_VERSION: $framework scan of $dir"
  local rc=0
  "$VENV/bin/checkov" --config-file "$CONFIG" -d "$dir" --framework "$framework" || rc=$?
  if [[ $rc -ne 0 ]]; then
    failed=1
    echo "checkov.sh: $framework scan of $dir found failed checks (exit $rc)"
  fi
}

scan "$K8S_DIR" kubernetes
scan "$TF_DIR" terraform_json

if [[ $scanned -eq 0 ]]; then
  echo "checkov.sh: nothing to scan: neither $K8S_DIR nor $TF_DIR exists (run 'npm run synth' first)" >&2
  exit 2
fi
if [[ $failed -ne 0 ]]; then
  echo "checkov.sh: FAILED (see the checks above; fix them or add a justified skip to .checkov.yaml)"
  exit 1
fi
echo "checkov.sh: all checks passed"
