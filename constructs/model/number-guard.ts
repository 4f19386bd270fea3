/**
 * A number prop as synth sees it at run time. Synth runs the TypeScript transpile-only (type
 * checking is `npm run typecheck` / `npm test` / CI), so a value the compiler would have refused,
 * such as the string '8080' for a port, reaches the construct: it gets an error of its own instead
 * of a range message that reads as if the number were wrong.
 * @param what the construct, as errors name it
 * @param name the prop
 * @returns the error, or undefined when the value is a number
 */
export function notANumber(what: string, name: string, value: unknown): string | undefined {
  if (typeof value === 'number') return undefined;
  const asNumber = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  const fix = Number.isNaN(asNumber) ? `give ${name} a number` : `write ${name}: ${asNumber}, without quotes`;
  return `${what}: ${name} ${JSON.stringify(value) ?? String(value)} is a ${value === null ? 'null' : typeof value}, not a number: ${fix}.`;
}
