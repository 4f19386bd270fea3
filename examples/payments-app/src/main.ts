/**
 * The refunds service, declared by the refunds team with `@dapr-platform/constructs` against the
 * payments platform's contract for prod (contract/prod.contract.json), synthesized to dist/.
 *
 *   npm run synth   # compiles, validates (every error listed), writes dist/refunds.k8s.yaml
 *   npm run check   # the installed dapr-platform-check on dist/ with the contract
 *
 * Synth fails, naming the contract file and what the platform must add, if the contract does not
 * grant refunds a component, topic, secret or callee it uses (refunds.ts says what it uses).
 */
import { App } from 'cdk8s';
import { DaprChart, PlatformContract, synthOrReport } from '@dapr-platform/constructs';
import { CONTRACT_FILE } from './platform-references';
import { declareRefunds } from './refunds';

const outdir = process.argv[2] ?? 'dist';
const app = new App({ outdir });
// Namespace, profile, Dapr version, trust domain, control-plane namespace and external hosts: the contract's.
const contract = PlatformContract.fromFile(CONTRACT_FILE);
const refunds = declareRefunds(new DaprChart(app, 'refunds', { contract }), contract);

// Validates every construct first; on errors prints all of them (construct path, bad value, fix)
// without a stack trace and exits 1 without writing anything.
process.exitCode = synthOrReport(app);
if (process.exitCode === 0) {
  // What the platform's Terraform grants refunds' Vault role (its secret paths, nothing else).
  console.log(`refunds reads: ${refunds.secretAccess.secretPaths.join(', ')}`);
  console.log(`refunds: manifests written to ${outdir}/`);
}
