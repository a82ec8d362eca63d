import { GraphQLError } from 'graphql';
import { InvalidTokenError, principalFromAuthorization, type AuthEnv, type Logger, type Principal } from '../auth/index.js';

/** Per request: the domain environment (with its own `em` fork) and the verified caller, if any. */
export interface GraphQLContext {
  readonly auth: AuthEnv;
  readonly principal: Principal | null;
}

/**
 * Builds each request's context. A bearer token that fails verification rejects the whole request with HTTP 401,
 * before any field runs; no token at all is an anonymous caller.
 */
export function createContextFactory(authEnv: (request: Request) => AuthEnv, log: Logger, requestId: (request: Request) => string) {
  return async ({ request }: { request: Request }): Promise<GraphQLContext> => {
    const auth = authEnv(request);
    try {
      return { auth, principal: await principalFromAuthorization(auth, request.headers.get('authorization')) };
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      log.info({ requestId: requestId(request), reason: error.reason }, 'bearer token rejected');
      throw new GraphQLError(error.message, {
        extensions: {
          code: error.code,
          http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } },
        },
      });
    }
  };
}
