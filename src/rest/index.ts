export { clientRoutes } from './client-routes.js';
export { useRest, type RestOptions, type Route } from './plugin.js';
export { tokenRoutes } from './token-routes.js';
export { wellKnownRoutes } from './well-known-routes.js';
