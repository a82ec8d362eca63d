import type { Plugin } from 'graphql-yoga';

/**
 * `useNoStore`: every response to one of `paths` (exact) carries `Cache-Control: no-store`, errors and refusals
 * included. For `/graphql` (SPEC §9): any of its answers may hold a token or a secret, and which ones do is decided
 * by the operation, not the URL, so none may be kept by a browser or a proxy. The one exception is GraphiQL's page
 * (HTML: it holds no answer, only the 9 MB editor): `no-cache`, so a browser keeps it and revalidates it by ETag.
 */
export function useNoStore(options: { paths: readonly string[] }): Plugin {
  const paths = new Set(options.paths);
  return {
    onResponse({ request, response }) {
      if (!paths.has(new URL(request.url).pathname)) return;
      const page = response.headers.get('content-type')?.startsWith('text/html') ?? false;
      response.headers.set('Cache-Control', page ? 'no-cache' : 'no-store');
    },
  };
}
