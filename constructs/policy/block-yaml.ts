/**
 * A reader for the block-style YAML that `yaml.stringify` writes for JSON data (what our constructs
 * put in a `helm_release`'s `values`), returning exactly what `yaml.parse` returns for it, or
 * `undefined` when the text holds anything outside that subset: the caller then parses it with yaml
 * itself, which also reports the errors. Reading a few kilobytes of values with yaml's full parser
 * (lexer, CST, document composer, its first run in every process) cost ~15 ms of each synth.
 *
 * Handled: block mappings and sequences indented with spaces (a sequence under its key or at the
 * key's indentation, `- key: value` mappings in a sequence), `{}` and `[]`, plain scalars resolved
 * as yaml's default (core) schema does (`null`, `true`/`false`, decimal integers and decimals; any
 * other spelling of a null, boolean or number is left to yaml), and single-line double-quoted
 * strings with JSON's escapes. Everything else is left to yaml: comments, anchors, aliases, tags,
 * block and single-quoted scalars, flow collections with content, explicit keys, multi-line plain
 * scalars, document markers and directives, tabs, control characters, blank lines, keys that are
 * not plain strings (`1:`, `true:`, `<<`, `__proto__`) and duplicate keys (an error in yaml).
 * test/policy/block-yaml.test.ts compares both on every values text of the reference platform and
 * on generated hard cases.
 */

/** What `yaml.parse` would return for the text, or undefined when yaml itself must read it. */
export function readBlockYaml(text: string): unknown {
  if (FORBIDDEN.test(text)) return undefined;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return undefined;
  const parsed: Line[] = [];
  for (const raw of lines) {
    const content = stripSpaces(raw);
    if (content === '' || content.endsWith(' ')) return undefined; // blank line, trailing space
    parsed.push({ indent: raw.length - content.length, text: content });
  }
  try {
    const reader = new Reader(parsed);
    if (parsed[0].indent !== 0) return undefined;
    const value = reader.node(0, true);
    if (value === undefined || reader.pos !== parsed.length || value === null || typeof value !== 'object') return undefined;
    return value;
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

/**
 * Characters that never appear in the subset: tabs, CR, other control characters, BOM, NEL, LS/PS
 * and the other Unicode spaces (only ' ' indents or separates here).
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\x00-\x09\x0b-\x1f\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** Thrown inside the reader when the text is outside the subset. */
const OUTSIDE = new Error('outside the YAML subset the reader handles');

interface Line {
  readonly indent: number;
  readonly text: string;
}

/** Where a plain scalar must not start (YAML's indicators), and what ends or breaks one. */
const PLAIN_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
const PLAIN_BREAK = /: |:$| #/;
/** yaml's core schema: what reads as null, a boolean, a number (its own patterns). */
const CORE_NULL = /^(?:~|[Nn]ull|NULL)?$/;
const CORE_BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const CORE_NUMBER = /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/;
/** The numbers read here: JSON's integers and decimals (no exponent, no leading zero or plus). */
const PLAIN_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;
/** A double-quoted string whose escapes are all JSON's (yaml has more: left to yaml). */
const JSON_QUOTED = /^"(?:[^"\\]|\\["\\/bfnrt])*"$/;
/** A mapping key: double-quoted, or plain up to the first `: ` (or a `:` ending the line). */
const QUOTED_KEY = /^("(?:[^"\\]|\\["\\/bfnrt])*"):(?: |$)/;

class Reader {
  public pos = 0;

  public constructor(private readonly lines: Line[]) {}

  /**
   * The node whose first line is the current one, at exactly `indent`. `sameIndentSeq`: a sequence
   * may start here (a mapping value may be a sequence at the key's own indentation).
   */
  public node(indent: number, sameIndentSeq: boolean): unknown {
    const line = this.lines[this.pos];
    if (line.indent !== indent) throw OUTSIDE;
    if (isItem(line.text)) {
      if (!sameIndentSeq) throw OUTSIDE;
      return this.sequence(indent);
    }
    return this.mapping(indent);
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos];
      if (line.indent < indent || (line.indent === indent && !isItem(line.text))) break; // the enclosing mapping goes on
      if (line.indent > indent) throw OUTSIDE;
      if (line.text === '-') {
        this.pos++;
        out.push(this.nested(indent, false));
        continue;
      }
      // `- rest`: the rest is read as a line of its own at its column (a mapping or sequence starts there).
      const rest = stripSpaces(line.text.slice(1));
      const column = indent + (line.text.length - rest.length);
      const inner = { indent: column, text: rest };
      if (isItem(rest) || keyOf(rest) !== undefined) {
        this.lines[this.pos] = inner;
        out.push(this.node(column, true));
      } else {
        this.pos++;
        out.push(scalar(rest));
      }
    }
    return out;
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos];
      if (line.indent < indent) break;
      if (line.indent > indent) throw OUTSIDE;
      if (isItem(line.text)) break; // the sequence of an enclosing key at this indentation ends this mapping
      const key = keyOf(line.text);
      if (key === undefined || Object.prototype.hasOwnProperty.call(out, key.name)) throw OUTSIDE;
      this.pos++;
      out[key.name] = key.rest === '' ? this.nested(indent, true) : scalar(key.rest);
    }
    return out;
  }

  /** The value on the lines after `key:` or `-`: deeper lines, a sequence at the same indentation, or null. */
  private nested(indent: number, sameIndentSeq: boolean): unknown {
    const next = this.lines[this.pos];
    if (next === undefined || next.indent < indent) return null;
    if (next.indent === indent) return sameIndentSeq && isItem(next.text) ? this.sequence(indent) : null;
    return this.node(next.indent, true);
  }
}

function stripSpaces(s: string): string {
  let i = 0;
  while (s.charCodeAt(i) === 32) i++;
  return s.slice(i);
}

function isItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** The key of a `key: value` line and the rest of the line, or undefined if it is not one. */
function keyOf(text: string): { name: string; rest: string } | undefined {
  let name: string;
  let rest: string;
  if (text.startsWith('"')) {
    const m = QUOTED_KEY.exec(text);
    if (!m) return undefined; // a double-quoted scalar (or outside the subset: the scalar says)
    name = JSON.parse(m[1]) as string;
    rest = text.slice(m[0].length);
  } else {
    const colon = text.search(/: |:$/);
    if (colon < 0) return undefined;
    name = text.slice(0, colon);
    // A plain key that yaml would read as another type, or with spaces yaml trims.
    if (!isPlainString(name) || name.endsWith(' ')) throw OUTSIDE;
    rest = text.slice(colon + 1);
  }
  // A merge key, and a key that would set the object's prototype.
  if (name === '<<' || name === '__proto__') throw OUTSIDE;
  return { name, rest: stripSpaces(rest) };
}

/** True for a plain scalar that yaml's core schema reads as a string. */
function isPlainString(s: string): boolean {
  return s !== '' && !PLAIN_START.test(s) && !PLAIN_BREAK.test(s) && !CORE_NULL.test(s) && !CORE_BOOL.test(s) && !CORE_NUMBER.test(s);
}

/** A scalar value on one line (after `key: ` or `- `). */
function scalar(s: string): unknown {
  if (s === '{}') return {};
  if (s === '[]') return [];
  if (s.startsWith('"')) {
    if (!JSON_QUOTED.test(s)) throw OUTSIDE;
    return JSON.parse(s) as string;
  }
  if (s === 'null') return null;
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (PLAIN_NUMBER.test(s)) {
    const n = Number(s);
    if (!Number.isSafeInteger(n) && !s.includes('.')) throw OUTSIDE; // yaml's integers beyond 2^53
    return n;
  }
  if (!isPlainString(s)) throw OUTSIDE;
  return s;
}
