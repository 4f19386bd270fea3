import { IConstruct } from 'constructs';

/**
 * Runs every validation below a scope and returns all errors, each prefixed with the construct
 * path (`[path] message`), so one run shows all of them.
 */
export function validationErrors(scope: IConstruct): string[] {
  const errors: string[] = [];
  for (const c of scope.node.findAll()) {
    for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
  }
  return errors;
}

/** Throws one error listing every validation error below a scope, if there are any. */
export function assertValid(scope: IConstruct): void {
  const errors = validationErrors(scope);
  if (errors.length > 0) {
    throw new Error(`Validation failed with ${errors.length} error(s):\n  ${errors.join('\n  ')}`);
  }
}
