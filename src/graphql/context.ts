import { toGraphQLError } from './errors.js';
import { type Principal } from '../access/index.js';
import { InvalidTokenError, type Logger } from '../core/index.js';
import { principalFromAuthorization, type AuthEnv } from '../tokens/index.js';

/** Per request: the domain environment (with its own `em` fork) and the verified caller, if any. */
export interface GraphQLContext {
  readonly auth: AuthEnv;
  readonly principal: Principal | null;
  /** Names the client that authenticated with its credentials (issueToken), for the access log. */
  identified(clientId: string): void;
}

/**
 * Builds each request's context. A bearer token that fails verification rejects the whole request with HTTP 401,
 * before any field runs; no token at all is an anonymous caller.
 */
export function createContextFactory(options: {
  authEnv: (request: Request) => AuthEnv;
  log: Logger;
  requestId: (request: Request) => string;
  /** Told who called, once a bearer token has verified or a client authenticated (for the access log). */
  onClient?: (request: Request, clientId: string) => void;
}) {
  const { authEnv, log, requestId } = options;
  return async ({ request }: { request: Request }): Promise<GraphQLContext> => {
    const auth = authEnv(request);
    try {
      const principal = await principalFromAuthorization(auth, request.headers.get('authorization'));
      const identified = (clientId: string) => options.onClient?.(request, clientId);
      if (principal) identified(principal.clientId);
      return { auth, principal, identified };
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      log.info({ requestId: requestId(request), reason: error.reason }, 'bearer token rejected');
      throw toGraphQLError(error, { wholeRequest: true });
    }
  };
}
