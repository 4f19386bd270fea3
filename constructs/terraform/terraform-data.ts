import { AnyMap, TerraformMetaArguments, TerraformResource, anyToTerraform, hashMapper } from 'cdktf';
import { Construct } from 'constructs';

/** Config of {@link TerraformData}. */
export interface TerraformDataProps extends TerraformMetaArguments {
  /**
   * Stored in the state and mirrored in `output` after apply.
   * @default - none
   */
  readonly input?: { [key: string]: any };
  /**
   * Stored in the state; a change replaces the resource (re-running its provisioners).
   * @default - none
   */
  readonly triggersReplace?: { [key: string]: any };
}

/**
 * Terraform's built-in `terraform_data` resource (Terraform >= 1.4; no provider). Rendered like
 * cdktf's `DataResource`, but without its synth-time validation, which runs `terraform version` in a
 * child process for every instance: that made synth depend on a Terraform binary being installed and
 * cost ~45 ms per resource. The stacks here must synth with plain node and no Terraform binary.
 */
export class TerraformData extends TerraformResource {
  /** The `output` attribute (the applied `input`). */
  public readonly output: AnyMap;
  private readonly input?: { [key: string]: any };
  private readonly triggersReplace?: { [key: string]: any };

  public constructor(scope: Construct, id: string, config: TerraformDataProps = {}) {
    super(scope, id, {
      terraformResourceType: 'terraform_data',
      terraformGeneratorMetadata: { providerName: 'terraform' },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach,
    });
    this.output = new AnyMap(this, 'output');
    this.input = config.input;
    this.triggersReplace = config.triggersReplace;
  }

  /** The resource's arguments as Terraform JSON (`input`, `triggers_replace`). */
  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      input: hashMapper(anyToTerraform)(this.input),
      triggers_replace: hashMapper(anyToTerraform)(this.triggersReplace),
    };
  }
}
