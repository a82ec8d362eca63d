import { toGraphQLError } from './errors.js';
import { type Principal } from '../access/index.js';
import { InvalidTokenError, type Logger } from '../core/index.js';
import { principalFromAuthorization, type AuthEnv } from '../tokens/index.js';

/** Per request: the domain environment (with its own `em` fork) and the verified caller, if any. */
export interface GraphQLContext {
  readonly auth: AuthEnv;
  readonly principal: Principal | null;
}

/**
 * Builds each request's context. A bearer token that fails verification rejects the whole request with HTTP 401,
 * before any field runs; no token at all is an anonymous caller.
 */
export function createContextFactory(options: {
  authEnv: (request: Request) => AuthEnv;
  log: Logger;
  requestId: (request: Request) => string;
  /** Told who called, once a bearer token has verified (for the access log). */
  onClient?: (request: Request, clientId: string) => void;
}) {
  const { authEnv, log, requestId } = options;
  return async ({ request }: { request: Request }): Promise<GraphQLContext> => {
    const auth = authEnv(request);
    try {
      const principal = await principalFromAuthorization(auth, request.headers.get('authorization'));
      if (principal) options.onClient?.(request, principal.clientId);
      return { auth, principal };
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      log.info({ requestId: requestId(request), reason: error.reason }, 'bearer token rejected');
      throw toGraphQLError(error, { wholeRequest: true });
    }
  };
}
