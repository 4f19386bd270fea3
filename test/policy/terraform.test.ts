import { Op } from 'cdktf';
import { LoadedDocument } from '../../constructs/policy/engine';
import { TERRAFORM_EXPRESSIONS, TERRAFORM_SENTRY_PKI_NO_ROLE } from '../../constructs/policy/rules/terraform';
import { TerraformData } from '../../constructs/terraform/terraform-data';
import { platformStack, prodProps, providerStack, synthJson } from '../terraform/helpers';
import { findingsOf, TF_FILE } from './fixtures';

const tfDoc = (content: any): LoadedDocument[] => [{ file: TF_FILE, index: 0, format: 'terraform', content }];
/** The real prod stack as DaprPlatformStack renders it. */
const prodStack = () => synthJson(platformStack('prod', prodProps()));
const one = (json: any, type: string): [string, any] => Object.entries<any>(json.resource[type])[0];

describe('DAPR-TF-001 valid Terraform expressions', () => {
  it("fails on cdktf's `== undefined` and on `${…}` in replace_triggered_by, naming the path, the value and the fix", () => {
    const stack = providerStack();
    const record = new TerraformData(stack, 'record', { input: { ha: false } });
    record.overrideLogicalId('record');
    const release = new TerraformData(stack, 'release', {
      lifecycle: { precondition: [{ condition: Op.eq(record.output.lookup('ha'), false), errorMessage: 'HA changed' }], replaceTriggeredBy: [record] },
    });
    release.overrideLogicalId('release');
    const findings = findingsOf(TERRAFORM_EXPRESSIONS, tfDoc(synthJson(stack)));
    expect(findings.map((f) => [f.object, f.message])).toEqual([
      [
        'terraform_data.release',
        `lifecycle.precondition[0].condition '\${(terraform_data.record.output["ha"] == undefined)}' refers to 'undefined', which Terraform does not know (cdktf 0.21.0 drops a false, 0 or "" operand of Op.*): write the literal, e.g. with terraformBool/terraformNumber/terraformString from constructs/terraform/lifecycle-expressions.ts.`,
      ],
      [
        'terraform_data.release',
        `lifecycle.replace_triggered_by[0] '\${terraform_data.record}' is an interpolation, which Terraform's JSON syntax rejects there ("Invalid expression"): write the bare address 'terraform_data.record' (bareAddress() in constructs/terraform/lifecycle-expressions.ts).`,
      ],
    ]);
  });

  it('passes the stacks our constructs render; a string "undefined" outside an interpolation is not an expression', () => {
    expect(findingsOf(TERRAFORM_EXPRESSIONS, tfDoc(prodStack()))).toEqual([]);
    expect(findingsOf(TERRAFORM_EXPRESSIONS, tfDoc({ resource: { terraform_data: { x: { input: { note: 'undefined', q: '${"undefined"}' } } } } }))).toEqual([]);
  });
});

describe('DAPR-TF-002 no PKI role on the Sentry mounts', () => {
  it.each([
    ['the issuer mount, by reference', 'issuer', true],
    ['the issuer mount, by path', 'issuer', false],
    ['the root mount, by reference', 'root', true],
    ['the root mount, by path', 'root', false],
  ])('fails for a role on %s', (_name, which, byReference) => {
    const json = prodStack();
    const [mountId, mount] = Object.entries<any>(json.resource.vault_mount).find(([, m]) => m.path === `pki-dapr-prod-${which}`)!;
    const backend = byReference ? `\${vault_mount.${mountId}.path}` : mount.path;
    json.resource.vault_pki_secret_backend_role = { extra: { backend, name: 'any-uri', allow_any_name: true, allowed_uri_sans: ['spiffe://*'] } };
    const findings = findingsOf(TERRAFORM_SENTRY_PKI_NO_ROLE, tfDoc(json));
    expect(findings.map((f) => [f.object, f.message])).toEqual([
      [
        'vault_pki_secret_backend_role.extra',
        `a PKI role on '${backend}', a mount of Sentry's CA: every certificate it issues chains to Dapr's trust anchor, so it could carry another app's SPIFFE ID. Remove the role; issue other certificates from a PKI mount of their own.`,
      ],
    ]);
  });

  it('passes without roles, and with a role on another mount', () => {
    const json = prodStack();
    expect(findingsOf(TERRAFORM_SENTRY_PKI_NO_ROLE, tfDoc(json))).toEqual([]);
    json.resource.vault_pki_secret_backend_role = { web: { backend: 'pki-web', name: 'web' } };
    expect(findingsOf(TERRAFORM_SENTRY_PKI_NO_ROLE, tfDoc(json))).toEqual([]);
    expect(one(json, 'vault_pki_secret_backend_intermediate_cert_request')[1].backend).toMatch(/^\$\{vault_mount\./);
  });
});
