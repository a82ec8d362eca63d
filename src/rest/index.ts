import { auditRoutes } from './audit-routes.js';
import { clientRoutes } from './client-routes.js';
import { docsRoutes } from './docs-routes.js';
import { keyRoutes } from './key-routes.js';
import { policyRoutes } from './policy-routes.js';
import type { Route } from './routes.js';
import { tokenRoutes } from './token-routes.js';
import { wellKnownRoutes } from './well-known-routes.js';

/** Every route the OpenAPI document describes. */
export const apiRoutes: readonly Route[] = [
  ...tokenRoutes,
  ...clientRoutes,
  ...auditRoutes,
  ...keyRoutes,
  ...policyRoutes,
  ...wellKnownRoutes,
];

/** What the shim serves: the API, its document and the docs UI. */
export const restRoutes: readonly Route[] = [...apiRoutes, ...docsRoutes(apiRoutes)];

export { buildOpenApi } from './openapi.js';
export { REST_API_VERSION } from './docs-routes.js';
export { errorResponse } from './errors.js';
export { json, MAX_BODY_BYTES } from './http.js';
export { useRest, type RestOptions, type Route } from './plugin.js';
// The wire shapes of the bodies the operator CLI reads: derived from the functions that write them.
export type { AuditEventBody } from './audit-routes.js';
export type { ClientBody, CredentialsBody } from './client-routes.js';
export type { KeyBody, RotationBody } from './key-routes.js';
