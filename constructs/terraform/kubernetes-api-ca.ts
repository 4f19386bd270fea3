import { DataKubernetesConfigMapV1 } from '@cdktf/provider-kubernetes/lib/data-kubernetes-config-map-v1';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { checkNamespace } from '@dapr-platform/constructs/internal';

/** Options of {@link KubernetesApiCa.fromClusterRootCaConfigMap}. */
export interface ClusterRootCaConfigMapOptions {
  /**
   * Namespace whose `kube-root-ca.crt` ConfigMap is read (every namespace has one, published by
   * kube-controller-manager).
   * @default 'kube-system'
   */
  readonly namespace?: string;
}

/**
 * The CA Vault verifies the Kubernetes API server's TLS certificate with (`kubernetes_ca_cert` of
 * the Kubernetes auth config). Public data: a certificate, never a key.
 *
 * - {@link KubernetesApiCa.fromClusterRootCaConfigMap}: by reference, read at plan time by the
 *   kubernetes provider (already authenticated to the same cluster) from the `kube-root-ca.crt`
 *   ConfigMap, key `ca.crt`: the CA pods use to verify the API server. Right when Vault reaches the
 *   API server at an endpoint whose certificate that CA signed (kubeadm, EKS, GKE, AKS endpoints).
 * - {@link KubernetesApiCa.fromPem}: by value (or any Terraform reference), when Vault reaches the
 *   API server through an endpoint with another CA (e.g. a load balancer terminating TLS).
 */
export class KubernetesApiCa {
  /** The CA from the cluster's own `kube-root-ca.crt` ConfigMap (key `ca.crt`). */
  public static fromClusterRootCaConfigMap(options: ClusterRootCaConfigMapOptions = {}): KubernetesApiCa {
    return new KubernetesApiCa(undefined, options.namespace ?? 'kube-system');
  }

  /** The CA as PEM text (one or more certificates), or a Terraform reference to it. */
  public static fromPem(pem: string): KubernetesApiCa {
    return new KubernetesApiCa(pem, undefined);
  }

  private constructor(
    private readonly pem: string | undefined,
    private readonly configMapNamespace: string | undefined,
  ) {}

  /** Where the CA comes from, for messages. */
  public toString(): string {
    if (this.configMapNamespace !== undefined) return `ConfigMap ${this.configMapNamespace}/kube-root-ca.crt`;
    return Token.isUnresolved(this.pem) ? 'a Terraform reference' : 'a PEM literal';
  }

  /** @internal errors of this CA declaration (each names the value and the fix) */
  public _validate(): string[] {
    if (this.configMapNamespace !== undefined) {
      const e = checkNamespace(this.configMapNamespace);
      return e ? [`kubernetesCa: ${e}`] : [];
    }
    const pem = this.pem!;
    if (Token.isUnresolved(pem)) return [];
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0 || /PRIVATE KEY/.test(pem)) {
      const shown = pem.length > 40 ? `${pem.slice(0, 40)}…` : pem;
      return [
        `kubernetesCa '${shown.replace(/\n/g, '\\n')}' is not a PEM certificate: pass the API server's CA certificate(s) ('-----BEGIN CERTIFICATE-----' blocks, never a key), or use KubernetesApiCa.fromClusterRootCaConfigMap().`,
      ];
    }
    return [];
  }

  /** @internal the PEM expression, creating the ConfigMap data source in `scope` if needed */
  public _bind(scope: Construct, id: string): string {
    if (this.configMapNamespace === undefined) return this.pem!;
    const cm = new DataKubernetesConfigMapV1(scope, id, { metadata: { name: 'kube-root-ca.crt', namespace: this.configMapNamespace } });
    return cm.data.lookup('ca.crt');
  }
}
