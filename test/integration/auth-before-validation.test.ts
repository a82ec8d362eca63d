import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../src/rest/index.js';
import { bearer, clientWithToken } from '../helpers/oauth.js';
import { useTestApp } from '../helpers/use-test-app.js';

// Fides' TestCreatePolicies/TestCreateRules `*_unauthenticated` and `*_wrong_scope` send `{}`: a caller that may not
// call a route learns nothing about its body. Every bearer-protected route of the real route table, with bodies that
// would otherwise be 422s.
const t = useTestApp();
let nobody: string;

beforeAll(async () => {
  nobody = (await clientWithToken(t.app, [], { creator: t.root })).token;
});

const protectedRoutes = apiRoutes.flatMap((route) => {
  const auth = route.doc?.auth;
  return typeof auth === 'object'
    ? [
        {
          method: route.method,
          path: route.path.replace(/\{\w+\}/g, 'some_key'),
          scopes: auth.bearer,
          rootOnly: auth.rootOnly === true,
        },
      ]
    : [];
});

describe('authentication and scopes before the body', () => {
  it('covers every bearer-protected route', () => {
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(18);
  });

  for (const { method, path, scopes, rootOnly } of protectedRoutes) {
    const send = (headers: Record<string, string>, body: string) =>
      t.app.fetch(`${path}?page=0`, {
        method,
        headers: { 'Content-Type': 'application/json', ...headers },
        ...(method === 'GET' || method === 'DELETE' ? {} : { body }),
      });

    it(`${method} ${path}: 401, then 403, whatever the body`, async () => {
      for (const body of ['{}', '{"not": "json"', '[{"name": 5}]']) {
        const anonymous = await send({}, body);
        expect(anonymous.status).toBe(401);
        expect(await anonymous.json()).toEqual({
          detail: 'Authentication required: send a bearer access token in the Authorization header.',
        });
        const unscoped = await send(bearer(nobody), body);
        expect(unscoped.status).toBe(403);
        expect(await unscoped.json()).toEqual({
          detail: rootOnly
            ? 'Only the root client may manage the signing keys.'
            : `Not Authorized for this action. Required scope(s): [${scopes.join(', ')}]`,
        });
      }
    });
  }
});
