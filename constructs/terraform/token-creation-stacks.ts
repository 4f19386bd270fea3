/**
 * cdktf 0.21 gives every token it makes (each attribute reference, `dependsOn` entry and provider
 * output list: ~125 per stack of ours) a `creationStack`, for the message of a token that fails to
 * resolve ("Object creation stack: at ..."). It captures the stack with an unlimited
 * `Error.stackTraceLimit` and formats it into lines at once; the formatting is most of the cost
 * (~2% of `npm run synth`), and a synth that resolves every token never reads one. `new App({
 * stackTraces: false })` does not change that: in 0.21.0 it only drops the stack of annotations
 * (`Annotations.of(c).addWarning()`), which we do not add; tokens capture theirs regardless.
 *
 * deferTokenCreationStacks() replaces cdktf's private `captureStackTrace` with one that captures the
 * same frames at the same moment and formats them when something first reads the array (its
 * length, an element, `join`...), so the messages stay exactly as they were.
 */

/** cdktf's module (private; its function is looked up at each call, so replacing the export takes effect). */
interface StackTraceModule {
  captureStackTrace: (below?: (...args: any[]) => unknown) => string[];
}

const DEFERRED = Symbol.for('@dapr-platform/deferred-creation-stack');

/**
 * Makes cdktf format token creation stacks only when one is read; idempotent. Returns false (and
 * changes nothing) when the installed cdktf does not have the function this replaces.
 */
export function deferTokenCreationStacks(): boolean {
  let mod: StackTraceModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('cdktf/lib/tokens/private/stack-trace') as StackTraceModule;
  } catch {
    return false;
  }
  const current = mod.captureStackTrace as StackTraceModule['captureStackTrace'] & { [DEFERRED]?: boolean };
  if (typeof current !== 'function') return false;
  if (current[DEFERRED]) return true;
  const deferred = function captureStackTrace(below?: (...args: any[]) => unknown): string[] {
    // As cdktf's own: the frames below `below` (by default: the caller's and up), every one of them.
    const holder: { stack: string } = { stack: '' };
    const limit = Error.stackTraceLimit;
    try {
      Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
      Error.captureStackTrace(holder, below ?? deferred);
    } finally {
      Error.stackTraceLimit = limit;
    }
    return lazyLines(holder);
  };
  Object.defineProperty(deferred, DEFERRED, { value: true });
  mod.captureStackTrace = deferred;
  return true;
}

/**
 * The lines cdktf makes of a captured stack (`at ` stripped, the first line dropped), as an array
 * filled on first use: a Proxy whose target is that very array, so it behaves as one in every way.
 */
function lazyLines(holder: { stack: string }): string[] {
  const lines: string[] = [];
  let filled = false;
  const fill = (): string[] => {
    if (!filled) {
      filled = true;
      if (holder.stack) lines.push(...holder.stack.split('\n').slice(1).map((s) => s.replace(/^\s*at\s+/, '')));
    }
    return lines;
  };
  return new Proxy(lines, {
    get: (_t, p) => Reflect.get(fill(), p),
    set: (_t, p, v) => Reflect.set(fill(), p, v),
    has: (_t, p) => Reflect.has(fill(), p),
    ownKeys: () => Reflect.ownKeys(fill()),
    getOwnPropertyDescriptor: (_t, p) => Reflect.getOwnPropertyDescriptor(fill(), p),
    defineProperty: (_t, p, d) => Reflect.defineProperty(fill(), p, d),
    deleteProperty: (_t, p) => Reflect.deleteProperty(fill(), p),
  });
}
