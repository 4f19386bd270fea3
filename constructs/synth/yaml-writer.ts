import * as YAML from 'yaml';

/**
 * Writes one JSON document as YAML with exactly the bytes of
 * `YAML.stringify(document, { lineWidth: 0, aliasDuplicateObjects: false })`, several times
 * faster: manifests are JSON data (plain objects, arrays, strings, numbers, booleans, null), and
 * most of yaml's time goes into building a node tree and a context object per pair that this data
 * never needs. It follows yaml's own rules for that subset (block style, two-space indentation,
 * sequences indented under their key, `{}`/`[]` for empty collections, plain scalars unless yaml
 * would quote them, then single quotes around a double quote and double quotes otherwise) and
 * hands any document outside it to yaml itself: a string with a line break, a tab, a control
 * character, a document marker, both quote characters, or a backslash where it needs double
 * quotes; a key over 1,000 characters; a non-finite number or -0; `undefined` in an array; anything
 * that is not plain JSON data. test/yaml-writer.test.ts compares both on every
 * synthesized manifest and on generated hard cases.
 */
export function jsonToYaml(document: unknown, options: YAML.ToStringOptions & YAML.DocumentOptions & YAML.SchemaOptions & YAML.CreateNodeOptions): string {
  try {
    if (isPlainObject(document) || Array.isArray(document)) return `${collection(document, '', 0)}\n`;
  } catch (e) {
    if (e !== UNSUPPORTED) throw e;
  }
  return YAML.stringify(document, options);
}

/** Thrown inside the writer when yaml itself must write the document. */
const UNSUPPORTED = new Error('outside the JSON subset the YAML writer handles');
const MAX_DEPTH = 100;

/** Where yaml's plainString() refuses a plain scalar (its own pattern). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** Where yaml writes escapes, block scalars or a forced indent. */
const HANDLED_BY_YAML = /[\t\n\x00-\x08\x0b-\x1f\x7f-\x9f]|^(%|---|\.\.\.)|[\uD800-\uDFFF]/;

/** The tags of yaml's default (core) schema that would read a plain scalar as something else. */
const OTHER_TAGS = new YAML.Document(null).schema.tags.filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function str(s: string, key: boolean): string {
  // yaml writes keys over 1,024 characters as explicit keys (`? key`).
  if ((key && s.length > 1000) || HANDLED_BY_YAML.test(s)) throw UNSUPPORTED;
  if (!NOT_PLAIN.test(s) && !OTHER_TAGS.some((t) => t.test!.test(s))) return s;
  // yaml's quotedString(): single quotes when the string holds a double quote and no single one
  // (nothing to escape between single quotes then), else double quotes, with escapes for `"` and
  // `\` (left to yaml).
  const double = s.includes('"');
  const single = s.includes("'");
  if (double && !single) return `'${s}'`;
  if (double || s.includes('\\')) throw UNSUPPORTED;
  return `"${s}"`;
}

function scalar(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return str(v, false);
    case 'number':
      if (!Number.isFinite(v) || Object.is(v, -0)) throw UNSUPPORTED;
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      if (v === null) return 'null';
      throw UNSUPPORTED;
  }
}

const isCollection = (v: unknown): v is Record<string, unknown> | unknown[] => Array.isArray(v) || isPlainObject(v);

function isEmpty(v: Record<string, unknown> | unknown[]): boolean {
  if (Array.isArray(v)) return v.length === 0;
  for (const k in v) if (v[k] !== undefined) return false;
  return true;
}

/**
 * A block collection whose first line starts where the caller puts it and whose other lines are
 * indented by `indent` (yaml's stringifyBlockCollection).
 */
function collection(v: Record<string, unknown> | unknown[], indent: string, depth: number): string {
  if (depth > MAX_DEPTH) throw UNSUPPORTED;
  if (isEmpty(v)) return Array.isArray(v) ? '[]' : '{}';
  const inner = `${indent}  `;
  let out = '';
  if (Array.isArray(v)) {
    for (const item of v) {
      if (item === undefined) throw UNSUPPORTED;
      const s = isCollection(item) ? collection(item, inner, depth + 1) : scalar(item);
      out += out === '' ? `- ${s}` : `\n${indent}- ${s}`;
    }
    return out;
  }
  for (const key of Object.keys(v)) {
    const value = v[key];
    if (value === undefined) continue;
    let pair: string;
    if (isCollection(value) && !isEmpty(value)) pair = `${str(key, true)}:\n${inner}${collection(value, inner, depth + 1)}`;
    else pair = `${str(key, true)}: ${isCollection(value) ? (Array.isArray(value) ? '[]' : '{}') : scalar(value)}`;
    out += out === '' ? pair : `\n${indent}${pair}`;
  }
  return out;
}
