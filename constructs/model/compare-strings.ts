/**
 * Plain code-unit string comparison, for every sort whose order reaches the output.
 *
 * Not `localeCompare`: that orders by the collation of the machine's locale (LANG / LC_ALL), so
 * the same model would synthesize in another order elsewhere (e.g. 'aa' sorts after 'z' in Danish),
 * and its first call loads ICU's collator (a few milliseconds of every synth).
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
