import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { checkNamespace } from '../model/names';

/** Props of {@link DefaultDenyNetworkPolicy}. */
export interface DefaultDenyNetworkPolicyProps {
  /**
   * The namespace to close.
   * @default - the enclosing chart's namespace
   */
  readonly namespace?: string;
  /**
   * The policy's name.
   * @default 'default-deny'
   */
  readonly name?: string;
}

/**
 * Denies all ingress and egress to every pod of a namespace; each DaprWorkload's own
 * NetworkPolicy then opens exactly what its graph needs.
 */
export class DefaultDenyNetworkPolicy extends Construct {
  /** The namespace it closes. */
  public readonly namespace: string;

  public constructor(scope: Construct, id: string, props: DefaultDenyNetworkPolicyProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? '';
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: props.name ?? 'default-deny', namespace: this.namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    this.node.addValidation({ validate: () => (this.namespace ? [checkNamespace(this.namespace)].filter((e): e is string => !!e) : ['default-deny NetworkPolicy has no namespace: pass one.']) });
  }
}
