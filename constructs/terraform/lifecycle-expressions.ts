import { IResolvable, IResolveContext, Lazy, TerraformResource, Token } from 'cdktf';

/*
 * Workarounds for two rendering defects of cdktf 0.21.0 in lifecycle blocks. Internal: not part of
 * the public API. Every Terraform-producing construct writes its lifecycle expressions through
 * these, and test/terraform/lifecycle-expressions.test.ts asserts the rendered text.
 *
 * 1. `Op.eq(x, false)` renders `(x == undefined)`: cdktf's OperatorExpression tests its right
 *    operand for truthiness (`this.right ? resolve(right) : undefined`), so `false`, `0` and `""`
 *    are dropped. Terraform has no `undefined`. {@link terraformLiteral} wraps the literal in a
 *    resolvable object (always truthy) that renders as the HCL literal.
 * 2. `lifecycle.replaceTriggeredBy: [resource]` renders `"${terraform_data.x}"`; Terraform's JSON
 *    syntax wants the bare address there (terraform-cdk issues #3196, #3532). cdktf passes strings
 *    through unchanged, so {@link bareAddress} gives the address as a plain string.
 */

/** A literal as an HCL expression operand (never dropped by cdktf's operator rendering). */
class TerraformLiteral implements IResolvable {
  public readonly creationStack: string[] = [];
  public constructor(private readonly hcl: string) {}
  public resolve(_context: IResolveContext): string {
    return this.hcl;
  }
  public toString(): string {
    return Token.asString(this);
  }
}

/** The boolean as an operand of `Op.*`: renders `true` / `false`. */
export function terraformBool(value: boolean): IResolvable {
  return new TerraformLiteral(value ? 'true' : 'false');
}

/** The number as an operand of `Op.*`: renders its decimal form (`0` included). */
export function terraformNumber(value: number): IResolvable {
  if (!Number.isFinite(value)) throw new Error(`terraformNumber: ${value} is not a finite number`);
  return new TerraformLiteral(String(value));
}

/** The string as an operand of `Op.*`: renders a quoted HCL string (`""` included), `${`/`%{` escaped. */
export function terraformString(value: string): IResolvable {
  if (Token.isUnresolved(value)) throw new Error('terraformString: pass a literal; a reference is an operand already');
  return new TerraformLiteral(JSON.stringify(value).replace(/\$\{/g, '$$${').replace(/%\{/g, '%%{'));
}

/**
 * The resource's address (`<type>.<logical id>`) as a plain string, for `replaceTriggeredBy`
 * (Terraform JSON wants `"terraform_data.x"`, not `"${terraform_data.x}"`). Lazy, so a later
 * `overrideLogicalId` is honoured.
 */
export function bareAddress(resource: TerraformResource): string {
  return Lazy.stringValue({ produce: () => `${resource.terraformResourceType}.${resource.friendlyUniqueId}` });
}
