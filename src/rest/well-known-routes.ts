import { json } from './http.js';
import type { Route } from './routes.js';

export const wellKnownRoutes: Route[] = [
  {
    method: 'GET',
    path: '/.well-known/jwks.json',
    // Public keys only; resource servers cache them, and a rotated-in key is published before it signs.
    handle: async ({ auth }) => json(200, auth.keys.jwks(), { 'Cache-Control': 'public, max-age=300' }),
  },
];
