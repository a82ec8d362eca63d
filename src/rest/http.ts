import { Response as YogaResponse } from '@whatwg-node/fetch';
import { hasNulCharacter, isNestedDeeperThan, ValidationError } from '../core/index.js';

/** Bodies above this are refused with 413 before anything parses them (the server's body limit). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Headers every token-endpoint answer carries, success or error (RFC 6749 §5.1). */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/**
 * A JSON response. Built with the Response class yoga itself uses (@whatwg-node's), which yoga writes to the socket
 * as it is; a global (undici) Response would be read back through a web stream first (ESLint forbids it in src/).
 */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new YogaResponse(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/**
 * An instant as Fides writes it: ISO 8601 in UTC with an explicit `+00:00` offset, which Python's
 * `datetime.fromisoformat` and JavaScript's `Date.parse` both read.
 */
export function isoUtc(date: Date): string {
  return date.toISOString().replace(/Z$/, '+00:00');
}

/**
 * Reads a JSON body the way FastAPI does for Fides: an empty body is `undefined`; invalid JSON is a 422 whose
 * detail points at the body.
 */
export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError([{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }]);
  }
  if (hasNulCharacter(value)) {
    throw new ValidationError([{ loc: ['body'], msg: 'Input must not contain NUL characters', type: 'string_nul' }]);
  }
  if (isNestedDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new ValidationError([
      { loc: ['body'], msg: `JSON nested more than ${MAX_JSON_DEPTH} levels deep`, type: 'json_too_deep' },
    ]);
  }
  return value;
}

/** No body we take nests deeper than a few levels; deeper is refused before any code walks it. */
const MAX_JSON_DEPTH = 32;
