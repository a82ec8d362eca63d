import type { Plugin } from 'graphql-yoga';

/** JSON answers load nothing and may not be framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/** GraphiQL is one page of inline script and style, with Monaco's workers from blob: URLs. */
const GRAPHIQL_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** Swagger UI loads its own script and CSS from /docs; it injects styles and data: images. */
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** `useSecurityHeaders`: on every response, nosniff, no referrer, and a CSP that still lets GraphiQL and /docs work offline. */
export function useSecurityHeaders(): Plugin {
  return {
    onResponse({ request, response }) {
      const { pathname } = new URL(request.url);
      const html = response.headers.get('content-type')?.startsWith('text/html') ?? false;
      response.headers.set('X-Content-Type-Options', 'nosniff');
      response.headers.set('Referrer-Policy', 'no-referrer');
      response.headers.set(
        'Content-Security-Policy',
        html
          ? pathname.startsWith('/docs')
            ? DOCS_CSP
            : GRAPHIQL_CSP
          : pathname.startsWith('/docs/')
            ? DOCS_CSP
            : API_CSP,
      );
    },
  };
}
