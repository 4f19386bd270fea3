#!/usr/bin/env bash
# Deploys one environment's Terraform stack, as `cdktf deploy <env>` does (the repository has the
# cdktf library, not the cdktf CLI): synthesize, then terraform init, plan and apply in
# cdktf.out/stacks/<env>. With --drift-check it applies nothing and fails when the live
# infrastructure differs from the stack (terraform plan -detailed-exitcode: 2 = changes).
#
#   bash scripts/deploy.sh --env prod                # synth + init + plan + apply
#   bash scripts/deploy.sh --env prod --drift-check  # synth + init + plan; exit 2 on drift
#
# Needs terraform (1.11.4) on PATH, the environment's cloud credentials for the state backend
# (staging, prod), Vault's VAULT_ADDR/VAULT_TOKEN and a kubeconfig whose current context is the
# environment's cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

env=""
drift_check=false
while [ $# -gt 0 ]; do
  case $1 in
    --env) env=${2:?--env needs a value}; shift 2 ;;
    --drift-check) drift_check=true; shift ;;
    *) echo "unknown argument '$1': use --env <dev|staging|prod> [--drift-check]" >&2; exit 64 ;;
  esac
done
[ -n "$env" ] || { echo "--env <dev|staging|prod> is required" >&2; exit 64; }

npm run --silent synth -- --env "$env" >/dev/null
# Argo CD syncs the committed dist/<env>: deploying Terraform for a model whose manifests were not
# committed would leave the two planes apart.
if ! git diff --quiet -- "dist/$env" || [ -n "$(git status --porcelain -- "dist/$env")" ]; then
  git status --porcelain -- "dist/$env" | head -20 >&2
  echo "ERROR: DRIFT: dist/$env differs from a fresh synth of this commit. Run 'npm run synth' and commit dist/." >&2
  exit 2
fi

stack="cdktf.out/stacks/$env"
# A CI runner forgets local state after the job: the next apply would try to create everything again.
if [ -n "${CI:-}" ] && ! node -e 'const b=require(process.argv[1]).terraform?.backend; process.exit(b && !b.local ? 0 : 1)' "$PWD/$stack/cdk.tf.json"; then
  echo "ERROR: the $env stack keeps local Terraform state; a CI runner would lose it. Deploy $env by hand or give it a remote backend (stacks/environments.ts: terraformState)." >&2
  exit 1
fi
terraform -chdir="$stack" init -input=false -no-color
if $drift_check; then
  set +e
  terraform -chdir="$stack" plan -input=false -no-color -lock-timeout=5m -detailed-exitcode
  rc=$?
  set -e
  case $rc in
    0) echo "No drift: the $env infrastructure matches the stack." ;;
    2) echo "ERROR: DRIFT: the $env infrastructure differs from the stack of this commit (plan above). Someone changed it outside the pipeline, or the apply did not converge." >&2 ;;
    *) echo "ERROR: terraform plan failed for $env (exit $rc)." >&2 ;;
  esac
  exit $rc
fi
terraform -chdir="$stack" plan -input=false -no-color -lock-timeout=5m -out=tfplan
terraform -chdir="$stack" apply -input=false -no-color -lock-timeout=5m tfplan
