/**
 * kubectl (our build at the control plane's version, e2e/bin/build.sh) against the harness's API
 * server: JSON reads, server-side apply, token requests. Always with an explicit --kubeconfig, never
 * the user's.
 */
import { execFileSync, spawnSync } from 'child_process';

/** A Kubernetes object as the API server returns it (only the fields the harness reads are typed). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly ownerReferences?: ReadonlyArray<{ readonly kind: string; readonly name: string }>;
  };
  readonly [key: string]: unknown;
}

export interface ApplyResult {
  readonly ok: boolean;
  readonly stdout: string;
  /** kubectl's stderr: errors, and the API server's warnings ("Warning: ...") */
  readonly stderr: string;
}

export class Kube {
  public constructor(public readonly kubeconfig: string, private readonly kubectl: string) {}

  public run(args: readonly string[], input?: string): ApplyResult {
    const r = spawnSync(this.kubectl, ['--kubeconfig', this.kubeconfig, ...args], {
      input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
    });
    return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  public must(args: readonly string[], input?: string): string {
    const r = this.run(args, input);
    if (!r.ok) throw new Error(`kubectl ${args.join(' ')} failed:\n${r.stderr}`);
    return r.stdout;
  }

  public getJson<T = KubeObject>(args: readonly string[]): T {
    return JSON.parse(this.must(['get', ...args, '-o', 'json'])) as T;
  }

  public list(kind: string, namespace?: string): KubeObject[] {
    const ns = namespace === undefined ? ['-A'] : ['-n', namespace];
    return this.getJson<{ items: KubeObject[] }>([kind, ...ns]).items;
  }

  public tryGet(kind: string, name: string, namespace?: string): KubeObject | undefined {
    const r = this.run(['get', kind, name, ...(namespace ? ['-n', namespace] : []), '-o', 'json']);
    return r.ok ? JSON.parse(r.stdout) as KubeObject : undefined;
  }

  /** kubectl apply --server-side of a multi-document YAML/JSON stream; unknown fields are errors (strict field validation). */
  public applyServerSide(manifest: string, fieldManager: string): ApplyResult {
    return this.run(['apply', '--server-side', '--force-conflicts', '--validate=strict', `--field-manager=${fieldManager}`, '-f', '-'], manifest);
  }

  /** A TokenRequest bound to a pod, as the kubelet makes for a projected serviceAccountToken volume. */
  public podToken(pod: KubeObject, serviceAccount: string, expirationSeconds: number, audience?: string): string {
    return this.must(['create', 'token', serviceAccount, '-n', pod.metadata.namespace!,
      '--bound-object-kind', 'Pod', '--bound-object-name', pod.metadata.name, '--bound-object-uid', pod.metadata.uid!,
      '--duration', `${expirationSeconds}s`, ...(audience ? ['--audience', audience] : [])]).trim();
  }
}

/** Runs a program, returning its stdout; throws with its stderr. */
export function runProgram(cmd: string, args: readonly string[], input?: string): string {
  return execFileSync(cmd, args as string[], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
}
