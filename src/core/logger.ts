import { DriverException } from '@mikro-orm/core';

/**
 * The logging the domain and its transports need: pino's call shape, so the composition root passes a pino
 * logger and tests pass a recorder. Never give it a secret or a whole token.
 */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const QUOTES_SQL = /\b(select\s[\s\S]*\sfrom|insert\s+into|update\s+\S+\s+set|delete\s+from)\b/i;

/**
 * What of an unexpected error may be logged: its kind and code, and its message unless it comes from the
 * database (whose messages quote SQL and values). Never the stack: a log line must be safe to share.
 */
export function safeErrorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: typeof error };
  const code = (error as { code?: unknown }).code;
  // knex prefixes a failed raw query's message with the query itself, on errors that carry no other mark.
  const fromDatabase =
    error instanceof DriverException ||
    'sql' in error ||
    'query' in error ||
    'routine' in error ||
    QUOTES_SQL.test(error.message);
  return {
    error: error.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(fromDatabase ? {} : { message: error.message.slice(0, 300) }),
  };
}
