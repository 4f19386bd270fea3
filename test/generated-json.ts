/**
 * Seeded generators of JSON-like documents for the YAML tests: strings and keys built from the
 * characters and words YAML treats specially, nested up to four levels.
 */

/** Characters and words with a meaning in YAML (indicators, core-schema spellings, markers, breaks). */
export const YAML_PIECES = ['a', 'Z', '0', '1', '9', '.', '-', '?', ':', ' ', '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', '\t', '\n', '\\', '/', '=', '+', '~', 'e', 'E', 'x', 'o', 'true', 'False', 'NULL', 'null', '.inf', '.NaN', '0x1F', '0o17', '1e3', '---', '...', 'é', '😀', '\u0007', '\u0085', '\u2028', 'yes', 'on'];

/** A deterministic generator: `random()` in [0, 1), strings of up to four pieces, values of the given scalars, arrays and objects. */
export function jsonGenerator(seed: number, pieces: readonly string[], scalars: (randomString: () => string) => unknown[]) {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const randomString = () => Array.from({ length: Math.floor(random() * 5) }, () => pick(pieces)).join('');
  const randomValue = (depth: number): unknown => {
    const r = random();
    if (depth > 3 || r < 0.45) return pick(scalars(randomString));
    if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [randomString(), randomValue(depth + 1)]));
  };
  return { random, randomString, randomValue };
}
