import { ValidationError, type ValidationIssue } from '../core/index.js';

/** A client's human-readable labels. */
export interface ClientLabels {
  readonly name?: string | null | undefined;
  readonly description?: string | null | undefined;
}

export const NAME_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 2000;

/** 422 for labels over their length limits. */
export function checkClientLabels(input: ClientLabels): void {
  const issues: ValidationIssue[] = [];
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
