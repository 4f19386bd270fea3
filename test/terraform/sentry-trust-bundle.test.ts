import { Duration } from 'cdk8s';
import { CaKeyAlgorithm, RootCaSource, SentryTrustBundle, SentryTrustBundleProps } from '../../constructs/terraform/sentry-trust-bundle';
import { errorsOf, findResource, providerStack, rendered, resources, synthJson } from './helpers';

function bundle(overrides: Partial<SentryTrustBundleProps> = {}) {
  const stack = providerStack();
  const ca = new SentryTrustBundle(stack, 'ca', {
    trustDomain: 'cluster.local',
    rootMountPath: 'pki-dapr-prod-root',
    issuerMountPath: 'pki-dapr-prod-issuer',
    ...overrides,
  });
  return { stack, ca };
}

describe('SentryTrustBundle with a root it creates', () => {
  const { stack, ca } = bundle({ preventDestroy: true, organization: 'Acme' });
  const json = synthJson(stack);

  test('a root PKI mount with an internal (non-exportable) 10-year root key', () => {
    const mount = findResource(json, 'vault_mount', (m) => m.path === 'pki-dapr-prod-root');
    expect(mount).toMatchObject({ type: 'pki', max_lease_ttl_seconds: 3650 * 24 * 3600, lifecycle: { prevent_destroy: true } });
    expect(findResource(json, 'vault_pki_secret_backend_root_cert')).toMatchObject({
      type: 'internal',
      common_name: 'Dapr root CA (cluster.local)',
      organization: 'Acme',
      ttl: '87600h',
      key_type: 'ec',
      key_bits: 256,
      max_path_length: 1,
    });
  });

  test('the issuer CSR is exported (so Sentry gets the key), PKCS#8, signed by the root for 1 year, imported back', () => {
    const mount = findResource(json, 'vault_mount', (m) => m.path === 'pki-dapr-prod-issuer');
    expect(mount).toMatchObject({ type: 'pki', max_lease_ttl_seconds: 365 * 24 * 3600, lifecycle: { prevent_destroy: true } });
    const csr = findResource(json, 'vault_pki_secret_backend_intermediate_cert_request');
    expect(csr).toMatchObject({ type: 'exported', private_key_format: 'pkcs8', common_name: 'Dapr Sentry issuer (cluster.local)', key_type: 'ec' });
    const signed = findResource(json, 'vault_pki_secret_backend_root_sign_intermediate');
    expect(signed).toMatchObject({ ttl: '8760h', max_path_length: 0 });
    expect(signed.csr).toMatch(/^\$\{vault_pki_secret_backend_intermediate_cert_request\.[\w-]+\.csr\}$/);
    expect(signed.backend).toMatch(/^\$\{vault_mount\.[\w-]+\.path\}$/);
    expect(signed.issuer_ref).toMatch(/^\$\{vault_pki_secret_backend_root_cert\.[\w-]+\.issuer_id\}$/);
    const imported = findResource(json, 'vault_pki_secret_backend_intermediate_set_signed');
    expect(imported.certificate).toMatch(/^\$\{vault_pki_secret_backend_root_sign_intermediate\.[\w-]+\.certificate\}$/);
  });

  test('exposes the three PEMs as Terraform references', () => {
    expect(rendered(stack, ca.rootCertPem)).toMatch(/^\$\{vault_pki_secret_backend_root_cert\.[\w-]+\.certificate\}$/);
    expect(rendered(stack, ca.issuerCertPem)).toMatch(/^\$\{vault_pki_secret_backend_intermediate_set_signed\.[\w-]+\.certificate\}$/);
    expect(ca.issuerKeyPem.isReference).toBe(true);
    expect(rendered(stack, ca.issuerKeyPem.unwrap())).toMatch(/^\$\{vault_pki_secret_backend_intermediate_cert_request\.[\w-]+\.private_key\}$/);
    expect(String(ca.issuerKeyPem)).toBe('<terraform secret reference>');
  });

  test('outputs the expiry of root and issuer (apply time of issuance + TTL, re-recorded when a certificate changes)', () => {
    expect(json.output.sentry_issuer_not_after.value).toMatch(/^\$\{timeadd\(terraform_data\.[\w-]+\.output\["issued_at"\], "8760h"\)\}$/);
    expect(json.output.sentry_root_ca_not_after.value).toMatch(/^\$\{timeadd\(terraform_data\.[\w-]+\.output\["issued_at"\], "87600h"\)\}$/);
    const issuedAt = Object.values(resources(json, 'terraform_data')).filter((r: any) => r.input?.issued_at);
    expect(issuedAt).toHaveLength(2);
    for (const r of issuedAt as any[]) {
      expect(r.input).toEqual({ issued_at: '${timestamp()}' });
      expect(r.lifecycle).toEqual({ ignore_changes: ['input'] });
      expect(r.triggers_replace.serial).toMatch(/\.serial_number\}$/);
    }
  });

  test('raising rotation replaces the issuer key: the CSR is replaced when the generation record changes', () => {
    const generation = Object.entries(resources(json, 'terraform_data')).find(([, r]: any) => r.input?.generation !== undefined)!;
    expect(generation[1]).toEqual({ input: { generation: 1 } });
    const csr = findResource(json, 'vault_pki_secret_backend_intermediate_cert_request');
    // The bare address, as Terraform's JSON syntax wants it (cdktf 0.21.0 alone would write "${…}").
    expect(csr.lifecycle.replace_triggered_by).toEqual([`terraform_data.${generation[0]}`]);
    const rotated = synthJson(bundle({ rotation: 2 }).stack);
    expect(Object.values(resources(rotated, 'terraform_data')).find((r: any) => r.input?.generation !== undefined)).toEqual({ input: { generation: 2 } });
  });
});

describe('SentryTrustBundle under an existing corporate root', () => {
  const { stack, ca } = bundle({
    rootCaSource: RootCaSource.EXISTING_MOUNT,
    rootMountPath: 'pki-corp-root',
    existingRootIssuerRef: 'corp-2030',
    rootTtl: Duration.days(1825),
    keyAlgorithm: CaKeyAlgorithm.RSA_2048,
  });
  const json = synthJson(stack);

  test('reads the root from the existing mount and does not manage it', () => {
    expect(resources(json, 'vault_pki_secret_backend_root_cert')).toEqual({});
    expect(Object.values(resources(json, 'vault_mount')).map((m: any) => m.path)).toEqual(['pki-dapr-prod-issuer']);
    const issuer = Object.values(json.data.vault_pki_secret_backend_issuer)[0] as any;
    expect(issuer).toEqual({ backend: 'pki-corp-root', issuer_ref: 'corp-2030' });
    expect(rendered(stack, ca.rootCertPem)).toMatch(/^\$\{data\.vault_pki_secret_backend_issuer\.[\w-]+\.certificate\}$/);
    const signed = findResource(json, 'vault_pki_secret_backend_root_sign_intermediate');
    expect(signed.backend).toBe('pki-corp-root');
    expect(signed.issuer_ref).toMatch(/^\$\{data\.vault_pki_secret_backend_issuer\.[\w-]+\.issuer_id\}$/);
    expect(findResource(json, 'vault_pki_secret_backend_intermediate_cert_request')).toMatchObject({ key_type: 'rsa', key_bits: 2048 });
    expect(json.output.sentry_root_ca_not_after).toBeUndefined();
    expect(json.output.sentry_issuer_not_after).toBeDefined();
  });
});

describe('SentryTrustBundle validation', () => {
  const errs = (o: Partial<SentryTrustBundleProps>) => errorsOf(bundle(o).stack);

  test('the default input is valid', () => {
    expect(errs({})).toEqual([]);
  });

  test('the issuer TTL must be strictly shorter than the root TTL', () => {
    expect(errs({ rootTtl: Duration.days(365), issuerTtl: Duration.days(365) })).toEqual([
      'issuerTtl 8760h is not shorter than the root\'s 8760h: Vault cannot sign an issuer that outlives its root. Use e.g. issuerTtl: Duration.days(365) under a 10-year root.',
    ]);
    expect(errs({ rootTtl: Duration.days(366), issuerTtl: Duration.days(365) })).toEqual([]);
  });

  test('an existing root needs its remaining validity, and takes no common name', () => {
    expect(errs({ rootCaSource: RootCaSource.EXISTING_MOUNT, rootCommonName: 'X' })).toEqual([
      `rootTtl is not set for the existing root mount 'pki-dapr-prod-root': state the root's remaining validity (e.g. Duration.days(1825)) so the issuer TTL can be checked against it.`,
      `rootCommonName 'X' is set but the root is an existing mount: drop rootCommonName (it only names a root this construct creates).`,
    ]);
    expect(errs({ existingRootIssuerRef: 'default' })).toEqual([
      `existingRootIssuerRef 'default' is set but the root is created here: drop it, or use rootCaSource: RootCaSource.EXISTING_MOUNT.`,
    ]);
  });

  test('mount paths must be valid and distinct', () => {
    expect(errs({ rootMountPath: '/pki/', issuerMountPath: '/pki/' })).toEqual([
      `rootMountPath '/pki/' is not a Vault mount path: use letters, digits, '-', '_' and inner '/', without leading or trailing '/', e.g. 'pki-dapr-prod'.`,
      `issuerMountPath '/pki/' is not a Vault mount path: use letters, digits, '-', '_' and inner '/', without leading or trailing '/', e.g. 'pki-dapr-prod'.`,
      `rootMountPath and issuerMountPath are both '/pki/': the issuer needs its own mount, e.g. '/pki/-issuer'.`,
    ]);
  });

  test('rotation is a generation number; the issuer must outlive workload certificates; outputs need a valid prefix', () => {
    expect(errs({ rotation: 0, issuerTtl: Duration.hours(12), outputPrefix: 'Sentry-CA' })).toEqual([
      'issuerTtl 12h is under 24h: Sentry signs 24h workload certificates with it; use at least Duration.days(30).',
      'rotation 0 is not a whole number >= 1: start at 1 and raise it by one to rotate the issuer.',
      `outputPrefix 'Sentry-CA' is not a valid output name prefix: use lowercase letters, digits and '_', e.g. 'sentry'.`,
    ]);
  });
});
