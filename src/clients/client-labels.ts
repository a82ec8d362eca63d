import { isBlank, ValidationError, type ValidationIssue } from '../core/index.js';

/** A client's human-readable labels. */
export interface ClientLabels {
  readonly name?: string | null | undefined;
  readonly description?: string | null | undefined;
}

export const NAME_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 2000;

/**
 * 422 for a name that is empty or only whitespace (as Fides refuses it, in Fides' words) and for labels over their
 * length limits. A null name is no name, not an empty one.
 */
export function checkClientLabels(input: ClientLabels): void {
  const issues: ValidationIssue[] = [];
  if (typeof input.name === 'string' && isBlank(input.name)) {
    issues.push({ loc: ['name'], msg: 'Value error, name must not be empty', type: 'value_error' });
  }
  for (const [field, max] of [
    ['name', NAME_MAX_LENGTH],
    ['description', DESCRIPTION_MAX_LENGTH],
  ] as const) {
    const value = input[field];
    if (value && value.length > max) {
      issues.push({ loc: [field], msg: `String should have at most ${max} characters`, type: 'string_too_long' });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
}
