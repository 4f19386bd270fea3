/** Kubernetes resource quantities, parsed once for every plane (constructs, policy engine, summary). */

const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:[eE]([+-]?[0-9]+))?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;
const QUANTITY_FACTORS: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/**
 * A Kubernetes resource quantity (`512Mi`, `1G`, `250m`, `1e9`) as a number in base units
 * (bytes for memory, cores for CPU), or undefined if it is not a valid quantity.
 */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  const exponent = m[2] ? Number(m[2]) : 0;
  if (m[2] && m[3]) return undefined; // "1e3Mi" is not a quantity
  const value = base * 10 ** exponent * QUANTITY_FACTORS[m[3] ?? ''];
  return Number.isFinite(value) ? value : undefined;
}
