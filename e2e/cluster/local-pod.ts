/**
 * Runs one container of a Pod stored by the API server as a local process, doing for it what a kubelet
 * does and nothing more: its volumes are materialized from the API (Secrets, ConfigMaps, projected
 * service-account tokens bound to the pod through the TokenRequest API, downward API, emptyDir), its
 * environment is resolved from the pod spec, and its command runs with the args and env the pod gives it.
 *
 * What differs from a kubelet, and why:
 * - The binary is our build of the image's program (cached by e2e/bin/build.sh), run as a process.
 * - Volumes under /var/run (= /run) are presented in a private mount namespace (unshare -m) in which
 *   /run is a directory of the harness: the program reads the paths it reads in a pod, nothing on the
 *   host is touched. /etc/hosts in that namespace is the cluster's hosts file (service DNS names of the
 *   local processes -> 127.0.0.1).
 * - There is no pod network: listening ports that collide on loopback are moved to free ports with
 *   `argOverrides`, and the addresses of other services with `envOverrides` (each call site says which).
 * - The program runs as the user the pod's securityContext gives it (runAsUser/runAsGroup, or the
 *   image's non-root user), switched to with setpriv after the mounts.
 * - KUBERNETES_SERVICE_HOST/PORT point at the API server on 127.0.0.1 instead of the `kubernetes`
 *   Service's ClusterIP (which a kube-proxy would route to the same API server).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Kube, KubeObject } from './kube';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

export interface LocalPodOptions {
  readonly kube: Kube;
  /** The cluster state dir of e2e/cluster/start.sh (logs/, pids/, hosts). */
  readonly clusterDir: string;
  readonly apiServerPort: number;
  readonly pod: KubeObject;
  readonly container: string;
  /** The local build of the container's program. */
  readonly binary: string;
  /** Flags whose value is replaced (or added): `{ '--port': '41234' }`. */
  readonly argOverrides?: Record<string, string>;
  readonly envOverrides?: Record<string, string>;
  /** The name of the log and pid files. */
  readonly name: string;
  /**
   * The user the image runs as when the pod asks for runAsNonRoot without a runAsUser (the image's USER).
   * @default 65532 (the distroless `nonroot` user of Dapr's images)
   */
  readonly imageUser?: number;
}

export interface LocalPod {
  readonly pid: number;
  readonly log: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

function fieldRef(pod: Json, fieldPath: string): string {
  switch (fieldPath) {
    case 'metadata.namespace': return pod.metadata.namespace;
    case 'metadata.name': return pod.metadata.name;
    case 'metadata.uid': return pod.metadata.uid;
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName;
    case 'spec.nodeName': return 'e2e-local';
    case 'status.podIP': case 'status.hostIP': return '127.0.0.1';
    default: {
      const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
      if (m) return pod.metadata[m[1]]?.[m[2]] ?? '';
      throw new Error(`local pod ${pod.metadata.name}: fieldRef ${fieldPath} is not supported by the harness`);
    }
  }
}

function dataOf(kube: Kube, kind: 'secret' | 'configmap', name: string, namespace: string): Record<string, Buffer> {
  const obj = kube.tryGet(kind, name, namespace) as Json;
  if (!obj) throw new Error(`local pod: ${kind} ${namespace}/${name} does not exist (a kubelet would not start the pod)`);
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(obj.data ?? {})) out[k] = kind === 'secret' ? Buffer.from(v as string, 'base64') : Buffer.from(v as string);
  for (const [k, v] of Object.entries(obj.binaryData ?? {})) out[k] = Buffer.from(v as string, 'base64');
  return out;
}

function writeItems(dir: string, data: Record<string, Buffer>, items: ReadonlyArray<{ key: string; path: string }> | undefined): void {
  const list = items ?? Object.keys(data).map((key) => ({ key, path: key }));
  for (const { key, path: p } of list) {
    if (!(key in data)) throw new Error(`local pod: key ${key} missing`);
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), data[key]);
  }
}

/** Writes the content of one pod volume into `dir`, as the kubelet would mount it. */
function materializeVolume(kube: Kube, pod: Json, volume: Json, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const ns = pod.metadata.namespace;
  if (volume.secret) writeItems(dir, dataOf(kube, 'secret', volume.secret.secretName, ns), volume.secret.items);
  else if (volume.configMap) writeItems(dir, dataOf(kube, 'configmap', volume.configMap.name, ns), volume.configMap.items);
  else if (volume.emptyDir) { /* empty */ } else if (volume.projected) {
    for (const src of volume.projected.sources) {
      if (src.serviceAccountToken) {
        const sat = src.serviceAccountToken;
        const token = kube.podToken(pod, pod.spec.serviceAccountName ?? 'default', sat.expirationSeconds ?? 3600, sat.audience);
        fs.writeFileSync(path.join(dir, sat.path), token);
      } else if (src.configMap) writeItems(dir, dataOf(kube, 'configmap', src.configMap.name, ns), src.configMap.items);
      else if (src.secret) writeItems(dir, dataOf(kube, 'secret', src.secret.name, ns), src.secret.items);
      else if (src.downwardAPI) {
        for (const item of src.downwardAPI.items) fs.writeFileSync(path.join(dir, item.path), fieldRef(pod, item.fieldRef.fieldPath));
      } else throw new Error(`local pod ${pod.metadata.name}: projected source ${JSON.stringify(src)} is not supported`);
    }
  } else throw new Error(`local pod ${pod.metadata.name}: volume ${volume.name} of this type is not supported by the harness`);
}

/** Replaces the value of `--flag value` / `--flag=value` in args, or appends `--flag=value`. */
export function overrideArgs(args: readonly string[], overrides: Record<string, string>): string[] {
  const out = [...args];
  for (const [flag, value] of Object.entries(overrides)) {
    const i = out.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (i < 0) out.push(`${flag}=${value}`);
    else if (out[i] === flag) out[i + 1] = value;
    else out[i] = `${flag}=${value}`;
  }
  return out;
}

export function startLocalPod(o: LocalPodOptions): LocalPod {
  const pod = o.pod as Json;
  const c = pod.spec.containers.find((x: Json) => x.name === o.container);
  if (!c) throw new Error(`pod ${pod.metadata.namespace}/${pod.metadata.name} has no container ${o.container}`);
  // A reused control plane: stop the process this harness started there before (by its recorded pid).
  const pidFile = path.join(o.clusterDir, 'pids', o.name);
  if (fs.existsSync(pidFile)) {
    try { process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGTERM'); } catch { /* already gone */ }
  }
  const root = path.join(o.clusterDir, 'pods', o.name);
  const runTree = path.join(root, 'run');
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(runTree, { recursive: true });
  for (const m of c.volumeMounts ?? []) {
    const mp: string = m.mountPath.replace(/^\/var\/run\//, '/run/');
    if (!mp.startsWith('/run/')) throw new Error(`pod ${pod.metadata.name}: mount ${m.mountPath} outside /var/run is not supported by the harness`);
    const volume = pod.spec.volumes.find((v: Json) => v.name === m.name);
    materializeVolume(o.kube, pod, volume, path.join(runTree, mp.slice('/run/'.length)));
  }
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/nonexistent', HOSTNAME: pod.metadata.name,
    KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(o.apiServerPort),
  };
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.fieldRef) env[e.name] = fieldRef(pod, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.secretKeyRef) env[e.name] = dataOf(o.kube, 'secret', e.valueFrom.secretKeyRef.name, pod.metadata.namespace)[e.valueFrom.secretKeyRef.key].toString();
    else if (e.valueFrom?.configMapKeyRef) env[e.name] = dataOf(o.kube, 'configmap', e.valueFrom.configMapKeyRef.name, pod.metadata.namespace)[e.valueFrom.configMapKeyRef.key].toString();
    else env[e.name] = '';
  }
  Object.assign(env, o.envOverrides ?? {});
  const args = overrideArgs(c.args ?? [], o.argOverrides ?? {});
  const psc = pod.spec.securityContext ?? {};
  const csc = c.securityContext ?? {};
  const nonRoot = csc.runAsNonRoot ?? psc.runAsNonRoot ?? false;
  const uid: number = csc.runAsUser ?? psc.runAsUser ?? (nonRoot ? (o.imageUser ?? 65532) : 0);
  const gid: number = csc.runAsGroup ?? psc.runAsGroup ?? uid;
  fs.writeFileSync(path.join(runTree, '.program'), '');
  const log = path.join(o.clusterDir, 'logs', `${o.name}.log`);
  const fd = fs.openSync(log, 'a');
  const child = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c',
    'mount --bind "$1" /run && mount --bind "$2" /etc/hosts && mount --bind "$3" /run/.program && shift 3 && exec "$@"', 'sh',
    runTree, path.join(o.clusterDir, 'hosts'), o.binary,
    'setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', '/run/.program', ...args], { env, cwd: '/', stdio: ['ignore', fd, fd], detached: true });
  child.unref();
  fs.closeSync(fd);
  fs.writeFileSync(pidFile, String(child.pid));
  return { pid: child.pid!, log, args, env };
}
