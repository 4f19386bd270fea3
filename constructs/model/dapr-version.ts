import {
  BINDINGS_DAPR_VERSION,
  REFERENCE_DATA,
  REFERENCE_VERSIONS,
  ReferenceComponentSpec,
  ReferenceMetadataField,
} from '../../imports/dapr-reference-data';

/**
 * A Dapr release we hold reference data for. Every check (component metadata keys, sidecar
 * annotations, Helm chart values) reads the data of the pinned version.
 */
export class DaprVersion {
  /** Dapr 1.16.19, for clusters not yet upgraded. */
  public static readonly V1_16_19 = DaprVersion.of('1.16.19');
  /** Dapr 1.17.13, the 1.17 release a 1.16 cluster upgrades through on its way to 1.18 (Dapr supports upgrades one minor version at a time). */
  public static readonly V1_17_13 = DaprVersion.of('1.17.13');
  /** Dapr 1.18.3. */
  public static readonly V1_18_3 = DaprVersion.of('1.18.3');
  /** The newest version we hold reference data for (the one `imports/` was generated from). */
  public static readonly LATEST = DaprVersion.of(BINDINGS_DAPR_VERSION);

  /** Every version we hold reference data for, oldest first. */
  public static supported(): DaprVersion[] {
    return REFERENCE_VERSIONS.map((v) => DaprVersion.of(v));
  }

  /**
   * A version by its number.
   * @throws if we hold no reference data for it
   */
  public static of(version: string): DaprVersion {
    if (!REFERENCE_DATA[version]) {
      throw new Error(
        `Dapr version '${version}' is not supported: no reference data for it. ` +
          `Pin one of ${REFERENCE_VERSIONS.join(', ')}, or add its data to ../shared/dapr-reference and run 'npm run import'.`,
      );
    }
    return new DaprVersion(version);
  }

  private constructor(
    /** The version number, e.g. `1.18.3`. */
    public readonly version: string,
  ) {}

  /** `major.minor`, e.g. `1.18`. */
  public get minor(): string {
    return this.version.split('.').slice(0, 2).join('.');
  }

  /** True if this version is at least `other`. */
  public isAtLeast(other: DaprVersion): boolean {
    const a = this.version.split('.').map(Number);
    const b = other.version.split('.').map(Number);
    for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
    return true;
  }

  /** Every `dapr.io/*` pod annotation key the sidecar injector of this version reads. */
  public get annotationKeys(): string[] {
    return [...REFERENCE_DATA[this.version].annotations];
  }

  /** True if the sidecar injector of this version reads the annotation. */
  public hasAnnotation(key: string): boolean {
    return REFERENCE_DATA[this.version].annotations.includes(key);
  }

  /** Every key path in the Helm chart's values files of this version, with its kind (`map` = free-form below). */
  public get chartValuePaths(): Record<string, string> {
    return { ...REFERENCE_DATA[this.version].chartValues };
  }

  /**
   * The component metadata spec of this version for a type (`state.redis`) and component version (`v1`).
   * Shared reference data: read it, never modify it.
   */
  public componentSpec(type: string, componentVersion: string): ComponentMetadataSpec | undefined {
    // The generated data is typed with readonly arrays, which jsii cannot expose; same object.
    return REFERENCE_DATA[this.version].components[`${type}/${componentVersion}`] as ComponentMetadataSpec | undefined;
  }

  /** The `<type>/<version>` keys of every component metadata spec held for this version, sorted (e.g. `state.redis/v1`). */
  public get componentSpecKeys(): string[] {
    return Object.keys(REFERENCE_DATA[this.version].components).sort();
  }

  /** The dapr/components-contrib tag this Dapr release builds with (from its PROVENANCE.md), e.g. `v1.18.4`. */
  public get componentsContribTag(): string {
    return /@(v[^ ]+)/.exec(REFERENCE_DATA[this.version].source.componentsContrib)?.[1] ?? 'unknown';
  }

  /**
   * What to do when this version holds no metadata spec for a component type and version: the
   * versions that have it, and how to add it to the reference data (`npm run import`).
   */
  public missingComponentSpecFix(type: string, componentVersion: string): string {
    const key = `${type}/${componentVersion}`;
    const others = DaprVersion.supported().filter((v) => v.version !== this.version && v.componentSpecKeys.includes(key));
    const upstream = `${type.replace(/\./g, '/')}/${componentVersion === 'v1' ? '[v1/]' : `${componentVersion}/`}metadata.yaml`;
    const file = `${type}${componentVersion === 'v1' ? '' : `.${componentVersion}`}.metadata.yaml`;
    const tag = this.componentsContribTag;
    return (
      (others.length > 0 ? `Dapr ${others.map((v) => v.version).join(', ')} ${others.length === 1 ? 'has' : 'have'} it: pin that version, or add it for ${this.version}: ` : 'add it: ') +
      `put dapr/components-contrib@${tag}:${upstream} (e.g. from \`go mod download -json github.com/dapr/components-contrib@${tag}\`) ` +
      `into ../shared/dapr-reference/${this.version}/component-metadata/${file}, add its row (upstream path, sha256) to PROVENANCE.md there, ` +
      `and run \`npm run import\` (README, "How to add a component"). Specs held for Dapr ${this.version}: ${this.componentSpecKeys.join(', ')}.`
    );
  }

  /** The kinds of Dapr CRDs this version ships. */
  public get crdKinds(): string[] {
    return REFERENCE_DATA[this.version].crds.map((c) => c.kind);
  }

  /** The CRD files of this version's chart (`charts/dapr/crds/<file>` in the dapr/dapr repository at tag `v<version>`). */
  public get crdFiles(): string[] {
    return REFERENCE_DATA[this.version].crds.map((c) => c.file);
  }

  /** The version number, e.g. `1.18.3`. */
  public toString(): string {
    return this.version;
  }
}

export type { ReferenceComponentSpec, ReferenceMetadataField };

/** One metadata field of a component, as the component's spec in a Dapr release declares it. */
export interface MetadataFieldSpec {
  /** True if the component refuses to start without it. */
  readonly required: boolean;
  /** True if it holds a secret (so it must be given as a secret reference). */
  readonly sensitive: boolean;
  /** The declared value type, e.g. `string`, `bool`, `number`, `duration`. */
  readonly type: string;
  /** The values it accepts; empty for any. */
  readonly allowedValues: string[];
  /** Where the spec declares it: `metadata`, or the auth profile, e.g. `builtin profile: aws`. */
  readonly where: string;
}

/** The metadata spec of one component type and version (e.g. `state.redis` `v1`) in a Dapr release. */
export interface ComponentMetadataSpec {
  /** The component type, e.g. `state.redis`. */
  readonly type: string;
  /** The component version, e.g. `v1`. */
  readonly version: string;
  /** The features the component declares, e.g. `crud`, `etag`, `actorStateStore`. */
  readonly capabilities: string[];
  /** Its metadata fields, by exact name. */
  readonly fields: { [name: string]: MetadataFieldSpec };
}
