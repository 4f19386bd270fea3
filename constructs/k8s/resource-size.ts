import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28/lib/container';
import { parseQuantity } from '../model/quantity';

/** Props of {@link ResourceSize.custom}. */
export interface ResourceSizeProps {
  /** CPU request. */
  readonly cpuRequest: Cpu;
  /** Memory request. */
  readonly memoryRequest: Size;
  /**
   * CPU limit. Required in staging and prod.
   * @default - no limit
   */
  readonly cpuLimit?: Cpu;
  /**
   * Memory limit. Required in staging and prod.
   * @default - no limit
   */
  readonly memoryLimit?: Size;
}

/** CPU and memory requests and limits of a container (the app, or its daprd sidecar). */
export class ResourceSize {
  /** daprd of an ordinary service: Dapr's production guidance (100m/300m CPU, 250Mi/1000Mi memory). */
  public static readonly SIDECAR_DEFAULT = new ResourceSize(Cpu.millis(100), Size.mebibytes(250), Cpu.millis(300), Size.mebibytes(1000));
  /** daprd of an actor or workflow host: more memory for placement tables and reminders. */
  public static readonly SIDECAR_ACTOR_HOST = new ResourceSize(Cpu.millis(200), Size.mebibytes(512), Cpu.millis(500), Size.mebibytes(1536));
  /** A small app container. */
  public static readonly APP_SMALL = new ResourceSize(Cpu.millis(100), Size.mebibytes(128), Cpu.millis(500), Size.mebibytes(512));
  /** A medium app container. */
  public static readonly APP_MEDIUM = new ResourceSize(Cpu.millis(250), Size.mebibytes(512), Cpu.millis(1000), Size.mebibytes(1024));

  /** Explicit requests and limits. */
  public static custom(props: ResourceSizeProps): ResourceSize {
    return new ResourceSize(props.cpuRequest, props.memoryRequest, props.cpuLimit, props.memoryLimit);
  }

  private constructor(
    /** CPU request. */
    public readonly cpuRequest: Cpu,
    /** Memory request. */
    public readonly memoryRequest: Size,
    /** CPU limit, if any. */
    public readonly cpuLimit: Cpu | undefined,
    /** Memory limit, if any. */
    public readonly memoryLimit: Size | undefined,
  ) {}

  /** True if both limits are set. */
  public get hasLimits(): boolean {
    return this.cpuLimit !== undefined && this.memoryLimit !== undefined;
  }
}

/** A memory size as a Kubernetes quantity in whole MiB, e.g. `1000Mi`. */
export function memoryQuantity(size: Size): string {
  return `${Math.round(size.toMebibytes())}Mi`;
}

/** CPU as millicores. */
export function cpuMillis(cpu: Cpu): number {
  const cores = parseQuantity(cpu.amount);
  if (cores === undefined) throw new Error(`unparseable CPU amount '${cpu.amount}'`);
  return Math.round(cores * 1000);
}

/** `GOMEMLIMIT` for a container memory limit: 90% of it, in whole MiB (Go's own unit spelling). */
export function goMemLimit(memoryLimit: Size): string {
  return `${Math.floor(memoryLimit.toMebibytes() * 0.9)}MiB`;
}
