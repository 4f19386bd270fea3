import { DataVaultPkiSecretBackendIssuer } from '@cdktf/provider-vault/lib/data-vault-pki-secret-backend-issuer';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { PkiSecretBackendIntermediateCertRequest } from '@cdktf/provider-vault/lib/pki-secret-backend-intermediate-cert-request';
import { PkiSecretBackendIntermediateSetSigned } from '@cdktf/provider-vault/lib/pki-secret-backend-intermediate-set-signed';
import { PkiSecretBackendRootCert } from '@cdktf/provider-vault/lib/pki-secret-backend-root-cert';
import { PkiSecretBackendRootSignIntermediate } from '@cdktf/provider-vault/lib/pki-secret-backend-root-sign-intermediate';
import { Duration } from 'cdk8s';
import { Fn, TerraformOutput, Token } from 'cdktf';
import { Construct } from 'constructs';
import { goDuration } from '@dapr-platform/constructs/internal';
import { checkMountPath } from './checks';
import { bareAddress } from './lifecycle-expressions';
import { TerraformSecret } from './terraform-secret';
import { TerraformData } from './terraform-data';

/**
 * The certificate authority Dapr Sentry signs workload certificates with, as Helm takes it
 * (`dapr_sentry.tls.root.certPEM`, `dapr_sentry.tls.issuer.certPEM`, `dapr_sentry.tls.issuer.keyPEM`).
 * {@link SentryTrustBundle} implements it.
 */
export interface ISentryCa {
  /** PEM of the trust anchor(s): a self-signed root certificate. Public. */
  readonly rootCertPem: string;
  /** PEM of the issuer certificate (signed by the root). Public. */
  readonly issuerCertPem: string;
  /** PEM of the issuer's private key: a Terraform reference, never a literal. */
  readonly issuerKeyPem: TerraformSecret;
}

/** Where the root CA comes from. */
export enum RootCaSource {
  /** This construct creates a PKI mount with an internal (non-exportable) root key. */
  CREATE = 'create',
  /** An existing PKI mount (e.g. the corporate root) signs the issuer; this construct does not manage it. */
  EXISTING_MOUNT = 'existing-mount',
}

/** Key algorithm of the CA keys. */
export class CaKeyAlgorithm {
  /** ECDSA on P-256 (what Sentry itself generated up to 1.16). */
  public static readonly EC_P256 = new CaKeyAlgorithm('ec', 256);
  /** ECDSA on P-384. */
  public static readonly EC_P384 = new CaKeyAlgorithm('ec', 384);
  /** RSA 2048. */
  public static readonly RSA_2048 = new CaKeyAlgorithm('rsa', 2048);
  /** RSA 4096. */
  public static readonly RSA_4096 = new CaKeyAlgorithm('rsa', 4096);

  private constructor(
    /** Vault `key_type`. */
    public readonly keyType: string,
    /** Vault `key_bits`. */
    public readonly keyBits: number,
  ) {}
}

/** Props of {@link SentryTrustBundle}. */
export interface SentryTrustBundleProps {
  /** The control plane's trust domain (`MtlsPolicy.controlPlaneTrustDomain`); names the certificates. */
  readonly trustDomain: string;
  /**
   * Whether to create the root CA or use an existing PKI mount.
   * @default RootCaSource.CREATE
   */
  readonly rootCaSource?: RootCaSource;
  /** Path of the root PKI mount: created here (`CREATE`) or existing (`EXISTING_MOUNT`). */
  readonly rootMountPath: string;
  /**
   * Issuer reference of the existing root inside its mount (only with `EXISTING_MOUNT`).
   * @default 'default'
   */
  readonly existingRootIssuerRef?: string;
  /**
   * Common name of the created root (only with `CREATE`).
   * @default `Dapr root CA (<trustDomain>)`
   */
  readonly rootCommonName?: string;
  /**
   * Lifetime of the created root; with `EXISTING_MOUNT`, the remaining validity of the existing
   * root (required then: the issuer TTL is checked against it).
   * @default Duration.days(3650) with CREATE; no default with EXISTING_MOUNT
   */
  readonly rootTtl?: Duration;
  /** Path of the issuer (intermediate) PKI mount created here. */
  readonly issuerMountPath: string;
  /**
   * Common name of the issuer certificate.
   * @default `Dapr Sentry issuer (<trustDomain>)`
   */
  readonly issuerCommonName?: string;
  /**
   * Lifetime of the issuer certificate; must be strictly shorter than the root's.
   * @default Duration.days(365)
   */
  readonly issuerTtl?: Duration;
  /**
   * Generation of the issuer. Raising it (1 → 2) forces a new issuer key and certificate, signed by
   * the same root (trust anchors unchanged). See docs/control-plane.md, "Rotating the issuer".
   * @default 1
   */
  readonly rotation?: number;
  /**
   * Key algorithm of the created root and of the issuer.
   * @default CaKeyAlgorithm.EC_P256
   */
  readonly keyAlgorithm?: CaKeyAlgorithm;
  /**
   * Organization (O) written into the certificates.
   * @default - none
   */
  readonly organization?: string;
  /**
   * Prefix of the Terraform output names (`<prefix>_issuer_not_after`, `<prefix>_root_ca_not_after`).
   * @default 'sentry'
   */
  readonly outputPrefix?: string;
  /**
   * Set Terraform's `prevent_destroy` on the PKI mounts (use it in prod).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * Bring-your-own CA for Dapr Sentry from Vault PKI: a root (created here with an internal key, or
 * an existing corporate root mount), and an intermediate mount whose CSR uses `type: exported` so
 * the issuer private key can be handed to Sentry. Exposes the three PEMs for {@link DaprControlPlane}
 * and Terraform outputs with the certificates' expiry.
 *
 * **The Terraform state holds the issuer private key** (the exported CSR's `private_key`, and the
 * Helm release's `set_sensitive` values). The state backend of a stack using this construct must be
 * encrypted and access-controlled like the key itself.
 *
 * The expiry outputs are computed as apply time of the issuance + TTL (Terraform cannot parse a
 * certificate); Vault caps a certificate at its signer's expiry, so they are upper bounds accurate to
 * the duration of the apply.
 */
export class SentryTrustBundle extends Construct implements ISentryCa {
  public readonly rootCertPem: string;
  public readonly issuerCertPem: string;
  public readonly issuerKeyPem: TerraformSecret;
  /** The issuer PKI mount. */
  public readonly issuerMount: Mount;
  /** The root PKI mount, if this construct created it. */
  public readonly rootMount?: Mount;
  /** The issuer certificate (signed by the root). */
  public readonly issuerCertificate: PkiSecretBackendRootSignIntermediate;
  /** The issuer generation declared (`rotation`). */
  public readonly rotation: number;

  public constructor(scope: Construct, id: string, props: SentryTrustBundleProps) {
    super(scope, id);
    const source = props.rootCaSource ?? RootCaSource.CREATE;
    const create = source === RootCaSource.CREATE;
    const rootTtl = props.rootTtl ?? (create ? Duration.days(3650) : undefined);
    const issuerTtl = props.issuerTtl ?? Duration.days(365);
    const rotation = props.rotation ?? 1;
    this.rotation = rotation;
    const algorithm = props.keyAlgorithm ?? CaKeyAlgorithm.EC_P256;
    const prefix = props.outputPrefix ?? 'sentry';
    const lifecycle = props.preventDestroy ? { preventDestroy: true } : undefined;

    this.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        for (const [what, p] of [
          ['rootMountPath', props.rootMountPath],
          ['issuerMountPath', props.issuerMountPath],
        ] as const) {
          const e = checkMountPath(what, p);
          if (e) errors.push(e);
        }
        if (props.rootMountPath === props.issuerMountPath) {
          errors.push(
            `rootMountPath and issuerMountPath are both '${props.rootMountPath}': the issuer needs its own mount, e.g. '${props.rootMountPath}-issuer'.`,
          );
        }
        if (!create && props.rootTtl === undefined) {
          errors.push(
            `rootTtl is not set for the existing root mount '${props.rootMountPath}': state the root's remaining validity (e.g. Duration.days(1825)) so the issuer TTL can be checked against it.`,
          );
        }
        if (!create && props.rootCommonName !== undefined) {
          errors.push(
            `rootCommonName '${props.rootCommonName}' is set but the root is an existing mount: drop rootCommonName (it only names a root this construct creates).`,
          );
        }
        if (create && props.existingRootIssuerRef !== undefined) {
          errors.push(
            `existingRootIssuerRef '${props.existingRootIssuerRef}' is set but the root is created here: drop it, or use rootCaSource: RootCaSource.EXISTING_MOUNT.`,
          );
        }
        if (rootTtl && issuerTtl.toSeconds() >= rootTtl.toSeconds()) {
          errors.push(
            `issuerTtl ${goDuration(issuerTtl)} is not shorter than the root's ${goDuration(rootTtl)}: Vault cannot sign an issuer that outlives its root. Use e.g. issuerTtl: Duration.days(365) under a 10-year root.`,
          );
        }
        if (issuerTtl.toSeconds() < 24 * 3600) {
          errors.push(`issuerTtl ${goDuration(issuerTtl)} is under 24h: Sentry signs 24h workload certificates with it; use at least Duration.days(30).`);
        }
        if (!Number.isInteger(rotation) || rotation < 1) {
          errors.push(`rotation ${rotation} is not a whole number >= 1: start at 1 and raise it by one to rotate the issuer.`);
        }
        if (!/^[a-z][a-z0-9_]*$/.test(prefix)) {
          errors.push(`outputPrefix '${prefix}' is not a valid output name prefix: use lowercase letters, digits and '_', e.g. 'sentry'.`);
        }
        return errors;
      },
    });

    const keyBits = algorithm.keyBits;
    let rootIssuerRef: string;
    let rootCert: PkiSecretBackendRootCert | undefined;
    if (create) {
      this.rootMount = new Mount(this, 'root-mount', {
        path: props.rootMountPath,
        type: 'pki',
        description: `Dapr Sentry root CA (${props.trustDomain}); managed by dapr-platform`,
        maxLeaseTtlSeconds: rootTtl!.toSeconds(),
        lifecycle,
      });
      rootCert = new PkiSecretBackendRootCert(this, 'root-cert', {
        backend: this.rootMount.path,
        type: 'internal',
        commonName: props.rootCommonName ?? `Dapr root CA (${props.trustDomain})`,
        organization: props.organization,
        ttl: goDuration(rootTtl!),
        keyType: algorithm.keyType,
        keyBits,
        issuerName: 'dapr-root',
        maxPathLength: 1,
        excludeCnFromSans: true,
      });
      this.rootCertPem = rootCert.certificate;
      rootIssuerRef = rootCert.issuerId;
    } else {
      const existing = new DataVaultPkiSecretBackendIssuer(this, 'existing-root', {
        backend: props.rootMountPath,
        issuerRef: props.existingRootIssuerRef ?? 'default',
      });
      this.rootCertPem = existing.certificate;
      rootIssuerRef = existing.issuerId;
    }

    this.issuerMount = new Mount(this, 'issuer-mount', {
      path: props.issuerMountPath,
      type: 'pki',
      description: `Dapr Sentry issuer (${props.trustDomain}); key exported to Sentry; managed by dapr-platform`,
      maxLeaseTtlSeconds: issuerTtl.toSeconds(),
      lifecycle,
    });

    // Raising `rotation` changes this record, which replaces the CSR (new key), hence the signed
    // certificate and its import.
    const generation = new TerraformData(this, 'issuer-generation', { input: { generation: rotation } });
    const issuerCommonName = props.issuerCommonName ?? `Dapr Sentry issuer (${props.trustDomain})`;
    const csr = new PkiSecretBackendIntermediateCertRequest(this, 'issuer-csr', {
      backend: this.issuerMount.path,
      type: 'exported',
      commonName: issuerCommonName,
      organization: props.organization,
      keyType: algorithm.keyType,
      keyBits,
      privateKeyFormat: 'pkcs8',
      lifecycle: { replaceTriggeredBy: [bareAddress(generation)] },
    });
    this.issuerCertificate = new PkiSecretBackendRootSignIntermediate(this, 'issuer-cert', {
      backend: this.rootMount?.path ?? props.rootMountPath,
      issuerRef: rootIssuerRef,
      csr: csr.csr,
      commonName: issuerCommonName,
      organization: props.organization,
      ttl: goDuration(issuerTtl),
      maxPathLength: 0,
      excludeCnFromSans: true,
    });
    const imported = new PkiSecretBackendIntermediateSetSigned(this, 'issuer-import', {
      backend: this.issuerMount.path,
      certificate: this.issuerCertificate.certificate,
    });
    this.issuerCertPem = imported.certificate;
    this.issuerKeyPem = TerraformSecret.fromReference(csr.privateKey);

    const issuedAt = (what: string, serial: string) =>
      new TerraformData(this, `${what}-issued-at`, {
        input: { issued_at: Fn.timestamp() },
        triggersReplace: { serial },
        lifecycle: { ignoreChanges: ['input'] },
      });
    const issuerIssued = issuedAt('issuer', this.issuerCertificate.serialNumber);
    new TerraformOutput(this, 'issuer-not-after', {
      value: Fn.timeadd(Token.asString(issuerIssued.output.lookup('issued_at')), goDuration(issuerTtl)),
      description: `Expiry (RFC 3339, upper bound) of the Dapr Sentry issuer certificate in ${props.issuerMountPath}; rotate before it (raise 'rotation').`,
    }).overrideLogicalId(`${prefix}_issuer_not_after`);
    if (rootCert) {
      const rootIssued = issuedAt('root', rootCert.serialNumber);
      new TerraformOutput(this, 'root-not-after', {
        value: Fn.timeadd(Token.asString(rootIssued.output.lookup('issued_at')), goDuration(rootTtl!)),
        description: `Expiry (RFC 3339, upper bound) of the Dapr root CA in ${props.rootMountPath} (the trust anchor).`,
      }).overrideLogicalId(`${prefix}_root_ca_not_after`);
    }
  }
}
