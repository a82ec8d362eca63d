export { oauthRoutes } from './oauth-routes.js';
export { useRest, type RestOptions, type Route } from './plugin.js';
export { wellKnownRoutes } from './well-known-routes.js';
