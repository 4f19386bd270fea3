/*
 * What the lifecycle guards DO, with the real Terraform CLI: the stand-in configuration of a
 * synthesized stack (lifecycle-config.ts: terraform_data at the same names, no provider) is applied
 * into a local state, then the next version of the stack is planned or applied against that state.
 * This proves the behaviour of the expressions (the HA record + precondition, the issuer CSR's
 * replace_triggered_by), not of the provider resources they guard.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HaDecision } from '../../constructs/terraform/dapr-control-plane';
import { DaprPlatformStackProps } from '../../constructs/terraform/dapr-platform-stack';
import { devProps, platformStack, prodProps, synthJson } from '../terraform/helpers';
import { lifecycleConfig } from './lifecycle-config';
import { findTerraform, terraformIn, TerraformRun } from './terraform-cli';

const TERRAFORM = findTerraform();
// The missing-binary banner and the REQUIRE_TERRAFORM=1 failure are in lifecycle-validate.test.ts.
const withTerraform = TERRAFORM ? test : test.skip;

function standIn(env: 'dev' | 'prod', props: Partial<DaprPlatformStackProps>): any {
  const json = synthJson(platformStack(env, env === 'dev' ? devProps(props) : prodProps(props)));
  const extracted = lifecycleConfig(json);
  expect(extracted.errors).toEqual([]);
  return extracted.config;
}

function idOf(config: any, pred: (id: string, r: any) => boolean): string {
  const ids = Object.entries<any>(config.resource.terraform_data).filter(([id, r]) => pred(id, r)).map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0];
}

function expectOk(r: TerraformRun): void {
  expect({ exitCode: r.exitCode, output: r.output }).toEqual({ exitCode: 0, output: expect.any(String) });
}

describe('real Terraform on the stand-ins: state carried from one version of the stack to the next', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-platform-tf-behaviour-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tf = (args: string[], config?: any) => terraformIn(TERRAFORM!, dir, args, config);

  withTerraform('HA is fixed at creation: a plan that turns it on fails with the precondition message; a new haChangeDecision lets it through', () => {
    expectOk(tf(['init', '-input=false'], standIn('dev', { ha: HaDecision.DISABLED })));
    expectOk(tf(['apply', '-auto-approve', '-input=false']));

    const changed = tf(['plan', '-input=false'], standIn('dev', { ha: HaDecision.ENABLED }));
    expect(changed.exitCode).toBe(1);
    expect(changed.output).toContain('Error: Resource precondition failed');
    expect(changed.output.replace(/\s+/g, ' ')).toContain('Dapr HA of this environment is fixed at creation and the plan changes it (HA on requested).');

    const decided = standIn('dev', { ha: HaDecision.ENABLED, haChangeDecision: 'CHG-1234' });
    expectOk(tf(['apply', '-auto-approve', '-input=false'], decided));
    const record = idOf(decided, (_id, r) => r.input?.ha_enabled !== undefined);
    const state = JSON.parse(tf(['show', '-json']).output);
    const recorded = state.values.root_module.resources.find((r: any) => r.address === `terraform_data.${record}`);
    expect(recorded.values.output).toEqual({ decision: 'CHG-1234', ha_enabled: true });
    // Once recorded, the same declaration plans no change.
    expect(tf(['plan', '-input=false', '-detailed-exitcode']).exitCode).toBe(0);
  });

  withTerraform('raising issuerRotation replaces the issuer CSR (replace_triggered_by), and only then', () => {
    const first = standIn('prod', { issuerRotation: 1 });
    expectOk(tf(['init', '-input=false'], first));
    expectOk(tf(['apply', '-auto-approve', '-input=false']));
    expect(tf(['plan', '-input=false', '-detailed-exitcode']).exitCode).toBe(0);

    const rotated = standIn('prod', { issuerRotation: 2 });
    const csr = idOf(rotated, (id) => id.includes('_issuer-csr_'));
    const plan = tf(['plan', '-input=false', '-detailed-exitcode'], rotated);
    expect(plan.exitCode).toBe(2);
    expect(plan.output).toContain(`# terraform_data.${csr} will be replaced due to changes in replace_triggered_by`);
    // The generation record changes in place; the CSR (stand-in) is replaced because of it.
    expect(plan.output).toContain(`# terraform_data.${idOf(rotated, (id) => id.includes('_issuer-generation_'))} will be updated in-place`);
    expect(plan.output).toContain('Plan: 1 to add, 1 to change, 1 to destroy.');
  });
});
