import { describe, expect, it, vi } from 'vitest';
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
import { ROOT, startTestApp } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/use-test-app.js';

// Fides' own endpoint tests for the client routes, re-expressed: same inputs, same expected statuses.
const t = useTestApp();

const NOT_FOUND = { detail: 'No client found with that id' };

const json = (method: string, path: string, token: string | null, body?: unknown) =>
  callJson(t.app, method, path, token, body);

async function rootGrant(): Promise<{ scope: string }> {
  const response = await postToken(t.app, {
    grant_type: 'client_credentials',
    client_id: ROOT.clientId,
    client_secret: ROOT.clientSecret,
  });
  return (await response.json()) as { scope: string };
}

async function expiredToken(scopes: string[]): Promise<string> {
  const { token } = await clientWithToken(t.app, scopes, { creator: t.root });
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + 11520 * 60 * 1000 + 1000);
  return token;
}

describe('create client (Fides test_oauth_client: create)', () => {
  it('not authenticated → 401', async () => {
    expect((await json('POST', '/api/v1/oauth/client', null, [])).status).toBe(401);
  });
  it('wrong scope → 403', async () => {
    const { token } = await clientWithToken(t.app, ['client:read'], { creator: t.root });
    expect((await json('POST', '/api/v1/oauth/client', token, [])).status).toBe(403);
  });
  it('expired token → 401', async () => {
    const token = await expiredToken(['client:create']);
    try {
      const response = await json('POST', '/api/v1/oauth/client', token, []);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('list and get clients', () => {
  it('lists newest first, paginated, without secrets', async () => {
    const fresh = await startTestApp();
    try {
      const token = await rootToken(fresh);
      const ids: string[] = [];
      for (const name of ['a', 'b', 'c']) {
        const response = await fresh.fetch('/api/v1/oauth/client', {
          method: 'POST',
          headers: { ...bearer(token), 'Content-Type': 'application/json' },
          body: JSON.stringify({ scopes: ['policy:read'], name }),
        });
        ids.push(((await response.json()) as { client_id: string }).client_id);
      }
      const first = await fresh.fetch('/api/v1/oauth/client?page=1&size=2', { headers: bearer(token) });
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({
        items: [
          { client_id: ids[2], name: 'c', description: null, scopes: ['policy:read'], roles: [] },
          { client_id: ids[1], name: 'b', description: null, scopes: ['policy:read'], roles: [] },
        ],
        total: 3,
        page: 1,
        size: 2,
        pages: 2,
      });
      const last = await fresh.fetch('/api/v1/oauth/client?page=2&size=2', { headers: bearer(token) });
      expect(await last.json()).toMatchObject({
        items: [{ client_id: ids[0], name: 'a' }],
        total: 3,
        page: 2,
        pages: 2,
      });
      const beyond = await fresh.fetch('/api/v1/oauth/client?page=9', { headers: bearer(token) });
      expect(await beyond.json()).toEqual({ items: [], total: 3, page: 9, size: 50, pages: 1 });
    } finally {
      await fresh.close();
    }
  });

  it.each([
    [
      'size=0',
      [{ loc: ['query', 'size'], msg: 'Input should be greater than or equal to 1', type: 'greater_than_equal' }],
    ],
    [
      'size=101',
      [{ loc: ['query', 'size'], msg: 'Input should be less than or equal to 100', type: 'less_than_equal' }],
    ],
    [
      'page=0',
      [{ loc: ['query', 'page'], msg: 'Input should be greater than or equal to 1', type: 'greater_than_equal' }],
    ],
    [
      'page=x',
      [
        {
          loc: ['query', 'page'],
          msg: 'Input should be a valid integer, unable to parse string as an integer',
          type: 'int_parsing',
        },
      ],
    ],
  ])('rejects %s with 422', async (query, detail) => {
    const response = await t.app.fetch(`/api/v1/oauth/client?${query}`, { headers: bearer(t.root) });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ detail });
  });

  it('gets one client, and 404 for an unknown id', async () => {
    const created = await createClientWith(t.app, ['rule:read'], t.root);
    const response = await t.app.fetch(`/api/v1/oauth/client/${created.client_id}`, { headers: bearer(t.root) });
    expect(await response.json()).toEqual({
      client_id: created.client_id,
      name: null,
      description: null,
      scopes: ['rule:read'],
      roles: [],
    });
    const missing = await t.app.fetch('/api/v1/oauth/client/nope', { headers: bearer(t.root) });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual(NOT_FOUND);
  });

  it('needs client:read', async () => {
    const { token } = await clientWithToken(t.app, ['client:create'], { creator: t.root });
    const response = await t.app.fetch('/api/v1/oauth/client', { headers: bearer(token) });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      detail: 'Not Authorized for this action. Required scope(s): [client:read]',
    });
  });
});

describe('client scopes (Fides: get and set client scopes)', () => {
  it('get: not authenticated 401, wrong scope 403, unknown client []', async () => {
    const created = await createClientWith(t.app, ['policy:read', 'rule:read'], t.root);
    expect((await t.app.fetch(`/api/v1/oauth/client/${created.client_id}/scope`)).status).toBe(401);
    const { token } = await clientWithToken(t.app, ['client:update'], { creator: t.root });
    expect(
      (await t.app.fetch(`/api/v1/oauth/client/${created.client_id}/scope`, { headers: bearer(token) })).status,
    ).toBe(403);
    const unknown = await t.app.fetch('/api/v1/oauth/client/unknown/scope', { headers: bearer(t.root) });
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toEqual([]);
    const known = await t.app.fetch(`/api/v1/oauth/client/${created.client_id}/scope`, { headers: bearer(t.root) });
    expect(await known.json()).toEqual(['policy:read', 'rule:read']);
  });

  it('set: not authenticated 401, wrong scope 403, invalid scope 422, unknown client 200 null, then 200 null', async () => {
    const created = await createClientWith(t.app, ['policy:read'], t.root);
    const path = `/api/v1/oauth/client/${created.client_id}/scope`;
    expect((await json('PUT', path, null, ['rule:read'])).status).toBe(401);
    const { token } = await clientWithToken(t.app, ['client:read'], { creator: t.root });
    expect((await json('PUT', path, token, ['rule:read'])).status).toBe(403);
    expect((await json('PUT', path, t.root, ['no:such-scope'])).status).toBe(422);
    // Fides: an unknown id is no error and nothing is done, before the scopes are even checked; the root's likewise.
    for (const [id, scopes] of [
      ['unknown', ['rule:read']],
      ['unknown', ['no:such-scope']],
      [ROOT.clientId, []],
    ] as const) {
      const unknown = await json('PUT', `/api/v1/oauth/client/${id}/scope`, t.root, scopes);
      expect(unknown.status).toBe(200);
      expect(await unknown.json()).toBeNull();
    }
    // Still a 422 for a body that is not a list of strings: its shape is checked first.
    expect((await json('PUT', '/api/v1/oauth/client/unknown/scope', t.root, { scopes: [] })).status).toBe(422);
    expect((await rootGrant()).scope.split(' ')).toHaveLength(130);

    const set = await json('PUT', path, t.root, ['rule:read', 'policy:read']);
    expect(set.status).toBe(200);
    expect(await set.json()).toBeNull();
    expect(await (await t.app.fetch(path, { headers: bearer(t.root) })).json()).toEqual(['rule:read', 'policy:read']);
  });

  it('narrowing applies at once to tokens already issued', async () => {
    const { client_id, token } = await clientWithToken(t.app, ['client:read', 'scope:read'], { creator: t.root });
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status).toBe(200);
    await json('PUT', `/api/v1/oauth/client/${client_id}/scope`, t.root, ['client:read']);
    const after = await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) });
    expect(after.status).toBe(403);
    // Widening again gives back only what the token was issued with.
    await json('PUT', `/api/v1/oauth/client/${client_id}/scope`, t.root, [
      'client:read',
      'scope:read',
      'client:create',
    ]);
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status).toBe(200);
    expect((await json('POST', '/api/v1/oauth/client', token, [])).status).toBe(403);
  });
});

describe('update client', () => {
  it('changes what is given and keeps the rest', async () => {
    const created = await createClientWith(t.app, ['policy:read'], t.root);
    const path = `/api/v1/oauth/client/${created.client_id}`;
    const named = await json('PUT', path, t.root, { name: 'reports', description: 'nightly' });
    expect(await named.json()).toEqual({
      client_id: created.client_id,
      name: 'reports',
      description: 'nightly',
      scopes: ['policy:read'],
      roles: [],
    });
    const scoped = await json('PUT', path, t.root, { scopes: ['rule:read'] });
    expect(await scoped.json()).toEqual({
      client_id: created.client_id,
      name: 'reports',
      description: 'nightly',
      scopes: ['rule:read'],
      roles: [],
    });
    const cleared = await json('PUT', path, t.root, { description: null });
    expect(await cleared.json()).toMatchObject({ description: null, name: 'reports' });
    expect((await json('PUT', '/api/v1/oauth/client/unknown', t.root, { name: 'x' })).status).toBe(404);
    expect(await (await json('PUT', path, t.root, [])).json()).toEqual({
      detail: [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }],
    });
  });
});

describe('client names (Fides: name must not be empty)', () => {
  const EMPTY_NAME = {
    detail: [{ loc: ['body', 'name'], msg: 'Value error, name must not be empty', type: 'value_error' }],
  };
  // Whitespace as Python's str.strip() sees it, which is what Fides checks: U+001F and U+0085 are blank there.
  const BLANK = ['', ' ', '\t\n\r', '\u3000\u00a0', '\u001f\u0085'];

  it.each(BLANK)('create refuses the name %j with 422, before looking at the scopes', async (name) => {
    const response = await json('POST', '/api/v1/oauth/client', t.root, { name, scopes: ['no:such-scope'] });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual(EMPTY_NAME);
  });

  it.each(BLANK)('update refuses the name %j with 422, even for an unknown id', async (name) => {
    const created = await createClientWith(t.app, [], t.root);
    const response = await json('PUT', `/api/v1/oauth/client/${created.client_id}`, t.root, { name });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual(EMPTY_NAME);
    const unknown = await json('PUT', '/api/v1/oauth/client/unknown', t.root, { name });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toEqual(EMPTY_NAME);
  });

  it('takes a name of a zero-width no-break space, which Python does not strip', async () => {
    const response = await json('POST', '/api/v1/oauth/client', t.root, { name: '\ufeff' });
    expect(response.status).toBe(200);
    expect(Object.keys(await response.json())).toEqual(['client_id', 'client_secret']);
  });

  it('update: a null name is left as it is (as Fides does), a null description is cleared', async () => {
    const created = await createClientWith(t.app, [], t.root);
    const path = `/api/v1/oauth/client/${created.client_id}`;
    await json('PUT', path, t.root, { name: 'reports', description: 'nightly' });
    const response = await json('PUT', path, t.root, { name: null, description: null });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      client_id: created.client_id,
      name: 'reports',
      description: null,
      scopes: [],
      roles: [],
    });
  });

  it('GraphQL: BAD_USER_INPUT on create and update, and a null name keeps the name', async () => {
    const created = await createClientWith(t.app, [], t.root);
    const create = await graphql(t.app, 'mutation { createClient(name: " ") { clientId } }', {}, bearer(t.root));
    expect(create.body).toEqual({
      data: null,
      errors: [
        {
          message: 'name: Value error, name must not be empty',
          locations: [{ line: 1, column: 12 }],
          path: ['createClient'],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    const update = await graphql(
      t.app,
      'mutation($id: ID!, $name: String) { updateClient(clientId: $id, name: $name) { name } }',
      { id: created.client_id, name: '' },
      bearer(t.root),
    );
    expect(update.body.errors?.map((error) => [error.message, error.extensions])).toEqual([
      ['name: Value error, name must not be empty', { code: 'BAD_USER_INPUT' }],
    ]);
    await json('PUT', `/api/v1/oauth/client/${created.client_id}`, t.root, { name: 'kept' });
    const kept = await graphql(
      t.app,
      'mutation($id: ID!) { updateClient(clientId: $id, name: null) { name } }',
      { id: created.client_id },
      bearer(t.root),
    );
    expect(kept.body).toEqual({ data: { updateClient: { name: 'kept' } } });
  });
});

describe('rotate secret', () => {
  it('stops the old secret, keeps issued tokens valid, and shows the new secret once', async () => {
    const { client_id, client_secret, token } = await clientWithToken(t.app, ['scope:read'], { creator: t.root });
    const response = await t.app.fetch(`/api/v1/oauth/client/${client_id}/secret`, {
      method: 'POST',
      headers: bearer(t.root),
    });
    expect(response.status).toBe(200);
    const rotated = (await response.json()) as { client_id: string; client_secret: string };
    expect(Object.keys(rotated).sort()).toEqual(['client_id', 'client_secret']);
    expect(rotated.client_id).toBe(client_id);
    expect(rotated.client_secret).not.toBe(client_secret);

    const old = await postToken(t.app, { grant_type: 'client_credentials', client_id, client_secret });
    expect(old.status).toBe(401);
    expect(
      (await postToken(t.app, { grant_type: 'client_credentials', client_id, client_secret: rotated.client_secret }))
        .status,
    ).toBe(200);
    expect((await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) })).status).toBe(200);
    expect(
      (await t.app.fetch('/api/v1/oauth/client/unknown/secret', { method: 'POST', headers: bearer(t.root) })).status,
    ).toBe(404);
  });
});

describe('delete client (Fides: delete client)', () => {
  it('an unknown id → 200 null', async () => {
    const response = await t.app.fetch('/api/v1/oauth/client/unknown', { method: 'DELETE', headers: bearer(t.root) });
    expect(response.status).toBe(200);
    expect(await response.json()).toBeNull();
  });

  it('a real one → 200 null, its tokens answer 401 at once and its secret stops working', async () => {
    const { client_id, client_secret, token } = await clientWithToken(t.app, ['scope:read'], { creator: t.root });
    const response = await t.app.fetch(`/api/v1/oauth/client/${client_id}`, {
      method: 'DELETE',
      headers: bearer(t.root),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toBeNull();
    const after = await t.app.fetch('/api/v1/oauth/scope', { headers: bearer(token) });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect((await postToken(t.app, { grant_type: 'client_credentials', client_id, client_secret })).status).toBe(401);
    expect((await t.app.fetch(`/api/v1/oauth/client/${client_id}`, { headers: bearer(t.root) })).status).toBe(404);
  });

  it('needs client:delete', async () => {
    const { token } = await clientWithToken(t.app, ['client:update'], { creator: t.root });
    expect((await t.app.fetch('/api/v1/oauth/client/x', { method: 'DELETE', headers: bearer(token) })).status).toBe(
      403,
    );
  });
});

describe('privilege escalation (Fides: test_oauth_escalation)', () => {
  it('create: blocked beyond the caller, allowed within, empty allowed, root grants anything', async () => {
    const { token } = await clientWithToken(t.app, ['client:create', 'policy:read'], { creator: t.root });
    const blocked = await json('POST', '/api/v1/oauth/client', token, ['policy:read', 'policy:delete']);
    expect(blocked.status).toBe(403);
    expect(await blocked.json()).toEqual({
      detail: 'Cannot assign scopes that you do not have. Missing scopes: [policy:delete]',
    });
    expect((await json('POST', '/api/v1/oauth/client', token, ['policy:read'])).status).toBe(200);
    expect((await json('POST', '/api/v1/oauth/client', token, [])).status).toBe(200);
    expect((await json('POST', '/api/v1/oauth/client', t.root, ['policy:delete', 'client:create'])).status).toBe(200);
  });

  it('set scopes and update: blocked beyond the caller, allowed within, empty allowed', async () => {
    const target = await createClientWith(t.app, ['policy:read'], t.root);
    const { token } = await clientWithToken(t.app, ['client:update', 'policy:read', 'rule:read'], { creator: t.root });
    const path = `/api/v1/oauth/client/${target.client_id}/scope`;
    const blocked = await json('PUT', path, token, ['rule:read', 'client:delete']);
    expect(blocked.status).toBe(403);
    expect(await blocked.json()).toEqual({
      detail: 'Cannot assign scopes that you do not have. Missing scopes: [client:delete]',
    });
    const viaUpdate = await json('PUT', `/api/v1/oauth/client/${target.client_id}`, token, {
      scopes: ['client:delete'],
    });
    expect(viaUpdate.status).toBe(403);
    expect((await json('PUT', path, token, ['rule:read'])).status).toBe(200);
    expect((await json('PUT', path, token, [])).status).toBe(200);
    expect((await json('PUT', path, t.root, ['client:delete'])).status).toBe(200);
  });
});

describe('the same operations in GraphQL', () => {
  it('manages a client end to end', async () => {
    const create = await graphql(
      t.app,
      'mutation { createClient(scopes: ["policy:read"], name: "g") { clientId clientSecret } }',
      {},
      bearer(t.root),
    );
    const { clientId } = create.body.data!.createClient as { clientId: string };

    const read = await graphql(
      t.app,
      'query($id: ID!) { client(clientId: $id) { clientId name scopes } missing: client(clientId: "nope") { clientId } }',
      { id: clientId },
      bearer(t.root),
    );
    expect(read.body).toEqual({ data: { client: { clientId, name: 'g', scopes: ['policy:read'] }, missing: null } });

    const update = await graphql(
      t.app,
      'mutation($id: ID!) { updateClient(clientId: $id, description: "d", scopes: ["rule:read"]) { name description scopes } }',
      { id: clientId },
      bearer(t.root),
    );
    expect(update.body).toEqual({ data: { updateClient: { name: 'g', description: 'd', scopes: ['rule:read'] } } });

    const set = await graphql(
      t.app,
      'mutation($id: ID!) { setClientScopes(clientId: $id, scopes: ["policy:read", "rule:read"]) { scopes } }',
      { id: clientId },
      bearer(t.root),
    );
    expect(set.body).toEqual({ data: { setClientScopes: { scopes: ['policy:read', 'rule:read'] } } });

    const rotate = await graphql(
      t.app,
      'mutation($id: ID!) { rotateClientSecret(clientId: $id) { clientId clientSecret } }',
      { id: clientId },
      bearer(t.root),
    );
    const rotated = rotate.body.data!.rotateClientSecret as { clientId: string; clientSecret: string };
    expect(rotated.clientId).toBe(clientId);
    await tokenFor(t.app, clientId, rotated.clientSecret);

    const list = await graphql(
      t.app,
      '{ clients(size: 1) { items { clientId } total page size pages } }',
      {},
      bearer(t.root),
    );
    expect(list.body.data!.clients).toMatchObject({ items: [{ clientId }], page: 1, size: 1 });

    const del = await graphql(
      t.app,
      'mutation($id: ID!) { deleteClient(clientId: $id) again: deleteClient(clientId: $id) }',
      { id: clientId },
      bearer(t.root),
    );
    expect(del.body).toEqual({ data: { deleteClient: true, again: false } });
  });

  it('answers NOT_FOUND, FORBIDDEN and BAD_USER_INPUT like REST', async () => {
    const missing = await graphql(
      t.app,
      'mutation { setClientScopes(clientId: "nope", scopes: []) { clientId } }',
      {},
      bearer(t.root),
    );
    expect(missing.body.errors?.[0]).toMatchObject({
      message: 'No client found with that id',
      extensions: { code: 'NOT_FOUND' },
    });

    const { token } = await clientWithToken(t.app, ['client:read'], { creator: t.root });
    const forbidden = await graphql(t.app, 'mutation { deleteClient(clientId: "x") }', {}, bearer(token));
    expect(forbidden.body.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN', requiredScopes: ['client:delete'] },
    });

    const size = await graphql(t.app, '{ clients(size: 500) { total } }', {}, bearer(t.root));
    expect(size.body).toEqual({
      data: { clients: null },
      errors: [
        {
          message: 'size: Input should be less than or equal to 100',
          locations: [{ line: 1, column: 3 }],
          path: ['clients'],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
  });
});
