import { Op, TerraformStack, Token } from 'cdktf';
import { bareAddress, terraformBool, terraformNumber, terraformString } from '../../constructs/terraform/lifecycle-expressions';
import { TerraformData } from '../../constructs/terraform/terraform-data';
import { providerStack, rendered, synthJson } from './helpers';

function record(stack: TerraformStack): TerraformData {
  const r = new TerraformData(stack, 'record', { input: { flag: true } });
  r.overrideLogicalId('record');
  return r;
}

describe('cdktf 0.21.0 drops falsy operands of Op.*; our literals do not', () => {
  const ref = (stack: TerraformStack) => record(stack).output.lookup('flag');

  test.each([
    ['false', terraformBool(false), 'false'],
    ['true', terraformBool(true), 'true'],
    ['0', terraformNumber(0), '0'],
    ['-1.5', terraformNumber(-1.5), '-1.5'],
    ['""', terraformString(''), '""'],
    ['a string with quotes and ${', terraformString('a "b" ${c} %{d}'), '"a \\"b\\" $${c} %%{d}"'],
  ])('Op.eq(reference, %s) renders the literal', (_name, literal, hcl) => {
    const stack = providerStack();
    expect(rendered(stack, Op.eq(ref(stack), literal) as any)).toBe(`\${(terraform_data.record.output["flag"] == ${hcl})}`);
  });

  test.each([
    ['false', false],
    ['0', 0],
    ['""', ''],
  ])('the trap is real: raw Op.eq(reference, %s) renders "== undefined" (if this starts failing, cdktf fixed it)', (_name, raw) => {
    const stack = providerStack();
    expect(rendered(stack, Op.eq(ref(stack), raw as any) as any)).toBe('${(terraform_data.record.output["flag"] == undefined)}');
  });

  test('terraformNumber refuses non-finite numbers; terraformString refuses references', () => {
    expect(() => terraformNumber(NaN)).toThrow('terraformNumber: NaN is not a finite number');
    const stack = providerStack();
    expect(() => terraformString(Token.asString(record(stack).output.lookup('flag')))).toThrow('terraformString: pass a literal');
  });
});

describe('replace_triggered_by gets the bare address', () => {
  test('bareAddress renders "terraform_data.<id>", honouring a logical id override made afterwards', () => {
    const stack = providerStack();
    const trigger = new TerraformData(stack, 'trigger', { input: { generation: 1 } });
    const target = new TerraformData(stack, 'target', { lifecycle: { replaceTriggeredBy: [bareAddress(trigger)] } });
    target.overrideLogicalId('target');
    trigger.overrideLogicalId('generation');
    expect(synthJson(stack).resource.terraform_data.target.lifecycle).toEqual({ replace_triggered_by: ['terraform_data.generation'] });
  });

  test('the trap is real: a resource in replaceTriggeredBy renders "${…}" (if this starts failing, cdktf fixed it)', () => {
    const stack = providerStack();
    const trigger = new TerraformData(stack, 'trigger', { input: { generation: 1 } });
    trigger.overrideLogicalId('generation');
    const target = new TerraformData(stack, 'target', { lifecycle: { replaceTriggeredBy: [trigger] } });
    target.overrideLogicalId('target');
    expect(synthJson(stack).resource.terraform_data.target.lifecycle).toEqual({ replace_triggered_by: ['${terraform_data.generation}'] });
  });
});
