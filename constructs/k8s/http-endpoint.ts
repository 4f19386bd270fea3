import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { HttpEndpoint as HttpEndpointResource, HttpEndpointSpecClientTlsRenegotiation } from '../../imports/dapr.io';
import { checkCidr } from '../model/cidr';
import { IDaprApp } from '../model/dapr-app';
import { checkAppId, checkNamespace, checkObjectName } from '../model/names';
import { isStrict } from '../model/profile';
import { ISecretStore, SecretRef } from '../model/secret-ref';
import { isSensitiveHeaderName, isValidHeaderName } from '../model/sensitive-header';
import { DaprChart, DaprSettings } from './dapr-chart';
import { ComponentEndpoint, IDaprComponent } from './dapr-component';
import { clusterServiceNamespace } from './workload-network-policy';

/** One header daprd adds to every call through the endpoint: a plain value or a secret reference. */
export class HttpHeader {
  /**
   * A header with a plain value (in the manifest, in Git). Refused for credential-like names
   * (`Authorization`, `Cookie`, names containing `token`, `key`, `secret`, `auth`...): use `fromSecret`.
   */
  public static fromValue(name: string, value: string): HttpHeader {
    return new HttpHeader(name, value, undefined);
  }

  /** A header whose value daprd reads from a secret store when it loads the endpoint. */
  public static fromSecret(name: string, secretRef: SecretRef): HttpHeader {
    return new HttpHeader(name, undefined, secretRef);
  }

  private constructor(
    /** The header name. */
    public readonly name: string,
    /** The plain value; undefined for a secret. */
    public readonly value: string | undefined,
    /** The secret reference; undefined for a plain value. */
    public readonly secretRef: SecretRef | undefined,
  ) {}
}

/** TLS renegotiation the client allows (`spec.clientTLS.renegotiation`). */
export enum TlsRenegotiation {
  /** Never (Dapr's default). */
  NEVER = 'Never',
  /** Once per connection, as a client. */
  ONCE_AS_CLIENT = 'OnceAsClient',
  /** As often as the server asks. */
  FREELY_AS_CLIENT = 'FreelyAsClient',
}

/** Client TLS of an HTTP endpoint, every PEM by reference (`spec.clientTLS`). */
export interface HttpEndpointClientTls {
  /**
   * CA certificate(s) the endpoint's server certificate is verified against (PEM).
   * @default - the sidecar's system roots
   */
  readonly rootCa?: SecretRef;
  /**
   * Client certificate for mutual TLS (PEM); needs `privateKey`.
   * @default - no client certificate
   */
  readonly certificate?: SecretRef;
  /**
   * Private key of the client certificate (PEM); needs `certificate`.
   * @default - no client certificate
   */
  readonly privateKey?: SecretRef;
  /**
   * TLS renegotiation.
   * @default - Dapr's default, TlsRenegotiation.NEVER (not written)
   */
  readonly renegotiation?: TlsRenegotiation;
}

/** Props of {@link HttpEndpoint}. */
export interface HttpEndpointProps {
  /** The endpoint name (`metadata.name`): apps invoke `http://localhost:3500/v1.0/invoke/<name>/method/<path>`. */
  readonly name: string;
  /** The base URL calls go to (`spec.baseUrl`), `https://host[:port][/path]`. */
  readonly baseUrl: string;
  /**
   * Namespace of the endpoint.
   * @default - the enclosing chart's namespace; an error if there is none
   */
  readonly namespace?: string;
  /**
   * Headers daprd adds to every call; credential-like names only through `HttpHeader.fromSecret`.
   * @default - none
   */
  readonly headers?: HttpHeader[];
  /**
   * Client TLS (CA, client certificate and key), by reference.
   * @default - TLS with the sidecar's system roots for https, none for http
   */
  readonly clientTls?: HttpEndpointClientTls;
  /**
   * Apps allowed to call the endpoint; more join through `DaprWorkload.invokesEndpoint`.
   * @default - none yet; synth fails if the endpoint is still unscoped then
   */
  readonly scopes?: IDaprApp[];
  /**
   * The address ranges the endpoint's host resolves to, as the environment declares them: the
   * callers' NetworkPolicy egress goes to these (`ipBlock`) on the endpoint's port. Required in
   * staging and prod for a host outside the cluster.
   * @default - none: in dev the port is opened to any destination; an in-cluster host
   * (`<svc>.<ns>.svc...`) is reached through its namespace instead
   */
  readonly cidrs?: string[];
}

/**
 * A `dapr.io/v1alpha1` HTTPEndpoint: an HTTP service outside Dapr that apps call through their
 * sidecar by name (service invocation), with headers and client TLS held by the sidecar and
 * their secrets by reference only. `DaprWorkload.invokesEndpoint` scopes a caller to it and
 * opens exactly its egress.
 */
export class HttpEndpoint extends Construct {
  /** The endpoint name apps invoke (`metadata.name`). */
  public readonly endpointName: string;
  /** The namespace of the endpoint. */
  public readonly namespace: string;
  /** The base URL. */
  public readonly baseUrl: string;
  /** The declared address ranges of the host, sorted. */
  public readonly cidrs: string[];
  /** The rendered HTTPEndpoint (escape hatch). */
  public readonly apiObject: ApiObject;
  private readonly props: HttpEndpointProps;
  private readonly settings: DaprSettings;
  private readonly scopeSet = new Map<string, IDaprApp>();

  public constructor(scope: Construct, id: string, props: HttpEndpointProps) {
    super(scope, id);
    this.props = props;
    this.endpointName = props.name;
    this.baseUrl = props.baseUrl;
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? '';
    this.cidrs = [...(props.cidrs ?? [])].sort();
    this.settings = DaprChart.settingsOf(this);
    const ref = (r: SecretRef | undefined) => (r ? { secretKeyRef: { name: r.secretName, key: r.key } } : undefined);
    const tls = props.clientTls;
    this.apiObject = new HttpEndpointResource(this, 'Resource', {
      metadata: { name: this.endpointName, namespace: this.namespace },
      auth: Lazy.any({ produce: () => this.authBlock() }),
      scopes: Lazy.any({ produce: () => this.scopes }),
      spec: {
        baseUrl: props.baseUrl,
        headers: props.headers?.length
          ? props.headers.map((h) => (h.secretRef ? { name: h.name, ...ref(h.secretRef) } : { name: h.name, value: h.value }))
          : undefined,
        clientTls: tls
          ? { rootCa: ref(tls.rootCa), certificate: ref(tls.certificate), privateKey: ref(tls.privateKey), renegotiation: tls.renegotiation as unknown as HttpEndpointSpecClientTlsRenegotiation | undefined }
          : undefined,
      },
    });
    this.node.addValidation({ validate: () => this.validate() });
    (props.scopes ?? []).forEach((a) => this.addScope(a));
  }

  /** The app-ids allowed to call the endpoint, sorted. */
  public get scopes(): string[] {
    return [...this.scopeSet.keys()].sort();
  }

  /** The secrets daprd reads when it loads the endpoint (headers, then client TLS). */
  public get secretRefs(): SecretRef[] {
    const tls = this.props.clientTls;
    const refs = [...(this.props.headers ?? []).map((h) => h.secretRef), tls?.rootCa, tls?.certificate, tls?.privateKey];
    return refs.filter((r): r is SecretRef => r !== undefined);
  }

  /** Where calls go: the base URL's host and port (443 for https, 80 for http unless given); none if the URL is malformed. */
  public get endpoints(): ComponentEndpoint[] {
    const url = parseBaseUrl(this.baseUrl);
    return url ? [{ host: url.host, port: url.port }] : [];
  }

  /** The namespace of the host if it is an in-cluster service (`<svc>.<ns>.svc...`), else undefined. */
  public get inClusterNamespace(): string | undefined {
    const url = parseBaseUrl(this.baseUrl);
    return url ? clusterServiceNamespace(url.host) : undefined;
  }

  /** Scopes an app to the endpoint, and to the secret store its secrets come from. */
  public addScope(app: IDaprApp): void {
    this.scopeSet.set(app.appId, app);
    for (const r of this.secretRefs) {
      const store = r.store as (ISecretStore & Partial<IDaprComponent>) | undefined;
      if (store && typeof store.addScope === 'function') store.addScope(app);
    }
  }

  private authBlock(): { secretStore: string } | undefined {
    const stores = [...new Set(this.secretRefs.map((r) => r.storeName))];
    return stores.length === 1 && stores[0] !== 'kubernetes' ? { secretStore: stores[0] } : undefined;
  }

  private validate(): string[] {
    const errors: string[] = [];
    const what = `HTTPEndpoint '${this.endpointName}'`;
    const profile = this.settings.profile;
    const nameError = checkObjectName('HTTPEndpoint name', this.endpointName);
    if (nameError) errors.push(`${what}: ${nameError}`);
    if (!this.namespace) errors.push(`${what} has no namespace: pass 'namespace' or create it inside a chart that sets one.`);
    else {
      const nsError = checkNamespace(this.namespace);
      if (nsError) errors.push(`${what}: ${nsError}`);
    }

    const url = parseBaseUrl(this.baseUrl);
    if (!url) {
      errors.push(`${what}: baseUrl '${this.baseUrl}' is not an http(s) URL with a host: write e.g. 'https://api.example.com/v1'.`);
    } else if (url.hasCredentials) {
      errors.push(`${what}: baseUrl carries a user name or password (it would sit in the manifest and in Git): remove it and send the credential in a header, HttpHeader.fromSecret('Authorization', ...).`);
    } else if (url.scheme === 'http' && isStrict(profile) && !clusterServiceNamespace(url.host)) {
      errors.push(`${what}: baseUrl '${this.baseUrl}' is plain http to a host outside the cluster in a ${profile} environment: use https.`);
    }

    const apps = [...this.scopeSet.values()];
    if (apps.length === 0) {
      errors.push(
        `${what} has no scopes, so every app in namespace '${this.namespace}' could call it with its headers: ` +
          `scope it to its callers (workload.invokesEndpoint(endpoint), or the 'scopes' prop).`,
      );
    }
    for (const app of apps) {
      const idError = checkAppId(app.appId);
      if (idError) errors.push(`${what}: scope: ${idError}`);
      if (app.namespace !== this.namespace) {
        errors.push(
          `${what} in namespace '${this.namespace}' is scoped to app '${app.appId}' of namespace '${app.namespace}': ` +
            `daprd loads HTTPEndpoints only from its own namespace; declare an HttpEndpoint in '${app.namespace}' for it.`,
        );
      }
    }

    const seen = new Set<string>();
    for (const h of this.props.headers ?? []) {
      const lower = h.name.toLowerCase();
      if (seen.has(lower)) errors.push(`${what}: header '${h.name}' is set twice; set it once.`);
      seen.add(lower);
      if (!isValidHeaderName(h.name)) errors.push(`${what}: '${h.name}' is not a valid HTTP header name: use letters, digits and '-'.`);
      if (h.value !== undefined && isSensitiveHeaderName(h.name)) {
        errors.push(
          `${what}: header '${h.name}' carries a credential and was given as a plain value (it would sit in the manifest and in Git): ` +
            `use HttpHeader.fromSecret('${h.name}', store.secret(<name>, <key>)).`,
        );
      }
    }

    const tls = this.props.clientTls;
    if (tls && (tls.certificate === undefined) !== (tls.privateKey === undefined)) {
      errors.push(`${what}: clientTls has ${tls.certificate ? 'a certificate without its privateKey' : 'a privateKey without its certificate'}: give both for mutual TLS, or neither.`);
    }

    const refs = this.secretRefs;
    const stores = [...new Set(refs.map((r) => r.storeName))];
    if (stores.length > 1) {
      errors.push(`${what} reads secrets from several stores (${stores.join(', ')}); an HTTPEndpoint has one 'auth.secretStore': take all of its secret references from one store.`);
    }
    for (const r of refs) {
      if (!r.secretName || !r.key) errors.push(`${what}: secret reference '${r}' needs both a secret name and a key.`);
      if (r.store && r.store.namespace !== this.namespace) {
        errors.push(
          `${what} reads '${r}' from secret store '${r.store.componentName}' in namespace '${r.store.namespace}': ` +
            `daprd resolves an HTTPEndpoint's secrets only through a store in its own namespace '${this.namespace}'.`,
        );
      }
    }

    for (const c of this.cidrs) {
      const e = checkCidr(c);
      if (e) errors.push(`${what}: cidrs: ${e}`);
    }
    if (url && this.cidrs.length === 0 && isStrict(profile) && !clusterServiceNamespace(url.host)) {
      errors.push(
        `${what}: host '${url.host}' is outside the cluster and no 'cidrs' are declared, so its callers' egress would open port ${url.port} to every destination in a ${profile} environment: ` +
          `pass the address ranges the host resolves to as 'cidrs' (e.g. the provider's published ranges).`,
      );
    }
    return errors;
  }
}

/** Scheme, host and port of an http(s) base URL; undefined if it is not one. */
export function parseBaseUrl(baseUrl: string): { scheme: 'http' | 'https'; host: string; port: number; hasCredentials: boolean } | undefined {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname) return undefined;
  const scheme = u.protocol === 'https:' ? 'https' : 'http';
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return { scheme, host, port: u.port ? Number(u.port) : scheme === 'https' ? 443 : 80, hasCredentials: Boolean(u.username || u.password) };
}
