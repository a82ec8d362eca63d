import { beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  callJson,
  clientWithToken,
  createClientWith,
  graphql,
  postToken,
  rootToken,
  tokenFor,
} from '../helpers/oauth.js';
import { ROOT } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

// SPEC §9: a non-root caller may change, rotate, revoke or delete a client only when that client's scopes are all
// among the caller's effective scopes (token ∩ client). Every caller here is a real client with a real token.
const t = useTestApp();

interface Caller {
  readonly name: string;
  readonly token: string;
  /** What the caller may do: its effective scopes. */
  readonly effective: readonly string[];
}

const callers: Caller[] = [];
const TARGETS: Record<string, string[]> = {
  'no scopes': [],
  'policy:read': ['policy:read'],
  'more than any caller': ['policy:read', 'rule:read', 'client:create'],
};

beforeAll(async () => {
  const make = async (name: string, scopes: string[], narrowTo?: string) => {
    const { token } = await clientWithToken(t.app, scopes, { creator: t.root, scope: narrowTo });
    callers.push({ name, token, effective: narrowTo ? narrowTo.split(' ') : scopes });
  };
  await make('client:update only', ['client:update']);
  await make('update, delete, read and policy:read', ['client:update', 'client:delete', 'client:read', 'policy:read']);
  // A client that holds much, with a token narrowed to client:update: the token must not climb back.
  await make(
    'a token narrowed to client:update',
    ['client:update', 'client:delete', 'client:read', 'policy:read', 'rule:read'],
    'client:update',
  );
});

interface Operation {
  readonly name: string;
  readonly needs: string;
  rest(token: string, id: string): Promise<Response>;
  readonly restSuccess: number;
  readonly mutation: string;
}

const OPERATIONS: Operation[] = [
  {
    name: 'rename',
    needs: 'client:update',
    rest: (token, id) => callJson(t.app, 'PUT', `/api/v1/oauth/client/${id}`, token, { name: 'renamed' }),
    restSuccess: 200,
    mutation: 'mutation($id: ID!) { r: updateClient(clientId: $id, name: "renamed") { clientId } }',
  },
  {
    name: 'empty its scopes (PUT client)',
    needs: 'client:update',
    rest: (token, id) => callJson(t.app, 'PUT', `/api/v1/oauth/client/${id}`, token, { scopes: [] }),
    restSuccess: 200,
    mutation: 'mutation($id: ID!) { r: updateClient(clientId: $id, scopes: []) { clientId } }',
  },
  {
    name: 'set its scopes',
    needs: 'client:update',
    rest: (token, id) => callJson(t.app, 'PUT', `/api/v1/oauth/client/${id}/scope`, token, []),
    restSuccess: 200,
    mutation: 'mutation($id: ID!) { r: setClientScopes(clientId: $id, scopes: []) { clientId } }',
  },
  {
    name: 'rotate its secret',
    needs: 'client:update',
    rest: (token, id) => callJson(t.app, 'POST', `/api/v1/oauth/client/${id}/secret`, token),
    restSuccess: 200,
    mutation: 'mutation($id: ID!) { r: rotateClientSecret(clientId: $id) { clientId } }',
  },
  {
    name: 'revoke its tokens',
    needs: 'client:update',
    rest: (token, id) => callJson(t.app, 'POST', `/api/v1/oauth/client/${id}/revoke`, token),
    restSuccess: 200,
    mutation: 'mutation($id: ID!) { r: revokeClientTokens(clientId: $id) }',
  },
  {
    name: 'delete it',
    needs: 'client:delete',
    rest: (token, id) => callJson(t.app, 'DELETE', `/api/v1/oauth/client/${id}`, token),
    restSuccess: 200,
    mutation: 'mutation($id: ID!) { r: deleteClient(clientId: $id) }',
  },
];

type Expected = { allowed: true } | { allowed: false; message: string };

function expectedFor(caller: Caller, operation: Operation, target: readonly string[]): Expected {
  if (!caller.effective.includes(operation.needs)) {
    return { allowed: false, message: `Not Authorized for this action. Required scope(s): [${operation.needs}]` };
  }
  const missing = target.filter((scope) => !caller.effective.includes(scope));
  if (missing.length > 0) {
    return {
      allowed: false,
      message: `Cannot modify a client that holds scopes you do not have. Missing scopes: [${missing.join(', ')}]`,
    };
  }
  return { allowed: true };
}

/** The target's scopes as they are now, read with the root token. */
async function scopesNow(id: string): Promise<unknown> {
  return (await callJson(t.app, 'GET', `/api/v1/oauth/client/${id}/scope`, t.root)).json();
}

describe('least privilege on every write to a client', () => {
  it('holds for every caller, target and operation, on REST and GraphQL', async () => {
    let checked = 0;
    for (const caller of callers) {
      for (const [targetName, targetScopes] of Object.entries(TARGETS)) {
        for (const operation of OPERATIONS) {
          const expected = expectedFor(caller, operation, targetScopes);
          const label = `${caller.name} → ${operation.name} on a client holding ${targetName}`;

          const restTarget = await createClientWith(t.app, targetScopes, t.root);
          const response = await operation.rest(caller.token, restTarget.client_id);
          if (expected.allowed) {
            expect(response.status, label).toBe(operation.restSuccess);
          } else {
            expect(response.status, label).toBe(403);
            expect(await response.json(), label).toEqual({ detail: expected.message });
            // Nothing changed: the target keeps its scopes and its secret still works.
            expect(await scopesNow(restTarget.client_id), label).toEqual(targetScopes);
            expect((await postToken(t.app, { grant_type: 'client_credentials', ...restTarget })).status, label).toBe(
              200,
            );
          }

          const graphTarget = await createClientWith(t.app, targetScopes, t.root);
          const { status, body } = await graphql(
            t.app,
            operation.mutation,
            { id: graphTarget.client_id },
            bearer(caller.token),
          );
          expect(status, label).toBe(200);
          if (expected.allowed) {
            expect(body.errors, label).toBeUndefined();
          } else {
            expect(body.data, label).toBeNull();
            expect(body.errors?.[0], label).toMatchObject({
              message: expected.message,
              extensions: { code: 'FORBIDDEN' },
            });
            expect(await scopesNow(graphTarget.client_id), label).toEqual(targetScopes);
          }
          checked += 1;
        }
      }
    }
    expect(checked).toBe(callers.length * Object.keys(TARGETS).length * OPERATIONS.length);
  });

  it('stops a client:update holder from rotating a stronger client into its own hands', async () => {
    const [updater] = callers;
    const strong = await createClientWith(t.app, ['client:create', 'client:update', 'client:read'], t.root);
    const rotated = await callJson(t.app, 'POST', `/api/v1/oauth/client/${strong.client_id}/secret`, updater!.token);
    expect(rotated.status).toBe(403);
    expect(await rotated.json()).toEqual({
      detail: 'Cannot modify a client that holds scopes you do not have. Missing scopes: [client:create, client:read]',
    });
    // Its old secret still works: nothing was rotated.
    expect((await postToken(t.app, { grant_type: 'client_credentials', ...strong })).status).toBe(200);
  });

  it('stops a narrowed token from rotating its own client back to everything', async () => {
    const { token: narrowed, ...own } = await clientWithToken(t.app, ['client:update', 'client:read', 'policy:read'], {
      creator: t.root,
      scope: 'client:update',
    });
    const response = await callJson(t.app, 'POST', `/api/v1/oauth/client/${own.client_id}/secret`, narrowed);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      detail: 'Cannot modify a client that holds scopes you do not have. Missing scopes: [client:read, policy:read]',
    });
    // With every scope it holds, the client may rotate itself.
    const full = await tokenFor(t.app, own.client_id, own.client_secret);
    expect((await callJson(t.app, 'POST', `/api/v1/oauth/client/${own.client_id}/secret`, full)).status).toBe(200);
  });

  it('lets the root client change any client', async () => {
    const strong = await createClientWith(t.app, ['client:create', 'client:update', 'client:read'], t.root);
    expect((await callJson(t.app, 'POST', `/api/v1/oauth/client/${strong.client_id}/secret`, t.root)).status).toBe(200);
    expect((await callJson(t.app, 'DELETE', `/api/v1/oauth/client/${strong.client_id}`, t.root)).status).toBe(200);
  });
});

describe('what an update answers', () => {
  it('shows the client only to a caller that may read clients (REST: null details)', async () => {
    const [updater, reader] = callers;
    const target = await createClientWith(t.app, [], t.root);
    await callJson(t.app, 'PUT', `/api/v1/oauth/client/${target.client_id}`, t.root, {
      name: 'kept secret',
      description: 'by whom',
    });

    const blind = await callJson(t.app, 'PUT', `/api/v1/oauth/client/${target.client_id}`, updater!.token, {});
    expect(blind.status).toBe(200);
    expect(await blind.json()).toEqual({
      client_id: target.client_id,
      name: null,
      description: null,
      scopes: null,
      roles: null,
    });

    const seen = await callJson(t.app, 'PUT', `/api/v1/oauth/client/${target.client_id}`, reader!.token, {});
    expect(seen.status).toBe(200);
    expect(await seen.json()).toEqual({
      client_id: target.client_id,
      name: 'kept secret',
      description: 'by whom',
      scopes: [],
      roles: [],
    });
  });

  it('answers GraphQL details FORBIDDEN to a caller without client:read, and the id to anyone', async () => {
    const [updater, reader] = callers;
    const target = await createClientWith(t.app, [], t.root);
    const update = 'mutation($id: ID!) { updateClient(clientId: $id, description: "x") { clientId name scopes } }';
    const blind = await graphql(t.app, update, { id: target.client_id }, bearer(updater!.token));
    expect(blind.body.data).toBeNull();
    expect(blind.body.errors?.map((error) => [error.path, error.extensions])).toEqual([
      [['updateClient', 'name'], { code: 'FORBIDDEN', requiredScopes: ['client:read'] }],
      [['updateClient', 'scopes'], { code: 'FORBIDDEN', requiredScopes: ['client:read'] }],
    ]);
    const idOnly = await graphql(
      t.app,
      'mutation($id: ID!) { updateClient(clientId: $id, description: "y") { clientId } }',
      { id: target.client_id },
      bearer(updater!.token),
    );
    expect(idOnly.body).toEqual({ data: { updateClient: { clientId: target.client_id } } });
    const seen = await graphql(t.app, update, { id: target.client_id }, bearer(reader!.token));
    expect(seen.body).toEqual({ data: { updateClient: { clientId: target.client_id, name: null, scopes: [] } } });
  });

  it('shows a new client to its creator, who chose everything in it', async () => {
    const { token } = await clientWithToken(t.app, ['client:create', 'policy:read'], { creator: t.root });
    const { body } = await graphql(
      t.app,
      'mutation { createClient(scopes: ["policy:read"], name: "made") { client { name scopes } } }',
      {},
      bearer(token),
    );
    expect(body).toEqual({ data: { createClient: { client: { name: 'made', scopes: ['policy:read'] } } } });
  });
});

describe('the root client through the API', () => {
  it('cannot be read, changed, rotated, revoked or deleted', async () => {
    const id = encodeURIComponent(ROOT.clientId);
    const notFound = { detail: 'No client found with that id' };
    for (const [method, path, body] of [
      ['GET', `/api/v1/oauth/client/${id}`, undefined],
      ['PUT', `/api/v1/oauth/client/${id}`, { scopes: [] }],
      ['POST', `/api/v1/oauth/client/${id}/secret`, undefined],
      ['POST', `/api/v1/oauth/client/${id}/revoke`, undefined],
    ] as const) {
      const response = await callJson(t.app, method, path, t.root, body);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await response.json()).toEqual(notFound);
    }
    expect((await callJson(t.app, 'DELETE', `/api/v1/oauth/client/${id}`, t.root)).status).toBe(200);
    // Still the root, with its secret and every scope.
    const fresh = await rootToken(t.app);
    expect((await callJson(t.app, 'GET', '/api/v1/oauth/scope', fresh)).status).toBe(200);
  });
});
