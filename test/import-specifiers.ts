/** Every module specifier a TypeScript source imports or re-exports (static imports, `import type` included). */
export function specifiers(source: string): string[] {
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/g)].map((m) => m[1]);
}
