import { Token } from 'cdktf';

/**
 * A secret value as Terraform sees it: a reference to another resource's attribute (e.g. the
 * private key of a Vault PKI certificate request), never a literal typed into code. Constructs
 * that take a `TerraformSecret` pass it only to sensitive arguments (`set_sensitive`, Vault KV data)
 * and fail synth when it turns out to be a literal.
 *
 * The value still ends up in the Terraform state of the stack that references it: keep the
 * state backend encrypted.
 */
export class TerraformSecret {
  /**
   * Wraps a Terraform reference, e.g. `csr.privateKey`. Passing a literal string is not an error
   * here; the construct that consumes the secret reports it at synth (see `isReference`).
   */
  public static fromReference(reference: string): TerraformSecret {
    return new TerraformSecret(reference);
  }

  private constructor(private readonly reference: string) {}

  /** True if the value is a Terraform reference (`${...}`), false if it is a literal string. */
  public get isReference(): boolean {
    return Token.isUnresolved(this.reference);
  }

  /**
   * The reference, to hand to a sensitive Terraform argument. Do not log it or put it in a
   * non-sensitive argument.
   */
  public unwrap(): string {
    return this.reference;
  }

  /** Never prints the value. */
  public toString(): string {
    return this.isReference ? '<terraform secret reference>' : '<literal secret (rejected)>';
  }
}
