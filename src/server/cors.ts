/** What yoga's CORS plugin takes per request (@whatwg-node/server's CORSOptions, which yoga does not re-export). */
type CorsAnswer =
  | false
  | { origin: string[]; credentials: boolean; methods: string[]; allowedHeaders: string[]; exposedHeaders: string[] };

/**
 * yoga's `cors` option for the configured origins, decided per request; off when none are configured.
 *
 * yoga's fixed options are too generous: with two or more origins it answers an unlisted one with
 * `Access-Control-Allow-Origin: null`, which a sandboxed frame or a file:// page (whose Origin is `null`) matches;
 * with one origin it names that origin to every caller; and it always allows credentials. Here a listed origin is
 * named back, anything else gets no CORS headers at all, and credentials are never allowed: the API takes bearer
 * tokens, not cookies. (`null` can never be listed: the config accepts only scheme://host[:port].)
 */
export function corsPolicy(origins: readonly string[]): ((request: Request) => CorsAnswer) | false {
  if (origins.length === 0) return false;
  const listed = new Set(origins);
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !listed.has(origin)) return false;
    return {
      // For '*' yoga echoes the request's Origin and adds Vary: Origin; only a listed origin gets this far.
      origin: ['*'],
      credentials: false,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      exposedHeaders: ['X-Request-Id', 'Retry-After'],
    };
  };
}
