import { Response as YogaResponse } from '@whatwg-node/fetch';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { json } from './http.js';
import { buildOpenApi } from './openapi.js';
import type { Route } from './routes.js';

/** The version of the REST API the document describes (its paths live under /api/v1). */
export const REST_API_VERSION = '1.0.0';

const swaggerPackage = createRequire(import.meta.url).resolve('swagger-ui-dist/package.json');
const swaggerDir = dirname(swaggerPackage);
/** Swagger UI's assets live under their version, so a new version is a new URL and each may be cached for good. */
const ASSETS = `/docs/${(JSON.parse(readFileSync(swaggerPackage, 'utf8')) as { version: string }).version}`;

/** Swagger UI's files, read from the installed package on first use: no CDN, so /docs works offline. */
function asset(file: string, type: string): Route['handle'] {
  let body: Buffer | undefined;
  return async () => {
    body ??= readFileSync(join(swaggerDir, file));
    return new YogaResponse(new Uint8Array(body), {
      status: 200,
      headers: { 'Content-Type': type, 'Cache-Control': 'public, max-age=31536000, immutable' },
    });
  };
}

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Gatehouse REST API</title>
    <link rel="stylesheet" href="${ASSETS}/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${ASSETS}/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

// Kept out of the page so a strict Content-Security-Policy (no inline script) still lets it run.
const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });
});
`;

/** `/docs` (Swagger UI, with an Authorize button for the bearer token) and `/openapi.json` for `documented`. */
export function docsRoutes(documented: readonly Route[]): Route[] {
  const document = buildOpenApi(documented, REST_API_VERSION);
  const text =
    (body: string, type: string): Route['handle'] =>
    async () =>
      new YogaResponse(body, { status: 200, headers: { 'Content-Type': type } });
  return [
    { method: 'GET', path: '/openapi.json', handle: async () => json(200, document) },
    { method: 'GET', path: '/docs', handle: text(PAGE, 'text/html; charset=utf-8') },
    { method: 'GET', path: '/docs/init.js', handle: text(INIT, 'text/javascript; charset=utf-8') },
    { method: 'GET', path: `${ASSETS}/swagger-ui.css`, handle: asset('swagger-ui.css', 'text/css; charset=utf-8') },
    {
      method: 'GET',
      path: `${ASSETS}/swagger-ui-bundle.js`,
      handle: asset('swagger-ui-bundle.js', 'text/javascript; charset=utf-8'),
    },
  ];
}
