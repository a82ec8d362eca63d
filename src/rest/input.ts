import { ValidationError } from '../core/index.js';

// Shape checks for REST input, answered as FastAPI would for Fides: 422 with `{loc, msg, type}` per problem.

type Loc = (string | number)[];

export function stringList(value: unknown, loc: Loc): string[] {
  if (!Array.isArray(value))
    throw new ValidationError([{ loc, msg: 'Input should be a valid list', type: 'list_type' }]);
  const issues = value.flatMap((item, index) =>
    typeof item === 'string'
      ? []
      : [{ loc: [...loc, index], msg: 'Input should be a valid string', type: 'string_type' }],
  );
  if (issues.length > 0) throw new ValidationError(issues);
  return value as string[];
}

/** `undefined` when absent or null (a list left as it is, or none), else a list of strings. */
export function optionalStringList(value: unknown, loc: Loc): string[] | undefined {
  return value === undefined || value === null ? undefined : stringList(value, loc);
}

/** `undefined` when absent (leave as is), `null` when null (clear), else a string. */
export function optionalString(value: unknown, loc: Loc): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string')
    throw new ValidationError([{ loc, msg: 'Input should be a valid string', type: 'string_type' }]);
  return value;
}

export function jsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError([{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }]);
  }
  return body as Record<string, unknown>;
}

/** An optional integer query parameter. */
function queryInt(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d{1,15}$/.test(raw)) {
    throw new ValidationError([
      {
        loc: ['query', name],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        type: 'int_parsing',
      },
    ]);
  }
  return Number(raw);
}

/** The `page` and `size` query parameters of a list. */
export function pageQuery(url: URL): { page: number | undefined; size: number | undefined } {
  return { page: queryInt(url, 'page'), size: queryInt(url, 'size') };
}

/**
 * The domain names fields as they are; a REST 422 locates them in the request (`body` or `query`), as FastAPI does.
 */
export async function locatedIn<T>(where: 'body' | 'query', operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(error.issues.map((issue) => ({ ...issue, loc: [where, ...issue.loc] })));
  }
}
