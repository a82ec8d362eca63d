import { REQUIRED_SCOPES, type Operation } from '../access/index.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../core/index.js';

// Descriptions built from the tables that enforce them, so the schema's documentation cannot drift from the rules.

/** "Needs `a` and `b`", from the one table of which operation needs which scopes. */
export function needs(operation: Operation): string {
  return `Needs ${REQUIRED_SCOPES[operation].map((scope) => `\`${scope}\``).join(' and ')}`;
}

/** The page arguments' rule, from the pagination that checks them. */
export const PAGING = `\`page\` from 1, \`size\` 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`;
