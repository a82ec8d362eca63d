import { GraphQLError, Kind } from 'graphql';
import { builder } from '../builder.js';

/** An RFC 3339 timestamp in UTC, e.g. `2026-11-28T17:00:00.000Z`. */
builder.scalarType('DateTime', {
  description: 'An RFC 3339 timestamp in UTC, such as 2026-11-28T17:00:00.000Z.',
  serialize: (value) => (value as Date).toISOString(),
  parseValue: (value) => parseDate(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING)
      throw new GraphQLError('DateTime must be a string', { extensions: { code: 'BAD_USER_INPUT' } });
    return parseDate(ast.value);
  },
});

function parseDate(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError('DateTime must be an RFC 3339 timestamp', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return date;
}
