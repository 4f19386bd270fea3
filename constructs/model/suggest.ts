/* Names for messages: the closest of a misspelt name, and lists. Plain TypeScript (the library and the policy engine use it). */

/** Levenshtein distance, case-insensitive. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const prev = new Array<number>(t.length + 1);
  for (let j = 0; j <= t.length; j++) prev[j] = j;
  for (let i = 1; i <= s.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (s[i - 1] === t[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[t.length];
}

/**
 * The candidate closest to a misspelt name: same name in another case, a candidate containing it
 * (`password` → `redisPassword`), or one within a small edit distance. Undefined if none is close.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    let score: number;
    if (cl === lower) score = 0;
    else if (lower.length >= 4 && (cl.includes(lower) || lower.includes(cl))) score = 1 + Math.abs(cl.length - lower.length) / 100;
    else {
      const d = distance(name, c);
      if (d > Math.max(2, Math.floor(Math.max(name.length, c.length) / 4))) continue;
      score = 2 + d;
    }
    if (score < bestScore || (score === bestScore && best !== undefined && c < best)) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** `" (did you mean 'x'?)"` or an empty string. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closest(name, candidates);
  return c === undefined ? '' : ` (did you mean '${c}'?)`;
}

/** A list of names for a message: `'a', 'b' and 'c'`. */
export function quoteList(names: readonly string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}
