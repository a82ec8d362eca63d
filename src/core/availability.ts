import { ConnectionException } from '@mikro-orm/core';
import { ServiceUnavailableError } from './errors.js';

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** How long a client is told to wait (`Retry-After`, REST and GraphQL) before retrying while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Whether an error means the database cannot be reached right now (down, restarting, pool exhausted), as opposed
 * to a bug: such requests answer 503 and may be retried.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof ConnectionException) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    // pg says `timeout expired`, and nothing else, when a new connection is not up within connectionTimeoutMillis
    // (a database that accepts and does not answer, or an event loop too busy to hear it).
    if (
      current.name === 'KnexTimeoutError' ||
      /Connection terminated|Timeout acquiring a connection|^timeout expired$/i.test(current.message)
    )
      return true;
    current = (current as { cause?: unknown; previous?: unknown }).previous ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

/** What an unreachable database answers, on REST and GraphQL alike: 503, retry after a few seconds. */
export function databaseUnavailable(): ServiceUnavailableError {
  return new ServiceUnavailableError(DATABASE_RETRY_AFTER_SECONDS, 'Service Unavailable');
}
